package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"uppsok/internal/testenv"
	"uppsok/taxonomy"
)

// The upgrade of release 1's data dir (testdata/upgrade/release-1, field
// schema 2, every old code and indicator present) to schema 3 (issue 11):
// every stored indicator lands in control or vulnerabilities, interpreter
// in interpreting, the lägesbild counts what release 1 counted, and every
// old record can still be edited through the API.

// release1Dir copies release 1's data dir to a temp dir (the key file with
// mode 0600, as the service keeps it).
func release1Dir(t *testing.T) string {
	t.Helper()
	src := filepath.Join(testenv.RepoRoot(), "testdata", "upgrade", "release-1")
	dst := t.TempDir()
	for name, mode := range map[string]os.FileMode{"data.db": 0o644, "person_code.key": 0o600} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, mode); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// release1Contact is what release 1 stored of a contact's mapped fields.
type release1Contact struct {
	indicators  []string
	interpreter bool
}

// readRelease1 reads the old contacts and follow-ups straight from the
// SQLite file, before anything migrates it.
func readRelease1(t *testing.T, dir string) (map[string]release1Contact, map[string][]string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	contacts := map[string]release1Contact{}
	rows, err := db.Query(`SELECT id, indicators, interpreter FROM contacts`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, ind string
		var interp bool
		if err := rows.Scan(&id, &ind, &interp); err != nil {
			t.Fatal(err)
		}
		var codes []string
		if err := json.Unmarshal([]byte(ind), &codes); err != nil {
			t.Fatalf("contact %s: indicators %q: %v", id, ind, err)
		}
		contacts[id] = release1Contact{codes, interp}
	}
	rows.Close()
	followUps := map[string][]string{}
	rows, err = db.Query(`SELECT contact FROM follow_ups`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var contact string
		if err := rows.Scan(&contact); err != nil {
			t.Fatal(err)
		}
		followUps[contact] = contacts[contact].indicators
	}
	rows.Close()
	return contacts, followUps
}

type lagesbildDoc struct {
	Tables []lagesbildTable `json:"tables"`
}

type lagesbildTable struct {
	ID    string `json:"id"`
	Cells []struct {
		Dims   map[string]string `json:"dims"`
		Value  *int              `json:"value"`
		Hidden bool              `json:"hidden"`
	} `json:"cells"`
}

func (d lagesbildDoc) cells() map[string]*int {
	out := map[string]*int{}
	for _, tb := range d.Tables {
		for _, c := range tb.Cells {
			keys := make([]string, 0, len(c.Dims))
			for k, v := range c.Dims {
				keys = append(keys, k+"="+v)
			}
			slices.Sort(keys)
			out[fmt.Sprint(tb.ID, keys)] = c.Value
		}
	}
	return out
}

func signIn(t *testing.T, env *testenv.Env, email string) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	env.MustJSON(t, "POST", "/api/collections/users/auth-with-password", "",
		map[string]string{"identity": email, "password": demoPassword}, 200, &out)
	return out.Token
}

func TestUpgradeRelease1ToSchema3(t *testing.T) {
	dir := release1Dir(t)
	old, oldFollowUps := readRelease1(t, dir)
	if len(old) < 300 {
		t.Fatalf("release 1 holds %d contacts, want its few hundred", len(old))
	}
	env := testenv.NewWith(t, testenv.Options{DataDir: dir})

	col, err := env.Core.FindCollectionByNameOrId("contacts")
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"indicators", "interpreter"} {
		if col.Fields.GetByName(gone) != nil {
			t.Errorf("contacts still has %s after the upgrade", gone)
		}
	}

	// Every indicator moved to the list of the same code; nothing else
	// moved there. Every interpreter mapped.
	seenCodes := map[string]bool{}
	interpreters := 0
	for id, o := range old {
		rec, err := env.Core.FindRecordById("contacts", id)
		if err != nil {
			t.Fatalf("contact %s lost in the upgrade: %v", id, err)
		}
		control, vulnerabilities := rec.GetStringSlice("control"), rec.GetStringSlice("vulnerabilities")
		for _, c := range o.indicators {
			seenCodes[c] = true
			in := control
			if taxonomy.Vulnerabilities.Has(c) {
				in = vulnerabilities
			}
			if !slices.Contains(in, c) {
				t.Errorf("contact %s: indicator %s not moved (control %v, vulnerabilities %v)", id, c, control, vulnerabilities)
			}
		}
		if len(control)+len(vulnerabilities) != len(o.indicators) {
			t.Errorf("contact %s: %v became control %v vulnerabilities %v", id, o.indicators, control, vulnerabilities)
		}
		want := "unknown"
		if o.interpreter {
			want = "used_unspecified"
			interpreters++
		}
		if got := rec.GetString("interpreting"); got != want {
			t.Errorf("contact %s: interpreter %v became interpreting %q, want %q", id, o.interpreter, got, want)
		}
		for _, f := range []string{"risk_groups", "compensation"} {
			if len(rec.GetStringSlice(f)) != 0 {
				t.Errorf("contact %s: %s = %v after the upgrade", id, f, rec.GetStringSlice(f))
			}
		}
	}
	for _, c := range taxonomy.Indicators.Codes {
		if !seenCodes[c.Code] {
			t.Errorf("release 1's data holds no contact with indicator %s: the test would not prove its move", c.Code)
		}
	}
	if interpreters == 0 {
		t.Error("release 1's data holds no interpreter = true")
	}

	// Follow-ups keep their copy, split the same way.
	for contact, ind := range oldFollowUps {
		fu, err := env.Core.FindFirstRecordByData("follow_ups", "contact", contact)
		if err != nil {
			t.Fatalf("follow-up of %s: %v", contact, err)
		}
		control, vulnerabilities := taxonomy.SplitIndicators(ind)
		if !slices.Equal(fu.GetStringSlice("control"), control) || !slices.Equal(fu.GetStringSlice("vulnerabilities"), vulnerabilities) {
			t.Errorf("follow-up of %s: control %v vulnerabilities %v, want %v %v", contact,
				fu.GetStringSlice("control"), fu.GetStringSlice("vulnerabilities"), control, vulnerabilities)
		}
	}

	// The lägesbild counts what release 1 counted: every cell published by
	// both has the same value. contacts_by_indicator is replaced by
	// contacts_by_control and contacts_by_vulnerability from schema 3 on:
	// each indicator cell of release 1 is compared with the cell of its
	// code in the table its code moved to (the total with both).
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "testdata", "upgrade", "release-1", "lagesbild-2025.json"))
	if err != nil {
		t.Fatal(err)
	}
	var before lagesbildDoc
	if err := json.Unmarshal(raw, &before); err != nil {
		t.Fatal(err)
	}
	var after lagesbildDoc
	env.MustJSON(t, "GET", "/api/lagesbild?year=2025", signIn(t, env, "analytiker@demo.uppsok.se"), nil, 200, &after)
	now := after.cells()
	compared, indicatorCells := 0, 0
	for _, tb := range before.Tables {
		if strings.HasPrefix(tb.ID, "contacts_by_indicator") && !slices.ContainsFunc(after.Tables, func(a lagesbildTable) bool { return a.ID == tb.ID }) {
			suffix := strings.TrimPrefix(tb.ID, "contacts_by_indicator")
			for _, c := range tb.Cells {
				code := c.Dims["indicator"]
				for _, to := range []struct {
					dim  string
					list taxonomy.List
				}{{"control", taxonomy.Control}, {"vulnerability", taxonomy.Vulnerabilities}} {
					if code != "_total" && !to.list.Has(code) {
						continue
					}
					table := "contacts_by_" + to.dim + suffix
					if !slices.ContainsFunc(after.Tables, func(a lagesbildTable) bool { return a.ID == table }) {
						continue // a year without data is left out
					}
					key := fmt.Sprint(table, []string{to.dim + "=" + code})
					w, ok := now[key]
					if !ok {
						t.Errorf("lägesbild after the upgrade has no %s (release 1's %s %s)", key, tb.ID, code)
						continue
					}
					if c.Value == nil || w == nil {
						continue
					}
					indicatorCells++
					if *c.Value != *w {
						t.Errorf("lägesbild %s: %d before the upgrade (%s %s), %d after", key, *c.Value, tb.ID, code, *w)
					}
				}
			}
		}
	}
	for key, v := range before.cells() {
		w, ok := now[key]
		if !ok || v == nil || w == nil {
			continue
		}
		compared++
		if *v != *w {
			t.Errorf("lägesbild %s: %d before the upgrade, %d after", key, *v, *w)
		}
	}
	if compared < 100 || indicatorCells == 0 {
		t.Errorf("only %d cells (%d of contacts_by_indicator) published both before and after", compared, indicatorCells)
	}

	// Every old record can be edited through the API, and an old tablet's
	// schema-2 view of it is what release 1 stored.
	admin := signIn(t, env, "admin@demo.uppsok.se")
	for id := range old {
		st, body, _ := env.Do(t, "PATCH", "/api/collections/contacts/records/"+id, admin, map[string]any{"cards_given": 2, "risk_groups": []string{"eu_minor"}}, nil)
		if st != http.StatusOK {
			t.Fatalf("edit of old contact %s: %d %s", id, st, body)
		}
	}
	mika := signIn(t, env, "worker.mika@demo.uppsok.se")
	var pulled struct {
		Changes map[string]struct {
			Updated []map[string]any `json:"updated"`
		} `json:"changes"`
	}
	// A first sync sends only the field window; release 1's contacts are
	// older, so the old view is read through a replacement-free cursor of 1.
	env.MustJSON(t, "GET", "/api/field/sync?schema_version=2&last_pulled_at=1", mika, nil, 200, &pulled)
	checked := 0
	for _, rec := range pulled.Changes["contacts"].Updated {
		o, ok := old[rec["id"].(string)]
		if !ok {
			continue
		}
		checked++
		var got []string
		if err := json.Unmarshal([]byte(rec["indicators"].(string)), &got); err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(o.indicators)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || rec["interpreter"] != o.interpreter {
			t.Errorf("schema-2 view of %s: indicators %v interpreter %v, release 1 stored %v %v", rec["id"], got, rec["interpreter"], want, o.interpreter)
		}
		if _, has := rec["risk_groups"]; has {
			t.Errorf("schema-2 view carries risk_groups")
		}
	}
	if checked == 0 {
		t.Error("no old contact reached the schema-2 pull")
	}
}
