package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"uppsok/internal/apierr"
	"uppsok/internal/testenv"
	"uppsok/taxonomy"
)

// TestErrorPolicy checks, per route class, that a client fault gets 400
// with a plain message and that an internal failure (a table the route
// needs is gone) gets 500 with no detail and a log line. Before the policy
// most of these internal failures came back as 400.
func TestErrorPolicy(t *testing.T) {
	type call struct {
		method, path string
		body         any
	}
	scenarios := []struct {
		class string
		// who returns the token the calls are made with.
		who func(t *testing.T, env *testenv.Env) string
		// fault is a request the client got wrong.
		fault call
		// broken is the table whose loss makes internal a failing request.
		broken   string
		internal call
	}{
		{
			class: "field sync",
			who: func(t *testing.T, env *testenv.Env) string {
				_, tok := env.Device(t, env.TeamID(t, "mika"), "Platta")
				return tok
			},
			fault:    call{"GET", "/api/field/sync?last_pulled_at=igår", nil},
			broken:   "_uppsok_cursor",
			internal: call{"GET", "/api/field/sync?last_pulled_at=0", nil},
		},
		{
			class: "field devices",
			who:   func(t *testing.T, env *testenv.Env) string { return env.Superuser(t) },
			fault: call{"POST", "/api/field/enrollments", map[string]any{"team_id": "mika", "label": strings.Repeat("x", 81)}},
			// The enrollment is saved into a table that is gone.
			broken:   "enrollments",
			internal: call{"POST", "/api/field/enrollments", map[string]any{"team_id": "", "label": "Platta"}},
		},
		{
			class: "lägesbild",
			who: func(t *testing.T, env *testenv.Env) string {
				_, tok := env.User(t, "a@example.se", "analyst", "")
				return tok
			},
			fault:    call{"GET", "/api/lagesbild?year=2026&format=docx", nil},
			broken:   "lagesbild_exports", // every export is logged there
			internal: call{"GET", "/api/lagesbild?year=2026&format=json", nil},
		},
		{
			class:    "cards",
			who:      func(t *testing.T, env *testenv.Env) string { return env.Superuser(t) },
			fault:    call{"GET", "/api/cards/sheet.pdf", nil},
			broken:   "info_cards",
			internal: call{"GET", "/api/cards/sheet.pdf?campaign=H%C3%B6st", nil},
		},
		{
			class: "records API",
			who: func(t *testing.T, env *testenv.Env) string {
				_, tok := env.User(t, "adm@example.se", "admin", "")
				return tok
			},
			fault: call{"POST", "/api/collections/contacts/records", map[string]any{"team_id": "mika", "occurred_on": "igår"}},
			// Every save of a contact takes a cursor value.
			broken:   "_uppsok_cursor",
			internal: call{"POST", "/api/collections/contacts/records", map[string]any{"team_id": "mika", "occurred_on": "2026-01-02"}},
		},
		{
			class: "console",
			who: func(t *testing.T, env *testenv.Env) string {
				_, tok := env.User(t, "adm@example.se", "admin", "")
				return tok
			},
			fault:    call{"GET", "/api/console/activity?year=tjugo", nil},
			broken:   "outreach_sessions",
			internal: call{"GET", "/api/console/activity?year=2026", nil},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.class, func(t *testing.T) {
			env := testenv.NewWith(t, testenv.Options{RequestLogs: true})
			tok := sc.who(t, env)
			fix := func(c call) call {
				m, ok := c.body.(map[string]any)
				if !ok || m["team_id"] == nil {
					return c
				}
				m["team_id"] = env.TeamID(t, "mika")
				if strings.HasPrefix(c.path, "/api/collections/contacts/") {
					// A contact: the team under its field name, every code unknown.
					m["team"] = m["team_id"]
					delete(m, "team_id")
					for _, l := range taxonomy.ContactSingle {
						m[l.Name] = taxonomy.Unknown
					}
				}
				return c
			}

			c := fix(sc.fault)
			status, body, _ := env.Do(t, c.method, c.path, tok, c.body, nil)
			msg := message(t, body)
			if status != http.StatusBadRequest {
				t.Errorf("client fault %s %s: %d %s, want 400", c.method, c.path, status, body)
			}
			// PocketBase's record API names the wrong field in data.
			namesField := strings.HasPrefix(msg, "Failed to") && strings.Contains(string(body), `"validation_`)
			if msg == "" || strings.Contains(msg, "Something went wrong") || (strings.Contains(msg, "Failed to") && !namesField) || strings.Contains(strings.ToLower(msg), "sql") {
				t.Errorf("client fault %s %s: message %q is not a plain explanation", c.method, c.path, msg)
			}

			if _, err := env.Core.DB().NewQuery("DROP TABLE " + sc.broken).Execute(); err != nil {
				t.Fatal(err)
			}
			c = fix(sc.internal)
			status, body, _ = env.Do(t, c.method, c.path, tok, c.body, nil)
			if status != http.StatusInternalServerError {
				t.Errorf("internal failure %s %s: %d %s, want 500", c.method, c.path, status, body)
			}
			if msg := message(t, body); msg != apierr.InternalMessage || strings.Contains(string(body), sc.broken) {
				t.Errorf("internal failure %s %s: body %s, want only %q", c.method, c.path, body, apierr.InternalMessage)
			}
			if !logged(t, env, sc.broken) {
				t.Errorf("internal failure %s %s was not logged", c.method, c.path)
			}
		})
	}
}

// TestValidationErrorsStayClientFaults: PocketBase's own record API keeps
// answering a bad value with 400 and the field that was wrong.
func TestValidationErrorsStayClientFaults(t *testing.T) {
	env := testenv.New(t)
	status, body, _ := env.Do(t, "POST", "/api/collections/teams/records", env.Superuser(t), map[string]any{"code": "Ogiltig Kod!", "name": "X"}, nil)
	if status != http.StatusBadRequest || !strings.Contains(string(body), `"code"`) {
		t.Errorf("bad team code: %d %s, want 400 naming the field", status, body)
	}
}

func message(t *testing.T, body []byte) string {
	t.Helper()
	var out struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return out.Message
}

// logged waits (bounded) for the app log's "internal error" line that
// names the missing table.
func logged(t *testing.T, env *testenv.Env, table string) bool {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		err := env.App.AuxDB().Select("COUNT(*)").From("_logs").
			Where(dbx.NewExp("message = 'internal error' AND data LIKE {:t}", dbx.Params{"t": "%" + table + "%"})).Row(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return true
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}
