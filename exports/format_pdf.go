package exports

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
)

// The PDF is a report an analyst can hand on as it is: a cover with the
// recipient, contents, a summary in plain Swedish built from published
// cells only, charts, the orsaksanalys and aktivitetsplan, the tables
// (several a page, hidden cells as ..), the method in plain Swedish and the
// codebook. It is drawn twice: the first pass learns the page of every
// section for the contents.

// chartSeries are the main series drawn as bar charts (this year beside
// last year).
var chartSeries = []struct {
	table string
	fixed map[string]string // the other dimension held at its margin
}{
	{"contacts_by_channel", nil},
	{"contacts_by_age_group_role", map[string]string{"age_group": Total}},
	{"contacts_by_age_group_assessment", map[string]string{"age_group": "child"}},
	{"trafficking_by_purpose", nil},
	{"contacts_by_action", nil},
}

var palette = [][3]int{{31, 73, 125}, {214, 96, 24}, {0, 122, 110}, {120, 60, 150}, {90, 90, 90}}

const (
	pageW     = 210.0
	marginL   = 18.0
	contentW  = pageW - 2*marginL
	pageBreak = 297.0 - 18
)

type tocEntry struct {
	title string
	page  int
	level int
}

type pdfWriter struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
	d   *Document
	r   *report
	cat *Catalog
	toc []tocEntry
}

func renderPDF(d *Document, cat *Catalog) ([]byte, error) {
	first, err := drawPDF(d, cat, nil)
	if err != nil {
		return nil, err
	}
	w, err := drawPDF(d, cat, first.toc)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := w.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func drawPDF(d *Document, cat *Catalog, toc []tocEntry) (*pdfWriter, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // byte-identical output for the same document
	generated, _ := time.Parse(time.RFC3339, d.GeneratedAt)
	pdf.SetCreationDate(generated)
	pdf.SetModificationDate(generated)
	pdf.SetTitle("Lägesbild "+d.PeriodOf().Key(), true)
	pdf.SetCreator("uppsok", true)
	pdf.SetMargins(marginL, 18, marginL)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("")
	w := &pdfWriter{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("cp1252"), d: d, r: newReport(d), cat: cat}
	status := w.status()
	pdf.SetFooterFunc(func() {
		if pdf.PageNo() == 1 {
			return
		}
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 7.5)
		pdf.SetTextColor(80, 80, 80)
		pdf.CellFormat(0, 6, w.tr(fmt.Sprintf("Lägesbild %s · %s · sida %d av {nb}", periodTitle(d), status, pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	w.cover(status)
	w.contents(toc)
	w.summary()
	w.charts()
	w.plan()
	w.tables()
	w.method()
	w.codebook()
	return w, pdf.Error()
}

func periodTitle(d *Document) string {
	if d.Period.Tertial != nil {
		return fmt.Sprintf("tertial %d %d", *d.Period.Tertial, d.Period.Year)
	}
	return fmt.Sprintf("helår %d", d.Period.Year)
}

func (w *pdfWriter) status() string {
	if w.d.Release != nil {
		return fmt.Sprintf("utgåva %d", w.d.Release.Revision)
	}
	return "utkast"
}

func (w *pdfWriter) text(size float64, style, s string) {
	w.pdf.SetFont("Helvetica", style, size)
	w.pdf.MultiCell(0, size*0.5, w.tr(s), "", "L", false)
}

// section starts a numbered part of the report and records it for the
// contents. newPage forces a page; otherwise it starts on a new page only
// when less than need millimetres are left.
func (w *pdfWriter) section(title string, level int, newPage bool, need float64) {
	if newPage || w.pdf.GetY()+need > pageBreak {
		w.pdf.AddPage()
	} else if level == 0 && w.pdf.GetY() > pageTop+1 {
		w.pdf.Ln(4)
	}
	w.toc = append(w.toc, tocEntry{title: title, page: w.pdf.PageNo(), level: level})
	if level == 0 {
		w.pdf.SetTextColor(31, 73, 125)
		w.text(16, "B", title)
		w.pdf.SetTextColor(0, 0, 0)
		w.pdf.Ln(2)
		return
	}
	w.text(10.5, "B", title)
}

func (w *pdfWriter) cover(status string) {
	pdf, d := w.pdf, w.d
	pdf.AddPage()
	pdf.SetFillColor(31, 73, 125)
	pdf.Rect(0, 0, pageW, 12, "F")
	pdf.SetY(60)
	pdf.SetTextColor(31, 73, 125)
	w.text(26, "B", "Lägesbild")
	w.text(15, "", "Prostitution och människohandel i Stockholms stad")
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(6)
	w.text(12, "", "Situation picture: prostitution and human trafficking, City of Stockholm")
	pdf.Ln(14)
	recipient := d.Recipient
	if recipient == "" {
		recipient = "Ej angiven / not given"
	}
	date := d.GeneratedAt
	if t, err := time.Parse(time.RFC3339, d.GeneratedAt); err == nil {
		date = t.Format(time.DateOnly)
	}
	state := "Utkast (draft): inte granskad för utlämning"
	if d.Release != nil {
		state = fmt.Sprintf("Utgåva (release), revision %d", d.Release.Revision)
	}
	rows := [][2]string{
		{"Period", fmt.Sprintf("%s (%s – %s)", strings.ToUpper(periodTitle(d)[:1])+periodTitle(d)[1:], d.Period.From, d.Period.To)},
		{"Status", state},
		{"Mottagare", recipient},
		{"Datum", date},
		{"Röjandeskydd", fmt.Sprintf("Tal från 1 till %d visas inte (k = %d); dolda tal visas som ..", d.K-1, d.K)},
		{"Avsändare", "Stockholms stad, socialförvaltningen"},
	}
	for _, row := range rows {
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(40, 8, w.tr(row[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 11)
		pdf.MultiCell(0, 8, w.tr(row[1]), "", "L", false)
	}
	pdf.SetY(250)
	pdf.SetFont("Helvetica", "", 9)
	pdf.SetTextColor(80, 80, 80)
	pdf.MultiCell(0, 4.5, w.tr("Rapporten innehåller bara räknade, skyddade uppgifter. Den får lämnas vidare som den är. The report holds only counted, protected figures; English titles stand beside the Swedish ones and in the appendix."), "", "L", false)
	pdf.SetTextColor(0, 0, 0)
}

func (w *pdfWriter) contents(toc []tocEntry) {
	w.pdf.AddPage()
	w.pdf.SetTextColor(31, 73, 125)
	w.text(16, "B", "Innehåll")
	w.pdf.SetTextColor(0, 0, 0)
	w.pdf.Ln(2)
	for _, e := range toc {
		indent, size, style := 0.0, 9.5, "B"
		if e.level > 0 {
			indent, size, style = 6, 8, ""
		}
		w.pdf.SetFont("Helvetica", style, size)
		w.pdf.SetX(marginL + indent)
		w.pdf.CellFormat(contentW-indent-12, size*0.48, w.tr(e.title), "", 0, "L", false, 0, "")
		w.pdf.CellFormat(12, size*0.48, fmt.Sprint(e.page), "", 1, "R", false, 0, "")
	}
}

func (w *pdfWriter) summary() {
	w.section("Sammanfattning", 0, true, 0)
	w.pdf.SetFont("Helvetica", "", 10)
	for _, s := range w.r.Summary() {
		// A hanging indent: a sentence's second line starts under its
		// text, not under the bullet.
		w.pdf.SetX(marginL + 3)
		w.pdf.CellFormat(4, 5.2, w.tr("•"), "", 0, "L", false, 0, "")
		w.pdf.MultiCell(contentW-7, 5.2, w.tr(s), "", "L", false)
		w.pdf.Ln(0.8)
	}
	w.pdf.Ln(3)
	// Key figures over the years.
	years := w.r.years
	w.pdf.SetFont("Helvetica", "B", 8.5)
	labelW := contentW - float64(len(years))*22
	w.pdf.SetFillColor(230, 236, 244)
	w.pdf.CellFormat(labelW, 6, w.tr("Nyckeltal"), "B", 0, "L", true, 0, "")
	for i := len(years) - 1; i >= 0; i-- {
		w.pdf.CellFormat(22, 6, fmt.Sprint(years[i]), "B", 0, "R", true, 0, "")
	}
	w.pdf.Ln(-1)
	w.pdf.SetFont("Helvetica", "", 8.5)
	for _, k := range keyFigures {
		vals, ok, present := w.r.series(k)
		if !present {
			continue
		}
		w.pdf.CellFormat(labelW, 5.5, w.tr(strings.ToUpper(k.what[:1])+k.what[1:]), "B", 0, "L", false, 0, "")
		for i := len(years) - 1; i >= 0; i-- {
			n := w.d.Period.Year - years[i]
			s := HiddenMark
			if ok[n] {
				s = countText(vals[n])
			}
			w.pdf.CellFormat(22, 5.5, w.tr(s), "B", 0, "R", false, 0, "")
		}
		w.pdf.Ln(-1)
	}
	if len(years) > 1 {
		w.pdf.Ln(6)
		w.lineChart()
	}
}

// lineChart draws the charted key figures over the years shown.
func (w *pdfWriter) lineChart() {
	pdf := w.pdf
	years := w.r.years
	cw, ch := contentW-60, 55.0
	// The title goes with its chart (it stood alone at a page's foot).
	if pdf.GetY()+6+4+ch+12 > pageBreak {
		pdf.AddPage()
	}
	w.text(10.5, "B", "Diagram: nyckeltal över åren")
	x0, y0 := marginL+12, pdf.GetY()+4
	maxV := 1
	type line struct {
		name string
		vals [TrendYears + 1]int
		ok   [TrendYears + 1]bool
	}
	var lines []line
	for _, k := range keyFigures {
		if !k.chart {
			continue
		}
		vals, ok, present := w.r.series(k)
		if !present {
			continue
		}
		lines = append(lines, line{k.what, vals, ok})
		for n := range vals {
			if ok[n] && vals[n] > maxV {
				maxV = vals[n]
			}
		}
	}
	top := niceMax(maxV)
	pdf.SetDrawColor(200, 200, 200)
	pdf.SetFont("Helvetica", "", 7)
	for i := 0; i <= 4; i++ {
		y := y0 + ch - ch*float64(i)/4
		pdf.Line(x0, y, x0+cw, y)
		pdf.SetXY(x0-12, y-2)
		pdf.CellFormat(10, 4, w.tr(countText(top*i/4)), "", 0, "R", false, 0, "")
	}
	xOf := func(n int) float64 { // n years back
		if len(years) == 1 {
			return x0 + cw/2
		}
		pos := len(years) - 1 - n
		return x0 + 8 + (cw-16)*float64(pos)/float64(len(years)-1)
	}
	for n := range years {
		pdf.SetXY(xOf(n)-10, y0+ch+1)
		pdf.CellFormat(20, 4, fmt.Sprint(w.d.Period.Year-n), "", 0, "C", false, 0, "")
	}
	pdf.SetLineWidth(0.6)
	ly := y0
	for i, l := range lines {
		c := palette[i%len(palette)]
		pdf.SetDrawColor(c[0], c[1], c[2])
		pdf.SetFillColor(c[0], c[1], c[2])
		prevX, prevY, have := 0.0, 0.0, false
		for n := len(years) - 1; n >= 0; n-- {
			if !l.ok[n] {
				have = false
				continue
			}
			x, y := xOf(n), y0+ch-ch*float64(l.vals[n])/float64(top)
			if have {
				pdf.Line(prevX, prevY, x, y)
			}
			pdf.Circle(x, y, 0.9, "F")
			prevX, prevY, have = x, y, true
		}
		// Legend, within the right margin (a long name ran past it): a
		// name that wraps pushes the next one down.
		pdf.Rect(x0+cw+6, ly+1, 4, 2, "F")
		pdf.SetXY(x0+cw+11, ly)
		pdf.SetFont("Helvetica", "", 7)
		lw := marginL + contentW - (x0 + cw + 11)
		name := strings.ToUpper(l.name[:1]) + l.name[1:]
		pdf.MultiCell(lw, 3.2, w.tr(name), "", "L", false)
		ly += max(6, float64(len(w.wrap(name, lw-1)))*3.2+2)
	}
	pdf.SetLineWidth(0.2)
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetY(y0 + ch + 8)
	pdf.SetFont("Helvetica", "", 7)
	pdf.MultiCell(0, 3.5, w.tr("Ett dolt tal (..) ritas inte."), "", "L", false)
}

func niceMax(v int) int {
	for _, step := range []int{5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000} {
		if v <= step*4 {
			return step * 4
		}
	}
	return ((v / 1000000) + 1) * 1000000
}

// charts draws a bar chart per main series: this period beside the same
// period last year.
func (w *pdfWriter) charts() {
	first := true
	tableOf := func(id string) *DocTable {
		var cur *DocTable
		for _, t := range w.r.tables {
			if t.ID == id {
				cur = t
			}
		}
		return cur
	}
	last := -1 // the last chart drawn carries the note under the charts
	for i, s := range chartSeries {
		if tableOf(s.table) != nil {
			last = i
		}
	}
	for i, s := range chartSeries {
		cur := tableOf(s.table)
		if cur == nil {
			continue
		}
		dim := cur.Dimensions[0]
		if len(cur.Dimensions) > 1 {
			for _, d := range cur.Dimensions {
				if _, held := s.fixed[d]; !held {
					dim = d
				}
			}
		}
		prev := w.r.prev(s.table, 1)
		dimsOf := func(code string) map[string]string {
			m := map[string]string{dim: code}
			for k, v := range s.fixed {
				m[k] = v
			}
			return m
		}
		var codes []string
		maxV := 1
		rows, cols := rowsAndCols(cur)
		all := rows
		if dim != cur.Dimensions[0] {
			all = cols
		}
		for _, code := range all {
			if code == Total {
				continue
			}
			a, okA := value(cur, dimsOf(code))
			b, okB := value(prev, dimsOf(code))
			if (okA && a == 0 || !okA && cellText(cur, dimsOf(code)) == "") && (!okB || b == 0) && cellText(cur, dimsOf(code)) != HiddenMark {
				continue
			}
			codes = append(codes, code)
			if okA && a > maxV {
				maxV = a
			}
			if okB && b > maxV {
				maxV = b
			}
		}
		title := "Diagram: " + lowerFirst(cur.TitleSV)
		if s.fixed["age_group"] == "child" {
			title = "Diagram: kontakter med barn efter bedömning"
		} else if s.fixed["age_group"] == Total {
			title = "Diagram: kontakter efter roll"
		}
		// The charts follow the summary on its page when a chart fits
		// there (the summary's page was left half empty).
		need := 14 + float64(len(codes))*6.5
		if i == last {
			need += 8
		}
		// A long chart (actions: 26 bars) starts at a page's foot when
		// its title, legend and first bars fit, and goes on overleaf.
		if len(codes) >= 12 {
			need = 14 + 6*6.5
		}
		if first && w.pdf.GetY()+need+3 <= pageBreak {
			w.pdf.Ln(3)
		}
		w.section(title, 1, false, need)
		first = false
		if len(codes) == 0 {
			// Nothing to draw: one line, not a legend over empty space.
			w.pdf.SetFont("Helvetica", "", 8)
			w.pdf.MultiCell(0, 4, w.tr(NoRecordsNote), "", "L", false)
			w.pdf.Ln(3)
			continue
		}
		w.legend(prev != nil)
		for j, code := range codes {
			sv, _ := w.cat.Label(dim, code)
			// A chart taller than what is left of a page goes on with its
			// title and legend on the next, never with fewer than three
			// bars there.
			left := len(codes) - j
			restH := float64(left) * 6.5
			if i == last {
				restH += 8
			}
			if w.pdf.GetY()+9.5 > pageBreak || // a bar's height with a label of three lines
				(j > 0 && left <= 3 && w.pdf.GetY()+restH > pageBreak) {
				w.pdf.AddPage()
				w.text(10.5, "B", title+" (forts. / cont.)")
				w.legend(prev != nil)
			}
			w.bar(sv, cur, prev, dimsOf(code), maxV)
		}
		w.pdf.Ln(3)
	}
	if !first {
		w.pdf.SetFont("Helvetica", "", 7)
		w.pdf.MultiCell(0, 3.5, w.tr("Ett dolt tal (..) ritas inte. Staplar med noll båda åren visas inte."), "", "L", false)
	}
	if len(w.toc) > 0 && !first {
		// The charts are one section in the contents.
		for i := range w.toc {
			if strings.HasPrefix(w.toc[i].title, "Diagram: ") && w.toc[i].level == 1 {
				w.toc = append(w.toc[:i], append([]tocEntry{{title: "Diagram", page: w.toc[i].page}}, w.toc[i:]...)...)
				break
			}
		}
	}
}

func (w *pdfWriter) legend(withPrev bool) {
	pdf := w.pdf
	pdf.SetFont("Helvetica", "", 7)
	c := palette[0]
	pdf.SetFillColor(c[0], c[1], c[2])
	x, y := marginL+60, pdf.GetY()+1
	pdf.Rect(x, y, 4, 2.5, "F")
	pdf.SetXY(x+5, y-0.8)
	pdf.CellFormat(30, 4, w.tr(w.r.periodName(0)), "", 0, "L", false, 0, "")
	if withPrev {
		pdf.SetFillColor(160, 185, 215)
		pdf.Rect(x+40, y, 4, 2.5, "F")
		pdf.SetXY(x+45, y-0.8)
		pdf.CellFormat(30, 4, w.tr(w.r.periodName(1)), "", 0, "L", false, 0, "")
	}
	pdf.Ln(5)
}

func (w *pdfWriter) bar(label string, cur, prev *DocTable, dims map[string]string, maxV int) {
	pdf := w.pdf
	barW := contentW - 60 - 14
	y := pdf.GetY()
	pdf.SetFont("Helvetica", "", 7.5)
	lines := w.wrap(label, 57)
	if len(lines) == 1 {
		pdf.SetXY(marginL, y)
		pdf.CellFormat(58, 6, lines[0], "", 0, "L", false, 0, "")
	} else {
		pdf.SetFont("Helvetica", "", 6.8)
		lines = w.wrap(label, 57)
		for i, l := range lines {
			pdf.SetXY(marginL, y+float64(i)*2.9)
			pdf.CellFormat(58, 3, l, "", 0, "L", false, 0, "")
		}
	}
	draw := func(t *DocTable, yy float64, c [3]int) {
		v, ok := value(t, dims)
		x := marginL + 60
		pdf.SetXY(x, yy-0.8)
		if !ok {
			if cellText(t, dims) == HiddenMark {
				pdf.CellFormat(10, 3, HiddenMark, "", 0, "L", false, 0, "")
			}
			return
		}
		bw := barW * float64(v) / float64(maxV)
		pdf.SetFillColor(c[0], c[1], c[2])
		if bw > 0 {
			pdf.Rect(x, yy, bw, 2.4, "F")
		}
		pdf.SetXY(x+bw+1, yy-0.8)
		pdf.CellFormat(14, 3.8, w.tr(countText(v)), "", 0, "L", false, 0, "")
	}
	draw(cur, y+0.6, palette[0])
	if prev != nil {
		draw(prev, y+3.3, [3]int{160, 185, 215})
	}
	pdf.SetY(y + max(6.5, float64(len(lines))*2.9+0.8))
}

func (w *pdfWriter) plan() {
	d := w.d
	if d.Analysis != nil {
		w.section("Orsaksanalys", 0, false, 40)
		w.pdf.SetFont("Helvetica", "", 10)
		for _, para := range strings.Split(strings.ReplaceAll(d.Analysis.Text, "\r\n", "\n"), "\n") {
			w.pdf.MultiCell(0, 5, w.tr(para), "", "L", false)
		}
	}
	if len(d.Activities) > 0 {
		w.section("Aktivitetsplan", 0, false, 40)
		cols := []float64{14, 74, 44, 22, 20}
		header := func() {
			w.pdf.SetFont("Helvetica", "B", 8)
			w.pdf.SetFillColor(230, 236, 244)
			for i, h := range []string{"Tertial", "Aktivitet", "Ansvarig organisation", "Klar senast", "Status"} {
				w.pdf.CellFormat(cols[i], 6, w.tr(h), "B", 0, "L", true, 0, "")
			}
			w.pdf.Ln(-1)
			w.pdf.SetFont("Helvetica", "", 8)
		}
		header()
		for _, a := range d.Activities {
			st := ActivityStatus[a.Status]
			cells := []string{fmt.Sprintf("T%d", a.Tertial), a.Activity, a.Organisation, a.DueOn, st[0]}
			lines := 1
			for i, c := range cells {
				if n := len(w.wrap(c, cols[i]-1)); n > lines {
					lines = n
				}
			}
			h := float64(lines) * 4
			if w.pdf.GetY()+h > pageBreak {
				w.pdf.AddPage()
				header() // a plan that breaks repeats its header
			}
			x, y := w.pdf.GetXY()
			for i, c := range cells {
				w.pdf.SetXY(x, y)
				w.pdf.MultiCell(cols[i], 4, w.tr(c), "", "L", false)
				x += cols[i]
			}
			w.pdf.SetXY(marginL, y+h)
			w.pdf.Line(marginL, y+h, marginL+contentW, y+h)
		}
	}
}

// tables draws every table of the period, several a page. The section
// starts on the page the previous part ends on when its heading, the first
// table's title, header and first rows fit there.
func (w *pdfWriter) tables() {
	for i, t := range w.r.tables {
		w.table(t, i == 0)
	}
}

// NoRecordsNote is printed in the PDF in place of a table that holds no
// records at all in the period (and none the year before): a title over an
// empty grid of zeros made a near-empty page.
const NoRecordsNote = "Inga registreringar under perioden. / No records in the period."

// noRecords reports whether tables hold no records at all: every cell is
// published as 0 (a table without cells too). A hidden cell (..) holds
// records that are suppressed, so a table with one is never empty.
func noRecords(ts ...*DocTable) bool {
	for _, t := range ts {
		if t == nil {
			continue
		}
		for _, c := range t.Cells {
			if c.Hidden || c.Value == nil || *c.Value != 0 {
				return false
			}
		}
	}
	return true
}

// Table layout in millimetres.
const (
	tableTitleH = 12.0 // title, English title and unit, spacing
	noteH       = 3.5  // one line of note under the title
	tableRowH   = 4.4  // a row of one line
	rowLineH    = 3.2  // each further line of a wrapped row label
	headLineH   = 3.1  // a line of a wrapped column header
	contLineH   = 4.5  // the "(forts. / cont.)" line over a continued table
	// minRowsFirst rows at least start a table at the foot of a page and
	// minRowsLast rows at least end it on the next; a table of fewer than
	// minRowsFirst+minRowsLast rows is never split (unless it is taller
	// than a page).
	minRowsFirst = 3
	minRowsLast  = 2
)

// pageTop is where the content of a new page starts.
const pageTop = 18.0

// tableBreaks returns, for rows of heights hs drawn from y, the indices of
// the rows that start a new page: a row goes on the next page when it
// does not fit, and a break never leaves fewer than minRowsLast rows for
// the last page (the total alone under a repeated header) when the page
// before keeps minRowsFirst. top is where rows start on a continued page.
func tableBreaks(hs []float64, y, top float64) []int {
	var breaks []int
	start := 0
	for i, h := range hs {
		if y+h > pageBreak && i > start {
			breaks = append(breaks, i)
			start = i
			y = top
		}
		y += h
	}
	if n := len(breaks); n > 0 {
		last := breaks[n-1]
		prevStart := 0
		if n > 1 {
			prevStart = breaks[n-2]
		}
		if len(hs)-last < minRowsLast {
			if b := len(hs) - minRowsLast; b-prevStart >= minRowsFirst || (n > 1 && b > prevStart) {
				breaks[n-1] = b
			}
		}
	}
	return breaks
}

func (w *pdfWriter) table(t *DocTable, first bool) {
	pdf := w.pdf
	prev := w.r.prev(t.ID, 1)
	// A two-way table with many more codes across than down (sessions by
	// kind × 18 districts) does not fit a page's width: it is drawn turned,
	// the long dimension down.
	if len(t.Dimensions) == 2 {
		rows, cols := rowsAndCols(t)
		if len(cols) > maxPDFColumns && len(rows) < len(cols) {
			t, prev = turned(t), turned(prev)
		}
	}
	empty := noRecords(t, prev)
	rows, cols := rowsAndCols(t)
	dimA := t.Dimensions[0]
	var shownRows []string
	for _, r := range rows {
		if r == Total || !emptyLine([]*DocTable{t, prev}, dimA, r) {
			shownRows = append(shownRows, r)
		}
	}
	var shownCols []string
	if len(t.Dimensions) > 1 {
		for _, c := range cols {
			if c == Total || !emptyLine([]*DocTable{t}, t.Dimensions[1], c) {
				shownCols = append(shownCols, c)
			}
		}
	}
	// A code that did not exist last year (new in schema 3, last year from a
	// release made before it) has no cell there: blank, explained.
	notRecorded := false
	for _, r := range shownRows {
		col := ""
		if len(t.Dimensions) > 1 {
			col = Total
		}
		if prev != nil && r != Total && cellText(prev, dims2(prev, r, col)) == "" {
			notRecorded = true
		}
	}
	// Column layout.
	labelW := 70.0
	type col struct {
		head string
		w    float64
		cell func(row string) string
	}
	var cs []col
	prevName := fmt.Sprint(w.d.Period.Year - 1)
	if len(t.Dimensions) == 1 {
		cs = append(cs, col{fmt.Sprint(w.d.Period.Year), 24, func(r string) string { return cellText(t, dims2(t, r, "")) }})
		if prev != nil {
			cs = append(cs, col{prevName, 24, func(r string) string { return cellText(prev, dims2(prev, r, "")) }})
		}
	} else {
		labelW = 36
		n := float64(len(shownCols))
		if prev != nil {
			n++
		}
		cw := (contentW - labelW) / n
		if cw > 24 {
			cw = 24
		}
		for _, c := range shownCols {
			c := c
			head, _ := w.cat.Label(t.Dimensions[1], c)
			if c == Total {
				head = "Totalt"
			}
			cs = append(cs, col{head, cw, func(r string) string { return cellText(t, dims2(t, r, c)) }})
		}
		if prev != nil {
			cs = append(cs, col{"Totalt " + prevName, cw, func(r string) string { return cellText(prev, dims2(prev, r, Total)) }})
		}
	}
	tableW := labelW + sumW(cs, func(c col) float64 { return c.w })
	// Header height from the longest wrapped header.
	pdf.SetFont("Helvetica", "B", 6.8)
	headLines := 1
	for _, c := range cs {
		if n := len(w.wrap(c.head, c.w-1)); n > headLines {
			headLines = n
		}
	}
	// Row labels wrap (a cut label loses its meaning: "... mot ersättn…").
	pdf.SetFont("Helvetica", "B", 7.5)
	rowLines := map[string][]string{}
	heights := make([]float64, len(shownRows))
	bodyH := 0.0
	for i, r := range shownRows {
		label, _ := w.cat.Label(dimA, r)
		if r == Total {
			label = "Totalt"
		}
		rowLines[r] = w.wrap(label, labelW-1.5)
		heights[i] = tableRowH + float64(len(rowLines[r])-1)*rowLineH
		bodyH += heights[i]
	}
	headH := float64(headLines)*headLineH + 1.5
	notes := 0.0
	if !empty && w.cat.MultiChoice(t.ID) {
		notes += 2 * noteH // the multiple-choice note (two lines)
	}
	if !empty && notRecorded {
		notes += noteH
	}
	// need is what must fit below the current line to start the table
	// here: all of it, or (for a table long enough to split) its title,
	// notes, header and first rows.
	need := tableTitleH + notes + headH + bodyH
	if empty {
		need = tableTitleH + 5
	} else if len(heights) >= minRowsFirst+minRowsLast {
		need = tableTitleH + notes + headH + sumW(heights[:minRowsFirst], func(h float64) float64 { return h })
	}
	if first {
		intro := 8.0 + 2*4 + 2 // heading, intro, spacing
		if pdf.GetY()+4+intro+need > pageBreak {
			pdf.AddPage()
		}
		w.section("Tabeller", 0, false, 0)
		pdf.SetFont("Helvetica", "", 8)
		pdf.MultiCell(0, 4, w.tr(fmt.Sprintf("Varje tabell visar %s och samma period året före. .. = dolt tal (för få). Rader med bara nollor visas inte; en tabell utan registreringar visas med en rad.", w.r.periodName(0))), "", "L", false)
		pdf.Ln(2)
	}
	w.section(t.TitleSV, 1, false, need)
	pdf.SetFont("Helvetica", "I", 7)
	pdf.SetTextColor(90, 90, 90)
	unit := map[string]string{UnitContacts: "kontakter", UnitPersons: "unika personer", UnitSessions: "pass", UnitHours: "timmar", UnitCount: "antal", UnitFollowUps: "uppföljningar"}[t.Unit]
	pdf.MultiCell(0, 3.5, w.tr(t.TitleEN+" · enhet: "+unit), "", "L", false)
	if empty {
		// Nothing to draw: one line in place of a grid of zeros.
		pdf.SetTextColor(0, 0, 0)
		pdf.SetFont("Helvetica", "", 8)
		pdf.Ln(0.5)
		pdf.MultiCell(0, 4, w.tr(NoRecordsNote), "", "L", false)
		pdf.Ln(2)
		return
	}
	if w.cat.MultiChoice(t.ID) {
		pdf.MultiCell(0, 3.5, w.tr(MultiChoiceNote), "", "L", false)
	}
	if notRecorded {
		pdf.MultiCell(0, 3.5, w.tr(NotRecordedNote), "", "L", false)
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(1)
	x := pdf.GetX()
	dsv, _ := w.cat.DimTitle(dimA)
	header := func() {
		y := pdf.GetY()
		pdf.SetFillColor(230, 236, 244)
		pdf.Rect(x, y, tableW, headH, "F")
		pdf.SetFont("Helvetica", "B", 6.8)
		pdf.SetXY(x, y+headH-4)
		pdf.CellFormat(labelW, 3.5, w.tr(dsv), "", 0, "L", false, 0, "")
		cx := x + labelW
		for _, c := range cs {
			lines := w.wrap(c.head, c.w-1)
			ly := y + headH - float64(len(lines))*headLineH - 0.5
			for _, l := range lines {
				pdf.SetXY(cx, ly)
				pdf.CellFormat(c.w, headLineH, l, "", 0, "R", false, 0, "")
				ly += headLineH
			}
			cx += c.w
		}
		pdf.SetXY(x, y+headH)
	}
	header()
	// Page breaks, planned before drawing so that no page ends on a
	// header and no total stands alone on the next: a continued table
	// repeats its title (marked as continued) and its header.
	breaks := tableBreaks(heights, pdf.GetY(), pageTop+contLineH+headH)
	next := 0
	for i, r := range shownRows {
		if next < len(breaks) && breaks[next] == i {
			next++
			pdf.AddPage()
			pdf.SetFont("Helvetica", "B", 8)
			pdf.CellFormat(0, contLineH, w.tr(t.TitleSV+" (forts. / cont.)"), "", 1, "L", false, 0, "")
			pdf.SetX(x)
			header()
		}
		style := ""
		if r == Total {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 7.5)
		lines := rowLines[r]
		h := heights[i]
		y := pdf.GetY()
		for j, l := range lines {
			pdf.SetXY(x, y+float64(j)*rowLineH)
			pdf.CellFormat(labelW, tableRowH, l, "", 0, "L", false, 0, "")
		}
		pdf.SetXY(x+labelW, y)
		for _, c := range cs {
			pdf.CellFormat(c.w, tableRowH, w.tr(c.cell(r)), "", 0, "R", false, 0, "")
		}
		pdf.SetXY(x, y+h)
		pdf.SetDrawColor(215, 215, 215)
		pdf.Line(x, y+h, x+tableW, y+h)
		pdf.SetDrawColor(0, 0, 0)
	}
	pdf.Ln(2)
}

func sumW[T any](xs []T, f func(T) float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += f(x)
	}
	return s
}

// partPage reports whether a part that usually opens a page (the method,
// the appendix) should: not when the page holds little, else the last
// table alone made a near-empty page before it.
func (w *pdfWriter) partPage() bool {
	return w.pdf.GetY() > pageTop+(pageBreak-pageTop)*0.4
}

func (w *pdfWriter) method() {
	w.section("Metod: så räknas och skyddas talen", 0, w.partPage(), 80)
	w.pdf.SetFont("Helvetica", "", 10)
	for _, p := range methodText(w.d.K) {
		w.pdf.MultiCell(0, 5, w.tr(p), "", "L", false)
		w.pdf.Ln(2.5)
	}
	w.pdf.Ln(2)
	w.text(8, "I", "Method: primary and secondary cell suppression with threshold k; every hidden cell audited by linear programming against everything published (margins, tertials and the year, earlier releases).")
}

func (w *pdfWriter) codebook() {
	w.section("Bilaga: kodbok / Appendix: codebook", 0, w.partPage(), 60)
	seen := map[string]bool{}
	cols := []float64{34, 40, 50, 50}
	header := func() {
		w.pdf.SetFont("Helvetica", "B", 7.5)
		w.pdf.SetFillColor(230, 236, 244)
		for i, h := range []string{"Dimension", "Kod / code", "Svenska", "English"} {
			w.pdf.CellFormat(cols[i], 5, w.tr(h), "B", 0, "L", true, 0, "")
		}
		w.pdf.Ln(-1)
		w.pdf.SetFont("Helvetica", "", 7)
	}
	header()
	for _, t := range w.r.tables {
		for _, c := range t.Cells {
			for _, dim := range t.Dimensions {
				code := c.Dims[dim]
				if code == Total {
					continue
				}
				sv, en := w.cat.Label(dim, code)
				dsv, _ := w.cat.DimTitle(dim)
				// Two dimensions that read the same (age band, a child's
				// age band) are one entry to a reader.
				if key := dsv + "|" + code + "|" + sv; seen[key] {
					continue
				} else {
					seen[key] = true
				}
				// The appendix is where a reader looks a label up: never cut.
				cells := [][]string{}
				n := 1
				for i, s := range []string{dsv, code, sv, en} {
					l := w.wrap(s, cols[i]-1.5)
					cells = append(cells, l)
					n = max(n, len(l))
				}
				if w.pdf.GetY()+float64(n)*3.4 > pageBreak {
					w.pdf.AddPage()
					header() // every page of the codebook has its header
				}
				x, y := w.pdf.GetXY()
				for i, l := range cells {
					for j, line := range l {
						w.pdf.SetXY(x, y+float64(j)*3.4)
						w.pdf.CellFormat(cols[i], 3.8, line, "", 0, "L", false, 0, "")
					}
					x += cols[i]
				}
				w.pdf.SetXY(marginL, y+float64(n)*3.4+0.4)
			}
		}
	}
}

// maxPDFColumns is the most codes a two-way table shows across a page;
// a table with more is turned (see table).
const maxPDFColumns = 10

// turned returns t with its two dimensions swapped (same cells).
func turned(t *DocTable) *DocTable {
	if t == nil || len(t.Dimensions) != 2 {
		return t
	}
	c := *t
	c.Dimensions = []string{t.Dimensions[1], t.Dimensions[0]}
	return &c
}

// lowerFirst lower-cases the first letter of a title put after a colon
// ("Diagram: kontakter efter kanal"), unless it starts an acronym.
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) < 2 || unicode.IsUpper(r[1]) {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// wrap breaks s into lines (translated for the PDF's font) that fit width
// in the current font; a word longer than the width is split with a
// hyphen ("människo-exploatering" in a narrow column), never drawn over
// its neighbour.
func (w *pdfWriter) wrap(s string, width float64) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if w.pdf.GetStringWidth(w.tr(try)) <= width {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, w.tr(cur))
		}
		// Split a word wider than the column.
		for w.pdf.GetStringWidth(w.tr(word)) > width {
			r := []rune(word)
			cut := len(r) - 1
			for cut > 2 && w.pdf.GetStringWidth(w.tr(string(r[:cut])+"-")) > width {
				cut--
			}
			if cut <= 2 {
				break
			}
			if len(r)-cut < 3 && len(r) > 6 { // no "Yrkesverksa-m"
				cut = len(r) - 3
			}
			lines = append(lines, w.tr(string(r[:cut])+"-"))
			word = string(r[cut:])
		}
		cur = word
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, w.tr(cur))
	}
	return lines
}
