package exports

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// flowDoc is a year with short, long, empty and suppressed tables, so that
// the tables section must flow over several pages.
func flowDoc() *Document {
	d := &Document{Period: DocPeriod{Year: 2026, From: "2026-01-01", To: "2026-12-31"}, K: 5, GeneratedAt: "2026-11-27T12:00:00Z"}
	oneWay := func(id, title, dim string, codes int, value func(i int) (int, bool)) DocTable {
		t := DocTable{ID: id, TitleSV: title, TitleEN: title + " (en)", Unit: UnitContacts, Period: "2026", Dimensions: []string{dim}}
		total := 0
		for i := 0; i < codes; i++ {
			v, hidden := value(i)
			c := DocCell{Dims: map[string]string{dim: fmt.Sprintf("k%02d", i)}, Hidden: hidden}
			if !hidden {
				c.Value = &v
			}
			total += v
			t.Cells = append(t.Cells, c)
		}
		c := DocCell{Dims: map[string]string{dim: Total}, Value: &total}
		t.Cells = append(t.Cells, c)
		return t
	}
	count := func(i int) (int, bool) { return 10 + i, false }
	for i := 0; i < 6; i++ {
		d.Tables = append(d.Tables, oneWay(fmt.Sprintf("short_%d", i), fmt.Sprintf("Kort tabell %d", i), "channel", 7+i*3, count))
	}
	d.Tables = append(d.Tables,
		oneWay("long", "Lång tabell", "area", 90, count),
		oneWay("none", "Tom tabell", "campaign", 4, func(int) (int, bool) { return 0, false }),
		oneWay("hidden", "Dold tabell", "platform", 3, func(int) (int, bool) { return 0, true }),
		oneWay("after", "Tabell efter", "channel", 8, count),
	)
	// The suppressed table's total is hidden too: no record can be read.
	h := &d.Tables[len(d.Tables)-2]
	h.Cells[len(h.Cells)-1] = DocCell{Dims: map[string]string{"platform": Total}, Hidden: true}
	return d
}

func flowCatalog() *Catalog {
	return &Catalog{Label: func(dim, code string) (string, string) { return "Kod " + code, "Code " + code }, defs: map[string]*TableDef{}}
}

// pdfPages renders d and returns the text of each page (pdftotext -layout)
// with blank lines and the footer left out.
func pdfPages(t *testing.T, d *Document) [][]string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	b, err := renderPDF(d, flowCatalog())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	var pages [][]string
	for _, p := range strings.Split(string(out), "\f") {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			l = strings.Join(strings.Fields(l), " ")
			if l != "" && !strings.HasPrefix(l, "Lägesbild helår 2026 · utkast · sida") {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			pages = append(pages, lines)
		}
	}
	return pages
}

// The tables flow: every table is there once, none starts with a title or
// header alone at a page's foot, a table that breaks repeats its title and
// header, an empty table is one line and a suppressed table is not empty.
func TestPDFTablesFlow(t *testing.T) {
	d := flowDoc()
	pages := pdfPages(t, d)
	titles := map[string]bool{}
	for _, tb := range d.Tables {
		titles[tb.TitleSV] = true
	}
	seen := map[string]int{}
	tablesFrom := -1
	for pi, lines := range pages {
		if pi < 2 { // cover and contents
			continue
		}
		if len(lines) < 4 {
			t.Errorf("page %d is near empty: %q", pi+1, lines)
		}
		for li, l := range lines {
			if l == "Tabeller" && tablesFrom < 0 {
				tablesFrom = pi
			}
			if !titles[l] {
				continue
			}
			seen[l]++
			after := lines[li+1:]
			switch l {
			case "Tom tabell":
				if len(after) < 2 || after[1] != NoRecordsNote {
					t.Errorf("the empty table is not one line %q: %q", NoRecordsNote, after)
				}
				if head, _ := DimTitle("campaign"); len(after) > 2 && strings.HasPrefix(after[2], head) {
					t.Errorf("the empty table has a grid: %q", after[:3])
				}
			case "Dold tabell":
				if len(after) > 1 && after[1] == NoRecordsNote {
					t.Error("a suppressed table is printed as empty")
				}
				if len(after) < 4 || !strings.HasSuffix(after[2], "..") {
					t.Errorf("the suppressed table lost its hidden cells: %q", after)
				}
			default:
				// Title, English title, header and at least minRowsFirst rows.
				if len(after) < 2+minRowsFirst {
					t.Errorf("page %d: table %q starts with only %d lines below its title", pi+1, l, len(after))
				}
			}
		}
	}
	for title := range titles {
		if seen[title] != 1 {
			t.Errorf("table %q printed %d times", title, seen[title])
		}
	}
	// The tables section starts on the page the charts end on, not on a
	// page of its own (the charts leave room in this document).
	if tablesFrom < 0 {
		t.Fatal("no Tabeller heading")
	}
	if pages[tablesFrom][0] == "Tabeller" && len(pages[tablesFrom-1]) < 30 {
		t.Errorf("Tabeller opens page %d though page %d holds only %d lines", tablesFrom+1, tablesFrom, len(pages[tablesFrom-1]))
	}
	// The long table breaks; each continued page repeats its title and
	// header, and every row is printed once.
	areaHead, _ := DimTitle("area")
	areaHead += " 2026"
	chanHead, _ := DimTitle("channel")
	chanHead += " 2026"
	conts := 0
	rows := map[string]int{}
	for _, lines := range pages {
		for li, l := range lines {
			if strings.HasPrefix(l, "Kod k") && strings.Count(l, " ") == 2 {
				rows[strings.Fields(l)[1]]++
			}
			if l == "Lång tabell (forts. / cont.)" {
				conts++
				if li != 0 || len(lines) < 2 || lines[1] != areaHead {
					t.Errorf("a continued page does not start with the title and header: %q", lines[:min(3, len(lines))])
				}
			}
		}
		// No page ends on a table's header, nor carries a total alone.
		last := lines[len(lines)-1]
		if last == areaHead || last == chanHead {
			t.Errorf("a page ends on a header: %q", lines[len(lines)-3:])
		}
		if len(lines) >= 2 && strings.HasSuffix(lines[0], "(forts. / cont.)") && strings.HasPrefix(lines[2], "Totalt") {
			t.Errorf("a total alone on a continued page: %q", lines[:3])
		}
	}
	if conts == 0 {
		t.Error("the 90-row table does not break")
	}
	// Every page of the codebook has its header row.
	inCodebook := false
	codebookPages := 0
	for pi, lines := range pages {
		if lines[0] == "Bilaga: kodbok / Appendix: codebook" {
			inCodebook = true
		}
		if !inCodebook {
			continue
		}
		codebookPages++
		if head := lines[min(1, len(lines)-1)]; lines[0] != "Dimension Kod / code Svenska English" && head != "Dimension Kod / code Svenska English" {
			t.Errorf("codebook page %d has no header row: %q", pi+1, lines[:min(2, len(lines))])
		}
	}
	if codebookPages < 2 {
		t.Errorf("the codebook fills %d pages; the test needs it to break", codebookPages)
	}
	for i := 0; i < 90; i++ {
		if k := fmt.Sprintf("k%02d", i); rows[k] < 1 {
			t.Errorf("row %s of the long table lost", k)
		}
	}
}

// tableBreaks never leaves the last row (the total) alone on a page.
func TestTableBreaksKeepTheTotalWithRows(t *testing.T) {
	hs := make([]float64, 10)
	for i := range hs {
		hs[i] = 4.4
	}
	// Nine rows fit from y, the tenth does not.
	y := pageBreak - 9*4.4 - 0.1
	got := tableBreaks(hs, y, pageTop+10)
	if len(got) != 1 || len(hs)-got[0] < minRowsLast || got[0] < minRowsFirst {
		t.Errorf("breaks %v: want one break leaving at least %d rows on each side", got, minRowsLast)
	}
	if got := tableBreaks(hs, pageTop, pageTop); len(got) != 0 {
		t.Errorf("a table that fits breaks at %v", got)
	}
	long := make([]float64, 200)
	for i := range long {
		long[i] = 4.4
	}
	got = tableBreaks(long, pageTop, pageTop+10)
	if len(got) < 2 {
		t.Fatalf("200 rows break %d times", len(got))
	}
	for i, b := range got {
		start := 0
		if i > 0 {
			start = got[i-1]
		}
		if h := float64(b-start) * 4.4; h > pageBreak-pageTop {
			t.Errorf("segment %d is %.0f mm tall", i, h)
		}
	}
}
