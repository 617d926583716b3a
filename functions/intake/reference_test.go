package intake

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
)

// refFromIndexes builds a valid reference whose random characters are the
// given alphabet indexes, through the public API: bytes below 31 map to
// themselves.
func refFromIndexes(t *testing.T, idx ...byte) Reference {
	t.Helper()
	r, err := NewReference(bytes.NewReader(idx))
	if err != nil {
		t.Fatalf("NewReference(%v) error = %v", idx, err)
	}
	return r
}

// Expected check characters were computed by hand:
// "2345678" has indexes 0..6, Σ weight·index with weights 8..2 is
// 0+7+12+15+16+15+12 = 77 = 2·31+15, so the check is 31−15 = 16 = 'J'.
// "K7QM4XR" has indexes 17,5,21,18,2,28,22: 136+35+126+90+8+84+44 = 523 =
// 16·31+27, so the check is 4 = '6'.
// "ZZZZZZZ": 30·(8+7+…+2) = 30·35 = 1050 = 33·31+27, so the check is 4 = '6'.
func TestNewReferenceDeterministic(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		want     Reference
		leftOver int
	}{
		{"indexes", []byte{0, 1, 2, 3, 4, 5, 6}, "2345678J", 0},
		{"indexes 2", []byte{17, 5, 21, 18, 2, 28, 22}, "K7QM4XR6", 0},
		// Bytes 31..247 wrap around: 31→0, 63→1, …, 223→6.
		{"wrapped", []byte{31, 63, 95, 127, 159, 191, 223}, "2345678J", 0},
		{"highest accepted byte", []byte{247, 247, 247, 247, 247, 247, 247}, "ZZZZZZZ6", 0},
		// 248..255 would bias the first eight characters, so they are skipped.
		{"biased bytes skipped", []byte{248, 249, 250, 251, 252, 253, 254, 255, 0, 1, 2, 3, 4, 5, 6}, "2345678J", 0},
		{"biased bytes mixed in", []byte{0, 255, 1, 2, 248, 3, 4, 5, 6}, "2345678J", 0},
		// Only the bytes needed are read.
		{"stops reading", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8}, "2345678J", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := bytes.NewReader(tt.in)
			got, err := NewReference(src)
			if err != nil {
				t.Fatalf("NewReference error = %v", err)
			}
			if got != tt.want {
				t.Errorf("NewReference = %q, want %q", got, tt.want)
			}
			if left := src.Len(); left != tt.leftOver {
				t.Errorf("bytes left in reader = %d, want %d", left, tt.leftOver)
			}
		})
	}
}

// The hand-computed references above also satisfy the defining property,
// checked here in its validation form.
func TestReferenceCheckByDefinition(t *testing.T) {
	// The defining property: Σ weight·index over all 8 characters, weights
	// 8..1, is a multiple of 31.
	for _, r := range []Reference{"2345678J", "K7QM4XR6", "ZZZZZZZ6"} {
		sum := 0
		for i := 0; i < len(r); i++ {
			sum += (8 - i) * strings.IndexByte(referenceAlphabet, r[i])
		}
		if got := sum % 31; got != 0 {
			t.Errorf("%s: weighted sum mod 31 = %d, want 0", r, got)
		}
	}
}

// infiniteReader yields the same byte forever.
type infiniteReader byte

func (b infiniteReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestNewReferenceErrors(t *testing.T) {
	tests := []struct {
		name string
		src  io.Reader
	}{
		{"empty", bytes.NewReader(nil)},
		{"short", bytes.NewReader([]byte{0, 1, 2})},
		{"only biased bytes then EOF", bytes.NewReader(bytes.Repeat([]byte{255}, 20))},
		{"only biased bytes forever", infiniteReader(248)},
		{"read error", io.MultiReader(bytes.NewReader([]byte{0, 1}), errReader{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewReference(tt.src)
			if err == nil {
				t.Fatalf("NewReference = %q, nil, want an error", got)
			}
			if got != "" {
				t.Errorf("NewReference = %q, want \"\" on error", got)
			}
		})
	}
}

var errRandom = errors.New("random source broken")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errRandom }

func TestNewReferenceWrapsReadError(t *testing.T) {
	_, err := NewReference(errReader{})
	if !errors.Is(err, errRandom) {
		t.Errorf("NewReference error = %v, want it to wrap %v", err, errRandom)
	}
}

func TestReferenceRoundTrip(t *testing.T) {
	seen := make(map[byte]bool)
	for range 2000 {
		r, err := NewReference(rand.Reader)
		if err != nil {
			t.Fatalf("NewReference error = %v", err)
		}
		s := r.String()
		if len(s) != 9 || s[4] != '-' {
			t.Fatalf("String() = %q, want two groups of four", s)
		}
		for _, in := range []string{s, strings.ToLower(s), string(r)} {
			got, err := ParseReference(in)
			if err != nil || got != r {
				t.Fatalf("ParseReference(%q) = %q, %v, want %q, nil", in, got, err, r)
			}
		}
		for i := 0; i < referenceRandomLen; i++ {
			seen[r[i]] = true
		}
	}
	// 14000 draws leave a character unused with probability ~31·(30/31)^14000;
	// a miss means the mapping onto the alphabet is wrong.
	if got, want := len(seen), len(referenceAlphabet); got != want {
		t.Errorf("random characters used %d distinct characters, want %d", got, want)
	}
}

func TestParseReference(t *testing.T) {
	tests := []struct {
		in      string
		want    Reference
		wantErr bool
	}{
		{"K7QM-4XR6", "K7QM4XR6", false},
		{"K7QM4XR6", "K7QM4XR6", false},
		{"k7qm-4xr6", "K7QM4XR6", false},
		{"k7qm 4xr6", "K7QM4XR6", false},
		{" K7QM - 4XR6 ", "K7QM4XR6", false},
		{"K-7-Q-M-4-X-R-6", "K7QM4XR6", false},
		{"2345-678j", "2345678J", false},
		{"", "", true},
		{"   -  ", "", true},
		{"K7QM-4XR", "", true},    // 7 characters
		{"K7QM-4XR66", "", true},  // 9 characters
		{"K7QM-4XRT", "", true},   // wrong check character
		{"K7QM-4XR7", "", true},   // wrong check character
		{"K7QO-4XR6", "", true},   // O is not in the alphabet
		{"K7Q0-4XR6", "", true},   // nor 0
		{"K7QI-4XR6", "", true},   // nor I
		{"K7QL-4XR6", "", true},   // nor L
		{"K7Q1-4XR6", "", true},   // nor 1
		{"K7QM_4XR6", "", true},   // underscore
		{"K7QM\t4XR6", "", true},  // only spaces and hyphens are ignored
		{"K7QM–4XR6", "", true},   // en dash
		{"K7QM-4XR6\n", "", true}, // newline
		{"K7QM-4XRé", "", true},   // non-ASCII
		// "57QM4XRS" is valid (3·8+5·7+21·6+18·5+2·4+28·3+22·2 = 411, 411+23 = 14·31),
		// but "ſ" must not pass as "S", as it would under strings.ToUpper.
		{"57QM-4XRS", "57QM4XRS", false},
		{"57QM-4XRſ", "", true},
		{"K7QM-4XR6K7QM", "", true}, // too long
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseReference(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrReference) {
					t.Errorf("ParseReference(%q) error = %v, want ErrReference", tt.in, err)
				}
			} else if err != nil {
				t.Errorf("ParseReference(%q) error = %v, want nil", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseReference(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestReferenceString(t *testing.T) {
	tests := []struct {
		in   Reference
		want string
	}{
		{"K7QM4XR6", "K7QM-4XR6"},
		{"", ""},
		{"ABC", "ABC"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Reference(%q).String() = %q, want %q", string(tt.in), got, tt.want)
		}
	}
}

// Every single-character substitution of a valid reference must be rejected.
func TestReferenceDetectsEverySubstitution(t *testing.T) {
	refs := []Reference{"2345678J", "K7QM4XR6", "ZZZZZZZ6"}
	for range 50 {
		r, err := NewReference(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	for _, r := range refs {
		for pos := 0; pos < referenceLen; pos++ {
			for i := 0; i < len(referenceAlphabet); i++ {
				c := referenceAlphabet[i]
				if c == r[pos] {
					continue
				}
				typo := string(r[:pos]) + string(c) + string(r[pos+1:])
				if got, err := ParseReference(typo); err == nil {
					t.Errorf("ParseReference(%q) (typo of %q) = %q, nil, want ErrReference", typo, r, got)
				}
			}
		}
	}
}

// Every swap of two adjacent different characters must be rejected, for
// every pair of alphabet characters at every position. Luhn mod 31 fails
// this for "2Z" ↔ "Z2".
func TestReferenceDetectsEveryAdjacentTransposition(t *testing.T) {
	const n = byte(len(referenceAlphabet))
	check := func(r Reference, pos int) {
		t.Helper()
		if r[pos] == r[pos+1] {
			return
		}
		swapped := []byte(r)
		swapped[pos], swapped[pos+1] = swapped[pos+1], swapped[pos]
		if got, err := ParseReference(string(swapped)); err == nil {
			t.Errorf("ParseReference(%q) (swap at %d of %q) = %q, nil, want ErrReference", swapped, pos, r, got)
		}
	}
	// Two random characters side by side: every pair (a, b).
	for pos := 0; pos+1 < referenceRandomLen; pos++ {
		for a := byte(0); a < n; a++ {
			for b := byte(0); b < n; b++ {
				idx := make([]byte, referenceRandomLen)
				idx[pos], idx[pos+1] = a, b
				check(refFromIndexes(t, idx...), pos)
			}
		}
	}
	// Last random character and the check character: varying the first
	// character runs the check character through all 31 values (weight 8 is
	// invertible mod 31).
	for a := byte(0); a < n; a++ {
		for first := byte(0); first < n; first++ {
			idx := make([]byte, referenceRandomLen)
			idx[0], idx[referenceRandomLen-1] = first, a
			check(refFromIndexes(t, idx...), referenceRandomLen-1)
		}
	}
}

// TestReferenceFor: the same answers, in any order, have the same
// reference; other answers, another form or another key, another one.
func TestReferenceFor(t *testing.T) {
	key := []byte("a key of thirty-two bytes or more..")
	a := url.Values{"applicant.given_name": {"Anna"}, "topics": {"custody", "contact"}}
	b := url.Values{"topics": {"custody", "contact"}, "applicant.given_name": {"Anna"}}
	ref := ReferenceFor(key, "samarbetssamtal", a)
	if _, err := ParseReference(ref.String()); err != nil {
		t.Fatalf("%s is not a valid reference: %v", ref, err)
	}
	if got := ReferenceFor(key, "samarbetssamtal", b); got != ref {
		t.Errorf("the same answers in another order: %s, want %s", got, ref)
	}
	for name, other := range map[string]Reference{
		"another answer": ReferenceFor(key, "samarbetssamtal", url.Values{"applicant.given_name": {"Anne"}, "topics": {"custody", "contact"}}),
		"another form":   ReferenceFor(key, "uppfoljningssamtal", a),
		"another key":    ReferenceFor([]byte("another key of thirty-two bytes..."), "samarbetssamtal", a),
	} {
		if other == ref {
			t.Errorf("%s gives the same reference %s", name, ref)
		}
	}
}
