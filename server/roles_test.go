package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/testenv"
)

// saveContact stores a contact directly (as the dashboard would).
func saveContact(t *testing.T, env *testenv.Env, team string, over map[string]any) *core.Record {
	t.Helper()
	col, err := env.App.FindCollectionByNameOrId("contacts")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("id", uuid.NewString())
	r.Set("team", team)
	r.Set("occurred_on", "2026-03-02")
	for _, f := range []string{"daypart", "channel", "area", "arena", "role", "age_band", "gender", "origin_region", "assessment"} {
		r.Set(f, "unknown")
	}
	r.Set("notes", "anteckning om mötet")
	r.Set("person_key", strings.Repeat("ab", 32))
	for k, v := range over {
		r.Set(k, v)
	}
	if err := env.App.Save(r); err != nil {
		t.Fatalf("save contact: %v", err)
	}
	return r
}

type listResp struct {
	TotalItems int              `json:"totalItems"`
	Items      []map[string]any `json:"items"`
}

func TestContactReadRules(t *testing.T) {
	env := testenv.New(t)
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	own := saveContact(t, env, mika, nil)
	other := saveContact(t, env, kast, nil)

	_, worker := env.User(t, "w@mika.se", "worker", mika)
	_, lead := env.User(t, "l@mika.se", "lead", mika)
	_, analyst := env.User(t, "a@stad.se", "analyst", "")
	_, admin := env.User(t, "admin@stad.se", "admin", "")
	_, device := env.Device(t, mika, "Platta")
	su := env.Superuser(t)

	scenarios := []struct {
		name      string
		token     string
		wantOwn   int // status viewing the own-team contact
		wantOther int // status viewing the other team's contact
		wantList  int // items listed
	}{
		{"worker", worker, 200, 404, 1},
		{"lead", lead, 200, 404, 1},
		{"device", device, 200, 404, 1},
		{"analyst sees no records", analyst, 404, 404, 0},
		{"anonymous", "", 404, 404, 0},
		{"admin", admin, 200, 200, 2},
		{"superuser", su, 200, 200, 2},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if st, body, _ := env.Do(t, "GET", "/api/collections/contacts/records/"+own.Id, s.token, nil, nil); st != s.wantOwn {
				t.Errorf("view own: %d, want %d (%s)", st, s.wantOwn, body)
			} else if st == 200 && strings.Contains(string(body), "person_key") {
				t.Errorf("person_key returned: %s", body)
			}
			if st, body, _ := env.Do(t, "GET", "/api/collections/contacts/records/"+other.Id, s.token, nil, nil); st != s.wantOther {
				t.Errorf("view other team: %d, want %d (%s)", st, s.wantOther, body)
			}
			var lr listResp
			st, body, _ := env.Do(t, "GET", "/api/collections/contacts/records", s.token, nil, nil)
			if st != 200 {
				t.Fatalf("list: %d %s", st, body)
			}
			if err := json.Unmarshal(body, &lr); err != nil {
				t.Fatal(err)
			}
			if len(lr.Items) != s.wantList {
				t.Errorf("list: %d items, want %d", len(lr.Items), s.wantList)
			}
			if strings.Contains(string(body), "person_key") || strings.Contains(string(body), strings.Repeat("ab", 32)) {
				t.Errorf("list leaks person_key")
			}
		})
	}
}

func TestPersonKeyCannotBeQueriedOrWritten(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	c := saveContact(t, env, mika, nil)
	su := env.Superuser(t)
	_, admin := env.User(t, "admin@stad.se", "admin", "")

	for _, q := range []string{"?filter=person_key!=''", "?sort=person_key", "?fields=person_key"} {
		if st, body, _ := env.Do(t, "GET", "/api/collections/contacts/records"+q, su, nil, nil); st != http.StatusBadRequest {
			t.Errorf("query %s: %d %s, want 400", q, st, body)
		}
	}
	env.Do(t, "PATCH", "/api/collections/contacts/records/"+c.Id, admin, map[string]any{"person_key": "x"}, nil)
	if fresh, _ := env.App.FindRecordById("contacts", c.Id); fresh.GetString("person_key") != c.GetString("person_key") {
		t.Errorf("admin changed person_key through the API")
	}
	// A superuser bypasses API rules, but the server still owns the field.
	if st, body, _ := env.Do(t, "PATCH", "/api/collections/contacts/records/"+c.Id, su, map[string]any{"person_key": "x", "notes": "ring 070-123 45 67"}, nil); st != 200 {
		t.Fatalf("superuser patch: %d %s", st, body)
	}
	fresh, _ := env.App.FindRecordById("contacts", c.Id)
	if fresh.GetString("person_key") != c.GetString("person_key") {
		t.Errorf("person_key changed through the API")
	}
	if strings.Contains(fresh.GetString("notes"), "123 45 67") {
		t.Errorf("notes written through the API were not screened: %q", fresh.GetString("notes"))
	}
}

func TestWorkersCannotWriteContactsOrRolesThroughREST(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	kast := env.TeamID(t, "kast")
	c := saveContact(t, env, mika, nil)
	w, worker := env.User(t, "w@mika.se", "worker", mika)

	if st, _, _ := env.Do(t, "PATCH", "/api/collections/contacts/records/"+c.Id, worker, map[string]any{"team": kast}, nil); st == 200 {
		t.Error("worker moved a contact to another team")
	}
	if st, _, _ := env.Do(t, "DELETE", "/api/collections/contacts/records/"+c.Id, worker, nil, nil); st == 204 {
		t.Error("worker deleted a contact through REST")
	}
	if st, _, _ := env.Do(t, "PATCH", "/api/collections/users/records/"+w.Id, worker, map[string]any{"role": "admin"}, nil); st == 200 {
		t.Error("worker made themself admin")
	}
	if st, _, _ := env.Do(t, "PATCH", "/api/collections/users/records/"+w.Id, worker, map[string]any{"team": kast}, nil); st == 200 {
		t.Error("worker changed team")
	}
	if st, _, _ := env.Do(t, "PATCH", "/api/collections/users/records/"+w.Id, worker, map[string]any{"name": "Nytt namn"}, nil); st != 200 {
		t.Errorf("worker could not change own display name: %d", st)
	}
	// Nobody signs up.
	st, _, _ := env.Do(t, "POST", "/api/collections/users/records", "", map[string]any{
		"email": "x@y.se", "password": "12345678901", "passwordConfirm": "12345678901", "role": "admin",
	}, nil)
	if st == 200 {
		t.Error("anonymous sign-up created a user")
	}
}

func TestUsersVisibleOnlyWithinTeam(t *testing.T) {
	env := testenv.New(t)
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	_, worker := env.User(t, "w@mika.se", "worker", mika)
	env.User(t, "w2@mika.se", "worker", mika)
	env.User(t, "w@kast.se", "worker", kast)
	_, lead := env.User(t, "l@mika.se", "lead", mika)

	count := func(tok string) int {
		var lr listResp
		env.MustJSON(t, "GET", "/api/collections/users/records", tok, nil, 200, &lr)
		return len(lr.Items)
	}
	if n := count(worker); n != 1 {
		t.Errorf("worker sees %d users, want only self", n)
	}
	if n := count(lead); n != 3 {
		t.Errorf("lead sees %d users, want the 3 of the team", n)
	}
}
