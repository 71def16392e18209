package exports

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"uppsok/internal/apierr"
)

// HiddenMark is how every hidden cell is shown.
const HiddenMark = ".."

// Render writes d in format and returns the bytes, content type and file
// extension.
func Render(d *Document, format string, cat *Catalog) ([]byte, string, error) {
	switch format {
	case "json", "":
		b, err := d.JSON()
		return b, "application/json", err
	case "csv":
		b, err := renderCSV(d, cat.Label)
		return b, "text/csv; charset=utf-8", err
	case "xlsx":
		b, err := renderXLSX(d, cat)
		return b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", err
	case "pdf":
		b, err := renderPDF(d, cat)
		return b, "application/pdf", err
	}
	return nil, "", apierr.Input("Okänt format %q (json, csv, xlsx, pdf). / Unknown format %q.", format, format)
}

// renderCSV writes the tidy long form: one line per cell, with the codes
// and both labels of up to two dimensions. UTF-8 with a BOM so that Excel
// reads å, ä and ö right.
func renderCSV(d *Document, labels Labels) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	header := []string{"table", "period", "title_sv", "title_en", "unit",
		"dim1", "dim1_code", "dim1_label_sv", "dim1_label_en",
		"dim2", "dim2_code", "dim2_label_sv", "dim2_label_en", "value", "flag"}
	if err := w.Write(header); err != nil {
		return nil, err
	}
	for _, t := range d.Tables {
		for _, c := range t.Cells {
			line := []string{t.ID, t.Period, t.TitleSV, t.TitleEN, t.Unit}
			for i := 0; i < 2; i++ {
				if i < len(t.Dimensions) {
					dim := t.Dimensions[i]
					code := c.Dims[dim]
					sv, en := labels(dim, code)
					line = append(line, dim, code, sv, en)
				} else {
					line = append(line, "", "", "", "")
				}
			}
			for i := range line {
				line[i] = csvText(line[i])
			}
			if c.Hidden || c.Value == nil {
				line = append(line, HiddenMark, "hidden")
			} else {
				line = append(line, strconv.Itoa(*c.Value), "")
			}
			if err := w.Write(line); err != nil {
				return nil, err
			}
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvText neutralises a text cell that a spreadsheet would read as a formula
// (a team or label starting with =, +, -, @, tab or carriage return) with a
// leading apostrophe, as OWASP's CSV-injection guidance says. Only text
// columns pass through here; the value column stays a plain number.
func csvText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
