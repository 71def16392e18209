package exports

import (
	"context"
	"database/sql"
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
	notNull bool              // every column is NOT NULL (no IFNULL needed)
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
		name:    srcContacts,
		notNull: true,
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
		notNull: true,
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

// mask parses a stored JSON array of codes into a bit set (codes are
// plain identifiers: the quotes delimit them, no decoding is needed).
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

// dictLimit is how many distinct values a column's dictionary keeps: a
// column with more (a person code) is open, read value by value.
const dictLimit = 1 << 12

// dictCache is the size of a dictionary's direct-mapped cache.
const dictCache = 512

// dict numbers the distinct values of one selected column, so that each
// dimension reading the column maps a value to its code once (memo) rather
// than once per row. A small direct-mapped cache in front of the map makes
// the common case one cheap hash and one string compare.
type dict struct {
	cache [dictCache]struct {
		s  string
		id int32 // id+1; 0 is an empty slot
	}
	ids  map[string]int32
	vals []string
	open bool // more than dictLimit values: not numbered
}

func newDict() *dict { return &dict{ids: map[string]int32{}} }

// cheapHash mixes the length and a few bytes of s (codes differ early,
// late or in length); a collision only costs a map lookup.
func cheapHash(s string) uint32 {
	n := len(s)
	if n == 0 {
		return 0
	}
	x := uint32(n)*0x9E3779B1 ^ uint32(s[0]) ^ uint32(s[n-1])<<8 ^ uint32(s[n/2])<<16 ^ uint32(s[n/3])<<24
	x ^= uint32(s[(2*n)/3]) * 0x85EBCA6B
	x ^= uint32(s[n/4]) * 0xC2B2AE35
	x *= 0x9E3779B1
	return x >> 23 // dictCache = 512 = 2^9
}

// id returns the number of s, or -1 when the column is open.
func (d *dict) id(s string) int32 {
	if d.open {
		return -1
	}
	e := &d.cache[cheapHash(s)]
	if e.id != 0 && e.s == s {
		return e.id - 1
	}
	id, ok := d.ids[s]
	if !ok {
		if len(d.vals) >= dictLimit {
			d.open = true
			return -1
		}
		s = strings.Clone(s) // s is part of a row's line
		id = int32(len(d.vals))
		d.ids[s] = id
		d.vals = append(d.vals, s)
	}
	e.s, e.id = d.vals[id], id+1
	return id
}

// slot is one dimension's place in a row: its value (single) or mask (set).
type slot struct {
	dim    Dim
	fields []int // positions of its columns in the selected line
	ix     index
	pos    int // index into row.vals or row.masks
	// memo maps the column's value number to the code position (single,
	// one column; −2 not yet known) or mask (set); memo2 the value numbers
	// of a derived dimension's columns, packed, to the position.
	memo     []int32
	memoMask []uint64
	known    []bool
	memo2    map[uint64]int32
	args     []string
}

// value computes the position of a single dimension from its raw values.
func (s *slot) value(vals []string) int {
	if s.dim.Derive == nil {
		return s.ix.of(vals[0])
	}
	return s.ix.of(s.dim.Derive(vals))
}

// row is one source row reduced to code positions (arrays, not maps: a
// year can be a million rows).
type row struct {
	vals    []int
	masks   []uint64
	weights []int
	person  int // the person's number, −1 without a code
}

// layout is how one source is read for a set of tables: the columns to
// select and the slot of each dimension, derived from the definitions.
type layout struct {
	src     *source
	cols    []string // selected columns; cols[0] is the date
	dicts   []*dict  // per selected column (nil: the date and the person code)
	single  []*slot
	sets    []*slot
	byDim   map[string]*slot
	weights []string
	person  int // field of the person code, or -1
	persons *personIDs
	buf     []string
	ids     []int32
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
		if len(s.fields) > 1 {
			s.memo2 = map[uint64]int32{}
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
			l.persons = newPersonIDs()
		}
	}
	l.dicts = make([]*dict, len(l.cols))
	for i := 1; i < len(l.cols); i++ {
		l.dicts[i] = newDict()
	}
	l.ids = make([]int32, len(l.cols))
	return l
}

// query is the SELECT of the layout: one text column per row (fetching many
// columns costs a conversion each; the fields are split without copying).
// concat_ws copies each value once (a chain of || copies the growing line
// at every step).
func (l *layout) query(where string) string {
	exprs := make([]string, 0, len(l.cols)+len(l.weights))
	for i, c := range l.cols {
		e := c
		if i > 0 {
			e = l.src.columns[c]
		}
		if !l.src.notNull {
			// concat_ws skips a NULL, which would shift the fields.
			e = "IFNULL(" + e + ", '')"
		}
		exprs = append(exprs, e)
	}
	for _, w := range l.weights {
		e := l.src.weights[w]
		if !l.src.notNull {
			e = "IFNULL(" + e + ", 0)"
		}
		exprs = append(exprs, e)
	}
	return "SELECT concat_ws(char(31), " + strings.Join(exprs, ", ") + ") FROM " + l.src.from + " WHERE " + where
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
	for i := 1; i < len(l.cols); i++ {
		if i != l.person {
			l.ids[i] = l.dicts[i].id(f[i])
		}
	}
	for _, s := range l.single {
		r.vals[s.pos] = l.singleValue(s, f)
	}
	for _, s := range l.sets {
		r.masks[s.pos] = l.setMask(s, f)
	}
	for i := range l.weights {
		w, err := atoi(f[len(l.cols)+i])
		if err != nil {
			return "", fmt.Errorf("weight %s: %w", l.weights[i], err)
		}
		r.weights[i] = w
	}
	r.person = -1
	if l.person >= 0 && f[l.person] != "" {
		r.person = l.persons.id(f[l.person])
	}
	return f[0], nil
}

// singleValue is the position of a single dimension in the row of fields f.
func (l *layout) singleValue(s *slot, f []string) int {
	if s.memo2 != nil {
		var key uint64
		for k, fi := range s.fields {
			id := l.ids[fi]
			if id < 0 || k >= 3 || fi == l.person {
				return l.compute(s, f)
			}
			key |= uint64(id) << (21 * k)
		}
		p, ok := s.memo2[key]
		if !ok {
			p = int32(l.compute(s, f))
			s.memo2[key] = p
		}
		return int(p)
	}
	fi := s.fields[0]
	id := l.ids[fi]
	if id < 0 || fi == l.person {
		return l.compute(s, f)
	}
	for int(id) >= len(s.memo) {
		s.memo = append(s.memo, -2)
	}
	if p := s.memo[id]; p != -2 {
		return int(p)
	}
	p := l.compute(s, f)
	s.memo[id] = int32(p)
	return p
}

func (l *layout) compute(s *slot, f []string) int {
	s.args = s.args[:0]
	for _, fi := range s.fields {
		s.args = append(s.args, f[fi])
	}
	return s.value(s.args)
}

// setMask is the bit set of a set dimension in the row of fields f.
func (l *layout) setMask(s *slot, f []string) uint64 {
	fi := s.fields[0]
	id := l.ids[fi]
	if id < 0 || fi == l.person {
		return s.ix.mask(f[fi])
	}
	for int(id) >= len(s.known) {
		s.known = append(s.known, false)
		s.memoMask = append(s.memoMask, 0)
	}
	if !s.known[id] {
		s.memoMask[id], s.known[id] = s.ix.mask(f[fi]), true
	}
	return s.memoMask[id]
}

func (l *layout) newRow() *row {
	return &row{vals: make([]int, len(l.single)), masks: make([]uint64, len(l.sets)), weights: make([]int, len(l.weights)), person: -1}
}

// atoi parses a decimal integer (the weights), the common case without
// strconv's generality.
func atoi(s string) (int, error) {
	if len(s) == 0 || len(s) > 9 {
		return strconv.Atoi(s)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return strconv.Atoi(s)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// personIDs numbers the distinct person codes of a scan. A code is a keyed
// hash in lower-case hex: it is kept as its 32 bytes (half the memory,
// and no hold on the row's line); any other code is kept as it is.
type personIDs struct {
	hex   map[[32]byte]int32
	other map[string]int32
	n     int32
}

func newPersonIDs() *personIDs {
	return &personIDs{hex: map[[32]byte]int32{}, other: map[string]int32{}}
}

func (p *personIDs) id(code string) int {
	if k, ok := hex32(code); ok {
		id, seen := p.hex[k]
		if !seen {
			id = p.n
			p.n++
			p.hex[k] = id
		}
		return int(id)
	}
	id, seen := p.other[code]
	if !seen {
		id = p.n
		p.n++
		p.other[strings.Clone(code)] = id
	}
	return int(id)
}

// hex32 decodes 64 lower-case hex digits (one-to-one: upper-case digits
// are another code and stay a string).
func hex32(s string) (k [32]byte, ok bool) {
	if len(s) != 64 {
		return k, false
	}
	for i := 0; i < 32; i++ {
		hi, ok1 := hexDigit(s[2*i])
		lo, ok2 := hexDigit(s[2*i+1])
		if !ok1 || !ok2 {
			return k, false
		}
		k[i] = hi<<4 | lo
	}
	return k, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
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
	plain      bool // contacts by single dimensions: no position lists
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
	a.plain = a.persons == nil && !a.a.dim.Set && (a.b == nil || !a.b.dim.Set)
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

// add counts r.
func (a *accumulator) add(r *row) {
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
	stride := a.nb + 1
	if a.plain {
		// The common case: one position (or none: margin only) per dimension.
		i := r.vals[a.a.pos]
		if a.b == nil {
			if i >= 0 {
				a.counts[i] += w
			}
			a.counts[a.na] += w
			return
		}
		j := r.vals[a.b.pos]
		if i >= 0 {
			if j >= 0 {
				a.counts[i*stride+j] += w
			}
			a.counts[i*stride+a.nb] += w
		}
		if j >= 0 {
			a.counts[a.na*stride+j] += w
		}
		a.counts[a.na*stride+a.nb] += w
		return
	}
	a.bufA = a.positions(a.a, r, a.bufA)
	if a.b != nil {
		a.bufB = a.positions(a.b, r, a.bufB)
	}
	if a.persons != nil {
		pid := r.person
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

// scan reads one source for every period and counts its tables: one
// streaming pass over the rows of all the periods, the database stepping
// in one goroutine while the lines are counted in this one.
func (s Source) scan(ctx context.Context, src *source, defs []*TableDef, periods []Period, accs []map[*TableDef]*accumulator) error {
	l := newLayout(src, defs)
	type span struct {
		from, to string
		accs     []*accumulator
	}
	spans := make([]*span, len(periods))
	var where []string
	params := dbx.Params{}
	for i, p := range periods {
		sp := &span{from: p.From().Format(time.DateOnly), to: p.To().Format(time.DateOnly)}
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := s.App.DB().NewQuery(l.query(strings.Join(where, " OR "))).WithContext(ctx).Bind(params).Rows()
	if err != nil {
		return fmt.Errorf("read %s: %w", src.name, err)
	}
	batches, readErr := readLines(ctx, rows.Rows)
	r := l.newRow()
	var countErr error
	for batch := range batches {
		if countErr != nil {
			continue // drain: the reader stops at the cancel
		}
		for _, line := range batch.lines {
			day, err := l.fill(line, r)
			if err != nil {
				countErr = fmt.Errorf("scan %s: %w", src.name, err)
				cancel()
				break
			}
			// Periods may overlap (a year and its tertial): a row counts in each.
			for _, sp := range spans {
				if day < sp.from || day > sp.to {
					continue
				}
				for _, a := range sp.accs {
					a.add(r)
				}
			}
		}
		batch.done()
	}
	if countErr != nil {
		return countErr
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("scan %s: %w", src.name, err)
	}
	return nil
}

// lineBatch is a run of selected lines handed from the reader to the
// counter; done returns it for reuse.
type lineBatch struct {
	lines []string
	free  chan *lineBatch
}

func (b *lineBatch) done() {
	b.lines = b.lines[:0]
	select {
	case b.free <- b:
	default:
	}
}

// readLines steps rows in a goroutine and sends their lines in batches; the
// channel closes at the end, then the error channel gives rows' error. A
// cancelled ctx stops the reader. rows is closed when it returns.
func readLines(ctx context.Context, rows *sql.Rows) (<-chan *lineBatch, <-chan error) {
	const size, depth = 2048, 4
	out := make(chan *lineBatch, depth)
	errc := make(chan error, 1)
	free := make(chan *lineBatch, depth+2)
	go func() {
		defer close(out)
		defer rows.Close()
		next := func() *lineBatch {
			select {
			case b := <-free:
				return b
			default:
				return &lineBatch{lines: make([]string, 0, size), free: free}
			}
		}
		b := next()
		var line string
		for rows.Next() {
			if err := rows.Scan(&line); err != nil {
				errc <- err
				return
			}
			b.lines = append(b.lines, line)
			if len(b.lines) == size {
				select {
				case out <- b:
				case <-ctx.Done():
					errc <- ctx.Err()
					return
				}
				b = next()
			}
		}
		if err := rows.Err(); err != nil {
			errc <- err
			return
		}
		if len(b.lines) > 0 {
			select {
			case out <- b:
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
		errc <- nil
	}()
	return out, errc
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
