package exports_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"uppsok/exports"
	"uppsok/internal/testenv"
)

// fixture is one hand-written contact.
type fixture struct {
	team, date, channel, age, gender, assessment, person string
	platforms, purposes                                  []string
	cards                                                int
}

func addContacts(t *testing.T, env *testenv.Env, fx []fixture) {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("contacts")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fx {
		r := core.NewRecord(col)
		r.Set("id", uuid.NewString())
		r.Set("team", env.TeamID(t, f.team))
		r.Set("occurred_on", f.date)
		for _, fld := range []string{"daypart", "area", "arena", "role", "origin_region"} {
			r.Set(fld, "unknown")
		}
		r.Set("channel", f.channel)
		r.Set("age_band", f.age)
		r.Set("gender", f.gender)
		r.Set("assessment", f.assessment)
		r.Set("platforms", f.platforms)
		r.Set("purposes", f.purposes)
		r.Set("person_key", f.person)
		r.Set("cards_given", f.cards)
		if err := env.Core.Save(r); err != nil {
			t.Fatal(err)
		}
	}
}

// many returns n copies of f.
func many(n int, f fixture) []fixture {
	out := make([]fixture, n)
	for i := range out {
		out[i] = f
		if f.person != "" {
			out[i].person = fmt.Sprintf("%s-%d", f.person, i)
		}
	}
	return out
}

func baseFixtures() []fixture {
	var fx []fixture
	fx = append(fx, many(12, fixture{team: "mika", date: "2026-02-10", channel: "street", age: "26_35", gender: "woman", assessment: "indicators", person: "p"})...)
	fx = append(fx, many(8, fixture{team: "mika", date: "2026-03-01", channel: "online", age: "21_25", gender: "woman", assessment: "none", platforms: []string{"instagram"}})...)
	fx = append(fx, many(6, fixture{team: "kast", date: "2026-06-15", channel: "phone", age: "36_50", gender: "man", assessment: "none", person: "k", cards: 1})...)
	// One child in one cell: must never be published.
	fx = append(fx, fixture{team: "ungdomsjouren", date: "2026-09-03", channel: "online", age: "15_17", gender: "woman", assessment: "suspected_trafficking", platforms: []string{"snapchat"}, purposes: []string{"sexual"}, person: "child"})
	// The same person met twice: counted once in persons tables.
	fx = append(fx, fixture{team: "mika", date: "2026-02-11", channel: "street", age: "26_35", gender: "woman", assessment: "indicators", person: "p-0"})
	// Previous year.
	fx = append(fx, many(7, fixture{team: "mika", date: "2025-05-05", channel: "street", age: "26_35", gender: "woman", assessment: "none"})...)
	return fx
}

type doc struct {
	Period struct {
		Year    int  `json:"year"`
		Tertial *int `json:"tertial"`
	} `json:"period"`
	K      int `json:"k"`
	Tables []struct {
		ID     string `json:"id"`
		Period string `json:"period"`
		Unit   string `json:"unit"`
		Cells  []struct {
			Dims   map[string]string `json:"dims"`
			Value  *int              `json:"value"`
			Hidden bool              `json:"hidden"`
		} `json:"cells"`
	} `json:"tables"`
}

func (d doc) cell(t *testing.T, table string, dims map[string]string) (int, bool) {
	t.Helper()
	for _, tb := range d.Tables {
		if tb.ID != table {
			continue
		}
	cells:
		for _, c := range tb.Cells {
			if len(c.Dims) != len(dims) {
				continue
			}
			for k, v := range dims {
				if c.Dims[k] != v {
					continue cells
				}
			}
			if c.Hidden {
				if c.Value != nil {
					t.Fatalf("%s %v hidden but carries a value", table, dims)
				}
				return 0, true
			}
			return *c.Value, false
		}
	}
	t.Fatalf("no cell %s %v", table, dims)
	return 0, false
}

func addSessions(t *testing.T, env *testenv.Env) {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("outreach_sessions")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		kind, area string
		minutes    int
		observed   int
	}{{"street", "sodermalm", 90, 4}, {"street", "sodermalm", 90, 3}, {"online", "online_only", 30, 0}} {
		r := core.NewRecord(col)
		r.Set("id", uuid.NewString())
		r.Set("team", env.TeamID(t, "mika"))
		r.Set("kind", s.kind)
		r.Set("started_on", "2026-04-02")
		r.Set("daypart", "evening")
		r.Set("area", s.area)
		r.Set("duration_minutes", s.minutes)
		r.Set("persons_observed", s.observed)
		if err := env.Core.Save(r); err != nil {
			t.Fatal(err)
		}
	}
}

func setup(t *testing.T) (*testenv.Env, string) {
	env := testenv.New(t)
	addContacts(t, env, baseFixtures())
	addSessions(t, env)
	_, analyst := env.User(t, "analytiker@stad.se", "analyst", "")
	return env, analyst
}

func TestTablesMatchHandCountedFixtures(t *testing.T) {
	env, analyst := setup(t)
	var d doc
	env.MustJSON(t, "GET", "/api/lagesbild?year=2026", analyst, nil, 200, &d)
	if d.K != 5 || d.Period.Year != 2026 || d.Period.Tertial != nil {
		t.Fatalf("header %+v", d)
	}
	scenarios := []struct {
		table  string
		dims   map[string]string
		want   int
		hidden bool
	}{
		{"contacts_by_channel", map[string]string{"channel": "street"}, 13, false},
		{"contacts_by_channel", map[string]string{"channel": "online"}, 9, false},
		{"contacts_by_channel", map[string]string{"channel": "phone"}, 6, false},
		{"contacts_by_channel", map[string]string{"channel": "walk_in"}, 0, false},
		{"contacts_by_channel", map[string]string{"channel": "_total"}, 28, false},
		{"persons_by_channel", map[string]string{"channel": "street"}, 12, false}, // p-0 met twice
		{"contacts_without_code_by_channel", map[string]string{"channel": "online"}, 8, false},
		{"contacts_by_team", map[string]string{"team": "mika"}, 21, false},
		{"contacts_by_team", map[string]string{"team": "ungdomsjouren"}, 0, true},
		{"contacts_by_age_gender", map[string]string{"age_band": "15_17", "gender": "woman"}, 0, true},
		{"contacts_by_age_gender", map[string]string{"age_band": "26_35", "gender": "woman"}, 13, false},
		{"online_contacts_by_platform", map[string]string{"platform": "instagram"}, 8, false},
		{"online_contacts_by_platform", map[string]string{"platform": "snapchat"}, 0, true},
		{"trafficking_by_purpose", map[string]string{"purpose": "sexual"}, 0, true},
		{"cards_given_by_channel", map[string]string{"channel": "phone"}, 6, false},
		{"contacts_by_channel_prev", map[string]string{"channel": "street"}, 7, false},
		{"contacts_by_arena", map[string]string{"arena": "unknown"}, 28, false},
		{"contacts_by_assessment", map[string]string{"assessment": "none"}, 14, false},
		{"contacts_by_assessment", map[string]string{"assessment": "suspected_trafficking"}, 0, true},
		{"persons_by_team", map[string]string{"team": "kast"}, 6, false},
		{"sessions_by_kind_area", map[string]string{"kind": "street", "area": "sodermalm"}, 2, false},
		{"sessions_by_kind_area", map[string]string{"kind": "_total", "area": "_total"}, 3, false},
		{"hours_by_kind_area", map[string]string{"kind": "street", "area": "sodermalm"}, 3, false},
		{"hours_by_kind_area", map[string]string{"kind": "_total", "area": "_total"}, 4, false},
		{"observed_by_kind", map[string]string{"kind": "street"}, 7, false},
	}
	for _, s := range scenarios {
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
	// Nothing from 1 to k−1 is ever published, in any table.
	for _, tb := range d.Tables {
		for _, c := range tb.Cells {
			if c.Value != nil && *c.Value > 0 && *c.Value < 5 && tb.Unit != "hours" && tb.Unit != "count" && tb.Unit != "sessions" {
				t.Errorf("%s %v = %d published", tb.ID, c.Dims, *c.Value)
			}
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

func TestAccessRules(t *testing.T) {
	env, analyst := setup(t)
	mika := env.TeamID(t, "mika")
	_, worker := env.User(t, "w@mika.se", "worker", mika)
	_, lead := env.User(t, "l@mika.se", "lead", mika)
	_, admin := env.User(t, "admin@stad.se", "admin", "")
	_, device := env.Device(t, mika, "platta")
	su := env.Superuser(t)
	scenarios := []struct {
		name  string
		token string
		want  int
	}{
		{"anonymous", "", 401},
		{"worker", worker, 403},
		{"lead", lead, 403},
		{"device", device, 403},
		{"analyst", analyst, 200},
		{"admin", admin, 200},
		{"superuser", su, 200},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			for _, path := range []string{"/api/lagesbild?year=2026", "/api/lagesbild/releases", "/api/lagesbild/audit?year=2026"} {
				st, body, _ := env.Do(t, "GET", path, s.token, nil, nil)
				if st != s.want {
					t.Errorf("%s: %d, want %d", path, st, s.want)
				}
				if st == 200 && (strings.Contains(string(body), "notes") || strings.Contains(string(body), "person_key")) {
					t.Errorf("%s exposes record data", path)
				}
			}
			st, _, _ := env.Do(t, "POST", "/api/lagesbild/releases", s.token, map[string]any{"year": 2026, "tertial": 1}, nil)
			wantRelease := s.want
			if s.want == 200 {
				wantRelease = 201 // each allowed role freezes (a revision after the first)
			}
			if st != wantRelease {
				t.Errorf("release: %d, want %d", st, wantRelease)
			}
		})
	}
	// Analysts read releases but no contact records.
	if st, body, _ := env.Do(t, "GET", "/api/collections/contacts/records", analyst, nil, nil); st != 200 || !strings.Contains(string(body), `"totalItems":0`) {
		t.Errorf("analyst lists contacts: %d %s", st, body)
	}
}

func TestReleasesAreFrozenAndRevisionsAudited(t *testing.T) {
	env, analyst := setup(t)
	var rel struct {
		ID       string `json:"id"`
		Revision int    `json:"revision"`
		SHA256   string `json:"sha256"`
	}
	env.MustJSON(t, "POST", "/api/lagesbild/releases", analyst, map[string]any{"year": 2026, "tertial": 1, "note": "till polisen"}, 201, &rel)
	if rel.Revision != 1 {
		t.Fatalf("revision %d", rel.Revision)
	}
	_, first, hdr := env.Do(t, "GET", "/api/lagesbild/releases/"+rel.ID, analyst, nil, nil)
	if hdr.Get("X-Content-SHA256") != rel.SHA256 {
		t.Errorf("sha header %s, want %s", hdr.Get("X-Content-SHA256"), rel.SHA256)
	}

	// A late contact arrives for T1; the release is served unchanged.
	addContacts(t, env, []fixture{{team: "mika", date: "2026-02-20", channel: "street", age: "26_35", gender: "woman", assessment: "indicators"}})
	_, again, _ := env.Do(t, "GET", "/api/lagesbild/releases/"+rel.ID, analyst, nil, nil)
	if !bytes.Equal(first, again) {
		t.Fatal("release changed after new data")
	}
	for _, f := range []string{"csv", "xlsx", "pdf"} {
		_, a, _ := env.Do(t, "GET", "/api/lagesbild/releases/"+rel.ID+"?format="+f, analyst, nil, nil)
		_, b, _ := env.Do(t, "GET", "/api/lagesbild/releases/"+rel.ID+"?format="+f, analyst, nil, nil)
		if !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s of a release not byte-identical on re-serve", f)
		}
	}

	// The revision: the single late contact must not be visible by
	// differencing the two releases.
	var rev struct {
		ID       string `json:"id"`
		Revision int    `json:"revision"`
	}
	env.MustJSON(t, "POST", "/api/lagesbild/releases", analyst, map[string]any{"year": 2026, "tertial": 1}, 201, &rev)
	if rev.Revision != 2 {
		t.Fatalf("revision %d, want 2", rev.Revision)
	}
	var d1, d2 doc
	json.Unmarshal(first, &d1)
	_, second, _ := env.Do(t, "GET", "/api/lagesbild/releases/"+rev.ID, analyst, nil, nil)
	json.Unmarshal(second, &d2)
	for ti, tb := range d2.Tables {
		for ci, c := range tb.Cells {
			o := d1.Tables[ti].Cells[ci]
			if c.Value != nil && o.Value != nil && *c.Value != *o.Value && abs(*c.Value-*o.Value) < 5 {
				t.Errorf("%s %v: %d -> %d reveals the late contact", tb.ID, c.Dims, *o.Value, *c.Value)
			}
			if o.Hidden && !c.Hidden {
				t.Errorf("%s %v: hidden in r1, published in r2", tb.ID, c.Dims)
			}
		}
	}

	var list struct {
		Items []map[string]any `json:"items"`
	}
	env.MustJSON(t, "GET", "/api/lagesbild/releases", analyst, nil, 200, &list)
	if len(list.Items) != 2 {
		t.Errorf("%d releases listed", len(list.Items))
	}
	// Every export was logged with who, what and the file's hash.
	logs, err := env.Core.FindAllRecords("lagesbild_exports")
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) < 8 {
		t.Fatalf("%d export log lines", len(logs))
	}
	for _, l := range logs {
		if l.GetString("actor") == "" || len(l.GetString("sha256")) != 64 || l.GetString("period_key") != "2026-T1" || l.GetString("kind") != "release" {
			t.Errorf("log line %v", l.FieldsData())
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func TestFormatsOpen(t *testing.T) {
	env, analyst := setup(t)
	t.Run("csv", func(t *testing.T) {
		st, body, hdr := env.Do(t, "GET", "/api/lagesbild?year=2026&format=csv&recipient=Polisregion%20Stockholm", analyst, nil, nil)
		if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %s", st, hdr.Get("Content-Type"))
		}
		if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			t.Fatal("no BOM")
		}
		rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "table" || rows[0][len(rows[0])-2] != "value" {
			t.Fatalf("header %v", rows[0])
		}
		found := false
		for _, r := range rows[1:] {
			if r[0] == "contacts_by_age_gender" && r[6] == "15_17" && r[10] == "woman" {
				found = r[13] == ".." && r[14] == "hidden"
			}
			if r[0] == "contacts_by_channel" && r[6] == "street" && (r[7] != "Uppsökande gata" || r[8] != "Street outreach" || r[13] != "13") {
				t.Errorf("street row %v", r)
			}
		}
		if !found {
			t.Error("the hidden child cell is not shown as ..")
		}
		logs, _ := env.Core.FindAllRecords("lagesbild_exports")
		if len(logs) != 1 || logs[0].GetString("recipient") != "Polisregion Stockholm" || logs[0].GetString("format") != "csv" {
			t.Errorf("export log %v", logs)
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		_, body, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&format=xlsx", analyst, nil, nil)
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		for _, want := range []string{"Ålder och kön", "Kodbok", "Metod"} {
			if !contains(sheets, want) {
				t.Errorf("no sheet %s in %v", want, sheets)
			}
		}
		v, _ := f.GetCellValue("Kontakter per kanal", "C6")
		if v != "13" {
			t.Errorf("street count in sheet: %q", v)
		}
		k, _ := f.GetCellValue("Metod", "B3")
		if k != "5" {
			t.Errorf("method sheet k = %q", k)
		}
	})
	t.Run("pdf", func(t *testing.T) {
		_, body, hdr := env.Do(t, "GET", "/api/lagesbild?year=2026&format=pdf", analyst, nil, nil)
		if hdr.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF")) {
			t.Fatal("not a PDF")
		}
		pages := bytes.Count(body, []byte("/Type /Page\n")) + bytes.Count(body, []byte("/Type /Page "))
		if pdfinfo, err := exec.LookPath("pdfinfo"); err == nil {
			path := filepath.Join(t.TempDir(), "r.pdf")
			writeFile(t, path, body)
			out, err := exec.Command(pdfinfo, path).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfinfo: %v %s", err, out)
			}
			// A compact report: several tables a page, not a page each.
			m := regexp.MustCompile(`Pages:\s+(\d+)\n`).FindSubmatch(out)
			if m == nil {
				t.Fatalf("pdfinfo: %s", out)
			}
			if n, _ := strconv.Atoi(string(m[1])); n < 6 || n > 25 {
				t.Errorf("%d pages", n)
			}
		} else if pages < 6 {
			t.Errorf("%d pages", pages)
		}
	})
	t.Run("bad format", func(t *testing.T) {
		if st, _, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&format=docx", analyst, nil, nil); st != 400 {
			t.Errorf("%d", st)
		}
		if st, _, _ := env.Do(t, "GET", "/api/lagesbild?year=abc", analyst, nil, nil); st != 400 {
			t.Errorf("%d", st)
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var _ = exports.DefaultK
