package exports

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/taxonomy"
)

// index maps the codes of a list to their positions.
type index map[string]int

func newIndex(l taxonomy.List) index {
	ix := index{}
	for i, c := range l.Codes {
		ix[c.Code] = i
	}
	return ix
}

// of returns the position of code, or the position of "unknown" (or -1).
func (ix index) of(code string) int {
	if i, ok := ix[code]; ok {
		return i
	}
	if i, ok := ix[taxonomy.Unknown]; ok {
		return i
	}
	return -1
}

// mask parses a stored JSON array of codes into a bit set.
func (ix index) mask(raw string) uint64 {
	var m uint64
	for {
		i := strings.IndexByte(raw, '"')
		if i < 0 {
			return m
		}
		raw = raw[i+1:]
		j := strings.IndexByte(raw, '"')
		if j < 0 {
			return m
		}
		if p, ok := ix[raw[:j]]; ok && p < 64 {
			m |= 1 << uint(p)
		}
		raw = raw[j+1:]
	}
}

// Slots of the dimensions in a contactRow (arrays, not maps: a year can be
// a million rows).
var valSlot = map[string]int{"team": 0, "channel": 1, "assessment": 2, "age_band": 3, "gender": 4, "arena": 5,
	"origin_region": 6, "kind": 7, "area": 8, "language": 9, "audience": 10}

var maskSlot = map[string]int{"platform": 0, "indicator": 1, "purpose": 2, "action": 3}

// contactRow is one contact (or session, or scan group) reduced to code
// positions.
type contactRow struct {
	vals      [11]int
	masks     [4]uint64
	personKey string
	cards     int
}

func newRow() *contactRow {
	r := &contactRow{}
	for i := range r.vals {
		r.vals[i] = -1
	}
	return r
}

// accumulator counts one table.
type accumulator struct {
	def    *TableDef
	counts [][]int // [a+1][b+1], last index = margin; 1-dim tables use b = 0
	// persons: per person key, the union of codes seen (1-dim tables).
	persons map[string]uint64
	filter  func(*contactRow) bool
}

func newAccumulator(def *TableDef, indexes map[string]index) *accumulator {
	a := &accumulator{def: def}
	na := len(def.Dims[0].List.Codes)
	nb := 0
	if len(def.Dims) > 1 {
		nb = len(def.Dims[1].List.Codes)
	}
	a.counts = make([][]int, na+1)
	for i := range a.counts {
		a.counts[i] = make([]int, nb+1)
	}
	if def.Unit == UnitPersons {
		a.persons = map[string]uint64{}
	}
	type cond struct {
		slot int
		pos  int
	}
	var conds []cond
	noCode := false
	for k, v := range def.Fixed {
		if k == "has_person_code" {
			noCode = v == "no"
			continue
		}
		conds = append(conds, cond{valSlot[k], indexes[k].of(v)})
	}
	a.filter = func(r *contactRow) bool {
		if noCode && r.personKey != "" {
			return false
		}
		for _, c := range conds {
			if r.vals[c.slot] != c.pos {
				return false
			}
		}
		return true
	}
	return a
}

// positions returns the code positions of dim d in r.
func positions(d Dim, r *contactRow, buf []int) []int {
	buf = buf[:0]
	if d.Set {
		m := r.masks[maskSlot[d.Name]]
		for m != 0 {
			p := bits.TrailingZeros64(m)
			buf = append(buf, p)
			m &^= 1 << uint(p)
		}
		return buf
	}
	if p := r.vals[valSlot[d.Name]]; p >= 0 {
		buf = append(buf, p)
	}
	return buf
}

func (a *accumulator) add(r *contactRow, weight int, bufA, bufB []int) {
	if !a.filter(r) {
		return
	}
	def := a.def
	if def.Unit == UnitPersons {
		if r.personKey == "" {
			return
		}
		var m uint64
		for _, p := range positions(def.Dims[0], r, bufA) {
			m |= 1 << uint(p)
		}
		a.persons[r.personKey] |= m
		return
	}
	pa := positions(def.Dims[0], r, bufA)
	ta := len(a.counts) - 1
	if len(def.Dims) == 1 {
		for _, p := range pa {
			a.counts[p][0] += weight
		}
		a.counts[ta][0] += weight
		return
	}
	pb := positions(def.Dims[1], r, bufB)
	tb := len(a.counts[0]) - 1
	for _, i := range pa {
		for _, j := range pb {
			a.counts[i][j] += weight
		}
		a.counts[i][tb] += weight
	}
	for _, j := range pb {
		a.counts[ta][j] += weight
	}
	a.counts[ta][tb] += weight
}

// table turns the counts into cells (margins last).
func (a *accumulator) table(p Period) *Table {
	def := a.def
	if a.persons != nil {
		for _, m := range a.persons {
			for m2 := m; m2 != 0; {
				pos := bits.TrailingZeros64(m2)
				a.counts[pos][0]++
				m2 &^= 1 << uint(pos)
			}
			a.counts[len(a.counts)-1][0]++
		}
	}
	t := &Table{Def: def, Period: p}
	codesA := append(def.Dims[0].List.Values(), Total)
	if len(def.Dims) == 1 {
		for i, c := range codesA {
			t.Cells = append(t.Cells, Cell{Dims: map[string]string{def.Dims[0].Name: c}, Value: a.counts[i][0]})
		}
		return t
	}
	codesB := append(def.Dims[1].List.Values(), Total)
	for i, ca := range codesA {
		for j, cb := range codesB {
			t.Cells = append(t.Cells, Cell{Dims: map[string]string{def.Dims[0].Name: ca, def.Dims[1].Name: cb}, Value: a.counts[i][j]})
		}
	}
	return t
}

// Source reads the data of a period.
type Source struct {
	App core.App
}

// teamCodes lists the teams as a code list (code, Swedish name) and maps
// team record ids to codes.
func (s Source) teamCodes() ([]taxonomy.Code, map[string]string, error) {
	var rows []struct {
		ID   string `db:"id"`
		Code string `db:"code"`
		Name string `db:"name"`
	}
	if err := s.App.DB().NewQuery("SELECT id, code, name FROM teams ORDER BY code").All(&rows); err != nil {
		return nil, nil, fmt.Errorf("read teams: %w", err)
	}
	codes := make([]taxonomy.Code, 0, len(rows))
	byID := map[string]string{}
	for _, r := range rows {
		codes = append(codes, taxonomy.Code{Code: r.Code, SV: r.Name, EN: r.Name})
		byID[r.ID] = r.Code
	}
	return codes, byID, nil
}

// Count builds every table of defs for period p.
func (s Source) Count(defs []*TableDef, p Period) ([]*Table, error) {
	out, err := s.CountPeriods(defs, []Period{p})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// periodAccs are the accumulators of one period.
type periodAccs struct {
	p                             Period
	from, to                      string
	contacts, sessions, cardScans []*accumulator
	cardsGiven                    *accumulator
}

// CountPeriods builds every table of defs for each period, reading the
// contacts of all the periods in one pass (a sequential scan: a year is
// most of the table, and the scan beats an index walk with a lookup per
// row) and the small session and scan tables once per period.
func (s Source) CountPeriods(defs []*TableDef, periods []Period) ([][]*Table, error) {
	_, teamByID, err := s.teamCodes()
	if err != nil {
		return nil, err
	}
	indexes := map[string]index{}
	for _, d := range defs {
		for _, dim := range d.Dims {
			indexes[dim.Name] = newIndex(dim.List)
		}
	}
	for _, l := range []taxonomy.List{taxonomy.Channel, taxonomy.Assessment} {
		if _, ok := indexes[l.Name]; !ok {
			indexes[l.Name] = newIndex(l)
		}
	}

	sets := make([]*periodAccs, len(periods))
	for i, p := range periods {
		pa := &periodAccs{p: p, from: p.From().Format(time.DateOnly), to: p.To().Format(time.DateOnly)}
		for _, d := range defs {
			a := newAccumulator(d, indexes)
			switch {
			case d.ID == "cards_given_by_channel":
				pa.cardsGiven = a
			case d.Unit == UnitSessions || d.Unit == UnitHours || d.ID == "observed_by_kind" || d.ID == "ads_reviewed_by_kind" || d.ID == "messages_sent_by_kind":
				pa.sessions = append(pa.sessions, a)
			case d.ID == "card_scans_by_language_audience":
				pa.cardScans = append(pa.cardScans, a)
			default:
				pa.contacts = append(pa.contacts, a)
			}
		}
		sets[i] = pa
	}

	if err := s.scanContacts(sets, teamByID, indexes); err != nil {
		return nil, err
	}
	out := make([][]*Table, len(periods))
	for i, pa := range sets {
		if err := s.scanSessions(pa.from, pa.to, indexes, pa.sessions); err != nil {
			return nil, err
		}
		if err := s.scanCardScans(pa.from, pa.to, indexes, pa.cardScans); err != nil {
			return nil, err
		}
		for _, d := range defs {
			for _, group := range [][]*accumulator{pa.contacts, pa.sessions, pa.cardScans, {pa.cardsGiven}} {
				for _, a := range group {
					if a != nil && a.def == d {
						t := a.table(pa.p)
						if d.Unit == UnitHours {
							hoursFromMinutes(t)
						}
						out[i] = append(out[i], t)
					}
				}
			}
		}
	}
	return out, nil
}

func (s Source) scanContacts(sets []*periodAccs, teamByID map[string]string, ix map[string]index) error {
	where := ""
	params := dbx.Params{}
	for i, pa := range sets {
		if i > 0 {
			where += " OR "
		}
		where += fmt.Sprintf("(occurred_on >= {:f%d} AND occurred_on <= {:t%d})", i, i)
		params[fmt.Sprintf("f%d", i)] = pa.from
		params[fmt.Sprintf("t%d", i)] = pa.to
	}
	// One text column per row: fetching 14 columns costs a conversion each,
	// and the fields are split in Go without copying.
	rows, err := s.App.DB().NewQuery(`SELECT occurred_on || char(31) || team || char(31) || channel || char(31) ||
		age_band || char(31) || gender || char(31) || arena || char(31) || origin_region || char(31) || assessment || char(31) ||
		platforms || char(31) || control || vulnerabilities || char(31) || purposes || char(31) || actions || char(31) || person_key || char(31) ||
		CAST(cards_given AS INTEGER)
		FROM contacts NOT INDEXED WHERE ` + where).Bind(params).Rows()
	if err != nil {
		return fmt.Errorf("read contacts: %w", err)
	}
	defer rows.Close()
	var line string
	var f [14]string
	r := newRow()
	bufA, bufB := make([]int, 0, 32), make([]int, 0, 32)
	teamIx := ix["team"]
	for rows.Next() {
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("scan contact: %w", err)
		}
		if !splitFields(line, f[:]) {
			return fmt.Errorf("scan contact: %d fields expected", len(f))
		}
		day, team, channel, age, gender, arena, origin, assess := f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]
		platforms, indicators, purposes, actions, personKey := f[8], f[9], f[10], f[11], f[12]
		cards, _ := strconv.Atoi(f[13])
		var pa *periodAccs
		for _, cand := range sets {
			if day >= cand.from && day <= cand.to {
				pa = cand
				break
			}
		}
		if pa == nil {
			continue
		}
		if teamIx != nil {
			r.vals[0] = teamIx.of(teamByID[team])
		}
		r.vals[1] = ix["channel"].of(channel)
		r.vals[2] = ix["assessment"].of(assess)
		for _, f := range []struct {
			slot int
			dim  string
			code string
		}{{3, "age_band", age}, {4, "gender", gender}, {5, "arena", arena}, {6, "origin_region", origin}} {
			if i, ok := ix[f.dim]; ok {
				r.vals[f.slot] = i.of(f.code)
			}
		}
		for _, f := range []struct {
			slot int
			dim  string
			raw  string
		}{{0, "platform", platforms}, {1, "indicator", indicators}, {2, "purpose", purposes}, {3, "action", actions}} {
			if i, ok := ix[f.dim]; ok {
				r.masks[f.slot] = i.mask(f.raw)
			}
		}
		r.personKey = personKey
		r.cards = cards
		for _, a := range pa.contacts {
			a.add(r, 1, bufA, bufB)
		}
		if pa.cardsGiven != nil {
			pa.cardsGiven.add(r, r.cards, bufA, bufB)
		}
	}
	return rows.Err()
}

func (s Source) scanSessions(from, to string, ix map[string]index, accs []*accumulator) error {
	if len(accs) == 0 {
		return nil
	}
	rows, err := s.App.DB().NewQuery(`SELECT kind, area, duration_minutes, persons_observed, ads_reviewed, messages_sent
		FROM outreach_sessions WHERE started_on >= {:from} AND started_on <= {:to}`).
		Bind(dbx.Params{"from": from, "to": to}).Rows()
	if err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	defer rows.Close()
	var kind, area string
	var minutes, observed, ads, messages float64
	r := newRow()
	bufA, bufB := make([]int, 0, 8), make([]int, 0, 8)
	for rows.Next() {
		if err := rows.Scan(&kind, &area, &minutes, &observed, &ads, &messages); err != nil {
			return fmt.Errorf("scan session: %w", err)
		}
		r.vals[7] = ix["kind"].of(kind)
		if i, ok := ix["area"]; ok {
			r.vals[8] = i.of(area)
		}
		for _, a := range accs {
			w := 1
			switch {
			case a.def.Unit == UnitHours:
				w = int(minutes)
			case a.def.ID == "observed_by_kind":
				w = int(observed)
			case a.def.ID == "ads_reviewed_by_kind":
				w = int(ads)
			case a.def.ID == "messages_sent_by_kind":
				w = int(messages)
			}
			a.add(r, w, bufA, bufB)
		}
	}
	return rows.Err()
}

// scanCardScans counts scans per page language and audience, when the
// cards collections exist.
func (s Source) scanCardScans(from, to string, ix map[string]index, accs []*accumulator) error {
	if len(accs) == 0 {
		return nil
	}
	rows, err := s.App.DB().NewQuery(`SELECT p.language, p.audience, SUM(s.count)
		FROM card_scans s JOIN info_cards c ON c.id = s.card JOIN info_pages p ON p.id = c.page
		WHERE s.day >= {:from} AND s.day <= {:to} GROUP BY p.language, p.audience`).
		Bind(dbx.Params{"from": from, "to": to}).Rows()
	if err != nil {
		return fmt.Errorf("read card scans: %w", err)
	}
	defer rows.Close()
	var lang, aud string
	var n float64
	r := newRow()
	bufA, bufB := make([]int, 0, 4), make([]int, 0, 4)
	for rows.Next() {
		if err := rows.Scan(&lang, &aud, &n); err != nil {
			return fmt.Errorf("scan card scans: %w", err)
		}
		r.vals[9] = ix["language"].of(lang)
		r.vals[10] = ix["audience"].of(aud)
		for _, a := range accs {
			a.add(r, int(n), bufA, bufB)
		}
	}
	return rows.Err()
}

// hoursFromMinutes rounds each inner cell to whole hours and recomputes the
// margins from the rounded cells, so that the table adds up.
func hoursFromMinutes(t *Table) {
	inner := map[string]int{}
	for i := range t.Cells {
		c := &t.Cells[i]
		isMargin := false
		for _, v := range c.Dims {
			isMargin = isMargin || v == Total
		}
		if !isMargin {
			c.Value = (c.Value + 30) / 60
			inner[cellKey(c.Dims)] = c.Value
		}
	}
	for i := range t.Cells {
		c := &t.Cells[i]
		sum, isMargin := 0, false
		for _, v := range c.Dims {
			isMargin = isMargin || v == Total
		}
		if !isMargin {
			continue
		}
		for j := range t.Cells {
			o := t.Cells[j]
			if _, ok := inner[cellKey(o.Dims)]; !ok {
				continue
			}
			match := true
			for k, v := range c.Dims {
				if v != Total && o.Dims[k] != v {
					match = false
				}
			}
			if match {
				sum += o.Value
			}
		}
		c.Value = sum
	}
}

// splitFields splits s on the unit separator into exactly len(out) fields.
func splitFields(s string, out []string) bool {
	for i := 0; i < len(out)-1; i++ {
		j := strings.IndexByte(s, 31)
		if j < 0 {
			return false
		}
		out[i], s = s[:j], s[j+1:]
	}
	out[len(out)-1] = s
	return strings.IndexByte(s, 31) < 0
}
