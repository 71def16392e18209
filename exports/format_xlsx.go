package exports

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// renderXLSX writes the workbook an analyst reads: a contents sheet, the
// summary, one sheet per table with a Swedish name (first dimension down,
// second across, totals last, the previous years beside or below), the
// orsaksanalys and aktivitetsplan, a codebook and a method sheet.
func renderXLSX(d *Document, cat *Catalog) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	generated, _ := time.Parse(time.RFC3339, d.GeneratedAt)
	f.SetDocProps(&excelize.DocProperties{
		Title:   "Lägesbild " + d.PeriodOf().Key(),
		Creator: "uppsok",
		Created: generated.UTC().Format(time.RFC3339),
	})
	r := newReport(d)
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6ECF4"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "bottom"}})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	hiddenCells := 0

	contents := "Innehåll"
	f.SetSheetName("Sheet1", contents)
	f.SetCellValue(contents, "A1", "Lägesbild prostitution och människohandel, "+periodTitle(d))
	f.SetCellStyle(contents, "A1", "A1", title)
	status := "Utkast"
	if d.Release != nil {
		status = fmt.Sprintf("Utgåva, revision %d", d.Release.Revision)
	}
	f.SetCellValue(contents, "A2", fmt.Sprintf("%s · mottagare: %s · dolt tal visas som %s", status, orNone(d.Recipient), HiddenMark))
	f.SetSheetRow(contents, "A4", &[]any{"Blad", "Innehåll", "Contents", "Varför (handlingsplanen)"})
	f.SetCellStyle(contents, "A4", "D4", head)
	row := 5
	addContents := func(sheet, sv, en, why string) {
		f.SetSheetRow(contents, cell(1, row), &[]any{sheet, sv, en, why})
		f.SetCellHyperLink(contents, cell(1, row), "'"+sheet+"'!A1", "Location")
		row++
	}
	f.SetColWidth(contents, "A", "A", 30)
	f.SetColWidth(contents, "B", "C", 55)
	f.SetColWidth(contents, "D", "D", 70)

	// Summary.
	sum := "Sammanfattning"
	f.NewSheet(sum)
	addContents(sum, "Sammanfattning och nyckeltal", "Summary and key figures", "")
	f.SetCellValue(sum, "A1", "Sammanfattning")
	f.SetCellStyle(sum, "A1", "A1", title)
	line := 3
	for _, s := range r.Summary() {
		f.SetCellValue(sum, cell(1, line), s)
		line++
	}
	line++
	hdr := []any{"Nyckeltal"}
	for i := len(r.years) - 1; i >= 0; i-- {
		hdr = append(hdr, r.years[i])
	}
	f.SetSheetRow(sum, cell(1, line), &hdr)
	f.SetCellStyle(sum, cell(1, line), cell(len(hdr), line), head)
	line++
	for _, k := range keyFigures {
		vals, ok, present := r.series(k)
		if !present {
			continue
		}
		out := []any{strings.ToUpper(k.what[:1]) + k.what[1:]}
		for i := len(r.years) - 1; i >= 0; i-- {
			n := d.Period.Year - r.years[i]
			if ok[n] {
				out = append(out, vals[n])
			} else {
				out = append(out, HiddenMark)
			}
		}
		f.SetSheetRow(sum, cell(1, line), &out)
		line++
	}
	f.SetColWidth(sum, "A", "A", 60)

	// Tables.
	for _, t := range r.tables {
		name := cat.Sheet(t.ID)
		if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", name, err)
		}
		addContents(name, t.TitleSV, t.TitleEN, cat.Why(t.ID))
		f.SetCellValue(name, "A1", t.TitleSV)
		f.SetCellStyle(name, "A1", "A1", title)
		f.SetCellValue(name, "A2", t.TitleEN)
		f.SetCellValue(name, "A3", fmt.Sprintf("Period: %s · dolt tal (för få): %s", r.periodName(0), HiddenMark))
		next := 5
		tables := []*DocTable{t}
		for n := 1; n <= TrendYears; n++ {
			tables = append(tables, r.prev(t.ID, n))
		}
		if len(t.Dimensions) == 1 {
			// One dimension: this year and the previous years side by side.
			dim := t.Dimensions[0]
			dsv, _ := cat.DimTitle(dim)
			hdr := []any{dsv, "Kod"}
			var shown []*DocTable
			for n, tt := range tables {
				if tt != nil {
					hdr = append(hdr, r.periodName(n))
					shown = append(shown, tt)
				}
			}
			f.SetSheetRow(name, cell(1, next), &hdr)
			f.SetCellStyle(name, cell(1, next), cell(len(hdr), next), head)
			rows, _ := rowsAndCols(t)
			notRecorded := false
			for i, code := range rows {
				sv, en := cat.Label(dim, code)
				vals := []any{bilingual(sv, en), code}
				for j, tt := range shown {
					v := xlsxValue(tt, dims2(tt, code, ""))
					if j == 0 && v == HiddenMark {
						hiddenCells++
					}
					if j > 0 && v == "" && code != Total {
						notRecorded = true
					}
					vals = append(vals, v)
				}
				f.SetSheetRow(name, cell(1, next+1+i), &vals)
			}
			if notRecorded {
				f.SetCellValue(name, cell(1, next+2+len(rows)), NotRecordedNote)
			}
			f.SetColWidth(name, "A", "A", 50)
			f.SetColWidth(name, "B", "B", 16)
			continue
		}
		// Two dimensions: the cross-table of each year, newest first.
		for n, tt := range tables {
			if tt == nil {
				continue
			}
			rowDim, colDim := tt.Dimensions[0], tt.Dimensions[1]
			rows, cols := rowsAndCols(tt)
			rsv, _ := cat.DimTitle(rowDim)
			csv, _ := cat.DimTitle(colDim)
			f.SetCellValue(name, cell(1, next), fmt.Sprintf("%s: %s (rader) × %s (kolumner)", r.periodName(n), rsv, csv))
			f.SetCellStyle(name, cell(1, next), cell(1, next), bold)
			next++
			f.SetCellValue(name, cell(1, next), rsv)
			for j, cc := range cols {
				sv, _ := cat.Label(colDim, cc)
				f.SetCellValue(name, cell(2+j, next), sv)
			}
			f.SetCellStyle(name, cell(1, next), cell(1+len(cols), next), head)
			f.SetRowHeight(name, next, 45)
			for i, rr := range rows {
				sv, en := cat.Label(rowDim, rr)
				f.SetCellValue(name, cell(1, next+1+i), bilingual(sv, en))
				for j, cc := range cols {
					v := xlsxValue(tt, dims2(tt, rr, cc))
					if n == 0 && v == HiddenMark {
						hiddenCells++
					}
					f.SetCellValue(name, cell(2+j, next+1+i), v)
				}
			}
			next += len(rows) + 3
		}
		f.SetColWidth(name, "A", "A", 44)
	}

	if d.Analysis != nil {
		a := "Orsaksanalys"
		f.NewSheet(a)
		addContents(a, "Orsaksanalys", "Cause analysis", "")
		f.SetCellValue(a, "A1", "Orsaksanalys")
		f.SetCellStyle(a, "A1", "A1", title)
		f.SetCellValue(a, "A3", d.Analysis.Text)
		f.SetCellStyle(a, "A3", "A3", wrap)
		f.SetColWidth(a, "A", "A", 120)
	}
	if len(d.Activities) > 0 {
		a := "Aktivitetsplan"
		f.NewSheet(a)
		addContents(a, "Aktivitetsplan", "Activity plan", "")
		hdr := make([]any, len(activityHeader))
		for i, h := range activityHeader {
			hdr[i] = h
		}
		f.SetSheetRow(a, "A1", &hdr)
		f.SetCellStyle(a, "A1", cell(len(hdr), 1), head)
		for i, act := range d.Activities {
			vals := []any{}
			for _, v := range activityRow(act) {
				vals = append(vals, v)
			}
			f.SetSheetRow(a, cell(1, 2+i), &vals)
		}
		f.SetColWidth(a, "B", "C", 50)
	}

	// Codebook: every code used, with both labels.
	cb := "Kodbok"
	f.NewSheet(cb)
	addContents(cb, "Kodbok", "Codebook", "")
	f.SetSheetRow(cb, "A1", &[]any{"Dimension", "Dimension (en)", "Kod", "Svenska", "English"})
	f.SetCellStyle(cb, "A1", "E1", head)
	seen := map[string]bool{}
	cbRow := 2
	for _, t := range r.tables {
		for _, c := range t.Cells {
			for _, dim := range t.Dimensions {
				code := c.Dims[dim]
				if code == Total {
					continue
				}
				sv, en := cat.Label(dim, code)
				dsv, den := cat.DimTitle(dim)
				// Two dimensions that read the same (age band, a child's
				// age band) are one entry to a reader.
				if key := dsv + "|" + code + "|" + sv; seen[key] {
					continue
				} else {
					seen[key] = true
				}
				f.SetSheetRow(cb, cell(1, cbRow), &[]any{dsv, den, code, sv, en})
				cbRow++
			}
		}
	}
	f.SetColWidth(cb, "A", "B", 22)
	f.SetColWidth(cb, "C", "C", 26)
	f.SetColWidth(cb, "D", "E", 50)

	m := "Metod"
	f.NewSheet(m)
	addContents(m, "Metod", "Method", "")
	lines := [][]any{
		{"Period", fmt.Sprintf("%s (%s – %s)", periodTitle(d), d.Period.From, d.Period.To)},
		{"Status", status},
		{"k", d.K},
		{"Metod", d.Method},
		{"Dolda celler i perioden", hiddenCells},
		{"Dold cell visas som", HiddenMark},
		{"Skapad", d.GeneratedAt},
	}
	for i, l := range lines {
		f.SetSheetRow(m, cell(1, 1+i), &l)
	}
	for i, p := range methodText(d.K) {
		f.SetCellValue(m, cell(2, len(lines)+2+i), p)
		f.SetCellStyle(m, cell(2, len(lines)+2+i), cell(2, len(lines)+2+i), wrap)
	}
	f.SetColWidth(m, "A", "A", 26)
	f.SetColWidth(m, "B", "B", 110)
	f.SetActiveSheet(0)

	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

func xlsxValue(t *DocTable, dims map[string]string) any {
	if v, ok := value(t, dims); ok {
		return v
	}
	return cellText(t, dims)
}

func orNone(s string) string {
	if s == "" {
		return "ej angiven"
	}
	return s
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// bilingual is a row label in both languages ("Gatan / Street"), or once
// when they are the same (a team's name).
func bilingual(sv, en string) string {
	if en == "" || en == sv {
		return sv
	}
	return sv + " / " + en
}
