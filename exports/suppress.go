package exports

import (
	"fmt"
	"sort"
	"strings"
)

// DefaultK is the default disclosure threshold; MinK is the lowest allowed.
const (
	DefaultK = 5
	MinK     = 3
	// maxSecondaryRounds bounds the secondary suppression loop.
	maxSecondaryRounds = 5000
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
func Suppress(current, context []*Table, earlier []*Table, k int) error {
	if k < MinK {
		return fmt.Errorf("k = %d är under minimum %d / k = %d is below the minimum %d", k, MinK, k, MinK)
	}
	hide := map[string]bool{} // canonical keys hidden in current
	period := ""
	for _, t := range current {
		period = t.Period.Key()
		if !t.Def.Sensitive {
			continue
		}
		for _, c := range t.Cells {
			if c.Value > 0 && c.Value < k {
				hide[t.Def.canonical(c.Dims)] = true
			}
		}
	}
	if len(earlier) > 0 {
		old := map[string]*Cell{}
		for _, t := range earlier {
			for i := range t.Cells {
				old[t.Def.canonical(t.Cells[i].Dims)] = &t.Cells[i]
			}
		}
		for _, t := range current {
			if !t.Def.Sensitive {
				continue
			}
			for _, c := range t.Cells {
				key := t.Def.canonical(c.Dims)
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
			if !t.Def.Sensitive {
				continue
			}
			for i := range t.Cells {
				t.Cells[i].Hidden = hide[t.Def.canonical(t.Cells[i].Dims)]
			}
		}
	}
	apply()

	all := append(append([]*Table(nil), current...), context...)
	for round := 0; round < maxSecondaryRounds; round++ {
		m := buildModel(all)
		rep, err := m.audit(k, nil)
		if err != nil {
			return err
		}
		if rep.OK() {
			return nil
		}
		progressed := false
		for _, f := range rep.Findings {
			q := qty{f.Period, f.Cell}
			p, ok := m.partner(q, period)
			if !ok {
				continue
			}
			hide[p.canon] = true
			progressed = true
			break
		}
		if !progressed {
			return fmt.Errorf("sekundär röjandekontroll hittar ingen cell att dölja för %s / secondary suppression found no cell to hide for %s", rep.Findings[0].Cell, rep.Findings[0].Cell)
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
// exposed quantity q: among the quantities related to q (directly, or
// through hidden ones), an inner cell before a margin, a non-zero value
// before a zero, then the smallest value, then the key.
func (m *model) partner(q qty, period string) (qty, bool) {
	seen := map[qty]bool{q: true}
	frontier := []qty{q}
	for depth := 0; depth < 4 && len(frontier) > 0; depth++ {
		var cands []qty
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
					if o.period == period && m.sensible[o] && !m.frozen[o] {
						cands = append(cands, o)
					}
				}
			}
		}
		if len(cands) > 0 {
			sort.Slice(cands, func(i, j int) bool { return m.better(cands[i], cands[j]) })
			return cands[0], true
		}
		frontier = next
	}
	return qty{}, false
}

func (m *model) better(a, b qty) bool {
	ra, rb := m.rank(a), m.rank(b)
	if ra != rb {
		return ra < rb
	}
	if m.value[a] != m.value[b] {
		return m.value[a] < m.value[b]
	}
	return a.canon < b.canon
}

// rank orders candidates: non-zero inner cells, non-zero margins, zeros.
func (m *model) rank(q qty) int {
	if m.value[q] == 0 {
		return 2
	}
	// A margin has fewer codes in its key than the inner cells it sums.
	if strings.Count(q.canon, "=") < m.maxDepth(q) {
		return 1
	}
	return 0
}

func (m *model) maxDepth(q qty) int {
	d := strings.Count(q.canon, "=")
	for _, ri := range m.relsOf[q] {
		for o := range m.rel[ri].terms {
			if n := strings.Count(o.canon, "="); n > d {
				d = n
			}
		}
	}
	return d
}
