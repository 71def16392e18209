package disclosure

import (
	"context"
	"fmt"
	"math"
	"sort"
)

// DefaultK is the default disclosure threshold; MinK is the lowest allowed.
const (
	DefaultK = 5
	MinK     = 3
	// maxSecondaryRounds bounds the secondary suppression loop.
	maxSecondaryRounds = 5000
	// maxPartnerTries bounds the candidates tried for one exposed cell.
	maxPartnerTries = 8
)

// Suppress applies disclosure control to the sensitive tables of current
// (all of one period) in place:
//
//   - primary: every cell from 1 to k−1 is hidden;
//   - revision: when earlier is the previous release of the same period,
//     cells hidden there stay hidden, and a cell whose value changed by 1 to
//     k−1 is hidden (differencing must not reveal a few late contacts);
//   - secondary: while the audit (over current, the frozen context of other
//     releases of the same year, and their relations) can narrow a hidden
//     cell below k, one more published cell of current is hidden, chosen
//     among the cells that share a relation with the exposed one, smallest
//     non-zero inner cell first.
//
// All hidden cells look the same; the values stay in memory only for the
// writers to drop.
//
// ctx bounds the work: secondary suppression of many small cells can take
// long, and stops with ctx's error when the caller gives up.
func Suppress(ctx context.Context, current, context []*Table, earlier []*Table, k int) error {
	if k < MinK {
		return fmt.Errorf("k = %d är under minimum %d / k = %d is below the minimum %d", k, MinK, k, MinK)
	}
	hide := map[string]bool{} // canonical keys hidden in current
	period := ""
	for _, t := range current {
		period = t.Period.Key()
		if !t.Sensitive {
			continue
		}
		for _, c := range t.Cells {
			if c.Value > 0 && c.Value < k {
				hide[t.key(c)] = true
			}
		}
	}
	if len(earlier) > 0 {
		old := map[string]*Cell{}
		for _, t := range earlier {
			for i := range t.Cells {
				old[t.key(t.Cells[i])] = &t.Cells[i]
			}
		}
		for _, t := range current {
			if !t.Sensitive {
				continue
			}
			for _, c := range t.Cells {
				key := t.key(c)
				o, ok := old[key]
				if !ok {
					continue
				}
				if o.Hidden {
					hide[key] = true
					continue
				}
				if d := c.Value - o.Value; d != 0 && abs(d) < k {
					hide[key] = true
				}
			}
		}
	}
	apply := func() {
		for _, t := range current {
			if !t.Sensitive {
				continue
			}
			for i := range t.Cells {
				t.Cells[i].Hidden = hide[t.key(t.Cells[i])]
			}
		}
	}
	apply()

	all := append(append([]*Table(nil), current...), context...)
	// The obvious cases first, without linear programming (see singles).
	lps := map[string]*lpModel{}
	m := buildModel(all)
	for _, q := range m.singles(period, k) {
		hide[q.canon] = true
	}
	apply()
	for round := 0; round < maxSecondaryRounds; round++ {
		m := buildModel(all)
		m.lps = lps
		m.ctx = ctx
		rep, err := m.audit(k, false)
		if err != nil {
			return err
		}
		if rep.OK() {
			return nil
		}
		// Fix the findings one after the other on the same model (a later
		// one may already be covered by an earlier fix); the next round's
		// audit checks the result.
		for i, f := range rep.Findings {
			q := qty{f.Period, f.Cell}
			if i > 0 && m.width(q) >= float64(k) {
				continue
			}
			p, ok := m.partner(q, period, k)
			if !ok {
				return fmt.Errorf("sekundär röjandekontroll hittar ingen cell att dölja för %s / secondary suppression found no cell to hide for %s", f.Cell, f.Cell)
			}
			hide[p.canon] = true
			m.hidden[p] = true
		}
		apply()
	}
	return fmt.Errorf("sekundär röjandekontroll avbröts efter %d varv / secondary suppression stopped after %d rounds", maxSecondaryRounds, maxSecondaryRounds)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// partner picks the published quantity of period to hide next for the
// exposed quantity q. The candidates are the published quantities related
// to q directly or through hidden ones; in order of cost (see better), the
// first whose hiding widens q's range to k wins, else the one that widens
// it most, else the cheapest.
func (m *model) partner(q qty, period string, k int) (qty, bool) {
	seen := map[qty]bool{q: true}
	frontier := []qty{q}
	var cands []qty
	for depth := 0; depth < 4 && len(frontier) > 0; depth++ {
		var next []qty
		for _, f := range frontier {
			for _, ri := range m.relsOf[f] {
				for o := range m.rel[ri].terms {
					if seen[o] {
						continue
					}
					seen[o] = true
					if m.hidden[o] {
						next = append(next, o)
						continue
					}
					if o.period == period && m.released(o) {
						cands = append(cands, o)
					}
				}
			}
		}
		frontier = next
	}
	if len(cands) == 0 {
		return qty{}, false
	}
	sort.Slice(cands, func(i, j int) bool { return m.better(cands[i], cands[j]) })
	if len(cands) > maxPartnerTries {
		cands = cands[:maxPartnerTries] // each try is two linear programmes
	}
	base := m.width(q)
	best, bestGain := cands[0], 0.0
	for _, c := range cands {
		m.hidden[c] = true
		w := m.width(q)
		m.hidden[c] = false
		if w >= float64(k) {
			return c, true
		}
		if gain := w - base; gain > bestGain+1e-9 {
			best, bestGain = c, gain
		}
	}
	return best, true
}

// width is the width of q's feasible range under the current hiding
// (−1 when it cannot be computed).
func (m *model) width(q qty) float64 {
	comps, err := m.components(m.hiddenList(), &q)
	if err != nil {
		return -1
	}
	lpm := comps[q]
	if lpm == nil {
		return math.Inf(1)
	}
	lo, hi, err := lpm.bounds(q)
	if err != nil {
		return -1
	}
	return rangeWidth(lo, hi)
}

// better orders candidates by the information their hiding costs: a
// non-zero cell before a zero (hiding a zero protects little), then the cell
// that appears in fewer relations (a margin shared by many tables, such as
// the grand total, is derivable from many places and its hiding spreads),
// then the smaller value, then the key.
func (m *model) better(a, b qty) bool {
	za, zb := m.value[a] == 0, m.value[b] == 0
	if za != zb {
		return zb
	}
	ra, rb := len(m.relsOf[a]), len(m.relsOf[b])
	if ra != rb {
		return ra < rb
	}
	if m.value[a] != m.value[b] {
		return m.value[a] < m.value[b]
	}
	return a.canon < b.canon
}

// singles hides, until none is left, a further term of every sum whose
// hidden terms give themselves away cheaply: a single hidden term (its
// value is the sum less the published terms), or hidden terms adding up to
// less than k (each then lies in a range narrower than k). The cheapest
// published term of period is hidden (see better). It returns the
// quantities it hid. This needs no linear programming; the audit then
// checks what it cannot see.
func (m *model) singles(period string, k int) []qty {
	var out []qty
	for changed := true; changed; {
		changed = false
		for _, r := range m.rel {
			if r.ineq {
				continue
			}
			hidden, sum, unknown := 0, 0, false
			var cands []qty
			for q := range r.terms {
				switch {
				case m.hidden[q] && !m.released(q):
					unknown = true
				case m.hidden[q]:
					hidden++
					sum += m.value[q]
				case q.period == period && m.released(q):
					cands = append(cands, q)
				}
			}
			if unknown || hidden != 1 || len(cands) == 0 || sum < 0 {
				continue
			}
			sort.Slice(cands, func(i, j int) bool { return m.better(cands[i], cands[j]) })
			m.hidden[cands[0]] = true
			out = append(out, cands[0])
			changed = true
		}
	}
	return out
}
