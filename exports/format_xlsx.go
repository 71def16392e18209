package exports

import (
	"bytes"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// renderXLSX lays each table out as people read it (first dimension down,
// second across, totals last), with a codebook and a method sheet.
func renderXLSX(d *Document, labels Labels) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	generated, _ := time.Parse(time.RFC3339, d.GeneratedAt)
	f.SetDocProps(&excelize.DocProperties{
		Title:   "Lägesbild " + d.PeriodOf().Key(),
		Creator: "uppsok",
		Created: generated.UTC().Format(time.RFC3339),
	})

	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	hiddenCells := 0
	usedNames := map[string]bool{}
	for _, t := range d.Tables {
		name := sheetName(t.ID, usedNames)
		if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", name, err)
		}
		f.SetCellValue(name, "A1", t.TitleSV)
		f.SetCellValue(name, "A2", t.TitleEN)
		f.SetCellValue(name, "A3", fmt.Sprintf("Period: %s · Enhet/unit: %s · Dold cell/hidden cell: %s", t.Period, t.Unit, HiddenMark))
		f.SetCellStyle(name, "A1", "A1", bold)
		value := func(c DocCell) any {
			if c.Hidden || c.Value == nil {
				hiddenCells++
				return HiddenMark
			}
			return *c.Value
		}
		if len(t.Dimensions) == 1 {
			dim := t.Dimensions[0]
			f.SetCellValue(name, "A5", dim)
			f.SetCellValue(name, "B5", "Antal / count")
			f.SetCellStyle(name, "A5", "B5", bold)
			for i, c := range t.Cells {
				sv, en := labels(dim, c.Dims[dim])
				row := 6 + i
				f.SetCellValue(name, cell(1, row), sv+" / "+en)
				f.SetCellValue(name, cell(2, row), value(c))
			}
			f.SetColWidth(name, "A", "A", 48)
			continue
		}
		rowDim, colDim := t.Dimensions[0], t.Dimensions[1]
		var rows, cols []string
		seenR, seenC := map[string]bool{}, map[string]bool{}
		for _, c := range t.Cells {
			if r := c.Dims[rowDim]; !seenR[r] {
				seenR[r] = true
				rows = append(rows, r)
			}
			if cc := c.Dims[colDim]; !seenC[cc] {
				seenC[cc] = true
				cols = append(cols, cc)
			}
		}
		f.SetCellValue(name, "A5", rowDim+" \\ "+colDim)
		f.SetCellStyle(name, "A5", "A5", bold)
		for j, cc := range cols {
			sv, en := labels(colDim, cc)
			f.SetCellValue(name, cell(2+j, 5), sv+" / "+en)
			f.SetCellStyle(name, cell(2+j, 5), cell(2+j, 5), bold)
		}
		for i, r := range rows {
			sv, en := labels(rowDim, r)
			f.SetCellValue(name, cell(1, 6+i), sv+" / "+en)
		}
		for _, c := range t.Cells {
			i, j := indexOf(rows, c.Dims[rowDim]), indexOf(cols, c.Dims[colDim])
			f.SetCellValue(name, cell(2+j, 6+i), value(c))
		}
		f.SetColWidth(name, "A", "A", 40)
	}

	// Codebook: every code used, with both labels.
	cb := "Kodbok"
	f.NewSheet(cb)
	f.SetSheetRow(cb, "A1", &[]any{"dimension", "code", "label_sv", "label_en"})
	f.SetCellStyle(cb, "A1", "D1", bold)
	seen := map[string]bool{}
	row := 2
	for _, t := range d.Tables {
		for _, c := range t.Cells {
			for _, dim := range t.Dimensions {
				code := c.Dims[dim]
				if seen[dim+"|"+code] {
					continue
				}
				seen[dim+"|"+code] = true
				sv, en := labels(dim, code)
				f.SetSheetRow(cb, cell(1, row), &[]any{dim, code, sv, en})
				row++
			}
		}
	}

	m := "Metod"
	f.NewSheet(m)
	tertial := "helår / full year"
	if d.Period.Tertial != nil {
		tertial = fmt.Sprintf("T%d", *d.Period.Tertial)
	}
	revision := "utkast / draft"
	if d.Release != nil {
		revision = fmt.Sprintf("utgåva / release %d", d.Release.Revision)
	}
	lines := [][]any{
		{"Period", fmt.Sprintf("%d %s (%s – %s)", d.Period.Year, tertial, d.Period.From, d.Period.To)},
		{"Status", revision},
		{"k", d.K},
		{"Metod / method", d.Method},
		{"Dolda celler / hidden cells", hiddenCells},
		{"Dold cell visas som / hidden cell shown as", HiddenMark},
		{"Skapad / generated at", d.GeneratedAt},
	}
	for i, l := range lines {
		f.SetSheetRow(m, cell(1, 1+i), &l)
	}
	f.SetColWidth(m, "A", "A", 36)
	f.SetColWidth(m, "B", "B", 100)
	f.DeleteSheet("Sheet1")
	if idx, err := f.GetSheetIndex(m); err == nil {
		f.SetActiveSheet(idx)
	}

	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// sheetName fits a table id into Excel's 31-character sheet names.
func sheetName(id string, used map[string]bool) string {
	name := id
	if len(name) > 31 {
		name = name[:31]
	}
	for n := 2; used[name]; n++ {
		suffix := fmt.Sprintf("~%d", n)
		name = id[:min(len(id), 31-len(suffix))] + suffix
	}
	used[name] = true
	return name
}
