package exports_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"uppsok/exports"
	"uppsok/internal/testenv"
)

// reportEnv is the base data plus children last year (so that a careless
// summary would say the children "decreased" from last year's published
// count to this year's hidden one), an analysis and an activity plan.
func reportEnv(t *testing.T) (*testenv.Env, string) {
	env, analyst := setup(t)
	addContacts(t, env, many(6, fixture{team: "ungdomsjouren", date: "2025-03-03", channel: "online", age: "15_17", gender: "woman", assessment: "indicators"}))
	env.MustJSON(t, "POST", "/api/collections/lagesbild_analyses/records", analyst,
		map[string]any{"year": 2026, "tertial": 0, "text": "Fler kontakter via nätet.\nKöpare nås främst via KAST."}, 200, nil)
	for _, a := range []map[string]any{
		{"year": 2026, "tertial": 1, "activity": "Uppsökande pass på hotell", "organisation": "Mikamottagningen", "due_on": "2026-04-30", "status": "done"},
		{"year": 2026, "tertial": 2, "activity": "Utbilda socialtjänsten om barn som utnyttjas via nätet", "organisation": "Ungdomsjouren", "due_on": "2026-08-31", "status": "ongoing"},
	} {
		env.MustJSON(t, "POST", "/api/collections/lagesbild_activities/records", analyst, a, 200, nil)
	}
	return env, analyst
}

func pdfText(t *testing.T, pdf []byte) (string, string) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "r.pdf")
	writeFile(t, path, pdf)
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return string(out), path
}

func TestPDFIsAReport(t *testing.T) {
	env, analyst := reportEnv(t)
	_, body, hdr := env.Do(t, "GET", "/api/lagesbild?year=2026&format=pdf&recipient=Polisregion%20Stockholm", analyst, nil, nil)
	if hdr.Get("Content-Type") != "application/pdf" {
		t.Fatalf("content type %s", hdr.Get("Content-Type"))
	}
	text, path := pdfText(t, body)
	pages := strings.Split(text, "\f")
	if len(pages) < 6 {
		t.Fatalf("%d pages", len(pages))
	}
	cover := pages[0]
	for _, want := range []string{"Lägesbild", "Mottagare", "Polisregion Stockholm", "Helår 2026", "Utkast", "Datum"} {
		if !strings.Contains(cover, want) {
			t.Errorf("cover lacks %q:\n%s", want, cover)
		}
	}
	if !strings.Contains(pages[1], "Innehåll") || !regexp.MustCompile(`Metod[^\n]*\s+\d+\n`).MatchString(pages[1]) {
		t.Errorf("no contents with page numbers:\n%s", pages[1])
	}
	var d doc
	env.MustJSON(t, "GET", "/api/lagesbild?year=2026", analyst, nil, 200, &d)
	total, _ := d.cell(t, "contacts_by_channel", map[string]string{"channel": "_total"})
	prevTotal, _ := d.cell(t, "contacts_by_channel_prev", map[string]string{"channel": "_total"})
	flat := strings.Join(strings.Fields(text), " ")
	want := fmt.Sprintf("Antalet kontakter ökade från %d under 2025 till %d under 2026.", prevTotal, total)
	if !strings.Contains(flat, want) {
		t.Errorf("summary lacks %q", want)
	}
	for _, want := range []string{
		"Sammanfattning", "Diagram: nyckeltal över åren", "Diagram: kontakter efter kanal", "Diagram: kontakter efter roll",
		"Diagram: kontakter med barn efter bedömning", "Diagram: insatser och hänvisningar",
		"Orsaksanalys", "Köpare nås främst via KAST.", "Aktivitetsplan", "Ungdomsjouren",
		"Metod: så räknas och skyddas talen", "k = 5", "Unika personer", "kan alltså inte räknas fram",
		"Bilaga: kodbok", "Tabeller", "Misstänkt människohandel efter ändamål, kvinnor, män, flickor och pojkar",
		"raderna summerar till mer än Totalt", // under a multiple-choice table
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	// A hidden cell is shown as .. in a two-way table: the one child
	// (15–17, woman) of contacts_by_age_gender.
	if !regexp.MustCompile(`15–17 år\s+(\S+\s+)*\.\.`).MatchString(text) {
		t.Error("no hidden cell shown as .. in the age × gender table")
	}
	// Every chart title is written the same way (it read "Diagram: Kontakter
	// efter kanal" beside "Diagram: kontakter efter roll").
	for _, m := range regexp.MustCompile(`Diagram: \p{Lu}\p{Ll}`).FindAllString(text, -1) {
		t.Errorf("chart title with a capital after the colon: %q", m)
	}
	// No label is cut ("... sex mot ersättn…" lost its meaning): long row
	// labels, chart labels and codebook entries wrap instead.
	if strings.Contains(text, "…") {
		for _, l := range strings.Split(text, "\n") {
			if strings.Contains(l, "…") {
				t.Errorf("a cut label: %q", strings.TrimSpace(l))
			}
		}
	}
	// A two-way table much wider than long is turned: the 18 districts of
	// the sessions table go down the page, each on its own line.
	if !regexp.MustCompile(`(?m)^\s*Södermalm\s+\d+`).MatchString(pageOf(pages, "Uppsökande pass efter typ och område")) {
		t.Errorf("sessions by kind × area not turned:\n%s", pageOf(pages, "Uppsökande pass efter typ och område"))
	}
	// The method names schema 3's multiple-choice questions, not the old
	// indicators.
	if !strings.Contains(flat, "kontrollmedel, sårbarheter, riskgrupper") {
		t.Error("method page does not name the schema-3 multiple-choice questions")
	}
	// The codebook lists a code once (age band and a child's age band read
	// the same: "Ålder under_15" was listed twice).
	if i := strings.Index(text, "Bilaga: kodbok / Appendix: codebook\n"); i >= 0 {
		seen := map[string]bool{}
		for _, l := range strings.Split(text[i:], "\n") {
			f := strings.Join(strings.Fields(l), " ")
			// The header row is repeated on every page of the codebook.
			if f != "" && !strings.HasPrefix(f, "Lägesbild") && f != "Dimension Kod / code Svenska English" && seen[f] {
				t.Errorf("codebook line twice: %q", f)
			}
			seen[f] = true
		}
	} else {
		t.Error("no codebook page")
	}
	// A year without data (2024) is left out.
	if strings.Contains(flat, "2024") {
		t.Error("a year without data is printed")
	}
	if len(pages) > 30 {
		t.Errorf("%d pages: the report should be compact", len(pages))
	}
	renderPNGs(t, path)
}

// pageOf returns the first page holding s after the contents.
func pageOf(pages []string, s string) string {
	for i, p := range pages {
		if i > 1 && strings.Contains(p, s) {
			return p
		}
	}
	return ""
}

// renderPNGs writes PNG renders of the report's first pages (to
// UPPSOK_REPORT_PNG_DIR when set, to look at them; else a temp dir).
func renderPNGs(t *testing.T, pdfPath string) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Log("pdftoppm not installed: no PNG renders")
		return
	}
	dir := os.Getenv("UPPSOK_REPORT_PNG_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "8", pdfPath, filepath.Join(dir, "lagesbild")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "lagesbild-*.png"))
	if len(pngs) < 6 {
		t.Errorf("%d PNG pages rendered", len(pngs))
	}
	t.Logf("PNG renders in %s", dir)
}

// The summary never uses a hidden number: last year's 6 children are
// published, this year's single child is hidden, and the sentence must not
// say how the number changed.
func TestSummaryNeverUsesAHiddenCell(t *testing.T) {
	env, analyst := reportEnv(t)
	var d doc
	env.MustJSON(t, "GET", "/api/lagesbild?year=2026", analyst, nil, 200, &d)
	if _, hidden := d.cell(t, "contacts_by_age_group_assessment", map[string]string{"age_group": "child", "assessment": "_total"}); !hidden {
		t.Fatal("the test needs this year's children hidden")
	}
	if v, hidden := d.cell(t, "contacts_by_age_group_assessment_prev", map[string]string{"age_group": "child", "assessment": "_total"}); hidden || v != 6 {
		t.Fatalf("the test needs last year's 6 children published (%d, hidden %v)", v, hidden)
	}
	_, body, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&format=pdf", analyst, nil, nil)
	text, _ := pdfText(t, body)
	flat := strings.Join(strings.Fields(text), " ")
	want := "Antalet kontakter med barn under 2026 redovisas inte"
	if !strings.Contains(flat, want) {
		t.Errorf("summary lacks %q", want)
	}
	for _, bad := range []string{"kontakter med barn ökade", "kontakter med barn minskade", "kontakter med barn var 1 ", "barn var 1 under"} {
		if strings.Contains(flat, bad) {
			t.Errorf("summary built from a hidden cell: %q", bad)
		}
	}
	_, xb, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&format=xlsx", analyst, nil, nil)
	f, err := excelize.OpenReader(bytes.NewReader(xb))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Sammanfattning")
	for _, r := range rows {
		line := strings.Join(r, " ")
		if strings.Contains(line, "barn ökade") || strings.Contains(line, "barn minskade") {
			t.Errorf("XLSX summary built from a hidden cell: %s", line)
		}
	}
}

func TestXLSXSheetsAreSwedish(t *testing.T) {
	env, analyst := reportEnv(t)
	_, body, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&format=xlsx", analyst, nil, nil)
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	seen := map[string]bool{}
	for _, s := range sheets {
		if len([]rune(s)) > 31 || strings.ContainsAny(s, "~…_") || seen[strings.ToLower(s)] {
			t.Errorf("sheet name %q: too long, cut, an id or repeated", s)
		}
		seen[strings.ToLower(s)] = true
	}
	if sheets[0] != "Innehåll" {
		t.Errorf("first sheet %q, want the contents", sheets[0])
	}
	for _, want := range []string{"Sammanfattning", "Kontakter per kanal", "Ålder och kön", "Människohandel NMT", "Orsaksanalys", "Aktivitetsplan", "Kodbok", "Metod"} {
		if !contains(sheets, want) {
			t.Errorf("no sheet %q in %v", want, sheets)
		}
	}
	// Swedish headers with labels, this year beside last year.
	rows, _ := f.GetRows("Kontakter per kanal")
	if len(rows) < 6 || rows[4][0] != "Kanal" || rows[4][1] != "Kod" || rows[4][2] != "2026" || rows[4][3] != "2025" {
		t.Fatalf("header %v", rows[4])
	}
	if rows[5][0] != "Uppsökande gata / Street outreach" || rows[5][2] != "13" || rows[5][3] != "7" {
		t.Errorf("street row %v", rows[5])
	}
	// A label that reads the same in both languages (a team's name) is
	// written once, not "Mikamottagningen / Mikamottagningen".
	rows, _ = f.GetRows("Kontakter per team")
	for _, r := range rows {
		if len(r) == 0 {
			continue
		}
		if parts := strings.Split(r[0], " / "); len(parts) == 2 && parts[0] == parts[1] {
			t.Errorf("label written twice: %q", r[0])
		}
	}
	// The two-way table with its hidden child cell.
	rows, _ = f.GetRows("Ålder och kön")
	found := false
	for _, r := range rows {
		if len(r) > 1 && strings.HasPrefix(r[0], "15–17 år") && r[1] == ".." {
			found = true
			break
		}
	}
	if !found {
		t.Errorf("no hidden 15–17 woman cell as ..: %v", rows)
	}
	contents, _ := f.GetRows("Innehåll")
	if len(contents) < 40 {
		t.Errorf("contents has %d rows", len(contents))
	}
	m, _ := f.GetCellValue("Metod", "B3")
	if m != "5" {
		t.Errorf("method sheet k = %q", m)
	}
}

func TestActivityPlanExport(t *testing.T) {
	env, analyst := reportEnv(t)
	_, body, hdr := env.Do(t, "GET", "/api/lagesbild/activities?year=2026&tertial=2&format=csv", analyst, nil, nil)
	if !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("content type %s", hdr.Get("Content-Type"))
	}
	text := string(body)
	if !strings.Contains(text, "Utbilda socialtjänsten") || strings.Contains(text, "hotell") || !strings.Contains(text, "Pågår / Ongoing") {
		t.Errorf("tertial 2 plan:\n%s", text)
	}
	_, xb, _ := env.Do(t, "GET", "/api/lagesbild/activities?year=2026&format=xlsx", analyst, nil, nil)
	f, err := excelize.OpenReader(bytes.NewReader(xb))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) != 5 { // title, blank, header, two activities
		t.Errorf("year plan rows %v", rows)
	}
	// Only analysts and admins reach the plan, through the API or the collection.
	_, worker := env.User(t, "w2@mika.se", "worker", env.TeamID(t, "mika"))
	if st, _, _ := env.Do(t, "GET", "/api/lagesbild/activities?year=2026", worker, nil, nil); st != 403 {
		t.Errorf("worker reads the plan: %d", st)
	}
	if st, _, _ := env.Do(t, "POST", "/api/collections/lagesbild_activities/records", worker,
		map[string]any{"year": 2026, "tertial": 1, "activity": "x", "organisation": "y", "status": "planned"}, nil); st < 400 {
		t.Errorf("worker writes the plan: %d", st)
	}
	if st, _, _ := env.Do(t, "POST", "/api/collections/lagesbild_activities/records", analyst,
		map[string]any{"year": 2026, "tertial": 1, "activity": "x", "organisation": "y", "status": "maybe"}, nil); st != 400 {
		t.Errorf("a bad status: %d", st)
	}
	if st, _, _ := env.Do(t, "GET", "/api/lagesbild/activities?year=2026&format=docx", analyst, nil, nil); st != 400 {
		t.Errorf("a bad format: %d", st)
	}
}

// A release freezes the analysis and the plan as they stood.
func TestReleaseFreezesAnalysisAndPlan(t *testing.T) {
	env, analyst := reportEnv(t)
	var rel struct {
		ID string `json:"id"`
	}
	env.MustJSON(t, "POST", "/api/lagesbild/releases", analyst, map[string]any{"year": 2026, "recipient": "Polisregion Stockholm"}, 201, &rel)
	recs, err := env.Core.FindAllRecords("lagesbild_analyses")
	if err != nil || len(recs) != 1 {
		t.Fatal(err)
	}
	recs[0].Set("text", "Ändrad efter utgåvan.")
	if err := env.Core.Save(recs[0]); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Recipient string `json:"recipient"`
		Analysis  struct {
			Text string `json:"text"`
		} `json:"analysis"`
		Activities []map[string]any `json:"activities"`
	}
	env.MustJSON(t, "GET", "/api/lagesbild/releases/"+rel.ID, analyst, nil, 200, &got)
	if !strings.Contains(got.Analysis.Text, "Köpare nås främst via KAST.") || len(got.Activities) != 2 || got.Recipient != "Polisregion Stockholm" {
		t.Errorf("release JSON %+v", got)
	}
	_, pdf, _ := env.Do(t, "GET", "/api/lagesbild/releases/"+rel.ID+"?format=pdf&recipient=Annan", analyst, nil, nil)
	text, _ := pdfText(t, pdf)
	if !strings.Contains(text, "Köpare nås främst via KAST.") || strings.Contains(text, "Ändrad efter utgåvan") || !strings.Contains(text, "Polisregion Stockholm") {
		t.Error("the released PDF does not hold the frozen analysis and recipient")
	}
}

// Every table of the period is in the PDF once, under its title; a table
// without records (no card scans) is one line "Inga registreringar", never
// a grid of zeros; a table with hidden cells is not empty (it is drawn,
// with ..).
func TestPDFHoldsEveryTableOnce(t *testing.T) {
	env, analyst := reportEnv(t)
	_, js, _ := env.Do(t, "GET", "/api/lagesbild?year=2026", analyst, nil, nil)
	d, err := exports.ParseDocument(js)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&format=pdf", analyst, nil, nil)
	text, _ := pdfText(t, body)
	pages := strings.Split(text, "\f")
	var lines []string
	for _, p := range pages[2:] { // after the cover and contents
		for _, l := range strings.Split(p, "\n") {
			if l = strings.Join(strings.Fields(l), " "); l != "" && !strings.HasPrefix(l, "Lägesbild helår 2026 · utkast · sida") {
				lines = append(lines, l)
			}
		}
	}
	byID := map[string]*exports.DocTable{}
	for i := range d.Tables {
		byID[d.Tables[i].ID] = &d.Tables[i]
	}
	published := func(tb *exports.DocTable) (records, hidden bool) {
		if tb == nil {
			return false, false
		}
		for _, c := range tb.Cells {
			hidden = hidden || c.Hidden
			records = records || c.Hidden || c.Value == nil || *c.Value != 0
		}
		return records, hidden
	}
	empties, suppressed := 0, 0
	for _, tb := range d.Tables {
		if strings.Contains(tb.ID, exports.TrendSuffix) {
			continue
		}
		at := -1
		for i, l := range lines {
			if l == tb.TitleSV {
				if at >= 0 {
					t.Errorf("table %s (%q) printed twice", tb.ID, tb.TitleSV)
				}
				at = i
			}
		}
		if at < 0 {
			t.Errorf("table %s (%q) not in the PDF", tb.ID, tb.TitleSV)
			continue
		}
		recNow, hidden := published(&tb)
		recPrev, _ := published(byID[tb.ID+exports.TrendSuffix])
		saysEmpty := at+2 < len(lines) && lines[at+2] == exports.NoRecordsNote
		switch {
		case !recNow && !recPrev:
			empties++
			if !saysEmpty {
				t.Errorf("table %s has no records but is not one line %q: %q", tb.ID, exports.NoRecordsNote, lines[at:min(at+4, len(lines))])
			}
		case saysEmpty:
			t.Errorf("table %s has records (hidden cells: %v) but is printed as empty", tb.ID, hidden)
		case hidden:
			suppressed++
		}
	}
	// A chart without bars (no actions in either year) is its title and
	// the same line, not a legend over empty space.
	for _, id := range []string{"contacts_by_action", "contacts_by_action" + exports.TrendSuffix} {
		for _, c := range byID[id].Cells {
			if c.Dims["action"] != "_total" && (c.Hidden || c.Value == nil || *c.Value != 0) {
				t.Fatalf("the test needs no actions in %s: %+v", id, c)
			}
		}
	}
	chart := -1
	for i, l := range lines {
		if l == "Diagram: insatser och hänvisningar" {
			chart = i
		}
	}
	if chart < 0 || chart+1 >= len(lines) || lines[chart+1] != exports.NoRecordsNote {
		t.Errorf("the empty actions chart is not one line %q", exports.NoRecordsNote)
	}
	if empties == 0 || suppressed == 0 {
		t.Errorf("the test needs an empty table and a table with hidden cells (%d, %d)", empties, suppressed)
	}
}
