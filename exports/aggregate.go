package exports

import (
	"context"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/taxonomy"
)

// Sources of the tables.
const (
	srcContacts  = "contacts"
	srcSessions  = "sessions"
	srcCardScans = "card_scans"
	srcFollowUps = "follow_ups"
)

// source describes where rows come from: the FROM clause, the date column
// that places a row in a period, the text columns dimensions may read, the
// integer columns tables may weigh by, and the person-code column.
type source struct {
	name    string
	from    string
	date    string
	columns map[string]string // name → SQL expression (text)
	weights map[string]string // name → SQL expression (integer)
	person  string            // column holding the person code ("" none)
}

func (s *source) hasColumn(c string) bool { _, ok := s.columns[c]; return ok }
func (s *source) hasWeight(w string) bool { _, ok := s.weights[w]; return ok }

func sameNames(names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = n
	}
	return m
}

// withColumns returns m with extra added.
func withColumns(m, extra map[string]string) map[string]string {
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// sources are the tables' sources by name.
var sources = map[string]*source{
	srcContacts: {
		name: srcContacts,
		// A year is most of the table: a sequential scan beats an index
		// walk with a lookup per row.
		from: "contacts NOT INDEXED",
		date: "occurred_on",
		columns: withColumns(sameNames("team", "channel", "daypart", "area", "arena", "role", "age_band", "gender", "origin_region",
			"assessment", "language", "platforms", "purposes", "actions", "person_key",
			"interpreting", "control", "vulnerabilities", "risk_groups", "compensation"),
			// Schema 3 split the old indicators into control and
			// vulnerabilities (codes of the same names): their union is the
			// old list's column, so its tables count as before.
			map[string]string{"indicators": "(control || vulnerabilities)"}),
		weights: map[string]string{"cards_given": "CAST(cards_given AS INTEGER)"},
		person:  "person_key",
	},
	srcSessions: {
		name:    srcSessions,
		from:    "outreach_sessions",
		date:    "started_on",
		columns: sameNames("kind", "area"),
		weights: map[string]string{"duration_minutes": "CAST(duration_minutes AS INTEGER)", "persons_observed": "CAST(persons_observed AS INTEGER)",
			"ads_reviewed": "CAST(ads_reviewed AS INTEGER)", "messages_sent": "CAST(messages_sent AS INTEGER)"},
	},
	srcFollowUps: {
		name: srcFollowUps,
		// A follow-up keeps a copy of its contact's date: it counts in the
		// period the contact was made, even after the contact is deleted.
		from:    "follow_ups",
		date:    "occurred_on",
		columns: sameNames("decision", "age_band", "status"),
	},
	srcCardScans: {
		name: srcCardScans,
		from: "card_scans s JOIN info_cards c ON c.id = s.card JOIN info_pages p ON p.id = c.page",
		date: "s.day",
		columns: map[string]string{"page_language": "IFNULL(p.language, '')", "audience": "IFNULL(p.audience, '')",
			"campaign": "IFNULL(c.campaign, '')"},
		weights: map[string]string{"count": "CAST(IFNULL(s.count, 0) AS INTEGER)"},
	},
}

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

// slot is one dimension's place in a row: its value (single) or mask (set).
type slot struct {
	dim    Dim
	fields []int // positions of its columns in the selected line
	ix     index
	pos    int // index into row.vals or row.masks
}

// row is one source row reduced to code positions (arrays, not maps: a
// year can be a million rows).
type row struct {
	vals    []int
	masks   []uint64
	weights []int
	person  string
}

// layout is how one source is read for a set of tables: the columns to
// select and the slot of each dimension, derived from the definitions.
type layout struct {
	src     *source
	cols    []string // selected columns; cols[0] is the date
	single  []*slot
	sets    []*slot
	byDim   map[string]*slot
	weights []string
	person  int // field of the person code, or -1
	buf     []string
	args    []string
}

func newLayout(src *source, defs []*TableDef) *layout {
	l := &layout{src: src, cols: []string{src.date}, byDim: map[string]*slot{}, person: -1}
	field := func(c string) int {
		for i, have := range l.cols {
			if have == c && i > 0 {
				return i
			}
		}
		l.cols = append(l.cols, c)
		return len(l.cols) - 1
	}
	use := func(d Dim) {
		if _, ok := l.byDim[d.Name]; ok {
			return
		}
		s := &slot{dim: d, ix: newIndex(d.List)}
		for _, c := range d.Columns {
			s.fields = append(s.fields, field(c))
		}
		if d.Set {
			s.pos = len(l.sets)
			l.sets = append(l.sets, s)
		} else {
			s.pos = len(l.single)
			l.single = append(l.single, s)
		}
		l.byDim[d.Name] = s
	}
	for _, def := range defs {
		for _, d := range def.Dims {
			use(d)
		}
		for name := range def.Fixed {
			use(def.catalogue[name])
		}
		if def.Weight != "" && indexOf(l.weights, def.Weight) < 0 {
			l.weights = append(l.weights, def.Weight)
		}
		if def.Unit == UnitPersons && l.person < 0 {
			l.person = field(src.person)
		}
	}
	return l
}

// query is the SELECT of the layout: one text column per row (fetching many
// columns costs a conversion each; the fields are split without copying).
func (l *layout) query(where string) string {
	exprs := make([]string, 0, len(l.cols)+len(l.weights))
	for i, c := range l.cols {
		if i == 0 {
			exprs = append(exprs, c)
		} else {
			exprs = append(exprs, l.src.columns[c])
		}
	}
	for _, w := range l.weights {
		exprs = append(exprs, l.src.weights[w])
	}
	return "SELECT " + strings.Join(exprs, " || char(31) || ") + " FROM " + l.src.from + " WHERE " + where
}

// fill parses a selected line into r; it returns the line's date.
func (l *layout) fill(line string, r *row) (string, error) {
	n := len(l.cols) + len(l.weights)
	if cap(l.buf) < n {
		l.buf = make([]string, n)
	}
	f := l.buf[:n]
	if !splitFields(line, f) {
		return "", fmt.Errorf("%d fields expected", n)
	}
	for _, s := range l.single {
		if s.dim.Derive == nil {
			r.vals[s.pos] = s.ix.of(f[s.fields[0]])
			continue
		}
		l.args = l.args[:0]
		for _, fi := range s.fields {
			l.args = append(l.args, f[fi])
		}
		r.vals[s.pos] = s.ix.of(s.dim.Derive(l.args))
	}
	for _, s := range l.sets {
		r.masks[s.pos] = s.ix.mask(f[s.fields[0]])
	}
	for i := range l.weights {
		w, err := strconv.Atoi(f[len(l.cols)+i])
		if err != nil {
			return "", fmt.Errorf("weight %s: %w", l.weights[i], err)
		}
		r.weights[i] = w
	}
	if l.person >= 0 {
		r.person = f[l.person]
	}
	return f[0], nil
}

func (l *layout) newRow() *row {
	return &row{vals: make([]int, len(l.single)), masks: make([]uint64, len(l.sets)), weights: make([]int, len(l.weights))}
}

// cond is one population restriction of a table.
type cond struct {
	set  bool
	pos  int
	code int
}

// personCells is what one person contributed to a persons table.
type personCells struct {
	seen        bool
	a, b, pairs uint64
}

// accumulator counts one table of one period.
type accumulator struct {
	def        *TableDef
	a, b       *slot // b is nil for a one-way table
	na, nb     int   // codes of a and b (nb = 0 for one-way)
	counts     []int // [(na+1)×(nb+1)], the last index of each dimension is its margin
	conds      []cond
	weight     int // index into row.weights, or −1
	persons    []personCells
	bufA, bufB []int
}

func newAccumulator(def *TableDef, l *layout) *accumulator {
	a := &accumulator{def: def, a: l.byDim[def.Dims[0].Name], weight: indexOf(l.weights, def.Weight)}
	a.na = len(def.Dims[0].List.Codes)
	if len(def.Dims) > 1 {
		a.b = l.byDim[def.Dims[1].Name]
		a.nb = len(def.Dims[1].List.Codes)
	}
	a.counts = make([]int, (a.na+1)*(a.nb+1))
	for name, code := range def.Fixed {
		s := l.byDim[name]
		a.conds = append(a.conds, cond{set: s.dim.Set, pos: s.pos, code: s.ix[code]})
	}
	if def.Unit == UnitPersons {
		a.persons = []personCells{}
	}
	return a
}

func (a *accumulator) positions(s *slot, r *row, buf []int) []int {
	buf = buf[:0]
	if s.dim.Set {
		for m := r.masks[s.pos]; m != 0; m &= m - 1 {
			buf = append(buf, bits.TrailingZeros64(m))
		}
		return buf
	}
	if p := r.vals[s.pos]; p >= 0 {
		buf = append(buf, p)
	}
	return buf
}

// add counts r (pid is the row's person index, −1 without a code).
func (a *accumulator) add(r *row, pid int) {
	for _, c := range a.conds {
		if c.set {
			if r.masks[c.pos]&(1<<uint(c.code)) == 0 {
				return
			}
		} else if r.vals[c.pos] != c.code {
			return
		}
	}
	w := 1
	if a.weight >= 0 {
		w = r.weights[a.weight]
	}
	a.bufA = a.positions(a.a, r, a.bufA)
	if a.b != nil {
		a.bufB = a.positions(a.b, r, a.bufB)
	}
	if a.persons != nil {
		if pid < 0 {
			return
		}
		for len(a.persons) <= pid {
			a.persons = append(a.persons, personCells{})
		}
		pc := &a.persons[pid]
		pc.seen = true
		for _, i := range a.bufA {
			pc.a |= 1 << uint(i)
			for _, j := range a.bufB {
				pc.pairs |= 1 << uint(i*a.nb+j)
			}
		}
		for _, j := range a.bufB {
			pc.b |= 1 << uint(j)
		}
		return
	}
	stride := a.nb + 1
	if a.b == nil {
		for _, i := range a.bufA {
			a.counts[i] += w
		}
		a.counts[a.na] += w
		return
	}
	for _, i := range a.bufA {
		for _, j := range a.bufB {
			a.counts[i*stride+j] += w
		}
		a.counts[i*stride+a.nb] += w
	}
	for _, j := range a.bufB {
		a.counts[a.na*stride+j] += w
	}
	a.counts[a.na*stride+a.nb] += w
}

// table turns the counts into cells (margins last).
func (a *accumulator) table(p Period) *Table {
	def := a.def
	stride := a.nb + 1
	for _, pc := range a.persons {
		if !pc.seen {
			continue
		}
		for m := pc.a; m != 0; m &= m - 1 {
			a.counts[bits.TrailingZeros64(m)*stride+a.nb]++
		}
		for m := pc.b; m != 0; m &= m - 1 {
			a.counts[a.na*stride+bits.TrailingZeros64(m)]++
		}
		for m := pc.pairs; m != 0; m &= m - 1 {
			x := bits.TrailingZeros64(m)
			a.counts[(x/a.nb)*stride+x%a.nb]++
		}
		a.counts[a.na*stride+a.nb]++
	}
	codesA := append(def.Dims[0].List.Values(), Total)
	var cells []Cell
	if a.b == nil {
		for i, c := range codesA {
			cells = append(cells, Cell{Dims: map[string]string{def.Dims[0].Name: c}, Value: a.counts[i]})
		}
	} else {
		codesB := append(def.Dims[1].List.Values(), Total)
		for i, ca := range codesA {
			for j, cb := range codesB {
				cells = append(cells, Cell{Dims: map[string]string{def.Dims[0].Name: ca, def.Dims[1].Name: cb}, Value: a.counts[i*stride+j]})
			}
		}
	}
	t := newTable(def, p, cells)
	if def.Unit == UnitHours {
		hoursFromMinutes(t)
	}
	return t
}

// Source reads the data of a period.
type Source struct {
	App core.App
}

// Dynamic reads the code lists that live in the database: teams, card
// campaigns, and whether the card collections exist.
func (s Source) Dynamic() (Dynamic, error) {
	var teams []struct {
		ID   string `db:"id"`
		Code string `db:"code"`
		Name string `db:"name"`
	}
	if err := s.App.DB().NewQuery("SELECT id, code, name FROM teams ORDER BY code").All(&teams); err != nil {
		return Dynamic{}, fmt.Errorf("read teams: %w", err)
	}
	dyn := Dynamic{TeamByID: map[string]string{}}
	for _, r := range teams {
		dyn.Teams = append(dyn.Teams, taxonomy.Code{Code: r.Code, SV: r.Name, EN: r.Name})
		dyn.TeamByID[r.ID] = r.Code
	}
	if _, err := s.App.FindCollectionByNameOrId("card_scans"); err == nil {
		dyn.Cards = true
		var campaigns []string
		if err := s.App.DB().NewQuery("SELECT DISTINCT campaign FROM info_cards WHERE campaign != '' ORDER BY campaign").Column(&campaigns); err != nil {
			return Dynamic{}, fmt.Errorf("read campaigns: %w", err)
		}
		for _, c := range campaigns {
			dyn.Campaigns = append(dyn.Campaigns, taxonomy.Code{Code: c, SV: c, EN: c})
		}
		dyn.Campaigns = append(dyn.Campaigns, taxonomy.Code{Code: taxonomy.Unknown, SV: "Utan kampanj", EN: "No campaign"})
	}
	return dyn, nil
}

// CountPeriods builds the tables of defs for each period (the coarse set
// for a tertial), reading each source once for all the periods. The
// tables come back in the order of defs. The counts are raw: disclosure
// control comes after.
func (s Source) CountPeriods(ctx context.Context, defs []*TableDef, periods []Period) ([][]*Table, error) {
	bySource := map[string][]*TableDef{}
	var order []string
	for _, d := range defs {
		if _, ok := bySource[d.Source]; !ok {
			order = append(order, d.Source)
		}
		bySource[d.Source] = append(bySource[d.Source], d)
	}
	accs := make([]map[*TableDef]*accumulator, len(periods))
	for i := range accs {
		accs[i] = map[*TableDef]*accumulator{}
	}
	for _, name := range order {
		if err := s.scan(ctx, sources[name], bySource[name], periods, accs); err != nil {
			return nil, err
		}
	}
	out := make([][]*Table, len(periods))
	for i, p := range periods {
		for _, d := range forPeriod(defs, p) {
			out[i] = append(out[i], accs[i][d].table(p))
		}
	}
	return out, nil
}

// scan reads one source for every period and counts its tables.
func (s Source) scan(ctx context.Context, src *source, defs []*TableDef, periods []Period, accs []map[*TableDef]*accumulator) error {
	l := newLayout(src, defs)
	type span struct {
		from, to string
		accs     []*accumulator
		persons  map[string]int
	}
	spans := make([]*span, len(periods))
	var where []string
	params := dbx.Params{}
	for i, p := range periods {
		sp := &span{from: p.From().Format(time.DateOnly), to: p.To().Format(time.DateOnly), persons: map[string]int{}}
		for _, d := range forPeriod(defs, p) {
			a := newAccumulator(d, l)
			accs[i][d] = a
			sp.accs = append(sp.accs, a)
		}
		spans[i] = sp
		where = append(where, fmt.Sprintf("(%s >= {:f%d} AND %s <= {:t%d})", src.date, i, src.date, i))
		params[fmt.Sprintf("f%d", i)] = sp.from
		params[fmt.Sprintf("t%d", i)] = sp.to
	}
	rows, err := s.App.DB().NewQuery(l.query(strings.Join(where, " OR "))).WithContext(ctx).Bind(params).Rows()
	if err != nil {
		return fmt.Errorf("read %s: %w", src.name, err)
	}
	defer rows.Close()
	var line string
	r := l.newRow()
	for n := 0; rows.Next(); n++ {
		if n&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("scan %s: %w", src.name, err)
		}
		day, err := l.fill(line, r)
		if err != nil {
			return fmt.Errorf("scan %s: %w", src.name, err)
		}
		// Periods may overlap (a year and its tertial): a row counts in each.
		for _, sp := range spans {
			if day < sp.from || day > sp.to {
				continue
			}
			pid := -1
			if r.person != "" {
				var ok bool
				if pid, ok = sp.persons[r.person]; !ok {
					pid = len(sp.persons)
					sp.persons[r.person] = pid
				}
			}
			for _, a := range sp.accs {
				a.add(r, pid)
			}
		}
	}
	return rows.Err()
}

// hoursFromMinutes rounds each inner cell to whole hours and recomputes the
// margins from the rounded cells, so that the table adds up.
func hoursFromMinutes(t *Table) {
	isMargin := func(c Cell) bool {
		for _, v := range c.Dims {
			if v == Total {
				return true
			}
		}
		return false
	}
	for i := range t.Cells {
		if !isMargin(t.Cells[i]) {
			t.Cells[i].Value = (t.Cells[i].Value + 30) / 60
		}
	}
	for i := range t.Cells {
		c := &t.Cells[i]
		if !isMargin(*c) {
			continue
		}
		sum := 0
		for _, o := range t.Cells {
			if isMargin(o) {
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

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
