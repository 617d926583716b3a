// Package suppress hides small numbers in a published table of counts,
// so that no family can be singled out, and hides enough others that
// the small ones cannot be worked back out of the totals.
//
// The statistics about applications are counted per office and month.
// In a small municipality "1 application with an Arabic interpreter in
// July" points at one family, so a count below the threshold is never
// published, and neither is a count a reader could recover from the
// totals and the other published counts.
//
// # The rule
//
// The table is treated together with its totals: each row has its total
// as a last column, each column its total as a last row, and the grand
// total sits in the corner. Every row and column of that extended table
// is a "line": its parts add up to its total, which is the last entry.
// The bottom line says that the column totals add up to the grand total,
// the last column that the row totals do.
//
//  1. Primary: every entry, cell or total, with 0 < count < threshold is
//     suppressed, and so is every entry the caller forces
//     ([Table.Force]: one that another table would give away). A true
//     zero is shown: it reveals no one, and showing it is common
//     practice. Zeros are never suppressed, for any reason (forcing one
//     is refused), so a reader knows that every suppressed entry is at
//     least 1; the rest of the rule and the checker count on that.
//  2. Secondary: a line with exactly one suppressed entry gives it away
//     (total minus the shown parts, or the sum of the parts). In such a
//     line another entry is suppressed: the smallest shown non-zero part
//     (ties: the first). If there is none, because every other part is
//     zero, the line's total is suppressed instead. Lines are visited
//     rows first (top to bottom, the column totals' line last), then
//     columns (left to right, the row totals' line last), again and
//     again until nothing changes: a suppression made for a row can
//     leave a column with a single suppressed entry.
//  3. Check: after step 2 no line has a single suppressed entry, but
//     values can still be pinned down by combining several lines, or by
//     the bound that suppressed entries are at least 1 (a row "<5, <5,
//     10" with total 12 has both hidden cells equal to 1). The exact
//     check of [Recoverable] is run; while it pins down an entry, one
//     more entry in that entry's row or column is suppressed (the
//     smallest shown non-zero one whose suppression, followed by step 2,
//     frees it; if none does, the smallest one; if the row and column
//     have none, the smallest shown non-zero entry anywhere), and steps
//     2 and 3 are repeated. Each round suppresses at least one more
//     entry and a table with every non-zero entry suppressed reveals
//     nothing, so this ends, and it ends with nothing recoverable.
//
// Everything is deterministic: the same table, forced entries and
// threshold give the same result.
//
// # Tables that share a column
//
// Tables published together can hold the same figures: the number of
// applications in a month is a cell of one table and the row total of
// every table that splits the applications up (by number of children,
// court-ordered or not, …). Suppressed one by one, a figure hidden in
// one table can be shown in another, and what it protected is lost.
// [ApplyLinked] suppresses such tables together: each by the rule
// above, an entry of the shared column hidden in one hidden in all, and
// step 3 run with [RecoverableLinked] over all of them, which also
// looks for changes that pass from one table to another through the
// shared column. That check errs on the safe side (see its
// documentation), so ApplyLinked can hide an entry more than needed,
// never one less.
//
// # Readers who know a row
//
// When the rows are offices, every office knows its own counts: in a
// national table of two offices, a national total minus one's own
// count is the other's. ApplyLinked and RecoverableLinked take the
// reader to guard against: an [Outsider], who knows what is published,
// or a [RowOwner], who may also know any one row of the tables in full.
// Knowing a row takes its vertex out of the graph described under
// Recoverable, so the check is the same, once per row: no change may
// pass through the known row.
//
// # What is and is not covered
//
// [Recoverable] decides exactly whether a suppressed entry is fixed by
// what a reader sees: the shown entries, that every line adds up, and
// that suppressed entries are at least 1. It does not model a reader
// who takes "<5" literally as an upper bound (a secondarily suppressed
// entry can be large, see [Shown.String]), who knows this algorithm and
// reasons about which entry it would have picked, who is content with
// narrowing a value to a small range instead of one value, or who
// combines this table with another one published from the same data (by
// quarter as well as by month, or per office as well as per region):
// overlapping tables must be suppressed together or not published.
// Tables that share a whole column are suppressed together by
// ApplyLinked; other relations between tables (a weighted sum, a bound
// such as "never more than the applications") are the caller's to
// handle, with [Table.Force]. A reader who knows more than one row (two
// offices comparing notes) is not modelled either.
package suppress

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// Table is a table of counts to publish, for example months by offices.
// Cells[i][j] is the count for Rows[i] and Cols[j]. The row, column and
// grand totals are derived from the cells, not stored, so they cannot
// disagree with them.
type Table struct {
	Rows, Cols []string
	Cells      [][]int
	// Force, if not nil, names entries to suppress whatever their
	// count, for the caller's own reasons: a figure that another
	// published table would give away, say. It covers the table with
	// its totals: Force[i][j] for i <= len(Rows) and j <= len(Cols),
	// where Force[i][len(Cols)] is row i's total, Force[len(Rows)][j]
	// column j's total and Force[len(Rows)][len(Cols)] the grand total.
	// Forced entries join step 1 of the rule, so they are protected
	// like the small ones. Zeros are never suppressed: forcing one is a
	// mistake.
	Force [][]bool
}

// Shown is one published entry of a [Result]: a cell or a total.
type Shown struct {
	// Value is the true count, also when the entry is suppressed: the
	// checker and the tests need it. Never publish Value itself; publish
	// String or the JSON form, which hide a suppressed value.
	Value int
	// Suppressed says that the entry must not be published.
	Suppressed bool

	// threshold is the one the entry was suppressed under, for String.
	threshold int
}

// String returns the entry as it is published: the number, or for a
// suppressed entry the threshold's [Label], "<5" for 5. The label is
// the same for every suppressed entry, because a different mark for
// secondary suppressions would tell readers which ones are small; so a
// secondarily suppressed entry, which can be large, is also printed
// "<5". A suppressed Shown not made by [Apply] (no threshold) prints
// "..".
func (s Shown) String() string {
	switch {
	case !s.Suppressed:
		return strconv.Itoa(s.Value)
	case s.threshold > 0:
		return Label(s.threshold)
	default:
		return ".."
	}
}

// MarshalJSON encodes the entry as it is published, so that encoding a
// Result cannot leak a suppressed value: a number, or the string that
// String returns.
func (s Shown) MarshalJSON() ([]byte, error) {
	if !s.Suppressed {
		return json.Marshal(s.Value)
	}
	return json.Marshal(s.String())
}

// Label returns the mark printed for a suppressed entry: "<5" for a
// threshold of 5.
func Label(threshold int) string {
	return "<" + strconv.Itoa(threshold)
}

// Result is a [Table] ready to publish: its cells and totals, each with
// its true value and whether it is suppressed. Rows and Cols are the
// table's labels, copied so that a Result can be rendered on its own and
// so that [Recoverable] can name what it finds.
type Result struct {
	Rows, Cols []string
	Cells      [][]Shown
	RowTotals  []Shown
	ColTotals  []Shown
	Total      Shown
}

// Apply suppresses the small counts of t and enough others that none of
// them can be recovered, as described in the package documentation. A
// count is small when 0 < count < threshold; a threshold of 1 suppresses
// nothing.
//
// Apply panics if t.Cells is not len(t.Rows) by len(t.Cols), if a count
// is negative, if threshold < 1, or if t.Force does not cover the table
// with its totals or forces a zero: those are mistakes in the caller,
// and publishing anyway is not an option.
func Apply(t Table, threshold int) Result {
	if threshold < 1 {
		panic(fmt.Sprintf("suppress: threshold %d < 1", threshold))
	}
	g := fromTable(t)
	g.primary(t.Force, threshold)
	for {
		g.secondary()
		p, ok := g.firstDetermined()
		if !ok || !g.release(p) {
			break
		}
	}
	return g.result(t.Rows, t.Cols, threshold)
}

// Recoverable returns, for each suppressed entry of r that a reader can
// work out exactly, a description such as "row 2024-07, column Lund =
// 1" ("row X, total = N", "total, column Y = N" and "grand total = N" for
// totals), in reading order. An empty result means that no suppressed
// entry is determined by what is shown. The tests use it on the results
// of [Apply]; callers can use it as an assertion before publishing.
//
// A reader knows the shown entries, that the parts of every row and
// column add up to its total (row totals to the grand total, column
// totals likewise), and that suppressed entries are at least 1, since
// zeros are always shown (if r suppresses a zero, only at least 0).
// Within that, the answer is exact: an entry is reported if and only if
// every table consistent with what is shown has the same value there.
// This covers a line with one unknown, chains of such lines, lines that
// are only solvable in combination, and bounds such as "the other
// suppressed entries of the line must be at their minimum".
//
// How: the lines are the vertices of a bipartite graph (rows of the
// extended table on one side, its columns on the other) and every
// suppressed entry is an edge between its row and its column. Changing
// the hidden values without changing what is shown means changing them
// around a cycle of that graph, alternately up and down, and any such
// change is a sum of changes around simple cycles that each stay within
// the bounds (the constraint matrix is that of a network). So an entry
// is free exactly when some cycle through it can move it, up or down, by
// one without taking an entry below its lower bound: a path search in
// the residual graph, not a general solver.
//
// r must be consistent, as Apply makes it: totals equal to the sums of
// the Values. Recoverable panics if r's slices do not fit together.
func Recoverable(r Result) []string {
	g := fromResult(r)
	res := g.residual()
	var out []string
	for i := range g.v {
		for j := range g.v[i] {
			p := pos{i, j}
			if g.hid[i][j] && g.determined(p, res) {
				out = append(out, g.describe(p, r.Rows, r.Cols))
			}
		}
	}
	return out
}

// grid is a table extended with its totals: for a table of r rows and c
// columns, entry (i, j) with i < r and j < c is a cell, (i, c) is the
// total of row i, (r, j) the total of column j and (r, c) the grand
// total.
type grid struct {
	r, c int
	v    [][]int
	hid  [][]bool
	// avoid, if not nil, marks entries to suppress only when nothing
	// else will do (the shared column of linked tables): steps 2 and 3
	// pick among the others first.
	avoid [][]bool
	// lines caches line's answers, which depend on r and c only.
	lineCache [][]pos
}

type pos struct{ i, j int }

func newGrid(r, c int) *grid {
	g := &grid{r: r, c: c, v: make([][]int, r+1), hid: make([][]bool, r+1)}
	for i := range g.v {
		g.v[i] = make([]int, c+1)
		g.hid[i] = make([]bool, c+1)
	}
	return g
}

func fromTable(t Table) *grid {
	if len(t.Cells) != len(t.Rows) {
		panic(fmt.Sprintf("suppress: %d rows of cells for %d row labels", len(t.Cells), len(t.Rows)))
	}
	g := newGrid(len(t.Rows), len(t.Cols))
	for i, row := range t.Cells {
		if len(row) != len(t.Cols) {
			panic(fmt.Sprintf("suppress: row %d has %d cells for %d column labels", i, len(row), len(t.Cols)))
		}
		for j, n := range row {
			if n < 0 {
				panic(fmt.Sprintf("suppress: negative count %d in row %d, column %d", n, i, j))
			}
			g.v[i][j] = n
			g.v[i][g.c] += n
			g.v[g.r][j] += n
			g.v[g.r][g.c] += n
		}
	}
	return g
}

// primary applies step 1 of the rule: the small entries, and those the
// caller forces.
func (g *grid) primary(force [][]bool, threshold int) {
	for i := range g.v {
		for j, v := range g.v[i] {
			g.hid[i][j] = 0 < v && v < threshold
		}
	}
	if force == nil {
		return
	}
	if len(force) != g.r+1 {
		panic(fmt.Sprintf("suppress: Force has %d rows for a table of %d rows and its totals", len(force), g.r+1))
	}
	for i, row := range force {
		if len(row) != g.c+1 {
			panic(fmt.Sprintf("suppress: Force row %d has %d entries for %d columns and the totals", i, len(row), g.c+1))
		}
		for j, f := range row {
			if !f {
				continue
			}
			if g.v[i][j] == 0 {
				panic(fmt.Sprintf("suppress: Force names entry (%d, %d), which is zero: zeros are always shown", i, j))
			}
			g.hid[i][j] = true
		}
	}
}

func fromResult(r Result) *grid {
	if len(r.RowTotals) != len(r.Cells) {
		panic(fmt.Sprintf("suppress: %d rows of cells for %d row totals", len(r.Cells), len(r.RowTotals)))
	}
	g := newGrid(len(r.Cells), len(r.ColTotals))
	set := func(i, j int, s Shown) { g.v[i][j], g.hid[i][j] = s.Value, s.Suppressed }
	for i, row := range r.Cells {
		if len(row) != g.c {
			panic(fmt.Sprintf("suppress: row %d has %d cells for %d column totals", i, len(row), g.c))
		}
		for j, s := range row {
			set(i, j, s)
		}
		set(i, g.c, r.RowTotals[i])
	}
	for j, s := range r.ColTotals {
		set(g.r, j, s)
	}
	set(g.r, g.c, r.Total)
	return g
}

func (g *grid) result(rows, cols []string, threshold int) Result {
	shown := func(i, j int) Shown {
		return Shown{Value: g.v[i][j], Suppressed: g.hid[i][j], threshold: threshold}
	}
	r := Result{
		Rows:      slices.Clone(rows),
		Cols:      slices.Clone(cols),
		Cells:     make([][]Shown, g.r),
		RowTotals: make([]Shown, g.r),
		ColTotals: make([]Shown, g.c),
		Total:     shown(g.r, g.c),
	}
	for i := range g.r {
		r.Cells[i] = make([]Shown, g.c)
		for j := range g.c {
			r.Cells[i][j] = shown(i, j)
		}
		r.RowTotals[i] = shown(i, g.c)
	}
	for j := range g.c {
		r.ColTotals[j] = shown(g.r, j)
	}
	return r
}

func (g *grid) clone() *grid {
	h := newGrid(g.r, g.c)
	for i := range g.v {
		copy(h.v[i], g.v[i])
		copy(h.hid[i], g.hid[i])
	}
	h.avoid = g.avoid         // never changed once set
	h.lineCache = g.lineCache // nor these
	return h
}

// lines returns the number of lines: the r+1 rows of the extended table,
// then its c+1 columns.
func (g *grid) lines() int { return g.r + 1 + g.c + 1 }

// line returns the entries of line k, its total last. The slice is
// shared: callers must not change it.
func (g *grid) line(k int) []pos {
	if g.lineCache == nil {
		g.lineCache = make([][]pos, g.lines())
		for n := range g.lineCache {
			g.lineCache[n] = g.makeLine(n)
		}
	}
	return g.lineCache[k]
}

func (g *grid) makeLine(k int) []pos {
	var l []pos
	if k <= g.r {
		for j := 0; j <= g.c; j++ {
			l = append(l, pos{k, j})
		}
	} else {
		for i := 0; i <= g.r; i++ {
			l = append(l, pos{i, k - g.r - 1})
		}
	}
	return l
}

// secondary applies step 2 of the rule until nothing changes.
func (g *grid) secondary() {
	for changed := true; changed; {
		changed = false
		for k := range g.lines() {
			l := g.line(k)
			hidden := 0
			for _, p := range l {
				if g.hid[p.i][p.j] {
					hidden++
				}
			}
			if hidden != 1 {
				continue
			}
			if p, ok := g.pick(l); ok {
				g.hid[p.i][p.j] = true
				changed = true
			}
		}
	}
}

// pick returns the entry step 2 suppresses in line l: the smallest shown
// non-zero part, else the total if shown; entries to avoid only when
// neither of the others is left.
func (g *grid) pick(l []pos) (pos, bool) {
	parts, t := l[:len(l)-1], l[len(l)-1]
	for _, avoided := range []bool{false, true} {
		if g.avoid == nil && avoided {
			break
		}
		var ps []pos
		for _, p := range parts {
			if g.avoided(p) == avoided {
				ps = append(ps, p)
			}
		}
		if p, ok := g.smallest(ps); ok {
			return p, true
		}
		if !g.hid[t.i][t.j] && g.avoided(t) == avoided {
			return t, true
		}
	}
	return pos{}, false
}

func (g *grid) avoided(p pos) bool { return g.avoid != nil && g.avoid[p.i][p.j] }

// smallest returns the first of the shown non-zero entries among ps
// with the smallest value.
func (g *grid) smallest(ps []pos) (pos, bool) {
	best, ok := pos{}, false
	for _, p := range ps {
		if v := g.v[p.i][p.j]; !g.hid[p.i][p.j] && v > 0 && (!ok || v < g.v[best.i][best.j]) {
			best, ok = p, true
		}
	}
	return best, ok
}

// firstDetermined returns the first suppressed entry, in reading order,
// that Recoverable would report.
func (g *grid) firstDetermined() (pos, bool) {
	res := g.residual()
	for i := range g.v {
		for j := range g.v[i] {
			if p := (pos{i, j}); g.hid[i][j] && g.determined(p, res) {
				return p, true
			}
		}
	}
	return pos{}, false
}

// release suppresses one more entry because p is determined (step 3 of
// the rule). It reports false if there was nothing left to suppress.
func (g *grid) release(p pos) bool {
	var cands []pos
	for _, q := range slices.Concat(g.line(p.i), g.line(g.r+1+p.j)) {
		if !g.hid[q.i][q.j] && g.v[q.i][q.j] > 0 {
			cands = append(cands, q)
		}
	}
	if len(cands) == 0 {
		for i := range g.v {
			for j := range g.v[i] {
				if !g.hid[i][j] && g.v[i][j] > 0 {
					cands = append(cands, pos{i, j})
				}
			}
		}
	}
	if len(cands) == 0 {
		return false
	}
	slices.SortStableFunc(cands, func(a, b pos) int { return g.v[a.i][a.j] - g.v[b.i][b.j] })
	for _, q := range cands {
		h := g.clone()
		h.hid[q.i][q.j] = true
		h.secondary()
		if !h.determined(p, h.residual()) {
			*g = *h
			return true
		}
	}
	g.hid[cands[0].i][cands[0].j] = true
	return true
}

// floor is the least value a reader knows a suppressed entry has: 1,
// since zeros are shown, unless g suppresses a zero after all.
func (g *grid) floor() int {
	for i := range g.v {
		for j, v := range g.v[i] {
			if g.hid[i][j] && v == 0 {
				return 0
			}
		}
	}
	return 1
}

// Vertices of the residual graph: row i of the extended table is vertex
// i, its column j is vertex r+1+j.
func (g *grid) rowV(p pos) int { return p.i }
func (g *grid) colV(p pos) int { return g.r + 1 + p.j }

// up returns the arc that raises entry p by one: from its row to its
// column for a cell or the grand total, the other way for a row or
// column total. (With the totals' signs flipped, every line says "the
// entries sum to zero"; a cell enters its row and column with +1, a row
// or column total with -1 on both, the grand total with +1 on both after
// flipping the bottom line and the last column.)
func (g *grid) up(p pos) (from, to int) {
	if (p.i < g.r) == (p.j < g.c) {
		return g.rowV(p), g.colV(p)
	}
	return g.colV(p), g.rowV(p)
}

// residual returns the residual graph of the suppressed entries as an
// adjacency matrix: for each suppressed entry, its up arc, and its
// reverse (lowering it by one) if it is above the floor. Between a row
// and a column there is only one entry, so the arcs between two
// vertices belong to one entry.
func (g *grid) residual() [][]bool {
	n := g.lines()
	arc := make([][]bool, n)
	for u := range arc {
		arc[u] = make([]bool, n)
	}
	lo := g.floor()
	for i := range g.v {
		for j, v := range g.v[i] {
			if !g.hid[i][j] {
				continue
			}
			a, b := g.up(pos{i, j})
			arc[a][b] = true
			arc[b][a] = v > lo
		}
	}
	return arc
}

// determined reports whether no cycle in the residual graph moves p: no
// path back from the head of its up arc to the tail, nor (if it can go
// down) the other way, without p's own arcs.
func (g *grid) determined(p pos, arc [][]bool) bool {
	a, b := g.up(p)
	if reach(arc, b, a) {
		return false
	}
	return !(arc[b][a] && reach(arc, a, b))
}

// reach reports whether there is a path from s to t that does not use
// the arcs between s and t themselves.
func reach(arc [][]bool, s, t int) bool {
	seen := make([]bool, len(arc))
	seen[s] = true
	stack := []int{s}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for w, ok := range arc[u] {
			if !ok || seen[w] || (u == s && w == t) {
				continue
			}
			if w == t {
				return true
			}
			seen[w] = true
			stack = append(stack, w)
		}
	}
	return false
}

// name returns the label of row or column k, or its number if it has
// none.
func name(names []string, k int) string {
	if k < len(names) {
		return names[k]
	}
	return strconv.Itoa(k + 1)
}

func (g *grid) describe(p pos, rows, cols []string) string {
	v := g.v[p.i][p.j]
	switch {
	case p.i < g.r && p.j < g.c:
		return fmt.Sprintf("row %s, column %s = %d", name(rows, p.i), name(cols, p.j), v)
	case p.i < g.r:
		return fmt.Sprintf("row %s, total = %d", name(rows, p.i), v)
	case p.j < g.c:
		return fmt.Sprintf("total, column %s = %d", name(cols, p.j), v)
	default:
		return fmt.Sprintf("grand total = %d", v)
	}
}
