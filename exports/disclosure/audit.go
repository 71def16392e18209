package disclosure

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// The audit answers, for every hidden cell, the question an attacker would
// ask: given everything published (this release, the margins, and the
// other releases of the same year), what is the smallest and the largest
// value this cell can have? Counts are non-negative; tables add up along
// single-choice dimensions; a multiple-choice cell is at most its margin; a
// distinct-persons cell is at most its margin and the margin at most the sum
// of its cells; a year is the sum of its tertials (persons: at most the sum,
// at least each tertial). Each question is a linear programme, solved with
// gonum's simplex. A hidden cell passes when its range is at least k wide.

// qty identifies one quantity: a canonical cell in one period.
type qty struct {
	period string
	canon  string
}

// relation is Σ coef·x = 0 (or ≤ 0 when ineq).
type relation struct {
	terms map[qty]float64
	ineq  bool
}

// model is the set of quantities and relations of a group of tables.
type model struct {
	// value is each quantity's true value (for suppression decisions
	// only); −1 marks an unknown of a period not released (see released).
	value  map[qty]int
	hidden map[qty]bool // hidden in every table that shows it
	rel    []relation
	relsOf map[qty][]int
	// lps caches the linear programmes by their unknowns: the same hidden
	// quantities under the same relations are the same programme, so the
	// rounds of secondary suppression re-solve only what changed.
	lps map[string]*lpModel
	// ctx, when set, stops a long audit.
	ctx context.Context
}

// released reports whether q is a cell of a table in the model (not an
// unknown standing for a period that was not released).
func (m *model) released(q qty) bool { return m.value[q] >= 0 }

// Finding is one hidden cell whose value can be narrowed below k.
type Finding struct {
	Period string
	Cell   string // canonical cell: unit|dim=code;...
	Min    float64
	Max    float64 // +Inf when unbounded
}

// AuditReport is the result of an audit.
type AuditReport struct {
	K        int
	Hidden   int
	Findings []Finding
}

// OK reports whether no hidden cell can be narrowed below k.
func (r AuditReport) OK() bool { return len(r.Findings) == 0 }

func periodKey(t *Table) string { return t.Period.Key() }

// buildModel collects the quantities and relations of the sensitive tables.
func buildModel(tables []*Table) *model {
	m := &model{value: map[qty]int{}, hidden: map[qty]bool{}, relsOf: map[qty][]int{}}
	shown := map[qty]bool{}
	seenRel := map[string]bool{}
	addRel := func(r relation) {
		key := fmt.Sprint(r.ineq, sortedTerms(r.terms))
		if seenRel[key] {
			return
		}
		seenRel[key] = true
		idx := len(m.rel)
		m.rel = append(m.rel, r)
		for q := range r.terms {
			m.relsOf[q] = append(m.relsOf[q], idx)
		}
	}
	byPeriodUnit := map[string]map[string]bool{} // unit -> canon set, for cross-period relations
	for _, t := range tables {
		if !t.Sensitive {
			continue
		}
		pk := periodKey(t)
		qOf := func(c *Cell) qty { return qty{pk, t.key(*c)} }
		for i := range t.Cells {
			c := &t.Cells[i]
			q := qOf(c)
			m.value[q] = c.Value
			if !c.Hidden {
				shown[q] = true
			}
			if byPeriodUnit[t.Unit] == nil {
				byPeriodUnit[t.Unit] = map[string]bool{}
			}
			byPeriodUnit[t.Unit][q.canon] = true
		}
		// Relations along each dimension, for every fixed assignment of the
		// other dimensions (margins included).
		for _, d := range t.Dims {
			groups := map[string][]*Cell{}
			totals := map[string]*Cell{}
			for i := range t.Cells {
				c := &t.Cells[i]
				rest := map[string]string{}
				for k, v := range c.Dims {
					if k != d.Name {
						rest[k] = v
					}
				}
				gk := CellKey(rest)
				if c.Dims[d.Name] == Total {
					totals[gk] = c
				} else {
					groups[gk] = append(groups[gk], c)
				}
			}
			for gk, cells := range groups {
				tot := totals[gk]
				if tot == nil {
					continue
				}
				tq := qOf(tot)
				if t.additive(d) {
					terms := map[qty]float64{tq: -1}
					for _, c := range cells {
						terms[qOf(c)] += 1
					}
					addRel(relation{terms: terms})
					continue
				}
				// Set dimension or persons: each cell at most its margin.
				for _, c := range cells {
					addRel(relation{terms: map[qty]float64{qOf(c): 1, tq: -1}, ineq: true})
				}
				if t.Unit == UnitPersons {
					terms := map[qty]float64{tq: 1}
					for _, c := range cells {
						terms[qOf(c)] -= 1
					}
					addRel(relation{terms: terms, ineq: true})
				}
			}
		}
	}
	for q := range m.value {
		m.hidden[q] = !shown[q]
	}
	// A year and its tertials.
	years := map[int]bool{}
	for _, t := range tables {
		years[t.Period.Year] = true
	}
	for y := range years {
		yk := Period{Year: y}.Key()
		for unit, canons := range byPeriodUnit {
			for canon := range canons {
				yq := qty{yk, canon}
				tqs := []qty{{Period{y, 1}.Key(), canon}, {Period{y, 2}.Key(), canon}, {Period{y, 3}.Key(), canon}}
				present := 0
				if _, ok := m.value[yq]; ok {
					present++
				}
				for _, tq := range tqs {
					if _, ok := m.value[tq]; ok {
						present++
					}
				}
				if present < 2 {
					continue
				}
				// Quantities of periods not released are unknowns.
				for _, q := range append(tqs, yq) {
					if _, ok := m.value[q]; !ok {
						m.hidden[q] = true
						m.value[q] = -1
					}
				}
				if unit == UnitPersons {
					terms := map[qty]float64{yq: 1}
					for _, tq := range tqs {
						terms[tq] = -1
						addRel(relation{terms: map[qty]float64{tq: 1, yq: -1}, ineq: true})
					}
					addRel(relation{terms: terms, ineq: true})
				} else {
					terms := map[qty]float64{yq: -1}
					for _, tq := range tqs {
						terms[tq] = 1
					}
					addRel(relation{terms: terms})
				}
			}
		}
	}
	return m
}

func sortedTerms(t map[qty]float64) []string {
	out := make([]string, 0, len(t))
	for q, c := range t {
		out = append(out, fmt.Sprintf("%s|%s|%g", q.period, q.canon, c))
	}
	sort.Strings(out)
	return out
}

// Audit checks every hidden cell of the sensitive tables against k.
func Audit(tables []*Table, k int) (AuditReport, error) {
	return buildModel(tables).audit(k, false)
}

// hiddenList returns the hidden quantities in a stable order.
func (m *model) hiddenList() []qty {
	var hidden []qty
	for q, h := range m.hidden {
		if h {
			hidden = append(hidden, q)
		}
	}
	sortQty(hidden)
	return hidden
}

// rangeWidth is the number of integer steps in [lo, hi]: how far apart the
// smallest and largest whole values a hidden cell could have are.
func rangeWidth(lo, hi float64) float64 {
	return math.Floor(hi+1e-6) - math.Ceil(lo-1e-6)
}

// audit solves min/max for each released hidden quantity. With firstOnly
// it stops at the first finding (the suppression loop fixes one at a time).
func (m *model) audit(k int, firstOnly bool) (AuditReport, error) {
	rep := AuditReport{K: k}
	hidden := m.hiddenList()
	for _, q := range hidden {
		if m.released(q) {
			rep.Hidden++
		}
	}
	if len(hidden) == 0 {
		return rep, nil
	}
	comps, err := m.components(hidden, nil)
	if err != nil {
		return rep, err
	}
	for _, q := range hidden {
		if !m.released(q) {
			continue // an unreleased period's quantity: not published anywhere
		}
		if m.ctx != nil && m.ctx.Err() != nil {
			return rep, m.ctx.Err()
		}
		lpm := comps[q]
		lo, hi := 0.0, math.Inf(1)
		if lpm != nil {
			var err error
			if lo, hi, err = lpm.bounds(q); err != nil {
				return rep, fmt.Errorf("audit %s %s: %w", q.period, q.canon, err)
			}
		}
		if rangeWidth(lo, hi) < float64(k) {
			rep.Findings = append(rep.Findings, Finding{Period: q.period, Cell: q.canon, Min: lo, Max: hi})
			if firstOnly {
				return rep, nil
			}
		}
	}
	return rep, nil
}

func sortQty(qs []qty) {
	sort.Slice(qs, func(i, j int) bool {
		if qs[i].period != qs[j].period {
			return qs[i].period < qs[j].period
		}
		return qs[i].canon < qs[j].canon
	})
}

// lpModel is the reduced linear system of one connected group of hidden
// quantities.
type lpModel struct {
	col  map[qty]int
	a    *mat.Dense
	b    []float64
	cols int
	// memo remembers solved bounds.
	memo map[qty][2]float64
	// basis is a feasible basis found by an earlier solve (nil: none yet).
	basis []int
}

// lpRow is one relation with the published values moved to the right.
type lpRow struct {
	coef  map[qty]float64
	rhs   float64
	slack bool
}

// components substitutes the published values into the relations, drops
// relations without unknowns, and splits the rest into groups of hidden
// quantities linked by relations: each group is its own (small) linear
// programme. Quantities in no relation map to nil (anything from 0 up).
// With only set, just the group holding that quantity is built.
func (m *model) components(hidden []qty, only *qty) (map[qty]*lpModel, error) {
	isHidden := map[qty]bool{}
	for _, q := range hidden {
		isHidden[q] = true
	}
	var rows []lpRow
	for _, r := range m.rel {
		rw := lpRow{coef: map[qty]float64{}, slack: r.ineq}
		for q, c := range r.terms {
			if isHidden[q] {
				rw.coef[q] += c
			} else {
				rw.rhs -= c * float64(m.value[q])
			}
		}
		if len(rw.coef) == 0 {
			continue
		}
		rows = append(rows, rw)
	}
	// Union-find over the quantities of each row.
	parent := map[qty]qty{}
	var find func(q qty) qty
	find = func(q qty) qty {
		p, ok := parent[q]
		if !ok || p == q {
			parent[q] = q
			return q
		}
		r := find(p)
		parent[q] = r
		return r
	}
	for _, rw := range rows {
		var first *qty
		for q := range rw.coef {
			if first == nil {
				f := q
				first = &f
				find(q)
				continue
			}
			a, b := find(*first), find(q)
			if a != b {
				parent[a] = b
			}
		}
	}
	groups := map[qty][]lpRow{}
	for _, rw := range rows {
		for q := range rw.coef {
			root := find(q)
			groups[root] = append(groups[root], rw)
			break
		}
	}
	out := map[qty]*lpModel{}
	for root, grows := range groups {
		if only != nil {
			if _, inRows := parent[*only]; !inRows || find(*only) != root {
				continue
			}
		}
		var vars []qty
		seenVar := map[qty]bool{}
		for _, rw := range grows {
			for q := range rw.coef {
				if !seenVar[q] {
					seenVar[q] = true
					vars = append(vars, q)
				}
			}
		}
		sortQty(vars)
		var kb strings.Builder
		for _, q := range vars {
			kb.WriteString(q.period + "|" + q.canon + "\n")
		}
		key := kb.String()
		lpm := m.lps[key]
		if lpm == nil {
			var err error
			if lpm, err = buildLP(grows); err != nil {
				return nil, err
			}
			if m.lps != nil {
				m.lps[key] = lpm
			}
		}
		for q := range lpm.col {
			out[q] = lpm
		}
	}
	return out, nil
}

// buildLP turns rows into A·x = b, x ≥ 0 with a slack per inequality and
// A of full row rank, as the simplex needs.
func buildLP(rows []lpRow) (*lpModel, error) {
	col := map[qty]int{}
	var keys []qty
	for _, rw := range rows {
		for q := range rw.coef {
			if _, ok := col[q]; !ok {
				col[q] = 0
				keys = append(keys, q)
			}
		}
	}
	sortQty(keys)
	for i, q := range keys {
		col[q] = i
	}
	nv := len(col)
	slacks := 0
	for _, rw := range rows {
		if rw.slack {
			slacks++
		}
	}
	ncols := nv + slacks
	dense := make([][]float64, 0, len(rows))
	rhs := make([]float64, 0, len(rows))
	s := nv
	for _, rw := range rows {
		line := make([]float64, ncols)
		for q, c := range rw.coef {
			line[col[q]] = c
		}
		if rw.slack {
			line[s] = 1
			s++
		}
		dense = append(dense, line)
		rhs = append(rhs, rw.rhs)
	}
	dense, rhs, err := independentRows(dense, rhs)
	if err != nil {
		return nil, err
	}
	lpm := &lpModel{col: col, b: rhs, cols: ncols}
	if len(dense) > 0 {
		lpm.a = mat.NewDense(len(dense), ncols, nil)
		for i, line := range dense {
			lpm.a.SetRow(i, line)
		}
	}
	return lpm, nil
}

// independentRows keeps a maximal set of linearly independent rows of
// [A | b]; a row that reduces to 0 = c ≠ 0 means the published numbers
// contradict each other.
func independentRows(a [][]float64, b []float64) ([][]float64, []float64, error) {
	const eps = 1e-9
	var basis [][]float64 // reduced rows (augmented), each with a pivot
	var pivots []int
	var keptA [][]float64
	var keptB []float64
	for i, line := range a {
		aug := append(append([]float64(nil), line...), b[i])
		for bi, br := range basis {
			p := pivots[bi]
			if f := aug[p]; math.Abs(f) > eps {
				for j := range aug {
					aug[j] -= f * br[j]
				}
			}
		}
		p := -1
		for j := 0; j < len(line); j++ {
			if math.Abs(aug[j]) > eps {
				p = j
				break
			}
		}
		if p < 0 {
			if math.Abs(aug[len(line)]) > 1e-6 {
				return nil, nil, errors.New("de publicerade talen motsäger varandra / published numbers contradict each other")
			}
			continue
		}
		f := aug[p]
		for j := range aug {
			aug[j] /= f
		}
		for bi, br := range basis {
			if g := br[p]; math.Abs(g) > eps {
				for j := range br {
					br[j] -= g * aug[j]
				}
				basis[bi] = br
			}
		}
		basis = append(basis, aug)
		pivots = append(pivots, p)
		keptA = append(keptA, line)
		keptB = append(keptB, b[i])
	}
	return keptA, keptB, nil
}

// bounds returns the smallest and largest value of q (remembered).
func (l *lpModel) bounds(q qty) (lo, hi float64, err error) {
	if b, ok := l.memo[q]; ok {
		return b[0], b[1], nil
	}
	lo, hi, err = l.solveBounds(q)
	if err == nil {
		if l.memo == nil {
			l.memo = map[qty][2]float64{}
		}
		l.memo[q] = [2]float64{lo, hi}
	}
	return lo, hi, err
}

func (l *lpModel) solveBounds(q qty) (lo, hi float64, err error) {
	i, ok := l.col[q]
	if !ok || l.a == nil {
		return 0, math.Inf(1), nil // in no relation: anything from 0 up
	}
	c := make([]float64, l.cols)
	c[i] = 1
	lo, err = l.simplex(c)
	if err != nil {
		return 0, 0, fmt.Errorf("min: %w", err)
	}
	c[i] = -1
	neg, err := l.simplex(c)
	if errors.Is(err, lp.ErrUnbounded) {
		return lo, math.Inf(1), nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("max: %w", err)
	}
	return lo, -neg, nil
}

// simplex minimises c·x over the programme. Finding a first feasible basis
// (the simplex's phase one) is almost all of the work and the same for
// every objective: the basis of the first optimum is kept and every later
// solve of this programme starts from it.
func (l *lpModel) simplex(c []float64) (float64, error) {
	if l.basis != nil {
		if v, ok, err := simplexFrom(c, l.a, l.b, l.basis); ok {
			return v, err
		}
		l.basis = nil // not usable after all: solve from scratch
	}
	v, x, err := lp.Simplex(c, l.a, l.b, 1e-10, nil)
	if err == nil && x != nil {
		l.basis = feasibleBasis(l.a, x)
	}
	return v, err
}

// simplexFrom runs the simplex from basis; ok is false when gonum refuses
// the basis (it panics on a singular or infeasible one).
func simplexFrom(c []float64, a *mat.Dense, b []float64, basis []int) (v float64, ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	v, _, err = lp.Simplex(c, a, b, 1e-10, basis)
	return v, true, err
}

// feasibleBasis returns m linearly independent columns of a (m rows) that
// include every column where the vertex x is positive: the basis of x. It
// returns nil when there is none (numerically).
func feasibleBasis(a *mat.Dense, x []float64) []int {
	const eps = 1e-9
	m, n := a.Dims()
	var basis []int
	var reduced [][]float64 // reduced columns, each with its pivot row
	var pivots []int
	try := func(j int) bool {
		v := make([]float64, m)
		mat.Col(v, j, a)
		for bi, r := range reduced {
			if f := v[pivots[bi]]; math.Abs(f) > eps {
				for k := range v {
					v[k] -= f * r[k]
				}
			}
		}
		p := -1
		for k, e := range v {
			if math.Abs(e) > eps && (p < 0 || math.Abs(e) > math.Abs(v[p])) {
				p = k
			}
		}
		if p < 0 {
			return false
		}
		f := v[p]
		for k := range v {
			v[k] /= f
		}
		reduced = append(reduced, v)
		pivots = append(pivots, p)
		basis = append(basis, j)
		return true
	}
	for j := 0; j < n && len(basis) < m; j++ {
		if x[j] > eps && !try(j) {
			return nil // a vertex's positive columns are independent
		}
	}
	for j := 0; j < n && len(basis) < m; j++ {
		if x[j] <= eps {
			try(j)
		}
	}
	if len(basis) != m {
		return nil
	}
	return basis
}
