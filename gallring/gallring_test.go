package gallring_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
	"uppsok/gallring"
	"uppsok/internal/testenv"
)

// clock is 2026-11-27 12:00 UTC, a Friday.
var clock = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *testenv.Env {
	return testenv.NewWith(t, testenv.Options{Now: func() time.Time { return clock }})
}

func contact(t *testing.T, env *testenv.Env, team, day, notes, key string) string {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("contacts")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("id", uuid.NewString())
	r.Set("team", team)
	r.Set("occurred_on", day)
	for _, f := range []string{"daypart", "channel", "area", "arena", "role", "age_band", "gender", "origin_region", "assessment"} {
		r.Set(f, "unknown")
	}
	if err := env.Core.Save(r); err != nil {
		t.Fatal(err)
	}
	// Notes and keys as they were stored before: in place, past the hooks.
	_, err = env.Core.DB().Update("contacts", dbx.Params{"notes": notes, "person_key": key}, dbx.HashExp{"id": r.Id}).Execute()
	if err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func session(t *testing.T, env *testenv.Env, team, day, notes string) string {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("outreach_sessions")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("id", uuid.NewString())
	r.Set("team", team)
	r.Set("kind", "street")
	r.Set("started_on", day)
	r.Set("daypart", "evening")
	r.Set("area", "norrmalm")
	r.Set("notes", notes)
	if err := env.Core.Save(r); err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func followUp(t *testing.T, env *testenv.Env, team, contactID, decidedOn string) string {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("follow_ups")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("team", team)
	r.Set("contact", contactID)
	has := func(f string) bool { return col.Fields.GetByName(f) != nil }
	if has("status") {
		r.Set("status", "done")
	}
	if has("decided_on") {
		r.Set("decided_on", decidedOn)
	}
	if has("done") {
		r.Set("done", true)
	}
	if has("reason") {
		r.Set("reason", "child_exploitation")
	}
	if err := env.Core.SaveNoValidate(r); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Core.DB().Update("follow_ups", dbx.Params{"updated": decidedOn + " 10:00:00.000Z"}, dbx.HashExp{"id": r.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func enrollment(t *testing.T, env *testenv.Env, team string, expires, used time.Time) string {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("enrollments")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("team", team)
	r.Set("code_hash", uuid.NewString())
	r.Set("expires_at", expires)
	if !used.IsZero() {
		r.Set("used_at", used)
	}
	if err := env.Core.Save(r); err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func field_(t *testing.T, env *testenv.Env, collection, id, name string) string {
	t.Helper()
	var v string
	err := env.Core.DB().Select(name).From(collection).Where(dbx.HashExp{"id": id}).Row(&v)
	if err != nil {
		t.Fatalf("%s %s: %v", collection, id, err)
	}
	return v
}

func exists(t *testing.T, env *testenv.Env, collection, id string) bool {
	t.Helper()
	_, err := env.Core.FindRecordById(collection, id)
	return err == nil
}

func cursor(t *testing.T, env *testenv.Env) int64 {
	t.Helper()
	v, _, err := field.CurrentCursor(env.Core.DB())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestGallringRules(t *testing.T) {
	env := newEnv(t)
	mika := env.TeamID(t, "mika")
	day := func(d time.Duration) time.Time { return clock.Add(-d * 24 * time.Hour) }

	// Notes: cut 2026-05-27 (6 months). Person keys: cut 2021-11-27 (5 years).
	oldNotes := contact(t, env, mika, "2026-05-26", "gammal anteckning", strings.Repeat("a", 64))
	newNotes := contact(t, env, mika, "2026-05-27", "ny anteckning", strings.Repeat("b", 64))
	oldKey := contact(t, env, mika, "2021-11-26", "", strings.Repeat("c", 64))
	newKey := contact(t, env, mika, "2021-11-27", "", strings.Repeat("d", 64))
	oldSess := session(t, env, mika, "2026-04-01", "pass med anteckning")
	newSess := session(t, env, mika, "2026-11-20", "nytt pass")
	// Follow-ups: deleted 5 years after they were decided.
	oldFU := followUp(t, env, mika, oldNotes, "2021-11-26")
	newFU := followUp(t, env, mika, newNotes, "2021-11-28")
	// Enrollments: used or expired more than 30 days ago.
	usedOld := enrollment(t, env, mika, day(40), day(41))
	expiredOld := enrollment(t, env, mika, day(31), time.Time{})
	usedRecent := enrollment(t, env, mika, day(10), day(10).Add(-time.Minute))
	fresh := enrollment(t, env, mika, clock.Add(10*time.Minute), time.Time{})

	before := cursor(t, env)
	cfg := env.Uppsok.Gallring
	if cfg.NotesMonths != 6 || cfg.PersonKeyYears != 5 || cfg.FollowUpYears != 5 || cfg.EnrollmentDays != 30 || cfg.WindowDays != 30 {
		t.Fatalf("defaults %+v", cfg)
	}
	want := gallring.Result{Date: "2026-11-27", ContactNotes: 1, SessionNotes: 1, PersonKeys: 1, FollowUps: 1, Enrollments: 2}

	// The CLI's dry run prints the counts and changes nothing.
	var out bytes.Buffer
	cmd := gallring.Command(env.Core, func() gallring.Config { return cfg })
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--dry-run"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"--dry-run", "contact notes (äldre än / older than 6 mån): 1", "person hashes (äldre än / older than 5 år): 1",
		"follow-ups done (för / over 5 år sedan): 1", "enrollments (30 dagar): 2"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("dry run output lacks %q:\n%s", line, out.String())
		}
	}
	if field_(t, env, "contacts", oldNotes, "notes") == "" || !exists(t, env, "follow_ups", oldFU) || !exists(t, env, "enrollments", usedOld) {
		t.Fatal("the dry run changed data")
	}
	if n, _ := env.Core.CountRecords("gallring_runs"); n != 0 {
		t.Fatalf("the dry run was recorded (%d)", n)
	}

	res, err := gallring.Run(context.Background(), env.Core, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	if res != want {
		t.Fatalf("run %+v, want %+v", res, want)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"old contact notes cleared", field_(t, env, "contacts", oldNotes, "notes") == ""},
		{"newer contact notes kept", field_(t, env, "contacts", newNotes, "notes") == "ny anteckning"},
		{"old session notes cleared", field_(t, env, "outreach_sessions", oldSess, "notes") == ""},
		{"newer session notes kept", field_(t, env, "outreach_sessions", newSess, "notes") == "nytt pass"},
		{"old person key cleared", field_(t, env, "contacts", oldKey, "person_key") == ""},
		{"newer person key kept", field_(t, env, "contacts", newKey, "person_key") != ""},
		{"the contact itself stays", exists(t, env, "contacts", oldKey)},
		{"old follow-up deleted", !exists(t, env, "follow_ups", oldFU)},
		{"newer follow-up kept", exists(t, env, "follow_ups", newFU)},
		{"used enrollment deleted", !exists(t, env, "enrollments", usedOld)},
		{"expired enrollment deleted", !exists(t, env, "enrollments", expiredOld)},
		{"recently used enrollment kept", exists(t, env, "enrollments", usedRecent)},
		{"fresh enrollment kept", exists(t, env, "enrollments", fresh)},
		// Nothing inside the field window changed: no tablet is woken.
		{"cursor unchanged", cursor(t, env) == before},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: no", c.name)
		}
	}

	// The run is recorded (date and counts only) and admins can read it.
	_, admin := env.User(t, "admin@stad.se", "admin", "")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	var list struct {
		Items []map[string]any `json:"items"`
	}
	env.MustJSON(t, "GET", "/api/collections/gallring_runs/records", admin, nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0]["ran_on"] != "2026-11-27" || list.Items[0]["person_keys_cleared"] != float64(1) ||
		list.Items[0]["enrollments_deleted"] != float64(2) {
		t.Fatalf("runs %v", list.Items)
	}
	env.MustJSON(t, "GET", "/api/collections/gallring_runs/records", lead, nil, 200, &list)
	if len(list.Items) != 0 {
		t.Fatalf("a lead reads the runs: %v", list.Items)
	}

	// A second run the same day finds nothing more.
	res, err = gallring.Run(context.Background(), env.Core, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.ContactNotes+res.SessionNotes+res.PersonKeys+res.FollowUps+res.Enrollments != 0 {
		t.Fatalf("second run %+v", res)
	}
}

// Notes cleared inside the field window reach the team's tablets by sync;
// older ones do not show up in anyone's pull.
func TestGallringInsideTheFieldWindowSyncs(t *testing.T) {
	env := newEnv(t)
	mika := env.TeamID(t, "mika")
	_, dev := env.Device(t, mika, "Platta")
	inWindow := contact(t, env, mika, clock.AddDate(0, 0, -45).Format(time.DateOnly), "anteckning i fönstret", "")
	older := contact(t, env, mika, clock.AddDate(0, 0, -90).Format(time.DateOnly), "äldre anteckning", "")
	olderSeq := field_(t, env, "contacts", older, "seq")

	var first struct {
		Timestamp int64 `json:"timestamp"`
	}
	env.MustJSON(t, "GET", "/api/field/sync?schema_version=2&last_pulled_at=0", dev, nil, 200, &first)

	cfg := env.Uppsok.Gallring
	cfg.NotesMonths = 1
	cfg.WindowDays = 60
	res, err := gallring.Run(context.Background(), env.Core, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.ContactNotes != 2 || res.InWindow != 1 {
		t.Fatalf("run %+v", res)
	}
	if field_(t, env, "contacts", older, "seq") != olderSeq {
		t.Error("the older record took a cursor value")
	}

	var pull struct {
		Changes map[string]struct {
			Updated []map[string]any `json:"updated"`
		} `json:"changes"`
	}
	env.MustJSON(t, "GET", fmt.Sprintf("/api/field/sync?schema_version=2&last_pulled_at=%d", first.Timestamp), dev, nil, 200, &pull)
	got := pull.Changes["contacts"].Updated
	if len(got) != 1 || got[0]["id"] != inWindow || got[0]["notes"] != "" {
		t.Fatalf("pull after gallring: %v", got)
	}
}

// Stored notes are screened again once: inside the window through sync,
// older ones in place; the second start does nothing.
func TestStoredNotesScreenedAgainOnce(t *testing.T) {
	env := newEnv(t)
	mika := env.TeamID(t, "mika")
	_, dev := env.Device(t, mika, "Platta")
	recent := contact(t, env, mika, "2026-11-20", "Hon heter Ahmed, ring ٠٧٠١٢٣٤٥٦٧", "")
	older := contact(t, env, mika, "2026-01-10", "mejla anna at gmail dot com", "")
	clean := contact(t, env, mika, "2026-11-21", "Stället heter Oasen, kl 22-02.", "")
	olderSeq := field_(t, env, "contacts", older, "seq")
	var first struct {
		Timestamp int64 `json:"timestamp"`
	}
	env.MustJSON(t, "GET", "/api/field/sync?schema_version=2&last_pulled_at=0", dev, nil, 200, &first)

	// The test env already ran the job at start (on no notes): forget it.
	if _, err := env.Core.DB().NewQuery("DELETE FROM _uppsok_jobs").Execute(); err != nil {
		t.Fatal(err)
	}
	n, ran, err := gallring.RescreenOnce(env.Core, env.Uppsok.Gallring)
	if err != nil || !ran || n != 2 {
		t.Fatalf("rescreen: %d %v %v", n, ran, err)
	}
	if got := field_(t, env, "contacts", recent, "notes"); got != "Hon heter [borttaget], ring [borttaget]" {
		t.Errorf("recent: %q", got)
	}
	if got := field_(t, env, "contacts", older, "notes"); got != "mejla [borttaget]" {
		t.Errorf("older: %q", got)
	}
	if got := field_(t, env, "contacts", clean, "notes"); got != "Stället heter Oasen, kl 22-02." {
		t.Errorf("ordinary note changed: %q", got)
	}
	if field_(t, env, "contacts", older, "seq") != olderSeq {
		t.Error("the older record took a cursor value")
	}
	var pull struct {
		Changes map[string]struct {
			Updated []map[string]any `json:"updated"`
		} `json:"changes"`
	}
	env.MustJSON(t, "GET", fmt.Sprintf("/api/field/sync?schema_version=2&last_pulled_at=%d", first.Timestamp), dev, nil, 200, &pull)
	if got := pull.Changes["contacts"].Updated; len(got) != 1 || got[0]["id"] != recent {
		t.Fatalf("pull after rescreen: %v", got)
	}
	if _, ran, err := gallring.RescreenOnce(env.Core, env.Uppsok.Gallring); err != nil || ran {
		t.Fatalf("second rescreen ran=%v err=%v", ran, err)
	}
}

// A follow-up a lead marks done today keeps its five years even when the
// decision date the lead gives lies further back (a decision recorded
// late, or a mistyped year): gallring counts from when it was done, never
// deletes it the night after.
func TestGallringKeepsAFollowUpDoneTodayWithAnOldDecisionDate(t *testing.T) {
	env := newEnv(t)
	mika := env.TeamID(t, "mika")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	child := contact(t, env, mika, "2026-11-26", "", "")
	rec, err := env.Core.FindRecordById("contacts", child)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("age_band", "15_17")
	rec.Set("role", "sells_sex")
	if err := env.Core.Save(rec); err != nil {
		t.Fatal(err)
	}
	fu, err := env.Core.FindFirstRecordByData("follow_ups", "contact", child)
	if err != nil {
		t.Fatalf("the child contact raised no follow-up: %v", err)
	}
	env.MustJSON(t, "PATCH", "/api/collections/follow_ups/records/"+fu.Id, lead,
		map[string]any{"status": "done", "decision": "already_known", "decided_on": "2020-03-01"}, 200, nil)

	res, err := gallring.Run(context.Background(), env.Core, env.Uppsok.Gallring, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.FollowUps != 0 || !exists(t, env, "follow_ups", fu.Id) {
		t.Fatalf("the follow-up done today was deleted (%+v)", res)
	}
}

// An old record that no longer passes today's validation (a code since
// removed from its list, written by an earlier release) must not stop the
// one-time screening, and so the server's start: only its note changes.
func TestRescreenSurvivesARecordThatNoLongerValidates(t *testing.T) {
	env := newEnv(t)
	mika := env.TeamID(t, "mika")
	id := contact(t, env, mika, "2026-11-20", "ring 070-123 45 67", "")
	if _, err := env.Core.DB().NewQuery("UPDATE contacts SET daypart = 'code_from_an_old_release' WHERE id = {:id}").
		Bind(dbx.Params{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Core.DB().NewQuery("DELETE FROM _uppsok_jobs").Execute(); err != nil {
		t.Fatal(err)
	}
	n, ran, err := gallring.RescreenOnce(env.Core, env.Uppsok.Gallring)
	if err != nil || !ran || n != 1 {
		t.Fatalf("rescreen with an old invalid record: %d %v %v", n, ran, err)
	}
	if got := field_(t, env, "contacts", id, "notes"); got != "ring [borttaget]" {
		t.Errorf("note: %q", got)
	}
}
