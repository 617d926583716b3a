package suppress

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// render returns r as published, the totals in an extra column and row.
func render(r Result) [][]string {
	var out [][]string
	for i, row := range r.Cells {
		var line []string
		for _, s := range row {
			line = append(line, s.String())
		}
		out = append(out, append(line, r.RowTotals[i].String()))
	}
	var last []string
	for _, s := range r.ColTotals {
		last = append(last, s.String())
	}
	return append(out, append(last, r.Total.String()))
}

func names(prefix string, n int) []string {
	var s []string
	for k := range n {
		s = append(s, fmt.Sprintf("%s%d", prefix, k+1))
	}
	return s
}

func table(cells [][]int) Table {
	c := 0
	if len(cells) > 0 {
		c = len(cells[0])
	}
	return Table{Rows: names("r", len(cells)), Cols: names("c", c), Cells: cells}
}

// naive is primary suppression only, cells and totals: what the checker
// must catch.
func naive(t Table, threshold int) Result {
	small := func(v int) Shown { return Shown{Value: v, Suppressed: 0 < v && v < threshold, threshold: threshold} }
	g := fromTable(t)
	r := g.result(t.Rows, t.Cols, threshold)
	for i := range r.Cells {
		for j := range r.Cells[i] {
			r.Cells[i][j] = small(r.Cells[i][j].Value)
		}
		r.RowTotals[i] = small(r.RowTotals[i].Value)
	}
	for j := range r.ColTotals {
		r.ColTotals[j] = small(r.ColTotals[j].Value)
	}
	r.Total = small(r.Total.Value)
	return r
}

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cells     [][]int
		threshold int
		want      [][]string
	}{{
		name:      "nothing below the threshold",
		cells:     [][]int{{5, 10}, {0, 7}},
		threshold: 5,
		want:      [][]string{{"5", "10", "15"}, {"0", "7", "7"}, {"5", "17", "22"}},
	}, {
		// r1c1 is small; r1c2 is the smallest other cell of row 1, r2c1
		// and r2c2 the smallest others of columns 1 and 2.
		name:      "one small cell",
		cells:     [][]int{{2, 10, 20}, {8, 12, 30}, {9, 15, 40}},
		threshold: 5,
		want: [][]string{
			{"<5", "<5", "20", "32"},
			{"<5", "<5", "30", "50"},
			{"9", "15", "40", "64"},
			{"19", "37", "90", "146"},
		},
	}, {
		// Row 1's total is 3, so it is small itself; column 1 and the
		// row totals' column each need a second suppression.
		name:      "row whose other cells are zero, small total",
		cells:     [][]int{{3, 0, 0}, {10, 20, 30}, {6, 7, 8}},
		threshold: 5,
		want: [][]string{
			{"<5", "0", "0", "<5"},
			{"10", "20", "30", "60"},
			{"<5", "7", "8", "<5"},
			{"19", "27", "38", "84"},
		},
	}, {
		// r2c1 (12) is suppressed for column 1; row 2's other cell is 0,
		// so the only way to protect it is row 2's total (12), which in
		// turn needs row 1's total in the totals' column.
		name:      "row whose other cells are zero, total suppressed",
		cells:     [][]int{{3, 20}, {12, 0}, {30, 40}},
		threshold: 5,
		want: [][]string{
			{"<5", "<5", "<5"},
			{"<5", "0", "<5"},
			{"<5", "<5", "70"},
			{"45", "60", "105"},
		},
	}, {
		name:      "1x1 small",
		cells:     [][]int{{3}},
		threshold: 5,
		want:      [][]string{{"<5", "<5"}, {"<5", "<5"}},
	}, {
		name:      "1x1 large",
		cells:     [][]int{{7}},
		threshold: 5,
		want:      [][]string{{"7", "7"}, {"7", "7"}},
	}, {
		// Both small cells of row 1 are 1 and its total 12 leaves 2 for
		// them: step 2 alone (columns 1 and 2 suppressed in row 2) still
		// gives them away, since each is at least 1.
		name:      "bound: two ones in a row",
		cells:     [][]int{{1, 1, 10}, {20, 30, 40}},
		threshold: 5,
		want: [][]string{
			{"<5", "<5", "<5", "12"},
			{"<5", "<5", "<5", "90"},
			{"21", "31", "50", "102"},
		},
	}, {
		name:      "threshold 3",
		cells:     [][]int{{2, 3}, {4, 5}},
		threshold: 3,
		want:      [][]string{{"<3", "<3", "5"}, {"<3", "<3", "9"}, {"6", "8", "14"}},
	}, {
		name:      "all zero",
		cells:     [][]int{{0, 0}, {0, 0}},
		threshold: 5,
		want:      [][]string{{"0", "0", "0"}, {"0", "0", "0"}, {"0", "0", "0"}},
	}, {
		name:      "empty",
		cells:     nil,
		threshold: 5,
		want:      [][]string{{"0"}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tab := table(tc.cells)
			r := Apply(tab, tc.threshold)
			if got := render(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Apply:\n got %q\nwant %q", got, tc.want)
			}
			if got := Recoverable(r); len(got) != 0 {
				t.Errorf("Recoverable(Apply) = %q, want none", got)
			}
		})
	}
}

// months × offices, with a few small counts, as the portal would publish
// one year of applications with an interpreter.
var year = Table{
	Rows: []string{"2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06",
		"2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12"},
	Cols: []string{"Malmö", "Lund", "Trelleborg", "Ystad", "Simrishamn"},
	Cells: [][]int{
		{41, 17, 9, 6, 2},
		{38, 15, 11, 5, 0},
		{44, 19, 8, 7, 3},
		{40, 16, 10, 0, 5},
		{39, 18, 12, 6, 1},
		{35, 14, 7, 5, 0},
		{22, 9, 1, 3, 0},
		{30, 12, 6, 4, 2},
		{42, 20, 9, 8, 5},
		{45, 21, 13, 7, 6},
		{43, 17, 10, 6, 4},
		{29, 11, 5, 0, 0},
	},
}

func TestYear(t *testing.T) {
	r := Apply(year, 5)
	if got := Recoverable(r); len(got) != 0 {
		t.Errorf("Recoverable(Apply) = %q, want none", got)
	}
	for i, row := range year.Cells {
		for j, n := range row {
			if 0 < n && n < 5 && !r.Cells[i][j].Suppressed {
				t.Errorf("%s %s = %d shown", year.Rows[i], year.Cols[j], n)
			}
		}
	}
	// Primary suppression alone gives the small cells away, so the
	// checker can fail: January's Simrishamn 2 is the only small cell of
	// its row; once the rows with one small cell are solved, the
	// Simrishamn column gives August's 2, and then August's row its
	// Ystad 4.
	got := Recoverable(naive(year, 5))
	if len(got) == 0 {
		t.Fatal("Recoverable(naive) = none, want some")
	}
	for _, want := range []string{"row 2024-08, column Ystad = 4", "row 2024-01, column Simrishamn = 2"} {
		if !slices.Contains(got, want) {
			t.Errorf("Recoverable(naive) = %q, want it to contain %q", got, want)
		}
	}
	// The simple line-by-line solver agrees on the naive result.
	if simple := solveLines(naive(year, 5)); len(simple) == 0 {
		t.Error("line solver found nothing in the naive result")
	}
	t.Logf("published:\n%s", format(r))
}

func format(r Result) string {
	var b strings.Builder
	for _, line := range render(r) {
		b.WriteString(strings.Join(line, "\t"))
		b.WriteByte('\n')
	}
	return b.String()
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		s    Shown
		want string
	}{
		{Shown{Value: 12}, "12"},
		{Shown{Value: 0}, "0"},
		{Shown{Value: 3, Suppressed: true, threshold: 5}, "<5"},
		{Shown{Value: 40, Suppressed: true, threshold: 5}, "<5"},
		{Shown{Value: 2, Suppressed: true, threshold: 3}, "<3"},
		{Shown{Value: 2, Suppressed: true}, ".."},
	} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.s, got, tc.want)
		}
	}
	if got := Label(5); got != "<5" {
		t.Errorf("Label(5) = %q", got)
	}
	if got := Label(3); got != "<3" {
		t.Errorf("Label(3) = %q", got)
	}
	r := Apply(table([][]int{{2, 9}, {6, 8}}), 3)
	if got, want := r.Cells[0][0].String(), "<3"; got != want {
		t.Errorf("Apply(threshold 3) cell = %q, want %q", got, want)
	}
	if got, want := fmt.Sprint(r.Cells[0][0], r.Cells[1][1]), "<3 <3"; got != want {
		t.Errorf("fmt.Sprint = %q, want %q", got, want)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Rows":["r1","r2"],"Cols":["c1","c2"],"Cells":[["\u003c3","\u003c3"],["\u003c3","\u003c3"]],` +
		`"RowTotals":[11,14],"ColTotals":[8,17],"Total":25}`
	if string(b) != want {
		t.Errorf("json.Marshal = %s\nwant %s", b, want)
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"threshold 0":    func() { Apply(table([][]int{{1}}), 0) },
		"negative count": func() { Apply(table([][]int{{1, -1}}), 5) },
		"ragged":         func() { Apply(Table{Rows: []string{"a"}, Cols: []string{"x", "y"}, Cells: [][]int{{1}}}, 5) },
		"missing row":    func() { Apply(Table{Rows: []string{"a", "b"}, Cols: []string{"x"}, Cells: [][]int{{1}}}, 5) },
		"bad result":     func() { Recoverable(Result{Cells: [][]Shown{{{}}}}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

// TestProperty checks the safety property on random tables: nothing
// small is shown, no zero is hidden, the values are the true ones, and
// nothing can be recovered.
func TestProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	step3 := 0
	for n := range 600 {
		rows, cols := 1+rng.IntN(8), 1+rng.IntN(8)
		max := 21
		if n%3 == 0 {
			max = 8 // mostly small counts
		}
		cells := make([][]int, rows)
		for i := range cells {
			cells[i] = make([]int, cols)
			for j := range cells[i] {
				cells[i][j] = rng.IntN(max)
			}
		}
		tab := table(cells)
		threshold := []int{3, 5, 10}[n%3]
		r := Apply(tab, threshold)
		g := fromTable(tab)
		h := fromResult(r)
		for i := range g.v {
			for j, v := range g.v[i] {
				switch {
				case h.v[i][j] != v:
					t.Fatalf("table %d entry (%d,%d) = %d, want %d\n%v", n, i, j, h.v[i][j], v, cells)
				case 0 < v && v < threshold && !h.hid[i][j]:
					t.Fatalf("table %d entry (%d,%d) = %d shown under threshold %d\n%v", n, i, j, v, threshold, cells)
				case v == 0 && h.hid[i][j]:
					t.Fatalf("table %d entry (%d,%d): zero suppressed\n%v", n, i, j, cells)
				}
			}
		}
		if got := Recoverable(r); len(got) != 0 {
			t.Fatalf("table %d (threshold %d): Recoverable = %q\n%v\n%s", n, threshold, got, cells, format(r))
		}
		if again := Apply(tab, threshold); !reflect.DeepEqual(again, r) {
			t.Fatalf("table %d: Apply not deterministic", n)
		}
		// Would steps 1 and 2 alone have left something recoverable?
		g.hid = fromResult(naive(tab, threshold)).hid
		g.secondary()
		if _, ok := g.firstDetermined(); ok {
			step3++
		}
	}
	if step3 == 0 {
		t.Error("no table needed step 3")
	}
	t.Logf("%d of 600 tables needed step 3", step3)
}

// TestRecoverableExact compares Recoverable with a brute-force search
// over all tables consistent with what is shown, on tiny tables with
// arbitrary suppression patterns (including suppressed zeros, for which
// the floor is 0).
func TestRecoverableExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var determined, free, beyond int
	for n := range 400 {
		rows, cols := 1+rng.IntN(3), 1+rng.IntN(3)
		if rows*cols > 6 {
			cols = 2
		}
		cells := make([][]int, rows)
		for i := range cells {
			cells[i] = make([]int, cols)
			for j := range cells[i] {
				cells[i][j] = []int{0, 1, 1, 2, 3, 4}[rng.IntN(6)]
			}
		}
		tab := table(cells)
		g := fromTable(tab)
		zeros := n%4 == 0
		odds := 2 + n%3 // out of 5
		for i := range g.hid {
			for j := range g.hid[i] {
				g.hid[i][j] = (g.v[i][j] > 0 || zeros) && rng.IntN(5) < odds
			}
		}
		r := g.result(tab.Rows, tab.Cols, 5)
		got := Recoverable(r)
		want := bruteForce(g, tab.Rows, tab.Cols)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d:\n%s\nRecoverable = %q\nbrute force = %q", n, format(r), got, want)
		}
		// Count what the cases exercised: determined entries (and those
		// the line solver does not find), free ones.
		hidden := 0
		for i := range g.hid {
			for j := range g.hid[i] {
				if g.hid[i][j] {
					hidden++
				}
			}
		}
		determined += len(got)
		free += hidden - len(got)
		beyond += len(got) - len(solveLines(r))
	}
	if determined < 100 || free < 100 || beyond < 20 {
		t.Errorf("weak cases: %d determined (%d beyond the line solver), %d free", determined, beyond, free)
	}
	t.Logf("%d determined (%d beyond the line solver), %d free", determined, beyond, free)
}

// bruteForce tries every value from the floor to max+2 for each
// suppressed cell (an alternative, if there is one, differs by 1) and
// returns the suppressed entries that take one value only.
func bruteForce(g *grid, rows, cols []string) []string {
	lo := g.floor()
	var hidden []pos
	hi := 0
	for i := range g.r {
		for j := range g.c {
			hi = max(hi, g.v[i][j]+2)
			if g.hid[i][j] {
				hidden = append(hidden, pos{i, j})
			}
		}
	}
	seen := make([][]map[int]bool, g.r+1)
	for i := range seen {
		seen[i] = make([]map[int]bool, g.c+1)
		for j := range seen[i] {
			seen[i][j] = map[int]bool{}
		}
	}
	h := g.clone()
	var try func(k int)
	try = func(k int) {
		if k < len(hidden) {
			for v := lo; v <= hi; v++ {
				h.v[hidden[k].i][hidden[k].j] = v
				try(k + 1)
			}
			return
		}
		for i := range h.r {
			h.v[i][h.c] = 0
		}
		for j := range h.c + 1 {
			h.v[h.r][j] = 0
		}
		for i := range h.r {
			for j := range h.c {
				h.v[i][h.c] += h.v[i][j]
				h.v[h.r][j] += h.v[i][j]
				h.v[h.r][h.c] += h.v[i][j]
			}
		}
		for i := range h.v {
			for j, v := range h.v[i] {
				if g.hid[i][j] && v < lo || !g.hid[i][j] && v != g.v[i][j] {
					return
				}
			}
		}
		for i := range h.v {
			for j, v := range h.v[i] {
				seen[i][j][v] = true
			}
		}
	}
	try(0)
	var out []string
	for i := range g.v {
		for j := range g.v[i] {
			if g.hid[i][j] && len(seen[i][j]) == 1 {
				out = append(out, g.describe(pos{i, j}, rows, cols))
			}
		}
	}
	return out
}

// solveLines is the simple iterative solver: a line with one unknown
// entry gives it, until stuck. Everything it finds, Recoverable must
// find too.
func solveLines(r Result) []string {
	g := fromResult(r)
	known := g.clone()
	var out []string
	for changed := true; changed; {
		changed = false
		for k := range g.lines() {
			l := g.line(k)
			var unknown []pos
			sum := 0
			for n, p := range l {
				switch {
				case known.hid[p.i][p.j]:
					unknown = append(unknown, p)
				case n == len(l)-1:
					sum -= g.v[p.i][p.j]
				default:
					sum += g.v[p.i][p.j]
				}
			}
			if len(unknown) != 1 {
				continue
			}
			p := unknown[0]
			if p != l[len(l)-1] {
				sum = -sum // a part: the total minus the other parts
			}
			if sum != g.v[p.i][p.j] {
				panic("line solver: inconsistent")
			}
			known.hid[p.i][p.j] = false
			out = append(out, g.describe(p, r.Rows, r.Cols))
			changed = true
		}
	}
	return out
}

func TestLineSolverSubset(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 300 {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(6)
		cells := make([][]int, rows)
		for i := range cells {
			cells[i] = make([]int, cols)
			for j := range cells[i] {
				cells[i][j] = rng.IntN(12)
			}
		}
		r := naive(table(cells), 5)
		exact := Recoverable(r)
		for _, s := range solveLines(r) {
			if !slices.Contains(exact, s) {
				t.Fatalf("case %d: line solver found %q, Recoverable did not: %q\n%s", n, s, exact, format(r))
			}
		}
	}
}

// TestRecoverable pins down what the checker finds in hand-made
// suppression patterns that the line solver cannot solve.
func TestRecoverable(t *testing.T) {
	big := func(r, c int) [][]int {
		cells := make([][]int, r)
		for i := range cells {
			cells[i] = make([]int, c)
			for j := range cells[i] {
				cells[i][j] = 10 + i*c + j
			}
		}
		return cells
	}
	for _, tc := range []struct {
		name   string
		cells  [][]int
		hidden [][2]int // cells (i, j); totals have i or j = len
		want   []string
	}{{
		// Steps 1 and 2 only: row 1 leaves 2 for two entries of at least
		// 1 each, and then columns 1 and 2 give row 2 away.
		name:   "floor",
		cells:  [][]int{{1, 1, 10}, {20, 30, 40}},
		hidden: [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}},
		want: []string{"row r1, column c1 = 1", "row r1, column c2 = 1",
			"row r2, column c1 = 20", "row r2, column c2 = 30"},
	}, {
		// Two 2×2 blocks joined by r1c3: each line has two or three
		// unknowns, but rows 1 and 2 minus columns 1 and 2 give r1c3.
		name:  "combination of lines",
		cells: big(4, 4),
		hidden: [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1},
			{2, 2}, {2, 3}, {3, 2}, {3, 3}, {0, 2}},
		want: []string{"row r1, column c3 = 12"},
	}, {
		// Suppressed zeros (against the rule; the floor is then 0):
		// column 2's total 0 forces its hidden entries to 0, and then
		// rows 1 and 2 give the rest.
		name:   "forced zeros",
		cells:  [][]int{{5, 0}, {3, 0}},
		hidden: [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}},
		want: []string{"row r1, column c1 = 5", "row r1, column c2 = 0",
			"row r2, column c1 = 3", "row r2, column c2 = 0"},
	}, {
		// A hidden row total with a hidden cell and the grand total: a
		// cycle through row 1, column 1, the column totals' row and the
		// row totals' column moves all four together.
		name:   "totals on a cycle",
		cells:  [][]int{{3, 10}, {20, 30}},
		hidden: [][2]int{{0, 0}, {0, 2}, {2, 0}, {2, 2}},
		want:   nil,
	}, {
		name:   "hidden total of shown cells",
		cells:  [][]int{{6, 10}, {20, 30}},
		hidden: [][2]int{{0, 2}, {1, 2}},
		want:   []string{"row r1, total = 16", "row r2, total = 50"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tab := table(tc.cells)
			g := fromTable(tab)
			for _, p := range tc.hidden {
				g.hid[p[0]][p[1]] = true
			}
			r := g.result(tab.Rows, tab.Cols, 5)
			if got := Recoverable(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Recoverable =\n %q\nwant %q", got, tc.want)
			}
			if got := solveLines(r); tc.name != "hidden total of shown cells" && len(got) != 0 {
				t.Errorf("line solver found %q; the case is meant to need more", got)
			}
			if len(tc.hidden) > 4 {
				return // too many for the brute force
			}
			if got := bruteForce(g, tab.Rows, tab.Cols); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("brute force =\n %q\nwant %q", got, tc.want)
			}
		})
	}
}

// force returns a Force for a table of r rows and c columns with the
// entries ps (i, j; a total has i = r or j = c).
func force(r, c int, ps ...[2]int) [][]bool {
	f := make([][]bool, r+1)
	for i := range f {
		f[i] = make([]bool, c+1)
	}
	for _, p := range ps {
		f[p[0]][p[1]] = true
	}
	return f
}

func TestForce(t *testing.T) {
	big := [][]int{{20, 30}, {40, 50}}
	for _, tc := range []struct {
		name  string
		cells [][]int
		force [][2]int
		want  [][]string
	}{{
		name:  "nothing forced is Apply",
		cells: big,
		want:  [][]string{{"20", "30", "50"}, {"40", "50", "90"}, {"60", "80", "140"}},
	}, {
		// r1c1 is forced; rows and columns need a second suppression
		// each, as for a small cell.
		name:  "a large cell",
		cells: big,
		force: [][2]int{{0, 0}},
		want:  [][]string{{"<5", "<5", "50"}, {"<5", "<5", "90"}, {"60", "80", "140"}},
	}, {
		// Row 1's total: the totals' column needs row 2's total too,
		// and each row then one of its cells, and the columns a second.
		name:  "a row total",
		cells: big,
		force: [][2]int{{0, 2}},
		want:  [][]string{{"<5", "30", "<5"}, {"<5", "50", "<5"}, {"60", "80", "140"}},
	}, {
		// A whole line, as a group hidden with another's: the column
		// totals and the grand total. Each column then needs one more,
		// its smallest part: row 1, whose total follows.
		name:  "the totals line",
		cells: big,
		force: [][2]int{{2, 0}, {2, 1}, {2, 2}},
		want:  [][]string{{"<5", "<5", "<5"}, {"40", "50", "90"}, {"<5", "<5", "<5"}},
	}, {
		// Forced beside a small cell: rows 1 and 2 take their smallest
		// other part (12, 9), columns 1 and 2 their smallest (15, 16).
		name:  "forced and small",
		cells: [][]int{{3, 30, 12}, {40, 50, 9}, {15, 16, 17}},
		force: [][2]int{{1, 1}},
		want: [][]string{
			{"<5", "30", "<5", "45"},
			{"40", "<5", "<5", "99"},
			{"<5", "<5", "17", "48"},
			{"58", "96", "38", "192"},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tab := table(tc.cells)
			if tc.force != nil {
				tab.Force = force(len(tc.cells), len(tc.cells[0]), tc.force...)
			}
			r := Apply(tab, 5)
			if got := render(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Apply:\n got %q\nwant %q", got, tc.want)
			}
			h := fromResult(r)
			for _, p := range tc.force {
				if !h.hid[p[0]][p[1]] {
					t.Errorf("forced entry %v shown", p)
				}
			}
			if got := Recoverable(r); len(got) != 0 {
				t.Errorf("Recoverable = %q, want none", got)
			}
		})
	}
}

func TestForcePanics(t *testing.T) {
	cells := [][]int{{0, 7}, {8, 9}}
	for name, f := range map[string][][]bool{
		"a zero":         force(2, 2, [2]int{0, 0}),
		"short":          force(1, 2),
		"ragged":         {{false, false, false}, {false, false}, {false, false, false}},
		"no totals' row": {{false, false, false}, {false, false, false}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tab := table(cells)
			tab.Force = f
			Apply(tab, 5)
		})
	}
}

// TestForceProperty: forced entries are suppressed, and protected.
func TestForceProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := range 300 {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(6)
		cells := make([][]int, rows)
		for i := range cells {
			cells[i] = make([]int, cols)
			for j := range cells[i] {
				cells[i][j] = rng.IntN(30)
			}
		}
		tab := table(cells)
		g := fromTable(tab)
		tab.Force = force(rows, cols)
		for i := range g.v {
			for j, v := range g.v[i] {
				tab.Force[i][j] = v > 0 && rng.IntN(10) == 0
			}
		}
		r := Apply(tab, 5)
		h := fromResult(r)
		for i := range g.v {
			for j, v := range g.v[i] {
				switch {
				case tab.Force[i][j] && !h.hid[i][j]:
					t.Fatalf("table %d: forced (%d,%d) shown\n%v", n, i, j, cells)
				case v == 0 && h.hid[i][j]:
					t.Fatalf("table %d: zero (%d,%d) suppressed\n%v", n, i, j, cells)
				case 0 < v && v < 5 && !h.hid[i][j]:
					t.Fatalf("table %d: small (%d,%d) shown\n%v", n, i, j, cells)
				}
			}
		}
		if got := Recoverable(r); len(got) != 0 {
			t.Fatalf("table %d: Recoverable = %q\n%v\n%s", n, got, cells, format(r))
		}
	}
}

// receivedAndCourt are two tables published together: applications and
// follow-ups per month, and the applications by court order, whose row
// totals are the first table's first column.
func receivedAndCourt() ([]Table, []Column) {
	months := []string{"m1", "m2", "m3"}
	return []Table{
		{Rows: months, Cols: []string{"applications", "follow_ups"}, Cells: [][]int{{30, 2}, {25, 10}, {40, 12}}},
		{Rows: months, Cols: []string{"yes", "no"}, Cells: [][]int{{10, 20}, {12, 13}, {15, 25}}},
	}, []Column{{0, 0}, {1, 2}}
}

func TestApplyLinked(t *testing.T) {
	ts, link := receivedAndCourt()
	// One by one, m1's 30 applications are hidden in the first table
	// (to protect its 2 follow-ups) and shown as the second's row total.
	var alone []Result
	for _, tab := range ts {
		alone = append(alone, Apply(tab, 5))
	}
	for k, r := range alone {
		if got := Recoverable(r); len(got) != 0 {
			t.Errorf("table %d alone: Recoverable = %q, want none", k, got)
		}
	}
	got := RecoverableLinked(alone, link, Outsider)
	if !slices.Contains(got, "table 0: row m1, column follow_ups = 2") {
		t.Errorf("RecoverableLinked(one by one) = %q, want it to find m1's follow-ups", got)
	}
	if len(RecoverableLinked(alone, nil, Outsider)) != 0 {
		t.Error("RecoverableLinked without a link finds something Recoverable does not")
	}

	rs := ApplyLinked(ts, 5, link, Outsider)
	if got := RecoverableLinked(rs, link, Outsider); len(got) != 0 {
		t.Errorf("RecoverableLinked(ApplyLinked) = %q, want none", got)
	}
	// The first table protects m1's follow-ups with m2's and the two
	// rows' totals rather than the applications, which the second table
	// would have to hide too.
	want := [][][]string{
		{{"30", "<5", "<5"}, {"25", "<5", "<5"}, {"40", "12", "52"}, {"95", "24", "119"}},
		{{"10", "20", "30"}, {"12", "13", "25"}, {"15", "25", "40"}, {"37", "58", "95"}},
	}
	checkLinked(t, rs, want)

	// A small count in the shared column (m3's 3 applications) is hidden
	// in both tables, and so is m2's 25, which protects it in the shared
	// column; each table protects them in its rows and columns.
	ts[0].Cells[2] = []int{3, 12}
	ts[1].Cells[2] = []int{1, 2}
	rs = ApplyLinked(ts, 5, link, Outsider)
	if got := RecoverableLinked(rs, link, Outsider); len(got) != 0 {
		t.Errorf("RecoverableLinked(ApplyLinked) = %q, want none", got)
	}
	want = [][][]string{
		{{"30", "<5", "<5"}, {"<5", "<5", "35"}, {"<5", "<5", "<5"}, {"58", "24", "82"}},
		{{"<5", "<5", "30"}, {"12", "<5", "<5"}, {"<5", "<5", "<5"}, {"23", "35", "58"}},
	}
	checkLinked(t, rs, want)
}

// checkLinked compares the results of receivedAndCourt's tables with
// want, and checks that they hide the applications alike.
func checkLinked(t *testing.T, rs []Result, want [][][]string) {
	t.Helper()
	for k, r := range rs {
		if got := render(r); !reflect.DeepEqual(got, want[k]) {
			t.Errorf("table %d:\n got %q\nwant %q", k, got, want[k])
		}
		t.Logf("table %d:\n%s", k, format(r))
	}
	for i := range 4 {
		a, b := fromResult(rs[0]), fromResult(rs[1])
		if a.hid[i][0] != b.hid[i][2] {
			t.Errorf("row %d: the applications are hidden in one table and not the other", i)
		}
	}
}

func TestLinkedPanics(t *testing.T) {
	ts, _ := receivedAndCourt()
	for name, link := range map[string][]Column{
		"twice":          {{0, 0}, {0, 1}},
		"no such table":  {{0, 0}, {2, 2}},
		"no such column": {{0, 3}, {1, 2}},
		"different":      {{0, 1}, {1, 2}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			ApplyLinked(ts, 5, link, Outsider)
		})
	}
}

// linkedTables makes a first table whose first column is shared and
// others that split that column's counts among their columns, so that
// their row totals are it.
func linkedTables(rng *rand.Rand, rows, max int) ([]Table, []Column) {
	first := make([][]int, rows)
	for i := range first {
		first[i] = []int{rng.IntN(max), rng.IntN(max)}
	}
	ts := []Table{table(first)}
	link := []Column{{0, 0}}
	for k := range 1 + rng.IntN(3) {
		cols := 1 + rng.IntN(3)
		cells := make([][]int, rows)
		for i := range cells {
			cells[i] = make([]int, cols)
			for n := first[i][0]; n > 0; n-- {
				cells[i][rng.IntN(cols)]++
			}
		}
		ts = append(ts, table(cells))
		link = append(link, Column{k + 1, cols})
	}
	return ts, link
}

// TestLinkedProperty checks the safety property on random linked tables:
// nothing small shown, no zero hidden, the shared column hidden alike
// in every table, nothing recoverable from them together or alone.
func TestLinkedProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	extra := 0
	for n := range 300 {
		max := []int{8, 20, 40}[n%3]
		ts, link := linkedTables(rng, 1+rng.IntN(6), max)
		threshold := []int{3, 5}[n%2]
		rs := ApplyLinked(ts, threshold, link, Outsider)
		for k, r := range rs {
			g, h := fromTable(ts[k]), fromResult(r)
			for i := range g.v {
				for j, v := range g.v[i] {
					switch {
					case h.v[i][j] != v:
						t.Fatalf("case %d table %d (%d,%d) = %d, want %d", n, k, i, j, h.v[i][j], v)
					case 0 < v && v < threshold && !h.hid[i][j]:
						t.Fatalf("case %d table %d (%d,%d) = %d shown", n, k, i, j, v)
					case v == 0 && h.hid[i][j]:
						t.Fatalf("case %d table %d (%d,%d): zero suppressed", n, k, i, j)
					}
				}
			}
			if got := Recoverable(r); len(got) != 0 {
				t.Fatalf("case %d table %d alone: Recoverable = %q\n%s", n, k, got, format(r))
			}
		}
		first := fromResult(rs[0])
		for _, c := range link[1:] {
			h := fromResult(rs[c.Table])
			for i := range h.v {
				if h.hid[i][c.Col] != first.hid[i][0] {
					t.Fatalf("case %d: table %d hides row %d of the shared column differently", n, c.Table, i)
				}
			}
		}
		if got := RecoverableLinked(rs, link, Outsider); len(got) != 0 {
			var b strings.Builder
			for _, r := range rs {
				b.WriteString(format(r) + "\n")
			}
			t.Fatalf("case %d: RecoverableLinked = %q\n%s", n, got, b.String())
		}
		if !reflect.DeepEqual(ApplyLinked(ts, threshold, link, Outsider), rs) {
			t.Fatalf("case %d: ApplyLinked not deterministic", n)
		}
		// Would the tables one by one have left something?
		var alone []Result
		for _, tab := range ts {
			alone = append(alone, Apply(tab, threshold))
		}
		if len(RecoverableLinked(alone, link, Outsider)) > 0 {
			extra++
		}
	}
	if extra == 0 {
		t.Error("no case where suppressing one by one leaves something recoverable")
	}
	t.Logf("%d of 300 cases one by one leave something recoverable together", extra)
}

// TestRecoverableLinkedSound compares RecoverableLinked with a brute
// force over every pair of tiny linked tables consistent with what is
// shown: what the brute force pins, RecoverableLinked must report. (It
// may report more: it is not exact.)
func TestRecoverableLinkedSound(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var determined, over, free, ownerPinned int
	for n := range 250 {
		a := [][]int{{rng.IntN(3), rng.IntN(3)}, {rng.IntN(3), rng.IntN(3)}}
		b := make([][]int, 2)
		for i := range b {
			b[i] = []int{0, 0}
			for k := a[i][0]; k > 0; k-- {
				b[i][rng.IntN(2)]++
			}
		}
		ts := []Table{table(a), table(b)}
		link := []Column{{0, 0}, {1, 2}}
		var gs []*grid
		var rs []Result
		for _, tab := range ts {
			g := fromTable(tab)
			for i := range g.hid {
				for j := range g.hid[i] {
					g.hid[i][j] = g.v[i][j] > 0 && rng.IntN(5) < 3
				}
			}
			gs = append(gs, g)
			rs = append(rs, g.result(tab.Rows, tab.Cols, 5))
		}
		got := RecoverableLinked(rs, link, Outsider)
		want := bruteForceLinked(gs, -1)
		for _, w := range want {
			if !slices.Contains(got, w) {
				var s strings.Builder
				for _, r := range rs {
					s.WriteString(format(r) + "\n")
				}
				t.Fatalf("case %d: brute force pins %q, RecoverableLinked reports only %q\n%s", n, w, got, s.String())
			}
		}
		hidden := 0
		for _, g := range gs {
			for i := range g.hid {
				for j := range g.hid[i] {
					if g.hid[i][j] {
						hidden++
					}
				}
			}
		}
		determined += len(want)
		over += len(got) - len(want)
		free += hidden - len(got)
		owners := RecoverableLinked(rs, link, RowOwner)
		for _, known := range []int{0, 1} {
			for _, w := range bruteForceLinked(gs, known) {
				if !slices.Contains(owners, w) {
					t.Fatalf("case %d: brute force pins %q, RecoverableLinked(RowOwner) reports only %q", n, w, owners)
				}
				ownerPinned++
			}
		}
	}
	if ownerPinned < 50 {
		t.Errorf("weak cases for a row's owner: %d pinned", ownerPinned)
	}
	if determined < 50 || free < 50 {
		t.Errorf("weak cases: %d determined, %d free", determined, free)
	}
	t.Logf("%d determined, %d free, %d reported though free", determined, free, over)
}

// bruteForceLinked returns the suppressed entries of two 2×2 grids,
// the first's column 0 being the second's row totals, that take one
// value only in every pair of tables consistent with what is shown (an
// entry of the shared column shown in one is known in both).
//
// With known >= 0 the reader also knows that row of both tables, and
// only what matters to it is returned (see RowOwner).
func bruteForceLinked(gs []*grid, known int) []string {
	a, b := gs[0], gs[1]
	var hidden []pos // cells, a's then b's (b's with i+10)
	hi := 0
	for k, g := range gs {
		for i := range g.r {
			for j := range g.c {
				hi = max(hi, g.v[i][j]+2)
				if g.hid[i][j] {
					hidden = append(hidden, pos{i + 10*k, j})
				}
			}
		}
	}
	isKnown := func(k, i, j int) bool {
		g := gs[k]
		if !g.hid[i][j] || i == known {
			return true
		}
		switch {
		case k == 0 && j == 0:
			return !b.hid[i][b.c]
		case k == 1 && j == b.c:
			return !a.hid[i][0]
		}
		return false
	}
	seen := [2][][]map[int]bool{}
	for k, g := range gs {
		seen[k] = make([][]map[int]bool, g.r+1)
		for i := range seen[k] {
			seen[k][i] = make([]map[int]bool, g.c+1)
			for j := range seen[k][i] {
				seen[k][i][j] = map[int]bool{}
			}
		}
	}
	hs := []*grid{a.clone(), b.clone()}
	var try func(n int)
	try = func(n int) {
		if n < len(hidden) {
			p := hidden[n]
			h := hs[p.i/10]
			for v := 1; v <= hi; v++ {
				h.v[p.i%10][p.j] = v
				try(n + 1)
			}
			return
		}
		for _, h := range hs {
			for i := range h.r {
				h.v[i][h.c] = 0
			}
			for j := range h.c + 1 {
				h.v[h.r][j] = 0
			}
			for i := range h.r {
				for j := range h.c {
					h.v[i][h.c] += h.v[i][j]
					h.v[h.r][j] += h.v[i][j]
					h.v[h.r][h.c] += h.v[i][j]
				}
			}
		}
		for i := range 3 {
			if hs[0].v[i][0] != hs[1].v[i][2] {
				return
			}
		}
		for k, h := range hs {
			for i := range h.v {
				for j, v := range h.v[i] {
					if isKnown(k, i, j) && v != gs[k].v[i][j] || v < 1 && gs[k].hid[i][j] {
						return
					}
				}
			}
		}
		for k, h := range hs {
			for i := range h.v {
				for j, v := range h.v[i] {
					seen[k][i][j][v] = true
				}
			}
		}
	}
	try(0)
	var out []string
	for k, g := range gs {
		for i := range g.v {
			for j := range g.v[i] {
				if !g.hid[i][j] || isKnown(k, i, j) || len(seen[k][i][j]) != 1 {
					continue
				}
				if known >= 0 && i == g.r && !slices.ContainsFunc([]int{0, 1}, func(r int) bool { return r != known && !isKnown(k, r, j) }) {
					continue // a total over what the owner knows
				}
				prefix := ""
				if known >= 0 {
					prefix = "knowing row " + names("r", 2)[known] + ", "
				}
				out = append(out, fmt.Sprintf("%stable %d: %s", prefix, k, g.describe(pos{i, j}, names("r", 2), names("c", 2))))
			}
		}
	}
	return out
}

// TestApplyLinkedWithoutLink: tables not linked are suppressed as Apply
// does.
func TestApplyLinkedWithoutLink(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for n := range 200 {
		var ts []Table
		for range 1 + rng.IntN(3) {
			rows, cols := 1+rng.IntN(6), 1+rng.IntN(6)
			cells := make([][]int, rows)
			for i := range cells {
				cells[i] = make([]int, cols)
				for j := range cells[i] {
					cells[i][j] = rng.IntN(15)
				}
			}
			ts = append(ts, table(cells))
		}
		rs := ApplyLinked(ts, 5, nil, Outsider)
		for k, tab := range ts {
			if want := Apply(tab, 5); !reflect.DeepEqual(rs[k], want) {
				t.Fatalf("case %d table %d: ApplyLinked\n%s\nApply\n%s", n, k, format(rs[k]), format(want))
			}
		}
	}
}

// TestRowOwner: two offices, one count each, the national total shown:
// an office that knows its own count works out the other's.
func TestRowOwner(t *testing.T) {
	tab := Table{Rows: []string{"stort-kontor", "litet-kontor"}, Cols: []string{"escalations"}, Cells: [][]int{{15}, {4}}}
	r := Apply(tab, 5)
	if got := Recoverable(r); len(got) != 0 {
		t.Errorf("Recoverable = %q, want none", got)
	}
	got := RecoverableLinked([]Result{r}, nil, RowOwner)
	want := []string{"knowing row stort-kontor, table 0: row litet-kontor, column escalations = 4", "knowing row stort-kontor, table 0: row litet-kontor, total = 4",
		"knowing row litet-kontor, table 0: row stort-kontor, column escalations = 15", "knowing row litet-kontor, table 0: row stort-kontor, total = 15"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RecoverableLinked(RowOwner) =\n %q\nwant %q", got, want)
	}
	rs := ApplyLinked([]Table{tab}, 5, nil, RowOwner)
	if got, want := render(rs[0]), [][]string{{"<5", "<5"}, {"<5", "<5"}, {"<5", "<5"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("ApplyLinked(RowOwner) = %q, want %q", got, want)
	}
	if got := RecoverableLinked(rs, nil, RowOwner); len(got) != 0 {
		t.Errorf("RecoverableLinked(ApplyLinked(RowOwner)) = %q, want none", got)
	}
	// Linked tables: what one office knows of the applications holds
	// in every table.
	ts, link := receivedAndCourt()
	rs = ApplyLinked(ts, 5, link, RowOwner)
	if got := RecoverableLinked(rs, link, RowOwner); len(got) != 0 {
		t.Errorf("linked: RecoverableLinked(RowOwner) = %q, want none", got)
	}
	if got := RecoverableLinked(ApplyLinked(ts, 5, link, Outsider), link, RowOwner); len(got) == 0 {
		t.Error("linked: suppressed for outsiders, nothing is found by a row's owner: the case proves little")
	}
}

// TestRowOwnerSound compares RecoverableLinked for a RowOwner with the
// exact brute force, run once per known row with that row shown: what
// it pins in another row or a total, RecoverableLinked must report.
func TestRowOwnerSound(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	var determined, over int
	for n := range 300 {
		rows, cols := 2+rng.IntN(2), 1+rng.IntN(2)
		cells := make([][]int, rows)
		for i := range cells {
			cells[i] = make([]int, cols)
			for j := range cells[i] {
				cells[i][j] = []int{0, 1, 2, 3, 4, 8}[rng.IntN(6)]
			}
		}
		tab := table(cells)
		g := fromTable(tab)
		for i := range g.hid {
			for j := range g.hid[i] {
				g.hid[i][j] = g.v[i][j] > 0 && rng.IntN(5) < 3
			}
		}
		hidden := 0
		for i := range g.r {
			for j := range g.c {
				if g.hid[i][j] {
					hidden++
				}
			}
		}
		if hidden > 4 {
			continue // too many for the brute force
		}
		r := g.result(tab.Rows, tab.Cols, 5)
		got := RecoverableLinked([]Result{r}, nil, RowOwner)
		var want []string
		for a := range g.r {
			h := g.clone()
			for j := range h.hid[a] {
				h.hid[a][j] = false
			}
			// What matters to the owner: other rows' entries, and the
			// totals of columns where another row hides something.
			matters := func(s string) bool {
				if strings.HasPrefix(s, "row ") {
					return !strings.HasPrefix(s, "row "+tab.Rows[a]+",")
				}
				j := g.c
				if col, ok := strings.CutPrefix(s, "total, column "); ok {
					j = slices.Index(tab.Cols, strings.Split(col, " ")[0])
				}
				for i := range g.r {
					if i != a && g.hid[i][j] {
						return true
					}
				}
				return false
			}
			for _, s := range bruteForce(h, tab.Rows, tab.Cols) {
				if matters(s) {
					want = append(want, "knowing row "+tab.Rows[a]+", table 0: "+s)
				}
			}
		}
		for _, s := range Recoverable(r) {
			want = append(want, "table 0: "+s)
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Fatalf("case %d: %q not reported; RecoverableLinked = %q\n%s", n, w, got, format(r))
			}
		}
		slices.Sort(want)
		determined += len(slices.Compact(want))
		over += len(got) - len(slices.Compact(want))
	}
	if determined < 50 {
		t.Errorf("weak cases: %d determined", determined)
	}
	t.Logf("%d determined, %d more reported", determined, over)
}

// TestRowOwnerProperty: tables suppressed against a row's owner leave
// nothing it can work out, linked or not.
func TestRowOwnerProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for n := range 150 {
		ts, link := linkedTables(rng, 2+rng.IntN(5), []int{8, 20}[n%2])
		if n%3 == 0 {
			link = nil
		}
		rs := ApplyLinked(ts, 5, link, RowOwner)
		if got := RecoverableLinked(rs, link, RowOwner); len(got) != 0 {
			var b strings.Builder
			for _, r := range rs {
				b.WriteString(format(r) + "\n")
			}
			t.Fatalf("case %d: RecoverableLinked = %q\n%s", n, got, b.String())
		}
		for k, r := range rs {
			g := fromTable(ts[k])
			h := fromResult(r)
			for i := range g.v {
				for j, v := range g.v[i] {
					if v == 0 && h.hid[i][j] || 0 < v && v < 5 && !h.hid[i][j] {
						t.Fatalf("case %d table %d (%d,%d) = %d: hidden %v", n, k, i, j, v, h.hid[i][j])
					}
				}
			}
		}
	}
}
