package pb_migrations_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"uppsok/internal/testenv"
)

// The upgrade harness: every data dir under testdata/upgrade/ was made by
// an earlier release's own binary (see its README). Each is copied, opened
// by today's code the way `uppsok serve` opens an install (hooks bound,
// then migrations), and checked through the real HTTP API by every check
// of upgradeChecks. A later release adds its dir to upgradeReleases; a
// schema change adds a check (e.g. that an old contact reads with the new
// columns empty and can be edited through them).

// demoPassword is the password of seed-demo's accounts in the data dirs.
const demoPassword = "demo-losenord-123"

// upgradeReleases are the committed data dirs, oldest first.
var upgradeReleases = []string{"release-1"}

// upgrade is one opened release data dir.
type upgrade struct {
	env     *testenv.Env
	release string
	dir     string // the committed data dir (read only)
}

// login signs in a demo account and returns its token.
func (u *upgrade) login(t *testing.T, email string) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	u.env.MustJSON(t, "POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": email, "password": demoPassword}, http.StatusOK, &out)
	return out.Token
}

// count returns the number of rows of a table as the old data dir holds them.
func (u *upgrade) oldCount(t *testing.T, query string) int {
	t.Helper()
	db, err := openRO(filepath.Join(u.dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.NewQuery(query).Row(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// upgradeChecks are run in order on every release's data dir after the
// upgrade: checks that only read first, checks that write last.
var upgradeChecks = []struct {
	name string
	run  func(t *testing.T, u *upgrade)
}{
	{"lägesbild totals unchanged", func(t *testing.T, u *upgrade) {
		data, err := os.ReadFile(filepath.Join(u.dir, "lagesbild-2025.json"))
		if err != nil {
			t.Fatal(err)
		}
		want := totals(t, data)
		analyst := u.login(t, "analytiker@demo.uppsok.se")
		_, body, _ := u.env.Do(t, "GET", "/api/lagesbild?year=2025&format=json", analyst, nil, nil)
		got := totals(t, body)
		if len(want) == 0 {
			t.Fatal("no totals in the old lägesbild")
		}
		for id, w := range want {
			g, ok := got[id]
			if !ok && strings.HasPrefix(id, "contacts_by_indicator") {
				// From schema 3 on, contacts_by_control and
				// contacts_by_vulnerability replace contacts_by_indicator
				// (docs/lagesbild.md); each counts every contact once in its
				// total, as the old table did.
				suffix := strings.TrimPrefix(id, "contacts_by_indicator")
				for _, repl := range []string{"contacts_by_control" + suffix, "contacts_by_vulnerability" + suffix} {
					if g, ok := got[repl]; w != "0" && g != w {
						t.Errorf("table %s: total %s (present %v), the old binary's %s had %s", repl, g, ok, id, w)
					}
				}
				continue
			}
			switch {
			case !ok && w == "0":
				// An empty previous period is left out (docs/lagesbild.md).
			case !ok:
				t.Errorf("table %s of the old lägesbild is gone", id)
			case g != w:
				t.Errorf("table %s: total %s, the old binary had %s", id, g, w)
			}
		}
	}},
	{"old release served as released", func(t *testing.T, u *upgrade) {
		var rel struct {
			ID     string `json:"id"`
			SHA256 string `json:"sha256"`
		}
		db, err := openRO(filepath.Join(u.dir, "data.db"))
		if err != nil {
			t.Fatal(err)
		}
		err = db.NewQuery("SELECT id, sha256 FROM lagesbild_releases ORDER BY year, tertial, revision LIMIT 1").Row(&rel.ID, &rel.SHA256)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		analyst := u.login(t, "analytiker@demo.uppsok.se")
		status, body, _ := u.env.Do(t, "GET", "/api/lagesbild/releases/"+rel.ID+"?format=json", analyst, nil, nil)
		sum := sha256.Sum256(body)
		if status != http.StatusOK || hex.EncodeToString(sum[:]) != rel.SHA256 {
			t.Errorf("release %s: %d, sha256 %x, released %s", rel.ID, status, sum, rel.SHA256)
		}
	}},
	{"contacts readable by their team's lead", func(t *testing.T, u *upgrade) {
		lead := u.login(t, "lead.mika@demo.uppsok.se")
		want := u.oldCount(t, "SELECT COUNT(*) FROM contacts c JOIN teams t ON t.id = c.team WHERE t.code = 'mika'")
		var page struct {
			TotalItems int              `json:"totalItems"`
			Items      []map[string]any `json:"items"`
		}
		u.env.MustJSON(t, "GET", "/api/collections/contacts/records?perPage=1", lead, nil, http.StatusOK, &page)
		if want == 0 || page.TotalItems != want {
			t.Errorf("lead sees %d contacts, the team had %d", page.TotalItems, want)
		}
		if len(page.Items) == 1 {
			if _, leaked := page.Items[0]["person_key"]; leaked {
				t.Error("person_key returned after the upgrade")
			}
		}
	}},
	{"every contact and session readable by an admin", func(t *testing.T, u *upgrade) {
		admin := u.login(t, "admin@demo.uppsok.se")
		for _, c := range []string{"contacts", "outreach_sessions", "follow_ups", "devices", "teams"} {
			want := u.oldCount(t, "SELECT COUNT(*) FROM "+c)
			var page struct {
				TotalItems int `json:"totalItems"`
			}
			u.env.MustJSON(t, "GET", "/api/collections/"+c+"/records?perPage=1", admin, nil, http.StatusOK, &page)
			if page.TotalItems != want {
				t.Errorf("%s: admin sees %d, the data dir had %d", c, page.TotalItems, want)
			}
		}
	}},
	{"an old contact edited through the sync", func(t *testing.T, u *upgrade) {
		lead := u.login(t, "lead.mika@demo.uppsok.se")
		var list struct {
			Items []map[string]any `json:"items"`
		}
		u.env.MustJSON(t, "GET", "/api/collections/contacts/records?perPage=1&sort=occurred_on", lead, nil, http.StatusOK, &list)
		if len(list.Items) != 1 {
			t.Fatal("no contact to edit")
		}
		old := list.Items[0]
		var pull struct {
			Timestamp int64 `json:"timestamp"`
		}
		u.env.MustJSON(t, "GET", "/api/field/sync?last_pulled_at=0&schema_version=2", lead, nil, http.StatusOK, &pull)
		edit := map[string]any{"id": old["id"], "cards_given": 2, "actions": `["information","support_talk"]`}
		var resp struct {
			Rejected map[string][]string `json:"rejected"`
		}
		u.env.MustJSON(t, "POST", "/api/field/sync?schema_version=2", lead, map[string]any{
			"last_pulled_at": pull.Timestamp,
			"changes":        map[string]any{"contacts": map[string]any{"created": []any{}, "updated": []any{edit}, "deleted": []any{}}},
		}, http.StatusOK, &resp)
		if len(resp.Rejected) > 0 {
			t.Fatalf("edit rejected: %v", resp.Rejected)
		}
		var after map[string]any
		u.env.MustJSON(t, "GET", fmt.Sprintf("/api/collections/contacts/records/%s", old["id"]), lead, nil, http.StatusOK, &after)
		if after["cards_given"] != float64(2) || after["occurred_on"] != old["occurred_on"] || after["area"] != old["area"] {
			t.Errorf("after the edit: %v (before %v)", after, old)
		}
	}},
	{"an old contact edited by an admin through the records API", func(t *testing.T, u *upgrade) {
		admin := u.login(t, "admin@demo.uppsok.se")
		var list struct {
			Items []map[string]any `json:"items"`
		}
		u.env.MustJSON(t, "GET", "/api/collections/contacts/records?perPage=1&sort=-occurred_on", admin, nil, http.StatusOK, &list)
		if len(list.Items) != 1 {
			t.Fatal("no contact to edit")
		}
		var after map[string]any
		u.env.MustJSON(t, "PATCH", "/api/collections/contacts/records/"+list.Items[0]["id"].(string), admin,
			map[string]any{"notes": "Uppföljning bokad"}, http.StatusOK, &after)
		if after["notes"] != "Uppföljning bokad" {
			t.Errorf("notes after the edit: %v", after["notes"])
		}
	}},
}

// totals returns each table's grand total cell ("value" or "hidden") of a
// lägesbild JSON document.
func totals(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var doc struct {
		Tables []struct {
			ID    string `json:"id"`
			Cells []struct {
				Dims   map[string]string `json:"dims"`
				Value  json.Number       `json:"value"`
				Hidden bool              `json:"hidden"`
			} `json:"cells"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("lägesbild JSON: %v: %.200s", err, data)
	}
	out := map[string]string{}
	for _, tb := range doc.Tables {
		for _, c := range tb.Cells {
			all := len(c.Dims) > 0
			for _, v := range c.Dims {
				all = all && v == "_total"
			}
			if all {
				out[tb.ID] = c.Value.String()
				if c.Hidden {
					out[tb.ID] = "hidden"
				}
			}
		}
	}
	return out
}

// TestUpgrade opens every committed release data dir with today's code and
// runs every upgrade check on it.
func TestUpgrade(t *testing.T) {
	if testing.Short() {
		t.Skip("opens and migrates every release's data dir")
	}
	for _, rel := range upgradeReleases {
		t.Run(rel, func(t *testing.T) {
			dir := filepath.Join(testenv.RepoRoot(), "testdata", "upgrade", rel)
			u := &upgrade{env: testenv.NewWith(t, testenv.Options{DataDir: dir}), release: rel, dir: dir}
			for _, c := range upgradeChecks {
				t.Run(c.name, func(t *testing.T) { c.run(t, u) })
			}
		})
	}
}
