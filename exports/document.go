package exports

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"uppsok/taxonomy"
)

// Document is a lägesbild as published: the JSON shape outside tools read
// (see docs/lagesbild.md). Hidden cells carry no value. Releases store the
// Document's JSON bytes and every format is rendered from a Document, so a
// release is re-served identically.
type Document struct {
	Period      DocPeriod `json:"period"`
	K           int       `json:"k"`
	Method      string    `json:"method"`
	GeneratedAt string    `json:"generated_at"`
	Release     *DocRel   `json:"release,omitempty"`
	// Recipient is who the file is for (printed on the PDF cover).
	Recipient string `json:"recipient,omitempty"`
	// Analysis is the orsaksanalys of the period, frozen into a release.
	Analysis *DocAnalysis `json:"analysis,omitempty"`
	// Activities is the aktivitetsplan of the period at release time.
	Activities []DocActivity `json:"activities,omitempty"`
	Tables     []DocTable    `json:"tables"`
}

// DocAnalysis is the cause analysis (orsaksanalys) written by analysts.
type DocAnalysis struct {
	Text    string `json:"text"`
	Updated string `json:"updated"`
}

// DocActivity is one line of the tertial activity plan (aktivitetsplan).
type DocActivity struct {
	Tertial      int    `json:"tertial"`
	Activity     string `json:"activity"`
	Organisation string `json:"organisation"`
	DueOn        string `json:"due_on"`
	Status       string `json:"status"`
}

// DocPeriod is the period of a Document.
type DocPeriod struct {
	Year    int    `json:"year"`
	Tertial *int   `json:"tertial"`
	From    string `json:"from"`
	To      string `json:"to"`
}

// DocRel marks a released Document.
type DocRel struct {
	Revision int    `json:"revision"`
	Previous string `json:"previous_sha256,omitempty"`
}

// DocTable is one table of a Document.
type DocTable struct {
	ID         string    `json:"id"`
	TitleSV    string    `json:"title_sv"`
	TitleEN    string    `json:"title_en"`
	Unit       string    `json:"unit"`
	Period     string    `json:"period"`
	Dimensions []string  `json:"dimensions"`
	Cells      []DocCell `json:"cells"`
}

// DocCell is one cell; Value is nil when Hidden.
type DocCell struct {
	Dims   map[string]string `json:"dims"`
	Value  *int              `json:"value"`
	Hidden bool              `json:"hidden"`
}

// TrendSuffix marks the previous year's tables beside the current ones.
const TrendSuffix = "_prev"

// Method describes the disclosure control in Swedish and English.
func Method(k int) string {
	return fmt.Sprintf("Primär och sekundär cellundertryckning, tröskel k=%d; varje dold cell granskad med linjärprogrammering mot allt publicerat (marginaler, tertialer och året, tidigare utgåvor). "+
		"Primary and secondary cell suppression, threshold k=%d; every hidden cell audited by linear programming against everything published (margins, tertials and the year, earlier releases).", k, k)
}

func newDocument(p Period, k int, generated time.Time, tables []*Table) *Document {
	d := &Document{
		Period:      docPeriod(p),
		K:           k,
		Method:      Method(k),
		GeneratedAt: generated.UTC().Format(time.RFC3339),
	}
	d.addTables(tables, "")
	return d
}

// addTables appends tables to the Document, their ids suffixed (trend
// tables carry their year in the title).
func (d *Document) addTables(tables []*Table, suffix string) {
	for _, t := range tables {
		dt := DocTable{ID: t.Def.ID + suffix, TitleSV: t.Def.TitleSV, TitleEN: t.Def.TitleEN, Unit: t.Def.Unit, Period: t.Period.Key()}
		if suffix != "" {
			dt.TitleSV += fmt.Sprintf(" (%d)", t.Period.Year)
			dt.TitleEN += fmt.Sprintf(" (%d)", t.Period.Year)
		}
		for _, dim := range t.Def.Dims {
			dt.Dimensions = append(dt.Dimensions, dim.Name)
		}
		for _, c := range t.Cells {
			dc := DocCell{Dims: c.Dims, Hidden: c.Hidden}
			if !c.Hidden {
				v := c.Value
				dc.Value = &v
			}
			dt.Cells = append(dt.Cells, dc)
		}
		d.Tables = append(d.Tables, dt)
	}
}

func docPeriod(p Period) DocPeriod {
	dp := DocPeriod{Year: p.Year, From: p.From().Format(time.DateOnly), To: p.To().Format(time.DateOnly)}
	if p.Tertial > 0 {
		t := p.Tertial
		dp.Tertial = &t
	}
	return dp
}

// JSON encodes the Document (indented, stable key order).
func (d *Document) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode lägesbild: %w", err)
	}
	return append(b, '\n'), nil
}

// ParseDocument decodes a stored Document.
func ParseDocument(b []byte) (*Document, error) {
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("decode lägesbild: %w", err)
	}
	return &d, nil
}

// PeriodOf returns the Document's period.
func (d *Document) PeriodOf() Period {
	p := Period{Year: d.Period.Year}
	if d.Period.Tertial != nil {
		p.Tertial = *d.Period.Tertial
	}
	return p
}

// tables rebuilds the current-period Tables of a stored Document (trend
// tables excluded) against defs, for use as frozen context.
func (d *Document) tables(defs []*TableDef) []*Table { return d.tablesOf(defs, d.PeriodOf()) }

// periods lists the periods whose tables the Document holds, its own first.
func (d *Document) periods() []Period {
	out := []Period{d.PeriodOf()}
	seen := map[string]bool{out[0].Key(): true}
	for _, dt := range d.Tables {
		if seen[dt.Period] {
			continue
		}
		seen[dt.Period] = true
		if p, ok := parsePeriodKey(dt.Period); ok {
			out = append(out, p)
		}
	}
	return out
}

// parsePeriodKey reads "2026" or "2026-T2".
func parsePeriodKey(s string) (Period, bool) {
	var p Period
	if n, _ := fmt.Sscanf(s, "%d-T%d", &p.Year, &p.Tertial); n == 2 {
		return p, true
	}
	if n, _ := fmt.Sscanf(s, "%d", &p.Year); n == 1 {
		p.Tertial = 0
		return p, true
	}
	return Period{}, false
}

// tablesOf rebuilds the Tables of period p of the Document against defs
// (tables the definitions no longer hold are left out).
func (d *Document) tablesOf(defs []*TableDef, p Period) []*Table {
	byID := map[string]*TableDef{}
	for _, def := range defs {
		byID[def.ID] = def
	}
	baseID := func(id string) string {
		if i := strings.Index(id, TrendSuffix); i > 0 {
			return id[:i]
		}
		return id
	}
	held := map[string]bool{}
	for _, dt := range d.Tables {
		if dt.Period == p.Key() {
			held[baseID(dt.ID)] = true
		}
	}
	has := func(id string) bool { return held[id] || byID[id] == nil }
	var out []*Table
	add := func(def *TableDef, dcs []DocCell) {
		cells := make([]Cell, 0, len(dcs))
		for _, c := range dcs {
			cell := Cell{Dims: c.Dims, Hidden: c.Hidden}
			if c.Value != nil {
				cell.Value = *c.Value
			}
			cells = append(cells, cell)
		}
		out = append(out, newTable(def, p, cells))
	}
	for _, dt := range d.Tables {
		if dt.Period != p.Key() {
			continue
		}
		id := baseID(dt.ID)
		// A table retired by schema 3 reads as the tables that replace it.
		mapped := mapRetired(id, dt, has)
		for _, def := range defs {
			if cells, ok := mapped[def.ID]; ok {
				add(def, cells)
			}
		}
		def, ok := byID[id]
		if !ok {
			continue
		}
		add(def, dt.Cells)
	}
	return out
}

// Labels returns the Swedish and English label of a code of a dimension.
type Labels func(dim, code string) (sv, en string)

// labelsFor builds the label lookup from the table definitions.
func labelsFor(defs []*TableDef) Labels {
	lists := map[string]taxonomy.List{}
	for _, d := range defs {
		// Every dimension of the catalogue, so that a stored release with a
		// retired table (contacts_by_indicator) still gets its labels.
		for name, dim := range d.catalogue {
			lists[name] = dim.List
		}
		for _, dim := range d.Dims {
			lists[dim.Name] = dim.List
		}
	}
	return func(dim, code string) (string, string) {
		if code == Total {
			return "Totalt", "Total"
		}
		if l, ok := lists[dim]; ok {
			return l.Label(code)
		}
		return code, code
	}
}
