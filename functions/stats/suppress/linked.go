package suppress

import (
	"fmt"
	"math"
	"slices"
)

// Column names a column of one of the tables given to [ApplyLinked] or
// [RecoverableLinked]: Table indexes the tables, Col the table's Cols, or
// is len(Cols) for the column of its row totals.
type Column struct{ Table, Col int }

// Reader is who a check guards against: what a reader knows besides
// what is published.
type Reader int

const (
	// Outsider knows what is published, and no more.
	Outsider Reader = iota
	// RowOwner may also know one row of the tables in full, the same
	// row of every table: the rows are offices, and each office knows
	// its own counts. What it must not work out is another row's entry,
	// or a column's total where another row's entry in that column is
	// hidden. (A total over its own count and shown ones says nothing
	// of the others, and nothing could hide it.)
	RowOwner
)

// ApplyLinked suppresses tables that are published together and share a
// column, as described in the package documentation: the columns of
// link (one per table at most) hold the same counts row by row, and so
// the same total. In the portal the number of applications in a month
// is a cell of one table and the row total of several others.
//
// Each table follows the rule of [Apply], and beyond it: an entry of the
// shared column is suppressed in every table or in none, and the tables
// are checked together with [RecoverableLinked] against reader,
// suppressing more until it finds nothing. Since an entry of the shared
// column hidden is hidden in every linked table, steps 2 and 3 pick one
// only when no other entry will do (in step 2: a line's other parts,
// then its total). Tables not named in link are suppressed as by Apply,
// and checked together with the others only against a RowOwner.
//
// ApplyLinked panics as Apply does, if link names a table twice, a
// table or column that does not exist, or columns that differ, and for
// a RowOwner if the tables' rows differ in number.
func ApplyLinked(ts []Table, threshold int, link []Column, reader Reader) []Result {
	if threshold < 1 {
		panic(fmt.Sprintf("suppress: threshold %d < 1", threshold))
	}
	l := &linked{reader: reader}
	for _, t := range ts {
		g := fromTable(t)
		g.primary(t.Force, threshold)
		l.gs = append(l.gs, g)
	}
	l.setLink(link)
	for _, k := range l.members() {
		g := l.gs[k]
		g.avoid = make([][]bool, g.r+1)
		for i := range g.avoid {
			g.avoid[i] = make([]bool, g.c+1)
			g.avoid[i][l.col[k]] = true
		}
	}
	l.share(false)
	for {
		l.settle()
		f, ok := l.firstDetermined()
		if !ok || !l.release(f) {
			break
		}
	}
	out := make([]Result, len(ts))
	for k, t := range ts {
		out[k] = l.gs[k].result(t.Rows, t.Cols, threshold)
	}
	return out
}

// RecoverableLinked is [Recoverable] for tables published together whose
// link columns hold the same counts, as for [ApplyLinked]: it describes
// each suppressed entry that reader may work out from all of them,
// "table 2: row 2024-07, total = 12", tables numbered from 0, and for a
// RowOwner "knowing row Lund, table 2: …". An entry of the shared column
// shown in any table is known in all.
//
// Unlike Recoverable it is not exact, but errs on the side of caution:
// the tables together are no longer a network, so it shows an entry
// free by finding a change that moves it and keeps everything shown
// (and, for a RowOwner, the known row), and it tries only changes that
// move at most two entries of the shared column. Every entry a reader
// can work out is reported; an entry that needs a wider change to move
// is reported too, though a reader could not pin it (ApplyLinked then
// hides one more entry than needed). Without a link, for an Outsider,
// it reports what Recoverable reports.
//
// It panics as Recoverable does, and as ApplyLinked does for link.
func RecoverableLinked(rs []Result, link []Column, reader Reader) []string {
	l := &linked{reader: reader}
	for _, r := range rs {
		l.gs = append(l.gs, fromResult(r))
	}
	l.setLink(link)
	l.share(true)
	var out []string
	base := l.check(-1)
	for _, known := range l.views() {
		c := base.as(known)
		prefix := ""
		if known >= 0 {
			prefix = "knowing row " + name(rs[0].Rows, known) + ", "
		}
		for k, g := range l.gs {
			for i := range g.v {
				for j := range g.v[i] {
					p := pos{i, j}
					if g.hid[i][j] && c.matters(k, p) && c.determined(k, p) {
						out = append(out, fmt.Sprintf("%stable %d: %s", prefix, k, g.describe(p, rs[k].Rows, rs[k].Cols)))
					}
				}
			}
		}
	}
	return out
}

// linked is a set of grids, some of which share a column: col[k] is the
// shared column of grid k in the extended table, or -1.
type linked struct {
	gs     []*grid
	col    []int
	reader Reader
}

// views returns the rows a reader may know: none (-1), then, for a
// RowOwner, each row of the tables.
func (l *linked) views() []int {
	vs := []int{-1}
	if l.reader == RowOwner && len(l.gs) > 0 {
		for i := range l.gs[0].r {
			vs = append(vs, i)
		}
	}
	return vs
}

func (l *linked) setLink(link []Column) {
	l.col = make([]int, len(l.gs))
	for k := range l.col {
		l.col[k] = -1
	}
	rows := -1
	for _, c := range link {
		if c.Table < 0 || c.Table >= len(l.gs) {
			panic(fmt.Sprintf("suppress: link names table %d of %d", c.Table, len(l.gs)))
		}
		g := l.gs[c.Table]
		if c.Col < 0 || c.Col > g.c {
			panic(fmt.Sprintf("suppress: link names column %d of table %d, which has %d and its totals", c.Col, c.Table, g.c))
		}
		if l.col[c.Table] >= 0 {
			panic(fmt.Sprintf("suppress: link names table %d twice", c.Table))
		}
		if rows >= 0 && g.r != rows {
			panic(fmt.Sprintf("suppress: linked table %d has %d rows, the first %d", c.Table, g.r, rows))
		}
		rows = g.r
		l.col[c.Table] = c.Col
	}
	if l.reader == RowOwner {
		for k, g := range l.gs {
			if g.r != l.gs[0].r {
				panic(fmt.Sprintf("suppress: table %d has %d rows, the first %d: a row's owner knows the same row of each", k, g.r, l.gs[0].r))
			}
		}
	}
	first := l.members()
	for _, k := range first {
		for i := range l.gs[k].v {
			if a, b := l.gs[first[0]].v[i][l.col[first[0]]], l.gs[k].v[i][l.col[k]]; a != b {
				panic(fmt.Sprintf("suppress: the linked columns differ in row %d: table %d has %d, table %d has %d", i, first[0], a, k, b))
			}
		}
	}
}

// members returns the linked grids, in order.
func (l *linked) members() []int {
	var ks []int
	for k, c := range l.col {
		if c >= 0 {
			ks = append(ks, k)
		}
	}
	return ks
}

// share makes each entry of the shared column suppressed in every linked
// grid or in none: in all if any suppresses it (all=false, as Apply
// does), or only if all do (all=true, as a reader sees it: shown once,
// known everywhere). It reports whether anything changed.
func (l *linked) share(all bool) bool {
	ks := l.members()
	if len(ks) == 0 {
		return false
	}
	changed := false
	for i := range l.gs[ks[0]].r + 1 {
		h := all
		for _, k := range ks {
			if all {
				h = h && l.gs[k].hid[i][l.col[k]]
			} else {
				h = h || l.gs[k].hid[i][l.col[k]]
			}
		}
		for _, k := range ks {
			if l.gs[k].hid[i][l.col[k]] != h {
				l.gs[k].hid[i][l.col[k]] = h
				changed = true
			}
		}
	}
	return changed
}

// settle applies step 2 of the rule to every grid and shares the
// suppressions of the shared column, until nothing changes.
func (l *linked) settle() {
	for {
		for _, g := range l.gs {
			g.secondary()
		}
		if !l.share(false) {
			return
		}
	}
}

func (l *linked) clone() *linked {
	m := &linked{col: l.col, reader: l.reader}
	for _, g := range l.gs {
		m.gs = append(m.gs, g.clone())
	}
	return m
}

// finding is a suppressed entry that a check can work out: entry p of
// grid k, by a reader who knows row known (-1: none).
type finding struct {
	k, known int
	p        pos
}

// firstDetermined returns the first suppressed entry, by view, table and
// then in reading order, that RecoverableLinked would report.
func (l *linked) firstDetermined() (finding, bool) {
	base := l.check(-1)
	for _, known := range l.views() {
		c := base.as(known)
		for k, g := range l.gs {
			for i := range g.v {
				for j := range g.v[i] {
					if p := (pos{i, j}); g.hid[i][j] && c.matters(k, p) && c.determined(k, p) {
						return finding{k, known, p}, true
					}
				}
			}
		}
	}
	return finding{}, false
}

// release suppresses one more entry because of finding f, as step 3 of
// the rule does for one table. Candidates are the shown non-zero entries
// of p's row and column and, for an entry of the shared column, of its
// row in every linked grid (the change that frees it must pass through
// each of them); the first, smallest first, whose suppression frees p
// is taken, else the smallest. Failing any, the smallest shown non-zero
// entry of grid k, or of every grid. Entries of the shared column come
// after all others, and entries of the row the reader knows are never
// candidates: hiding them hides nothing from it. It reports false if
// there was nothing left to suppress.
func (l *linked) release(f finding) bool {
	type cand struct {
		k int
		q pos
	}
	var cands []cand
	add := func(k int, ps []pos) {
		for _, q := range ps {
			g := l.gs[k]
			if q.i != f.known && !g.hid[q.i][q.j] && g.v[q.i][q.j] > 0 && !slices.Contains(cands, cand{k, q}) {
				cands = append(cands, cand{k, q})
			}
		}
	}
	k, p := f.k, f.p
	g := l.gs[k]
	add(k, slices.Concat(g.line(p.i), g.line(g.r+1+p.j)))
	if l.col[k] >= 0 && p.j == l.col[k] {
		for _, m := range l.members() {
			add(m, l.gs[m].line(p.i))
		}
	}
	everywhere := func(ks []int) {
		for _, m := range ks {
			for i := range l.gs[m].v {
				for j := range l.gs[m].v[i] {
					add(m, []pos{{i, j}})
				}
			}
		}
	}
	if len(cands) == 0 {
		everywhere([]int{k})
	}
	if len(cands) == 0 && (l.col[k] >= 0 || f.known >= 0) {
		all := make([]int, len(l.gs))
		for m := range all {
			all[m] = m
		}
		everywhere(all)
	}
	if len(cands) == 0 {
		return false
	}
	// Outside the shared column first: an entry hidden there is hidden
	// in every linked table.
	key := func(c cand) int {
		if l.gs[c.k].avoided(c.q) {
			return math.MaxInt32 + l.gs[c.k].v[c.q.i][c.q.j]
		}
		return l.gs[c.k].v[c.q.i][c.q.j]
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return key(a) - key(b) })
	for _, c := range cands {
		m := l.clone()
		m.gs[c.k].hid[c.q.i][c.q.j] = true
		m.settle()
		if !m.check(f.known).determined(k, p) {
			*l = *m
			return true
		}
	}
	l.gs[cands[0].k].hid[cands[0].q.i][cands[0].q.j] = true
	return true
}

// A check holds what determining entries needs: each grid's residual
// graph, the row vertex the reader knows (-1: none), whose entries it
// takes as shown, so that no change may pass through it, and which
// rows of the linked grids reach which without the shared column.
type check struct {
	l *linked
	*graphs
	known int
	// route[k][y][x]: in linked grid k a path of residual arcs leads from
	// row vertex y to row vertex x without the shared column's vertex or
	// the known row's; computed when first needed.
	route [][][]bool
}

func (l *linked) check(known int) *check {
	c := &check{l: l, graphs: &graphs{res: make([][][]bool, len(l.gs)), adj: make([][][]int, len(l.gs))}}
	return c.as(known)
}

// graph returns grid k's residual graph and its adjacency lists,
// computing them when first needed.
func (c *check) graph(k int) ([][]bool, [][]int) {
	if c.res[k] == nil {
		c.res[k] = c.l.gs[k].residual()
		c.adj[k] = make([][]int, len(c.res[k]))
		for u, row := range c.res[k] {
			for w, ok := range row {
				if ok {
					c.adj[k][u] = append(c.adj[k][u], w)
				}
			}
		}
	}
	return c.res[k], c.adj[k]
}

// graphs are the grids' residual graphs, shared by the checks of one
// state (see check.graph).
type graphs struct {
	res [][][]bool
	// adj[k][u] lists the heads of the arcs from u in res[k]: the graph
	// is sparse, its arcs are the suppressed entries.
	adj [][][]int
}

// as returns the check for a reader who knows row known, sharing the
// residual graphs.
func (c *check) as(known int) *check {
	d := &check{l: c.l, graphs: c.graphs, known: known, route: make([][][]bool, len(c.l.gs))}
	for k, g := range c.l.gs {
		if c.l.col[k] >= 0 {
			d.route[k] = make([][]bool, g.r+1)
		}
	}
	return d
}

// matters reports whether working out entry p of grid k would tell the
// reader something about a row it does not know: for an outsider always;
// for a row's owner, if p is in another row, or is a column's total over
// another row's hidden entry.
func (c *check) matters(k int, p pos) bool {
	if c.known < 0 {
		return true
	}
	g := c.l.gs[k]
	if p.i != g.r {
		return p.i != c.known
	}
	for i := range g.r {
		if i != c.known && g.hid[i][p.j] {
			return true
		}
	}
	return false
}

// routes returns what row vertex y of linked grid k reaches.
func (c *check) routes(k, y int) []bool {
	if c.route[k][y] == nil {
		_, adj := c.graph(k)
		c.route[k][y] = reachAvoiding(adj, y, c.l.sigma(k), c.known)
	}
	return c.route[k][y]
}

// sigma is the vertex of grid k's shared column.
func (l *linked) sigma(k int) int { return l.gs[k].r + 1 + l.col[k] }

// reachAvoiding returns the vertices reachable from s without entering
// the vertices avoid (-1 avoids nothing).
func reachAvoiding(adj [][]int, s int, avoid ...int) []bool {
	seen := make([]bool, len(adj))
	seen[s] = true
	for _, a := range avoid {
		if a >= 0 && a != s {
			seen[a] = true // never entered
		}
	}
	stack := []int{s}
	reached := make([]bool, len(adj))
	reached[s] = true
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range adj[u] {
			if !seen[w] {
				seen[w], reached[w] = true, true
				stack = append(stack, w)
			}
		}
	}
	return reached
}

// move is one entry of the shared column, by its row, going up or down
// by one.
type move struct {
	row int
	up  bool
}

// arcOf returns the arc of grid k's residual graph that makes the move,
// if there is one.
func (c *check) arcOf(k int, m move) (from, to int, ok bool) {
	p := pos{m.row, c.l.col[k]}
	if !c.l.gs[k].hid[p.i][p.j] || m.row == c.known {
		return 0, 0, false
	}
	a, b := c.l.gs[k].up(p)
	if !m.up {
		a, b = b, a
	}
	res, _ := c.graph(k)
	return a, b, res[a][b]
}

// moveOf is the move that the arc from u to v through grid k's shared
// column vertex (one of them is it) makes.
func (c *check) moveOf(k, u, v int) move {
	row := u
	if u == c.l.sigma(k) {
		row = v
	}
	a, _ := c.l.gs[k].up(pos{row, c.l.col[k]})
	return move{row, a == u}
}

// fits reports whether linked grid k can take the two moves of its
// shared column: each is a residual arc, one enters the column's vertex
// and the other leaves it, and a path of the grid's other entries closes
// the cycle.
func (c *check) fits(k int, a, b move) bool {
	sigma := c.l.sigma(k)
	af, at, ok1 := c.arcOf(k, a)
	bf, bt, ok2 := c.arcOf(k, b)
	if !ok1 || !ok2 {
		return false
	}
	switch {
	case at == sigma && bf == sigma: // af → σ → bt, back from bt to af
		return c.routes(k, bt)[af]
	case bt == sigma && af == sigma:
		return c.routes(k, at)[bf]
	}
	return false
}

// fitsAll reports whether every linked grid but skip takes the moves.
func (c *check) fitsAll(a, b move, skip int) bool {
	for _, k := range c.l.members() {
		if k != skip && !c.fits(k, a, b) {
			return false
		}
	}
	return true
}

// determined reports whether no change found moves entry p of grid k.
func (c *check) determined(k int, p pos) bool {
	g := c.l.gs[k]
	res, _ := c.graph(k)
	if c.l.col[k] < 0 {
		a, b := g.up(p)
		if c.path(k, b, a) {
			return false
		}
		return !(res[b][a] && c.path(k, a, b))
	}
	if p.j == c.l.col[k] {
		// An entry of the shared column moves with another one of it,
		// in every linked grid alike.
		for _, up := range []bool{true, false} {
			a := move{p.i, up}
			for i := range g.r + 1 {
				if i == p.i {
					continue
				}
				for _, up2 := range []bool{true, false} {
					if c.fitsAll(a, move{i, up2}, -1) {
						return false
					}
				}
			}
		}
		return true
	}
	a, b := g.up(p)
	if c.walk(k, b, a) {
		return false
	}
	return !(res[b][a] && c.walk(k, a, b))
}

// path reports whether grid k's residual graph has a path from s to t
// without the arc from s to t itself and without the known row.
func (c *check) path(k, s, t int) bool {
	_, adj := c.graph(k)
	seen := make([]bool, len(adj))
	seen[s] = true
	if c.known >= 0 {
		seen[c.known] = true
	}
	stack := []int{s}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range adj[u] {
			if seen[w] || (u == s && w == t) {
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

// walk reports whether grid k's residual graph has a walk from s to t,
// not using the arc from s to t itself, that passes through the shared
// column's vertex at most once, and then only by two moves that every
// other linked grid takes too. Such a walk, closed by the arc from t to
// s, holds a simple cycle through that arc which either avoids the
// shared column or passes it by those two moves: a change that moves
// the entry and keeps everything shown.
func (c *check) walk(k, s, t int) bool {
	_, adj := c.graph(k)
	sigma := c.l.sigma(k)
	type state struct {
		v      int
		passed bool
	}
	// seen[passed][v]
	seen := [2][]bool{make([]bool, len(adj)), make([]bool, len(adj))}
	at := func(passed bool) int {
		if passed {
			return 1
		}
		return 0
	}
	seen[0][s] = true
	stack := []state{{s, false}}
	push := func(st state) bool {
		if st.v == c.known {
			return false
		}
		if st.v == t {
			return true
		}
		if !seen[at(st.passed)][st.v] {
			seen[at(st.passed)][st.v] = true
			stack = append(stack, st)
		}
		return false
	}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range adj[u.v] {
			if u.v == s && w == t {
				continue
			}
			if w != sigma {
				if push(state{w, u.passed}) {
					return true
				}
				continue
			}
			if u.passed {
				continue
			}
			in := c.moveOf(k, u.v, sigma)
			for _, y := range adj[sigma] {
				if y == u.v || y == c.known {
					continue
				}
				if c.fitsAll(in, c.moveOf(k, sigma, y), k) && push(state{y, true}) {
					return true
				}
			}
		}
	}
	return false
}
