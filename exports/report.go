package exports

import (
	"fmt"
	"strconv"
	"strings"
)

// report is a Document arranged for people (PDF and XLSX): each current
// table with the same table of the previous years beside it, and the key
// figures of the summary.
type report struct {
	doc *Document
	// tables are the current period's tables in declaration order.
	tables []*DocTable
	// trend holds the previous years' tables: trend[id][n-1] is the table
	// n years back (nil when that year is left out).
	trend map[string][]*DocTable
	// years are the years shown, newest first (the period's year, then the
	// previous years that have data).
	years []int
}

func newReport(d *Document) *report {
	r := &report{doc: d, trend: map[string][]*DocTable{}}
	r.years = []int{d.Period.Year}
	seenYear := map[int]bool{d.Period.Year: true}
	for i := range d.Tables {
		t := &d.Tables[i]
		idx := strings.Index(t.ID, TrendSuffix)
		if idx < 0 {
			r.tables = append(r.tables, t)
			continue
		}
		base, n := t.ID[:idx], 1
		if rest := t.ID[idx+len(TrendSuffix):]; rest != "" {
			fmt.Sscanf(rest, "%d", &n)
		}
		if n < 1 || n > TrendYears {
			continue
		}
		if r.trend[base] == nil {
			r.trend[base] = make([]*DocTable, TrendYears)
		}
		r.trend[base][n-1] = t
		if y := d.Period.Year - n; !seenYear[y] {
			seenYear[y] = true
			r.years = append(r.years, y)
		}
	}
	// Newest first.
	for i := 1; i < len(r.years); i++ {
		for j := i; j > 0 && r.years[j] > r.years[j-1]; j-- {
			r.years[j], r.years[j-1] = r.years[j-1], r.years[j]
		}
	}
	return r
}

// prev returns the table id n years back, or nil.
func (r *report) prev(id string, n int) *DocTable {
	if ts := r.trend[id]; ts != nil && n >= 1 && n <= len(ts) {
		return ts[n-1]
	}
	return nil
}

// value returns a cell's published value; ok is false when the cell is
// hidden or missing. Nothing built for people reads a hidden cell's value:
// it has none.
func value(t *DocTable, dims map[string]string) (v int, ok bool) {
	if t == nil {
		return 0, false
	}
	for _, c := range t.Cells {
		if len(c.Dims) != len(dims) {
			continue
		}
		match := true
		for k, want := range dims {
			if c.Dims[k] != want {
				match = false
				break
			}
		}
		if match {
			if c.Hidden || c.Value == nil {
				return 0, false
			}
			return *c.Value, true
		}
	}
	return 0, false
}

// countText writes a count the Swedish way, thousands set apart by a
// no-break space: 12 345.
func countText(v int) string {
	digits := strconv.Itoa(v)
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cellText is how a cell reads in a table: its number, or ".." when hidden.
func cellText(t *DocTable, dims map[string]string) string {
	if t == nil {
		return ""
	}
	if v, ok := value(t, dims); ok {
		return countText(v)
	}
	for _, c := range t.Cells {
		if disclosureKey(c.Dims) == disclosureKey(dims) {
			return HiddenMark
		}
	}
	return ""
}

func disclosureKey(d map[string]string) string {
	var b strings.Builder
	for _, k := range sortedKeys(d) {
		b.WriteString(k + "=" + d[k] + ";")
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// keySeries is one key figure of the summary: a cell of a table.
type keySeries struct {
	what  string // "kontakter med barn": the sentence's subject
	table string
	dims  map[string]string
	chart bool // drawn in the line chart over the years
}

// keyFigures are the summary's series, in order (each from a table that a
// tertial counts too, so that every period has them; follow-ups only for
// a year).
var keyFigures = []keySeries{
	{"kontakter", "contacts_by_channel", map[string]string{"channel": Total}, true},
	{"unika personer med personkod", "persons_by_channel", map[string]string{"channel": Total}, false},
	{"kontakter med barn", "contacts_by_age_group_assessment", map[string]string{"age_group": "child", "assessment": Total}, true},
	{"kontakter med misstänkt människohandel", "contacts_by_age_group_assessment", map[string]string{"age_group": Total, "assessment": "suspected_trafficking"}, true},
	{"kontakter med misstänkt människoexploatering", "contacts_by_age_group_assessment", map[string]string{"age_group": Total, "assessment": "suspected_exploitation"}, false},
	{"kontakter med personer som säljer sex", "contacts_by_age_group_role", map[string]string{"age_group": Total, "role": "sells_sex"}, true},
	{"kontakter med personer som köper sex", "contacts_by_age_group_role", map[string]string{"age_group": Total, "role": "buys_sex"}, true},
	{"uppföljningar av barn", "child_followups_by_decision", map[string]string{"decision": Total}, false},
}

// periodName names the period n years back in a sentence ("2025",
// "tertial 2 2025").
func (r *report) periodName(n int) string {
	y := r.doc.Period.Year - n
	if r.doc.Period.Tertial != nil {
		return fmt.Sprintf("tertial %d %d", *r.doc.Period.Tertial, y)
	}
	return fmt.Sprint(y)
}

// series returns the published values of a key figure for this year and
// the previous years (ok false where hidden or absent).
func (r *report) series(k keySeries) (vals [TrendYears + 1]int, ok [TrendYears + 1]bool, present bool) {
	var cur *DocTable
	for _, t := range r.tables {
		if t.ID == k.table {
			cur = t
		}
	}
	if cur == nil {
		return vals, ok, false
	}
	vals[0], ok[0] = value(cur, k.dims)
	for n := 1; n <= TrendYears; n++ {
		vals[n], ok[n] = value(r.prev(k.table, n), k.dims)
	}
	return vals, ok, true
}

// Summary returns the summary's sentences in plain Swedish, built only from
// published cells: a hidden number is never used, not even to say whether
// something rose or fell.
func (r *report) Summary() []string {
	var out []string
	for _, k := range keyFigures {
		vals, ok, present := r.series(k)
		if !present {
			continue
		}
		subject := "Antalet " + k.what
		switch {
		case !ok[0]:
			out = append(out, fmt.Sprintf("%s under %s redovisas inte: de är så få att talet är dolt (..).", subject, r.periodName(0)))
		case ok[1] && vals[1] < vals[0]:
			out = append(out, fmt.Sprintf("%s ökade från %s under %s till %s under %s.", subject, countText(vals[1]), r.periodName(1), countText(vals[0]), r.periodName(0)))
		case ok[1] && vals[1] > vals[0]:
			out = append(out, fmt.Sprintf("%s minskade från %s under %s till %s under %s.", subject, countText(vals[1]), r.periodName(1), countText(vals[0]), r.periodName(0)))
		case ok[1] && vals[0] == 0:
			out = append(out, fmt.Sprintf("Inga %s under %s, inte heller under %s.", k.what, r.periodName(0), r.periodName(1)))
		case ok[1]:
			out = append(out, fmt.Sprintf("%s var %s under %s, lika många som under %s.", subject, countText(vals[0]), r.periodName(0), r.periodName(1)))
		default:
			out = append(out, fmt.Sprintf("%s var %s under %s.", subject, countText(vals[0]), r.periodName(0)))
		}
	}
	return out
}

// rowsAndCols returns the codes of a table's dimensions in document order.
func rowsAndCols(t *DocTable) (rows, cols []string) {
	seenR, seenC := map[string]bool{}, map[string]bool{}
	for _, c := range t.Cells {
		if r := c.Dims[t.Dimensions[0]]; !seenR[r] {
			seenR[r] = true
			rows = append(rows, r)
		}
		if len(t.Dimensions) > 1 {
			if cc := c.Dims[t.Dimensions[1]]; !seenC[cc] {
				seenC[cc] = true
				cols = append(cols, cc)
			}
		}
	}
	return rows, cols
}

// dims2 builds a cell's dims for a one- or two-way table.
func dims2(t *DocTable, row, col string) map[string]string {
	d := map[string]string{t.Dimensions[0]: row}
	if len(t.Dimensions) > 1 {
		d[t.Dimensions[1]] = col
	}
	return d
}

// empty reports whether a row (or column) of t shows only zeros in this
// year and the previous one: such lines are left out of the report (they
// are in the XLSX, CSV and JSON).
func emptyLine(ts []*DocTable, dim, code string) bool {
	for _, t := range ts {
		if t == nil {
			continue
		}
		for _, c := range t.Cells {
			if c.Dims[dim] != code {
				continue
			}
			if c.Hidden || c.Value == nil || *c.Value != 0 {
				return false
			}
		}
	}
	return true
}

// methodText is the method page in plain Swedish.
func methodText(k int) []string {
	return []string{
		"Lägesbilden bygger på de anonyma kontakter som stadens uppsökande team registrerar. Ingen uppgift i rapporten kan knytas till en enskild person: inga namn, inga födelsedatum, inga länder, bara grova åldersgrupper, stadsdelar och tider på dygnet.",
		fmt.Sprintf("Små tal döljs. Ett tal mellan 1 och %d visas aldrig, eftersom ett så litet tal kan peka ut en person (k = %d). Noll visas som 0. Ett dolt tal visas som två punkter: ..", k-1, k),
		"Ibland döljs också större tal. Tabellerna har summor (Totalt), och året är summan av tertialerna. Om bara ett tal i en rad vore dolt skulle det gå att räkna ut från summan. Därför döljs ytterligare tal så att inget dolt tal kan räknas fram, varken ur tabellen, ur de andra tabellerna, ur tertialerna eller ur tidigare utgåvor. Alla dolda tal ser likadana ut, så det går inte att se varför ett tal är dolt.",
		fmt.Sprintf("Innan en utgåva lämnas ut kontrolleras varje dolt tal med linjärprogrammering: det minsta och det största värde talet kan ha med allt som är publicerat räknas ut, och skillnaden ska vara minst %d. Ett dolt tal kan alltså inte räknas fram.", k),
		"\"Kontakter\" räknar möten: samma person som möts tre gånger ger tre kontakter. \"Unika personer\" räknar olika personer med personkod (en nyckel som inte går att vända tillbaka till personen); en person räknas en gång i varje ruta hon eller han förekommer i, så rutorna summerar inte alltid till totalen. Kontakter utan personkod räknas inte som personer.",
		"Ett tertial (T1 januari–april, T2 maj–augusti, T3 september–december) redovisas i färre och grövre tabeller än helåret, så att det mesta kan visas. Föregående års siffror kommer från den utgåva som lämnades ut då, när en sådan finns.",
		"En kontakt kan ha flera plattformar, kontrollmedel, sårbarheter, riskgrupper, slag av ersättning, ändamål och insatser; i sådana tabeller kan summan av raderna vara större än totalen. Rader där alla värden är 0 visas inte i PDF:en (de finns i XLSX- och CSV-filerna).",
	}
}
