package exports

import (
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

// A header word wider than its column ("människoexploatering" in a
// 12 mm column of the child/adult × assessment table) is split with a
// hyphen: before, it was drawn over the neighbouring column's header.
func TestWrapNeverDrawsWiderThanTheColumn(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetFont("Helvetica", "B", 6.8)
	w := &pdfWriter{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("cp1252")}
	scenarios := []struct {
		text  string
		width float64
	}{
		{"Misstänkt människoexploatering (BrB 4:1b)", 11.5},
		{"Misstänkt människohandel (BrB 4:1a)", 11.5},
		{"Latinamerika", 8},
		{"Säljer sex eller har erfarenhet av sex mot ersättning", 20},
		{"Kort", 30},
	}
	for _, s := range scenarios {
		t.Run(s.text, func(t *testing.T) {
			lines := w.wrap(s.text, s.width)
			for _, l := range lines {
				if got := pdf.GetStringWidth(l); got > s.width {
					t.Errorf("line %q is %.1f mm wide in a %.1f mm column (%q)", l, got, s.width, lines)
				}
			}
			joined := strings.ReplaceAll(strings.Join(lines, " "), "- ", "")
			if strings.Join(strings.Fields(joined), " ") != strings.Join(strings.Fields(w.tr(s.text)), " ") {
				t.Errorf("text lost in wrapping: %q", lines)
			}
		})
	}
}

// TestCountText: counts read the Swedish way in the report, thousands set
// apart by a no-break space (3000 read as a year beside 2026).
func TestCountText(t *testing.T) {
	for v, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1\u00a0000", 12345: "12\u00a0345", 1234567: "1\u00a0234\u00a0567", -1200: "-1\u00a0200"} {
		if got := countText(v); got != want {
			t.Errorf("countText(%d) = %q, want %q", v, got, want)
		}
	}
}
