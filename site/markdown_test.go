package site

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// quadraticIDs is how headingIDs made ids before it remembered the next
// suffix: from -2 up, every time. The ids must stay exactly these, or
// every link to a repeated heading would break.
func quadraticIDs(headings []string) []string {
	used := map[string]bool{}
	for _, id := range reservedIDs {
		used[id] = true
	}
	var out []string
	for _, h := range headings {
		base := Slug(h)
		if base == "" {
			base = "avsnitt"
		}
		id := base
		for n := 2; used[id]; n++ {
			id = base + "-" + strconv.Itoa(n)
		}
		used[id] = true
		out = append(out, id)
	}
	return out
}

func generateIDs(ids *headingIDs, headings []string) []string {
	ids.reset()
	var out []string
	for _, h := range headings {
		out = append(out, string(ids.Generate([]byte(h), 0)))
	}
	return out
}

// TestHeadingIDs: ids are unique on the page, the same for the same
// headings, and a heading added further down never changes one above it.
func TestHeadingIDs(t *testing.T) {
	tests := []struct {
		headings []string
		want     string
	}{
		{[]string{"Frågor", "Frågor", "Frågor", "main", "???"}, "fragor fragor-2 fragor-3 main-2 avsnitt"},
		{[]string{"Avsnitt", "Avsnitt", "Avsnitt 1", "avsnitt-1"}, "avsnitt avsnitt-2 avsnitt-1 avsnitt-1-2"},
		// A heading whose own words are a suffix already given.
		{[]string{"Avsnitt", "Avsnitt", "Avsnitt 2", "Avsnitt"}, "avsnitt avsnitt-2 avsnitt-2-2 avsnitt-3"},
		// …or one that takes a suffix before a repeat needs it.
		{[]string{"Avsnitt 2", "Avsnitt", "Avsnitt", "Avsnitt"}, "avsnitt-2 avsnitt avsnitt-3 avsnitt-4"},
		{[]string{"Avsnitt", "Avsnitt", "Avsnitt 3", "Avsnitt", "Avsnitt"}, "avsnitt avsnitt-2 avsnitt-3 avsnitt-4 avsnitt-5"},
		{[]string{"???", "Avsnitt", "!!!"}, "avsnitt avsnitt-2 avsnitt-3"},
		{[]string{"Main", "main", "Top"}, "main-2 main-3 top-2"},
		{[]string{"Avsnitt 2 2", "Avsnitt 2", "Avsnitt 2", "Avsnitt", "Avsnitt"}, "avsnitt-2-2 avsnitt-2 avsnitt-2-3 avsnitt avsnitt-3"},
	}
	ids := newHeadingIDs()
	for _, tt := range tests {
		t.Run(strings.Join(tt.headings, ","), func(t *testing.T) {
			got := generateIDs(ids, tt.headings)
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got %q, want %q", strings.Join(got, " "), tt.want)
			}
			if old := quadraticIDs(tt.headings); !slices.Equal(got, old) {
				t.Errorf("got %q, but the ids were %q", got, old)
			}
			seen := map[string]bool{}
			for _, id := range got {
				if seen[id] || slices.Contains(reservedIDs, id) {
					t.Errorf("%q is not unique", id)
				}
				seen[id] = true
			}
			if again := generateIDs(ids, tt.headings); !slices.Equal(again, got) {
				t.Errorf("the same headings again: got %q, want %q", again, got)
			}
			for _, more := range []string{"Avsnitt", "Avsnitt 2", "Main", "Frågor"} {
				longer := generateIDs(ids, append(slices.Clone(tt.headings), more))
				if !slices.Equal(longer[:len(got)], got) {
					t.Errorf("with %q added below: got %q, want %q", more, longer[:len(got)], got)
				}
			}
		})
	}
}

// TestManyHeadingIDs: a page of many repeats and their lookalikes gets
// the ids it always got, after a large page too.
func TestManyHeadingIDs(t *testing.T) {
	var headings []string
	for i := range 3000 {
		headings = append(headings, "Avsnitt")
		if i%7 == 0 {
			headings = append(headings, "Avsnitt "+strconv.Itoa(i*2))
		}
	}
	ids := newHeadingIDs()
	if got, want := generateIDs(ids, headings), quadraticIDs(headings); !slices.Equal(got, want) {
		t.Errorf("the ids of %d headings differ from those they had", len(headings))
	}
	if got := generateIDs(ids, []string{"Avsnitt", "Avsnitt"}); !slices.Equal(got, []string{"avsnitt", "avsnitt-2"}) {
		t.Errorf("the next page: got %q, want [avsnitt avsnitt-2]", got)
	}
}
