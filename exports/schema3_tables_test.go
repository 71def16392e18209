package exports_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"uppsok/exports"
	"uppsok/internal/testenv"
)

// The tables of schema 3 (issues 11 and 12): children by risk group,
// contacts by interpreting, by means of control and by vulnerability,
// and what sellers of sex were given, each against hand-counted contacts;
// and a release made before schema 3, whose contacts_by_indicator maps
// into the control and vulnerability tables.

// fixture3 is one hand-written schema-3 contact.
type fixture3 struct {
	date, role, age, interpreting                      string
	control, vulnerabilities, riskGroups, compensation []string
}

func addContacts3(t *testing.T, env *testenv.Env, n int, f fixture3) {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("contacts")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		r := core.NewRecord(col)
		r.Set("id", uuid.NewString())
		r.Set("team", env.TeamID(t, "mika"))
		r.Set("occurred_on", f.date)
		for _, fld := range []string{"daypart", "area", "arena", "origin_region", "gender"} {
			r.Set(fld, "unknown")
		}
		r.Set("channel", "street")
		r.Set("assessment", "none")
		r.Set("role", f.role)
		r.Set("age_band", f.age)
		r.Set("interpreting", f.interpreting)
		r.Set("control", f.control)
		r.Set("vulnerabilities", f.vulnerabilities)
		r.Set("risk_groups", f.riskGroups)
		r.Set("compensation", f.compensation)
		if err := env.Core.Save(r); err != nil {
			t.Fatal(err)
		}
	}
}

type want3 struct {
	table  string
	dims   map[string]string
	want   int
	hidden bool
}

func checkCells(t *testing.T, d doc, checks []want3) {
	t.Helper()
	for _, s := range checks {
		t.Run(fmt.Sprintf("%s %v", s.table, s.dims), func(t *testing.T) {
			v, hidden := d.cell(t, s.table, s.dims)
			if hidden != s.hidden {
				t.Fatalf("hidden = %v, want %v (value %d)", hidden, s.hidden, v)
			}
			if !hidden && v != s.want {
				t.Fatalf("value %d, want %d", v, s.want)
			}
		})
	}
}

func TestSchema3TablesMatchHandCountedFixtures(t *testing.T) {
	env := testenv.New(t)
	_, analyst := env.User(t, "analytiker@stad.se", "analyst", "")
	// A: six children selling sex for a place to sleep and drugs.
	addContacts3(t, env, 6, fixture3{date: "2026-03-10", role: "sells_sex", age: "15_17", interpreting: "professional",
		control: []string{"debt"}, vulnerabilities: []string{"homeless"}, riskGroups: []string{"unaccompanied", "street_environment"},
		compensation: []string{"place_to_sleep", "drugs"}})
	// B: seven adults selling sex for money.
	addContacts3(t, env, 7, fixture3{date: "2026-05-02", role: "sells_sex", age: "26_35", interpreting: "other_person",
		control: []string{"debt", "threats"}, compensation: []string{"money"}})
	// C: five buyers who paid money: not sellers, so not in the
	// compensation table.
	addContacts3(t, env, 5, fixture3{date: "2026-10-01", role: "buys_sex", age: "36_50", interpreting: "none",
		vulnerabilities: []string{"economic_hardship"}, compensation: []string{"money"}})
	// D: one child placed in care, given things: never published alone.
	addContacts3(t, env, 1, fixture3{date: "2026-11-20", role: "sells_sex", age: "15_17", interpreting: "",
		control: []string{"psychological_abuse"}, riskGroups: []string{"placed_in_care"}, compensation: []string{"material_things"}})
	// E: five contacts saved without interpreting (before schema 3): unknown.
	addContacts3(t, env, 5, fixture3{date: "2026-01-15", role: "unknown", age: "unknown", interpreting: ""})
	// Last year: five adults selling sex under violence, for money.
	addContacts3(t, env, 5, fixture3{date: "2025-06-01", role: "sells_sex", age: "21_25", interpreting: "professional",
		control: []string{"violence"}, compensation: []string{"money"}})

	var d doc
	env.MustJSON(t, "GET", "/api/lagesbild?year=2026", analyst, nil, 200, &d)
	checkCells(t, d, []want3{
		{"children_by_risk_group", map[string]string{"risk_group": "unaccompanied"}, 6, false},
		{"children_by_risk_group", map[string]string{"risk_group": "street_environment"}, 6, false},
		{"children_by_risk_group", map[string]string{"risk_group": "placed_in_care"}, 0, true},
		{"children_by_risk_group", map[string]string{"risk_group": "eu_minor"}, 0, false},
		{"children_by_risk_group", map[string]string{"risk_group": "_total"}, 7, false},
		{"contacts_by_interpreting", map[string]string{"interpreting": "professional"}, 6, false},
		{"contacts_by_interpreting", map[string]string{"interpreting": "other_person"}, 7, false},
		{"contacts_by_interpreting", map[string]string{"interpreting": "none"}, 5, false},
		{"contacts_by_interpreting", map[string]string{"interpreting": "unknown"}, 6, false}, // D and E: empty reads as unknown
		{"contacts_by_interpreting", map[string]string{"interpreting": "used_unspecified"}, 0, false},
		{"contacts_by_interpreting", map[string]string{"interpreting": "_total"}, 24, false},
		{"contacts_by_control", map[string]string{"control": "debt"}, 13, false},
		{"contacts_by_control", map[string]string{"control": "threats"}, 7, false},
		{"contacts_by_control", map[string]string{"control": "psychological_abuse"}, 0, true},
		{"contacts_by_control", map[string]string{"control": "violence"}, 0, false},
		{"contacts_by_control", map[string]string{"control": "_total"}, 24, false},
		{"contacts_by_vulnerability", map[string]string{"vulnerability": "homeless"}, 6, false},
		{"contacts_by_vulnerability", map[string]string{"vulnerability": "economic_hardship"}, 5, false},
		{"contacts_by_vulnerability", map[string]string{"vulnerability": "self_harm_through_sex"}, 0, false},
		{"contacts_by_vulnerability", map[string]string{"vulnerability": "_total"}, 24, false},
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "place_to_sleep", "age_group": "child"}, 6, false},
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "drugs", "age_group": "child"}, 6, false},
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "money", "age_group": "adult"}, 7, false},
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "money", "age_group": "_total"}, 7, false}, // not the buyers' 5
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "money", "age_group": "child"}, 0, false},
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "material_things", "age_group": "child"}, 0, true},
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "_total", "age_group": "child"}, 7, false},
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "_total", "age_group": "adult"}, 7, false},
		{"sellers_by_compensation_age_group", map[string]string{"compensation": "_total", "age_group": "_total"}, 14, false},
		// Last year beside this year.
		{"contacts_by_control_prev", map[string]string{"control": "violence"}, 5, false},
		{"sellers_by_compensation_age_group_prev", map[string]string{"compensation": "money", "age_group": "adult"}, 5, false},
		{"contacts_by_interpreting_prev", map[string]string{"interpreting": "professional"}, 5, false},
	})
	for _, tb := range d.Tables {
		if strings.HasPrefix(tb.ID, "contacts_by_indicator") {
			t.Errorf("a document built after schema 3 shows %s", tb.ID)
		}
	}
	var audit struct {
		OK     bool `json:"ok"`
		Hidden int  `json:"hidden"`
	}
	env.MustJSON(t, "GET", "/api/lagesbild/audit?year=2026", analyst, nil, 200, &audit)
	if !audit.OK || audit.Hidden == 0 {
		t.Errorf("audit %+v", audit)
	}
}

// oldRelease stores a release of 2025 as it was made before schema 3: its
// document has contacts_by_indicator (threats hidden).
func oldRelease(t *testing.T, env *testenv.Env) string {
	t.Helper()
	v := func(n int) *int { return &n }
	ind := exports.DocTable{ID: "contacts_by_indicator", TitleSV: "Kontakter efter indikator", TitleEN: "Contacts by indicator",
		Unit: "contacts", Period: "2025", Dimensions: []string{"indicator"}}
	for _, c := range []struct {
		code  string
		value *int
	}{{"debt", v(9)}, {"takes_earnings", v(0)}, {"threats", nil}, {"violence", v(0)}, {"sexual_violence", v(0)},
		{"restricted_movement", v(0)}, {"documents_withheld", v(0)}, {"false_promises", v(0)}, {"substances", v(0)},
		{"third_party_control", v(0)}, {"recently_arrived", v(0)}, {"no_shared_language", v(0)}, {"homeless", v(6)}, {"_total", v(20)}} {
		ind.Cells = append(ind.Cells, exports.DocCell{Dims: map[string]string{"indicator": c.code}, Value: c.value, Hidden: c.value == nil})
	}
	ch := exports.DocTable{ID: "contacts_by_channel", TitleSV: "Kontakter efter kanal", TitleEN: "Contacts by channel",
		Unit: "contacts", Period: "2025", Dimensions: []string{"channel"}}
	for _, code := range []string{"street", "online", "police_operation", "walk_in", "phone", "unknown", "_total"} {
		n := 0
		if code == "street" || code == "_total" {
			n = 20
		}
		ch.Cells = append(ch.Cells, exports.DocCell{Dims: map[string]string{"channel": code}, Value: v(n)})
	}
	d := exports.Document{Period: exports.DocPeriod{Year: 2025, From: "2025-01-01", To: "2025-12-31"}, K: 5,
		Method: exports.Method(5), GeneratedAt: "2026-01-20T10:00:00Z", Release: &exports.DocRel{Revision: 1},
		Tables: []exports.DocTable{ch, ind}}
	content, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	col, err := env.Core.FindCollectionByNameOrId("lagesbild_releases")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("period_key", "2025")
	r.Set("year", 2025)
	r.Set("tertial", 0)
	r.Set("revision", 1)
	r.Set("content", string(content))
	r.Set("sha256", strings.Repeat("0", 64))
	r.Set("note", "made before schema 3")
	if err := env.Core.Save(r); err != nil {
		t.Fatal(err)
	}
	return r.Id
}

// A release of 2025 made before schema 3 is last year's column of 2026:
// its indicator cells stand in the control and vulnerability tables,
// hidden stays hidden, codes new in schema 3 have no cell (blank), and a
// revision of 2025 made now is protected against it.
func TestEarlierReleaseIndicatorsMapToControlAndVulnerability(t *testing.T) {
	env := testenv.New(t)
	_, analyst := env.User(t, "analytiker@stad.se", "analyst", "")
	oldID := oldRelease(t, env)
	addContacts3(t, env, 8, fixture3{date: "2026-02-02", role: "sells_sex", age: "26_35", interpreting: "none",
		control: []string{"debt", "psychological_abuse"}, vulnerabilities: []string{"homeless"}})

	var d doc
	env.MustJSON(t, "GET", "/api/lagesbild?year=2026", analyst, nil, 200, &d)
	checkCells(t, d, []want3{
		{"contacts_by_control", map[string]string{"control": "psychological_abuse"}, 8, false},
		{"contacts_by_control_prev", map[string]string{"control": "debt"}, 9, false},
		{"contacts_by_control_prev", map[string]string{"control": "threats"}, 0, true},
		{"contacts_by_control_prev", map[string]string{"control": "takes_earnings"}, 0, false},
		{"contacts_by_control_prev", map[string]string{"control": "_total"}, 20, false},
		{"contacts_by_vulnerability_prev", map[string]string{"vulnerability": "homeless"}, 6, false},
		{"contacts_by_vulnerability_prev", map[string]string{"vulnerability": "recently_arrived"}, 0, false},
		{"contacts_by_vulnerability_prev", map[string]string{"vulnerability": "_total"}, 20, false},
		{"contacts_by_channel_prev", map[string]string{"channel": "street"}, 20, false},
	})
	codes := map[string]bool{}
	for _, tb := range d.Tables {
		if strings.HasPrefix(tb.ID, "contacts_by_indicator") {
			t.Errorf("the 2026 document shows %s", tb.ID)
		}
		if tb.ID == "contacts_by_control_prev" || tb.ID == "contacts_by_vulnerability_prev" {
			if tb.Period != "2025" {
				t.Errorf("%s period %s", tb.ID, tb.Period)
			}
			for _, c := range tb.Cells {
				for _, code := range c.Dims {
					codes[code] = true
				}
			}
		}
	}
	// Not recorded before schema 3: no cell, not a 0.
	for _, code := range []string{"psychological_abuse", "threat_of_authorities", "economic_hardship", "self_harm_through_sex"} {
		if codes[code] {
			t.Errorf("last year (before schema 3) has a cell for %s, which was not recorded then", code)
		}
	}
	if !codes["debt"] || !codes["homeless"] {
		t.Errorf("mapped codes missing: %v", codes)
	}
	var audit struct {
		OK bool `json:"ok"`
	}
	env.MustJSON(t, "GET", "/api/lagesbild/audit?year=2026", analyst, nil, 200, &audit)
	if !audit.OK {
		t.Errorf("audit %+v", audit)
	}
	// The XLSX shows last year's mapped figures beside this year's, blank
	// for the codes that did not exist.
	st, body, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&format=xlsx", analyst, nil, nil)
	if st != 200 {
		t.Fatalf("xlsx: %d %s", st, body)
	}
	x, err := excelize.OpenReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Kontrollmedel")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range rows {
		if len(r) < 2 {
			continue
		}
		last := ""
		if len(r) > 3 {
			last = r[3]
		}
		switch r[1] {
		case "debt":
			found++
			if len(r) < 4 || r[2] != "8" || r[3] != "9" {
				t.Errorf("Kontrollmedel debt row %v, want 8 this year and 9 last year", r)
			}
		case "psychological_abuse":
			found++
			if r[2] != "8" || last != "" {
				t.Errorf("Kontrollmedel psychological_abuse row %v, want 8 and blank (not recorded before schema 3)", r)
			}
		}
	}
	if found != 2 {
		t.Errorf("Kontrollmedel rows %v", rows)
	}
	if !strings.Contains(fmt.Sprint(rows), exports.NotRecordedNote) {
		t.Errorf("the Kontrollmedel sheet does not say why last year's psychological_abuse is blank")
	}

	// The PDF too: this year's 8 beside last year's 9 under "Skuld".
	st, body, _ = env.Do(t, "GET", "/api/lagesbild?year=2026&format=pdf", analyst, nil, nil)
	if st != 200 {
		t.Fatalf("pdf: %d", st)
	}
	text, path := pdfText(t, body)
	if !regexp.MustCompile(`(?m)^\s*Skuld\s+8\s+9\s*$`).MatchString(text) {
		t.Errorf("the PDF has no line Skuld 8 9 (this year, last year mapped from its indicators)")
	}
	if !strings.Contains(strings.Join(strings.Fields(text), " "), "Tom ruta för året före: uppgiften registrerades inte då") {
		t.Errorf("the PDF does not say why last year's psychological_abuse is blank")
	}
	if dir := os.Getenv("UPPSOK_REPORT_PNG_DIR"); dir != "" {
		if out, err := exec.Command("pdftoppm", "-r", "70", "-png", path, filepath.Join(dir, "schema3-prev")).CombinedOutput(); err != nil {
			t.Errorf("pdftoppm: %v %s", err, out)
		}
	}

	// The old release itself (kept no files: rendered from its JSON) still
	// shows its indicator table, with labels.
	st, body, _ = env.Do(t, "GET", "/api/lagesbild/releases/"+oldID+"?format=xlsx", analyst, nil, nil)
	if st != 200 {
		t.Fatalf("old release xlsx: %d %s", st, body)
	}
	ox, err := excelize.OpenReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	orows, err := ox.GetRows("Indikatorer")
	if err != nil {
		t.Fatalf("the old release has no sheet Indikatorer: %v (%v)", err, ox.GetSheetList())
	}
	labelled := false
	for _, r := range orows {
		if len(r) > 2 && r[0] == "Skuld / Debt" && r[1] == "debt" && r[2] == "9" {
			labelled = true
		}
	}
	if !labelled {
		t.Errorf("old release's Indikatorer sheet: %v", orows)
	}

	// A revision of 2025 made now: the old release is its baseline, so one
	// late contact with debt (9 → 10) cannot be read off by differencing.
	addContacts3(t, env, 10, fixture3{date: "2025-04-04", role: "sells_sex", age: "26_35", interpreting: "none", control: []string{"debt"}})
	addContacts3(t, env, 6, fixture3{date: "2025-04-04", role: "sells_sex", age: "26_35", interpreting: "none", vulnerabilities: []string{"homeless"}})
	addContacts3(t, env, 5, fixture3{date: "2025-04-04", role: "sells_sex", age: "26_35", interpreting: "none"})
	b := &exports.Builder{App: env.Core}
	rev, err := b.Freeze(t.Context(), exports.Period{Year: 2025}, "test", "late contact", "")
	if err != nil {
		t.Fatal(err)
	}
	if rev.Revision != 2 {
		t.Fatalf("revision %d", rev.Revision)
	}
	for _, tb := range rev.Doc.Tables {
		if tb.ID != "contacts_by_control" {
			continue
		}
		for _, c := range tb.Cells {
			if c.Dims["control"] == "debt" && !c.Hidden {
				t.Errorf("revision publishes debt = %d against the old release's 9", *c.Value)
			}
			if c.Dims["control"] == "threats" && !c.Hidden {
				t.Errorf("threats, hidden in the old release, published in the revision: %d", *c.Value)
			}
		}
	}
}
