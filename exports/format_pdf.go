package exports

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
)

// renderPDF writes a printable report: a cover with the method, then each
// table with its numbers and a simple bar chart of its published cells.
func renderPDF(d *Document, labels Labels) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // byte-identical output for the same document
	generated, _ := time.Parse(time.RFC3339, d.GeneratedAt)
	pdf.SetCreationDate(generated)
	pdf.SetModificationDate(generated)
	pdf.SetTitle("Lägesbild "+d.PeriodOf().Key(), true)
	pdf.SetCreator("uppsok", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	pdf.SetAutoPageBreak(true, 15)
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 8, tr(fmt.Sprintf("Lägesbild %s · sida/page %d/{nb} · dold cell/hidden cell: %s", d.PeriodOf().Key(), pdf.PageNo(), HiddenMark)), "", 0, "C", false, 0, "")
	})

	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.MultiCell(0, 9, tr("Lägesbild prostitution och människohandel / Situation picture"), "", "L", false)
	pdf.SetFont("Helvetica", "", 11)
	status := "Utkast / draft"
	if d.Release != nil {
		status = fmt.Sprintf("Utgåva / release %d", d.Release.Revision)
	}
	pdf.MultiCell(0, 6, tr(fmt.Sprintf("%s · %s – %s · %s · k = %d", d.PeriodOf().Label(), d.Period.From, d.Period.To, status, d.K)), "", "L", false)
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "", 9)
	pdf.MultiCell(0, 5, tr(d.Method), "", "L", false)

	for _, t := range d.Tables {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 6, tr(t.TitleSV), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(0, 5, tr(t.TitleEN+" · "+t.Period), "", "L", false)
		pdf.Ln(2)
		dim := t.Dimensions[0]
		// With two dimensions, the report shows the first dimension's
		// margins (the full cross-table is in the XLSX and CSV).
		var cells []DocCell
		for _, c := range t.Cells {
			if len(t.Dimensions) == 1 || c.Dims[t.Dimensions[1]] == Total {
				cells = append(cells, c)
			}
		}
		maxV := 1
		for _, c := range cells {
			if c.Value != nil && c.Dims[dim] != Total && *c.Value > maxV {
				maxV = *c.Value
			}
		}
		for _, c := range cells {
			sv, _ := labels(dim, c.Dims[dim])
			val := HiddenMark
			if c.Value != nil && !c.Hidden {
				val = fmt.Sprint(*c.Value)
			}
			pdf.SetFont("Helvetica", "", 8)
			pdf.CellFormat(70, 5, tr(truncate(sv, 45)), "", 0, "L", false, 0, "")
			pdf.CellFormat(18, 5, val, "", 0, "R", false, 0, "")
			if c.Value != nil && !c.Hidden && c.Dims[dim] != Total {
				w := 90 * float64(*c.Value) / float64(maxV)
				x, y := pdf.GetXY()
				pdf.SetFillColor(70, 110, 160)
				pdf.Rect(x+3, y+1, w, 3, "F")
			}
			pdf.Ln(5)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
