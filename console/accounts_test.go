package console_test

import (
	"testing"

	"uppsok/internal/testenv"
)

// signIn signs in to the users collection and returns the status.
func signIn(t *testing.T, env *testenv.Env, email, password string) int {
	t.Helper()
	status, _, _ := env.Do(t, "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": email, "password": password}, nil)
	return status
}

// TestLeadManagesTeamAccounts: a lead creates a worker of the own team,
// resets its password without the old one, and deactivates it; the account
// can then no longer sign in and its tokens stop working.
func TestLeadManagesTeamAccounts(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)

	var created struct {
		ID string `json:"id"`
	}
	env.MustJSON(t, "POST", "/api/collections/users/records", lead, map[string]any{
		"email": "ny@mika.se", "password": "ett-bra-losenord", "passwordConfirm": "ett-bra-losenord",
		"name": "Ny Arbetare", "role": "worker", "team": mika, "verified": true,
	}, 200, &created)
	if got := signIn(t, env, "ny@mika.se", "ett-bra-losenord"); got != 200 {
		t.Fatalf("new worker signs in: %d", got)
	}
	var auth struct {
		Token string `json:"token"`
	}
	env.MustJSON(t, "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "ny@mika.se", "password": "ett-bra-losenord"}, 200, &auth)

	// Reset: no old password needed for the lead.
	env.MustJSON(t, "PATCH", "/api/collections/users/records/"+created.ID, lead, map[string]any{"password": "ett-nytt-losenord", "passwordConfirm": "ett-nytt-losenord"}, 200, nil)
	if got := signIn(t, env, "ny@mika.se", "ett-bra-losenord"); got != 400 {
		t.Errorf("old password after reset: %d, want 400", got)
	}
	if got := signIn(t, env, "ny@mika.se", "ett-nytt-losenord"); got != 200 {
		t.Errorf("new password after reset: %d, want 200", got)
	}
	if status, _, _ := env.Do(t, "GET", "/api/field/sync?last_pulled_at=0&schema_version=2", auth.Token, nil, nil); status != 401 {
		t.Errorf("token from before the reset: sync %d, want 401", status)
	}

	// Deactivate: a fresh token stops working and sign-in is refused.
	env.MustJSON(t, "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "ny@mika.se", "password": "ett-nytt-losenord"}, 200, &auth)
	if status, _, _ := env.Do(t, "GET", "/api/field/sync?last_pulled_at=0&schema_version=2", auth.Token, nil, nil); status != 200 {
		t.Fatalf("active worker syncs: %d", status)
	}
	env.MustJSON(t, "PATCH", "/api/collections/users/records/"+created.ID, lead, map[string]any{"deactivated": true}, 200, nil)
	if status, _, _ := env.Do(t, "GET", "/api/field/sync?last_pulled_at=0&schema_version=2", auth.Token, nil, nil); status != 401 {
		t.Errorf("deactivated worker's token: sync %d, want 401", status)
	}
	if status, _, _ := env.Do(t, "POST", "/api/collections/users/auth-refresh", auth.Token, nil, nil); status != 401 {
		t.Errorf("deactivated worker's token refresh: %d, want 401", status)
	}
	if got := signIn(t, env, "ny@mika.se", "ett-nytt-losenord"); got != 403 {
		t.Errorf("deactivated worker signs in: %d, want 403", got)
	}
	// Reactivated, the account signs in again.
	env.MustJSON(t, "PATCH", "/api/collections/users/records/"+created.ID, lead, map[string]any{"deactivated": false}, 200, nil)
	if got := signIn(t, env, "ny@mika.se", "ett-nytt-losenord"); got != 200 {
		t.Errorf("reactivated worker signs in: %d, want 200", got)
	}
}

// TestAccountEscalations: what a lead, worker, analyst and device may not
// do with accounts.
func TestAccountEscalations(t *testing.T) {
	env := testenv.New(t)
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	otherLead, _ := env.User(t, "lead2@mika.se", "lead", mika)
	ownWorker, worker := env.User(t, "w@mika.se", "worker", mika)
	otherWorker, _ := env.User(t, "w@kast.se", "worker", kast)
	adminRec, _ := env.User(t, "admin@stad.se", "admin", "")
	analystRec, analyst := env.User(t, "a@stad.se", "analyst", "")
	_, device := env.Device(t, mika, "Platta")

	newUser := func(email, role, team string) map[string]any {
		return map[string]any{"email": email, "password": "ett-bra-losenord", "passwordConfirm": "ett-bra-losenord", "role": role, "team": team}
	}
	pw := map[string]any{"password": "kapat-losenord-1", "passwordConfirm": "kapat-losenord-1"}
	rec := func(id string) string { return "/api/collections/users/records/" + id }

	scenarios := []struct {
		name, token, method, path string
		body                      map[string]any
		want                      int
	}{
		{"lead creates an admin", lead, "POST", "/api/collections/users/records", newUser("x1@mika.se", "admin", mika), 400},
		{"lead creates an analyst", lead, "POST", "/api/collections/users/records", newUser("x2@mika.se", "analyst", ""), 400},
		{"lead creates a lead", lead, "POST", "/api/collections/users/records", newUser("x3@mika.se", "lead", mika), 400},
		{"lead creates a worker in another team", lead, "POST", "/api/collections/users/records", newUser("x4@kast.se", "worker", kast), 400},
		{"lead resets an admin's password", lead, "PATCH", rec(adminRec.Id), pw, 404},
		{"lead resets an analyst's password", lead, "PATCH", rec(analystRec.Id), pw, 404},
		{"lead resets another lead's password", lead, "PATCH", rec(otherLead.Id), pw, 404},
		{"lead resets a worker's password in another team", lead, "PATCH", rec(otherWorker.Id), pw, 404},
		{"lead deactivates a worker in another team", lead, "PATCH", rec(otherWorker.Id), map[string]any{"deactivated": true}, 404},
		{"lead deactivates an admin", lead, "PATCH", rec(adminRec.Id), map[string]any{"deactivated": true}, 404},
		{"lead makes a worker an admin", lead, "PATCH", rec(ownWorker.Id), map[string]any{"role": "admin"}, 404},
		{"lead moves a worker to another team", lead, "PATCH", rec(ownWorker.Id), map[string]any{"team": kast}, 404},
		{"worker creates a worker", worker, "POST", "/api/collections/users/records", newUser("x5@mika.se", "worker", mika), 400},
		{"worker makes itself a lead", worker, "PATCH", rec(ownWorker.Id), map[string]any{"role": "lead"}, 404},
		{"worker sets own deactivated flag", worker, "PATCH", rec(ownWorker.Id), map[string]any{"deactivated": false}, 404},
		{"worker resets a colleague's password", worker, "PATCH", rec(otherLead.Id), pw, 404},
		{"analyst creates a worker", analyst, "POST", "/api/collections/users/records", newUser("x6@mika.se", "worker", mika), 400},
		{"analyst resets a worker's password", analyst, "PATCH", rec(ownWorker.Id), pw, 404},
		{"device creates a worker", device, "POST", "/api/collections/users/records", newUser("x7@mika.se", "worker", mika), 400},
		{"device resets a worker's password", device, "PATCH", rec(ownWorker.Id), pw, 404},
		// What stays allowed.
		{"worker changes own name", worker, "PATCH", rec(ownWorker.Id), map[string]any{"name": "Nytt Namn"}, 200},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			status, body, _ := env.Do(t, s.method, s.path, s.token, s.body, nil)
			if status != s.want {
				t.Errorf("status %d, want %d: %s", status, s.want, body)
			}
		})
	}
	// Nothing changed: no new accounts, passwords and roles intact.
	n, err := env.Core.CountRecords("users")
	if err != nil || n != 6 {
		t.Errorf("users: %d (%v), want the 6 created", n, err)
	}
	for _, email := range []string{"admin@stad.se", "a@stad.se", "lead2@mika.se", "w@kast.se", "w@mika.se"} {
		if got := signIn(t, env, email, "test-password-123"); got != 200 {
			t.Errorf("%s signs in with the original password: %d", email, got)
		}
	}
	if r, _ := env.Core.FindRecordById("users", ownWorker.Id); r.GetString("role") != "worker" || r.GetString("team") != mika {
		t.Errorf("worker changed: %v", r.FieldsData())
	}
}
