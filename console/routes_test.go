package console_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/console"
	"uppsok/internal/testenv"
)

// TestConsoleRoutesByRole: who may rename a tablet, read a team's activity
// and set the public address. A worker, an analyst and a device may not use
// the lead's or the admin's routes.
func TestConsoleRoutesByRole(t *testing.T) {
	env := testenv.New(t)
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	_, kastLead := env.User(t, "lead@kast.se", "lead", kast)
	_, worker := env.User(t, "w@mika.se", "worker", mika)
	_, analyst := env.User(t, "a@stad.se", "analyst", "")
	_, admin := env.User(t, "admin@stad.se", "admin", "")
	devID, device := env.Device(t, mika, "Platta 1")
	su := env.Superuser(t)

	label := "/api/console/devices/" + devID + "/label"
	scenarios := []struct {
		name, token, method, path string
		body                      any
		want                      int
	}{
		{"lead renames own team's tablet", lead, "POST", label, map[string]any{"label": "Platta A"}, 200},
		{"lead renames with an empty name", lead, "POST", label, map[string]any{"label": "  "}, 400},
		{"lead renames with a too long name", lead, "POST", label, map[string]any{"label": strings.Repeat("x", 81)}, 400},
		{"other team's lead renames", kastLead, "POST", label, map[string]any{"label": "X"}, 404},
		{"worker renames", worker, "POST", label, map[string]any{"label": "X"}, 404},
		{"analyst renames", analyst, "POST", label, map[string]any{"label": "X"}, 404},
		{"device renames itself", device, "POST", label, map[string]any{"label": "X"}, 404},
		{"anonymous renames", "", "POST", label, map[string]any{"label": "X"}, 401},
		{"admin renames", admin, "POST", label, map[string]any{"label": "Platta B"}, 200},

		{"lead reads own activity", lead, "GET", "/api/console/activity?year=2026", nil, 200},
		{"lead reads another team's activity", lead, "GET", "/api/console/activity?year=2026&team=" + kast, nil, 403},
		{"lead gives a bad year", lead, "GET", "/api/console/activity?year=abc", nil, 400},
		{"admin reads any team", admin, "GET", "/api/console/activity?year=2026&team=" + kast, nil, 200},
		{"worker reads activity", worker, "GET", "/api/console/activity", nil, 403},
		{"analyst reads activity", analyst, "GET", "/api/console/activity", nil, 403},
		{"device reads activity", device, "GET", "/api/console/activity", nil, 403},

		{"analyst reads the lägesbild labels", analyst, "GET", "/api/console/lagesbild-labels", nil, 200},
		{"lead reads the lägesbild labels", lead, "GET", "/api/console/lagesbild-labels", nil, 403},
		{"worker reads the lägesbild labels", worker, "GET", "/api/console/lagesbild-labels", nil, 403},
		{"device reads the lägesbild labels", device, "GET", "/api/console/lagesbild-labels", nil, 403},

		{"admin reads settings", admin, "GET", "/api/console/settings", nil, 200},
		{"superuser reads settings", su, "GET", "/api/console/settings", nil, 200},
		{"lead reads settings", lead, "GET", "/api/console/settings", nil, 200},
		{"worker reads settings", worker, "GET", "/api/console/settings", nil, 403},
		{"analyst reads settings", analyst, "GET", "/api/console/settings", nil, 403},
		{"worker sets the address", worker, "POST", "/api/console/settings/app-url", map[string]any{"app_url": "https://evil.example"}, 403},
		{"analyst sets the address", analyst, "POST", "/api/console/settings/app-url", map[string]any{"app_url": "https://evil.example"}, 403},
		{"device sets the address", device, "POST", "/api/console/settings/app-url", map[string]any{"app_url": "https://evil.example"}, 403},
		{"lead sets the address", lead, "POST", "/api/console/settings/app-url", map[string]any{"app_url": "https://evil.example"}, 403},
		{"admin sets a path", admin, "POST", "/api/console/settings/app-url", map[string]any{"app_url": "https://uppsok.example/x?y"}, 400},
		{"admin sets no scheme", admin, "POST", "/api/console/settings/app-url", map[string]any{"app_url": "uppsok.example"}, 400},
		{"admin sets the address", admin, "POST", "/api/console/settings/app-url", map[string]any{"app_url": "https://uppsok.example/"}, 200},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			status, body, _ := env.Do(t, s.method, s.path, s.token, s.body, nil)
			if status != s.want {
				t.Errorf("status %d, want %d: %s", status, s.want, body)
			}
		})
	}
	dev, err := env.Core.FindRecordById("devices", devID)
	if err != nil || dev.GetString("label") != "Platta B" {
		t.Errorf("label after the renames: %v %v", dev, err)
	}
	if got := env.Core.Settings().Meta.AppURL; got != "https://uppsok.example" {
		t.Errorf("app url %q", got)
	}
	// Enroll links and card codes now use the public address.
	var enr struct {
		EnrollURL string `json:"enroll_url"`
	}
	env.MustJSON(t, "POST", "/api/field/enrollments", lead, map[string]any{"team_id": mika, "label": "Ny"}, 201, &enr)
	if !strings.HasPrefix(enr.EnrollURL, "https://uppsok.example/app/#/enroll/") {
		t.Errorf("enroll url %s", enr.EnrollURL)
	}
	// Labels of derived dimensions and of teams come from the declarations.
	var labels map[string]map[string][2]string
	env.MustJSON(t, "GET", "/api/console/lagesbild-labels", analyst, nil, 200, &labels)
	if labels["channel"]["street"][0] == "" || labels["team"]["mika"][0] == "" || len(labels) < 10 {
		t.Errorf("labels: channel %v, team %v, %d dimensions", labels["channel"], labels["team"], len(labels))
	}
	// Every dimension has its own Swedish name for the table headers (a
	// missing one showed the code, "compensation", to the analyst).
	for dim := range labels {
		if dim == "_titles" {
			continue
		}
		if ti := labels["_titles"][dim]; ti[0] == "" || ti[0] == dim || ti[1] == "" {
			t.Errorf("dimension %s has no title: %q", dim, ti)
		}
	}
	var st struct {
		Loopback bool `json:"loopback"`
	}
	env.MustJSON(t, "GET", "/api/console/settings", admin, nil, 200, &st)
	if st.Loopback {
		t.Error("still loopback after setting")
	}
}

// TestActivityCountsOnly: the weekly activity counts the team's contacts
// and sessions by ISO week and carries nothing else.
func TestActivityCountsOnly(t *testing.T) {
	env := testenv.New(t)
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	save := func(table, team, dayField, day string, extra map[string]any) {
		col, err := env.Core.FindCollectionByNameOrId(table)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(col)
		r.Set("id", uuid.NewString())
		r.Set("team", team)
		r.Set(dayField, day)
		for k, v := range extra {
			r.Set(k, v)
		}
		if err := env.Core.Save(r); err != nil {
			t.Fatalf("save %s: %v", table, err)
		}
	}
	contact := map[string]any{"notes": "hemlig anteckning"}
	for _, f := range []string{"daypart", "channel", "area", "arena", "role", "age_band", "gender", "origin_region", "assessment"} {
		contact[f] = "unknown"
	}
	// 2026-03-02 is a Monday (week 10); 2026-03-08 a Sunday (week 10);
	// 2026-03-09 week 11. 2026-01-01 is a Thursday of week 1.
	for _, d := range []string{"2026-03-02", "2026-03-08", "2026-03-09", "2026-01-01", "2025-12-31"} {
		save("contacts", mika, "occurred_on", d, contact)
	}
	save("contacts", kast, "occurred_on", "2026-03-02", contact)
	session := map[string]any{"kind": "street", "daypart": "evening", "area": "norrmalm"}
	save("outreach_sessions", mika, "started_on", "2026-03-03", session)

	status, body, _ := env.Do(t, "GET", "/api/console/activity?year=2026", lead, nil, nil)
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if strings.Contains(string(body), "hemlig") || strings.Contains(string(body), "notes") {
		t.Fatal("activity carries contact data")
	}
	var out struct {
		Weeks []console.Week `json:"weeks"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	got := map[int][2]int{}
	total := 0
	for _, w := range out.Weeks {
		got[w.Week] = [2]int{w.Contacts, w.Sessions}
		total += w.Contacts
	}
	if got[10] != [2]int{2, 1} || got[11] != [2]int{1, 0} || got[1] != [2]int{1, 0} || total != 4 {
		t.Errorf("weeks: 1=%v 10=%v 11=%v total %d; want [1 0], [2 1], [1 0], 4", got[1], got[10], got[11], total)
	}
	if len(out.Weeks) != 53 || out.Weeks[0].Monday != "2025-12-29" {
		t.Errorf("%d weeks, first monday %s; want 53 from 2025-12-29", len(out.Weeks), out.Weeks[0].Monday)
	}
}

// TestFollowUpMailLinksToConsole: the lead's e-mail about a new follow-up
// opens it in the console, at the public address.
func TestFollowUpMailLinksToConsole(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	env.User(t, "lead@mika.se", "lead", mika)
	env.App.Settings().SMTP.Enabled = true
	env.App.Settings().SMTP.Host = "127.0.0.1"
	env.App.Settings().Meta.SenderAddress = "uppsok@stockholm.se"
	env.App.Settings().Meta.AppURL = "https://uppsok.stockholm.example"
	saveContact(t, env, mika, "2026-03-02", map[string]any{"age_band": "15_17", "role": "sells_sex", "assessment": "suspected_trafficking"})
	fus, err := env.Core.FindAllRecords("follow_ups")
	if err != nil || len(fus) != 1 {
		t.Fatalf("follow-ups: %d %v", len(fus), err)
	}
	msgs := env.App.TestMailer.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want 1", len(msgs))
	}
	want := "https://uppsok.stockholm.example/console/#/uppfoljningar/" + fus[0].Id
	if !strings.Contains(msgs[0].Text, want) {
		t.Errorf("mail text lacks %s:\n%s", want, msgs[0].Text)
	}
}
