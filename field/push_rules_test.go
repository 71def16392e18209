package field_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"uppsok/field"
	"uppsok/internal/testenv"
)

func decodePush(t *testing.T, data []byte) pushResp {
	t.Helper()
	var pr pushResp
	if err := json.Unmarshal(data, &pr); err != nil {
		t.Fatalf("decode push response %s: %v", data, err)
	}
	return pr
}

func mustPush(t *testing.T, env *testenv.Env, tok string, last int64, created, updated []map[string]any, deleted []string) pushResp {
	t.Helper()
	st, data := push(t, env, tok, last, created, updated, deleted, nil)
	if st != 200 {
		t.Fatalf("push: %d %s", st, data)
	}
	return decodePush(t, data)
}

func setup(t *testing.T) (*testenv.Env, string, string) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Platta")
	return env, team, tok
}

func TestPushSanitizesInsteadOfFailing(t *testing.T) {
	env, _, tok := setup(t)
	scenarios := []struct {
		name    string
		over    map[string]any
		field   string // reported in sanitized
		stored  string // record field checked
		want    any
		wantStr string
	}{
		{"invalid code becomes unknown", map[string]any{"channel": "teleport"}, "channel", "channel", "unknown", ""},
		{"wrong type becomes unknown", map[string]any{"gender": 7}, "gender", "gender", "unknown", ""},
		{"invalid set member dropped", map[string]any{"indicators": `["debt","aliens","debt"]`}, "indicators", "control", nil, `["debt"]`},
		{"plain JSON array accepted", map[string]any{"actions": []string{"support_talk"}}, "", "actions", nil, `["support_talk"]`},
		{"future date clamped", map[string]any{"occurred_on": "2999-01-01"}, "occurred_on", "occurred_on", today(), ""},
		{"bad date replaced", map[string]any{"occurred_on": "27/11/2026"}, "occurred_on", "occurred_on", today(), ""},
		{"cards clamped", map[string]any{"cards_given": 5000}, "cards_given", "cards_given", 100, ""},
		{"negative cards clamped", map[string]any{"cards_given": -3}, "cards_given", "cards_given", 0, ""},
		{"bad language dropped", map[string]any{"language": "svenska"}, "language", "language", "", ""},
		{"phone in notes removed", map[string]any{"notes": "ring 070-123 45 67"}, "notes", "notes", "ring [borttaget]", ""},
		{"pnr in notes removed", map[string]any{"notes": "pnr 19900101-0017"}, "notes", "notes", "pnr [borttaget]", ""},
		{"long notes cut", map[string]any{"notes": strings.Repeat("a", 800)}, "notes", "notes", strings.Repeat("a", 500), ""},
		{"unknown column ignored", map[string]any{"favourite_colour": "blå"}, "favourite_colour", "", nil, ""},
		{"proto key ignored", map[string]any{"__proto__": map[string]any{"admin": true}}, "__proto__", "", nil, ""},
		{"server-owned team ignored silently", map[string]any{"team_id": "someoneelse"}, "", "team", nil, ""},
		{"worker of another team cleared", map[string]any{"worker_id": "zzzzzzzzzzzzzzz"}, "worker_id", "worker", "", ""},
		{"unknown session cleared", map[string]any{"session_id": uuid.NewString()}, "session_id", "session", "", ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			id := uuid.NewString()
			pr := mustPush(t, env, tok, 0, []map[string]any{contact(id, s.over)}, nil, nil)
			rec, err := env.App.FindRecordById("contacts", id)
			if err != nil {
				t.Fatalf("record not stored: %v", err)
			}
			got := pr.Sanitized["contacts"][id]
			if s.field != "" {
				if !contains(got, s.field) {
					t.Errorf("sanitized %v, want %s reported", got, s.field)
				}
			} else if len(got) != 0 {
				t.Errorf("sanitized %v, want nothing reported", got)
			}
			switch {
			case s.stored == "team":
				if rec.GetString("team") != env.TeamID(t, "mika") {
					t.Errorf("team overwritten by client")
				}
			case s.wantStr != "":
				b, _ := json.Marshal(rec.GetStringSlice(s.stored))
				if string(b) != s.wantStr {
					t.Errorf("%s = %s, want %s", s.stored, b, s.wantStr)
				}
			case s.stored != "":
				if fmt.Sprint(rec.Get(s.stored)) != fmt.Sprint(s.want) {
					t.Errorf("%s = %v, want %v", s.stored, rec.Get(s.stored), s.want)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestPushRejectsWhatCannotBeStored(t *testing.T) {
	env, _, tok := setup(t)
	kast := env.TeamID(t, "kast")
	_, kastTok := env.Device(t, kast, "KAST-platta")
	foreign := uuid.NewString()
	mustPush(t, env, kastTok, 0, []map[string]any{contact(foreign, nil)}, nil, nil)

	good := uuid.NewString()
	upper := strings.ToUpper(uuid.NewString())
	v7 := "018f3b2e-7c4a-7d2e-9b1a-3c5d7e9f1a2b"
	body := map[string]any{
		"changes": map[string]any{
			"contacts": map[string]any{
				"created": []any{
					contact(good, nil),
					contact(upper, nil),
					contact(v7, nil),
					contact("not-a-uuid", nil),
					map[string]any{"id": 12},
					"just a string",
				},
				"updated": []any{contact(foreign, map[string]any{"notes": "kapning"})},
				"deleted": []any{foreign},
			},
			"teams":   map[string]any{"created": []any{map[string]any{"id": "t1", "name": "Nytt team"}}, "updated": []any{}, "deleted": []any{}},
			"workers": map[string]any{"created": []any{}, "updated": []any{}, "deleted": []any{"w1"}},
		},
		"last_pulled_at": 0,
	}
	st, data, _ := env.Do(t, "POST", "/api/field/sync", tok, body, nil)
	if st != 200 {
		t.Fatalf("push: %d %s", st, data)
	}
	pr := decodePush(t, data)
	for _, id := range []string{upper, v7, "not-a-uuid", "12", foreign} {
		if !contains(pr.Rejected["contacts"], id) {
			t.Errorf("contacts: %q not rejected (%v)", id, pr.Rejected["contacts"])
		}
	}
	if !contains(pr.Rejected["teams"], "t1") || !contains(pr.Rejected["workers"], "w1") {
		t.Errorf("pull-only tables not rejected: %v", pr.Rejected)
	}
	if _, err := env.App.FindRecordById("contacts", good); err != nil {
		t.Errorf("the good record was not applied")
	}
	f, err := env.App.FindRecordById("contacts", foreign)
	if err != nil || f.GetString("notes") == "kapning" || f.GetString("team") != kast {
		t.Errorf("another team's record was changed or deleted")
	}
	if n, _ := env.App.CountRecords("teams"); n != 7 {
		t.Errorf("teams: %d, want 7", n)
	}
}

func TestDuplicateIdsInOnePushApplyOnce(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	pr := mustPush(t, env, tok, 0,
		[]map[string]any{contact(id, map[string]any{"cards_given": 1}), contact(id, map[string]any{"cards_given": 2})},
		[]map[string]any{contact(id, map[string]any{"cards_given": 3})}, nil)
	if len(pr.Rejected) != 0 {
		t.Fatalf("rejected %v", pr.Rejected)
	}
	rec, err := env.App.FindRecordById("contacts", id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetInt("cards_given") != 3 {
		t.Errorf("cards_given %d, want the last occurrence (3)", rec.GetInt("cards_given"))
	}
	if n, _ := env.App.CountRecords("contacts"); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}
}

func TestTombstonesNeverResurrect(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	mustPush(t, env, tok, 0, []map[string]any{contact(id, nil)}, nil, nil)
	p1 := pull(t, env, tok, 0)

	pr := mustPush(t, env, tok, p1.Timestamp, nil, nil, []string{id, uuid.NewString()})
	if len(pr.Rejected) != 0 {
		t.Fatalf("deleting: rejected %v (unknown ids are ignored)", pr.Rejected)
	}
	if _, err := env.App.FindRecordById("contacts", id); err == nil {
		t.Fatal("record still there after delete")
	}
	p2 := pull(t, env, tok, p1.Timestamp)
	if !contains(p2.Changes["contacts"].Deleted, id) {
		t.Errorf("pull lists deleted %v, want %s", p2.Changes["contacts"].Deleted, id)
	}

	pr = mustPush(t, env, tok, p2.Timestamp, []map[string]any{contact(id, nil)}, []map[string]any{contact(id, nil)}, nil)
	if !contains(pr.Rejected["contacts"], id) {
		t.Errorf("re-creating a tombstoned id was not rejected: %v", pr.Rejected)
	}
	if _, err := env.App.FindRecordById("contacts", id); err == nil {
		t.Error("tombstoned record brought back")
	}
}

func TestConflictFailsWholePush(t *testing.T) {
	env, team, tokA := setup(t)
	_, tokB := env.Device(t, team, "Platta B")
	id := uuid.NewString()
	mustPush(t, env, tokA, 0, []map[string]any{contact(id, nil)}, nil, nil)
	base := pull(t, env, tokA, 0).Timestamp

	// A changes the record; B, still at base, changes it too.
	mustPush(t, env, tokA, base, nil, []map[string]any{contact(id, map[string]any{"cards_given": 2})}, nil)
	other := uuid.NewString()
	st, data := push(t, env, tokB, base, []map[string]any{contact(other, nil)},
		[]map[string]any{contact(id, map[string]any{"cards_given": 9})}, nil, nil)
	if st != http.StatusConflict {
		t.Fatalf("stale push: %d %s, want 409", st, data)
	}
	var e struct {
		Data struct {
			Conflicts map[string][]string `json:"conflicts"`
		} `json:"data"`
	}
	json.Unmarshal(data, &e)
	if !contains(e.Data.Conflicts["contacts"], id) {
		t.Errorf("conflicts %v, want %s", e.Data.Conflicts, id)
	}
	if _, err := env.App.FindRecordById("contacts", other); err == nil {
		t.Error("a record of the conflicting push was applied")
	}
	rec, _ := env.App.FindRecordById("contacts", id)
	if rec.GetInt("cards_given") != 2 {
		t.Errorf("cards_given %d, want A's 2", rec.GetInt("cards_given"))
	}
}

// TestTwoDevicesConverge: two tablets edit one contact offline; the second
// push gets 409, pulls, merges and pushes again; all end in the same state.
func TestTwoDevicesConverge(t *testing.T) {
	env, team, tokA := setup(t)
	_, tokB := env.Device(t, team, "Platta B")
	id := uuid.NewString()
	mustPush(t, env, tokA, 0, []map[string]any{contact(id, nil)}, nil, nil)

	// Both tablets hold the record.
	localA := map[string]map[string]any{}
	localB := map[string]map[string]any{}
	pa, pb := pull(t, env, tokA, 0), pull(t, env, tokB, 0)
	for _, r := range pa.Changes["contacts"].Updated {
		localA[r["id"].(string)] = r
	}
	for _, r := range pb.Changes["contacts"].Updated {
		localB[r["id"].(string)] = r
	}
	// Offline edits of different fields.
	recA := clone(localA[id])
	recA["cards_given"] = 4
	recB := clone(localB[id])
	recB["actions"] = `["support_talk"]`

	mustPush(t, env, tokA, pa.Timestamp, nil, []map[string]any{recA}, nil)
	if st, data := push(t, env, tokB, pb.Timestamp, nil, []map[string]any{recB}, nil, nil); st != http.StatusConflict {
		t.Fatalf("B's stale push: %d %s", st, data)
	}
	// B pulls, merges its local change over the server's version (per
	// column, as WatermelonDB does), and pushes again.
	pb2 := pull(t, env, tokB, pb.Timestamp)
	server := pb2.Changes["contacts"].Updated[0]
	merged := clone(server)
	merged["actions"] = recB["actions"]
	mustPush(t, env, tokB, pb2.Timestamp, nil, []map[string]any{merged}, nil)

	finalA := pull(t, env, tokA, pa.Timestamp).Changes["contacts"].Updated
	finalB := pull(t, env, tokB, pb2.Timestamp).Changes["contacts"].Updated
	if len(finalA) != 1 || len(finalB) != 1 {
		t.Fatalf("final pulls: %d and %d records", len(finalA), len(finalB))
	}
	rec, _ := env.App.FindRecordById("contacts", id)
	for name, r := range map[string]map[string]any{"A": finalA[0], "B": finalB[0]} {
		if r["cards_given"] != float64(4) || r["actions"] != `["support_talk"]` {
			t.Errorf("%s ends with %v / %v", name, r["cards_given"], r["actions"])
		}
	}
	if rec.GetInt("cards_given") != 4 || strings.Join(rec.GetStringSlice("actions"), ",") != "support_talk" {
		t.Errorf("server ends with %v", rec.FieldsData())
	}
}

func clone(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestIdempotentReplay(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	key := map[string]string{"Idempotency-Key": uuid.NewString()}
	created := []map[string]any{contact(id, map[string]any{"notes": "ring 070-123 45 67"})}
	st1, body1 := push(t, env, tok, 0, created, nil, nil, key)
	if st1 != 200 {
		t.Fatalf("first: %d %s", st1, body1)
	}
	cursorAfterFirst := pull(t, env, tok, 0).Timestamp

	// The response was lost; the tablet retries the same push.
	st2, body2 := push(t, env, tok, 0, created, nil, nil, key)
	if st2 != st1 || string(body2) != string(body1) {
		t.Fatalf("replay: %d %s, want %d %s", st2, body2, st1, body1)
	}
	if c := pull(t, env, tok, 0).Timestamp; c != cursorAfterFirst {
		t.Errorf("replay applied again: cursor %d -> %d", cursorAfterFirst, c)
	}
	// Same key, different body: 422.
	st3, body3 := push(t, env, tok, 0, []map[string]any{contact(uuid.NewString(), nil)}, nil, nil, key)
	if st3 != http.StatusUnprocessableEntity {
		t.Errorf("same key, other body: %d %s", st3, body3)
	}
	// The key is per principal: another device may use the same key.
	_, other := env.Device(t, env.TeamID(t, "mika"), "B")
	if st, data := push(t, env, other, 0, []map[string]any{contact(uuid.NewString(), nil)}, nil, nil, key); st != 200 {
		t.Errorf("same key, other device: %d %s", st, data)
	}
	if n, _ := env.App.CountRecords("contacts"); n != 2 {
		t.Errorf("%d contacts, want 2", n)
	}
}

func TestRetryWithoutKeyStoresOneRecord(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	mustPush(t, env, tok, 0, []map[string]any{contact(id, nil)}, nil, nil)
	// Without a key, the retry is an upsert of the same id. Its cursor is the
	// one the tablet had before the lost response, so it is a conflict only
	// if the record changed since; here it did (the first push), and the
	// tablet pulls first, as WatermelonDB's synchronize always does.
	p := pull(t, env, tok, 0)
	mustPush(t, env, tok, p.Timestamp, []map[string]any{contact(id, nil)}, nil, nil)
	if n, _ := env.App.CountRecords("contacts"); n != 1 {
		t.Errorf("%d contacts after retry, want 1", n)
	}
}

func TestPushLimits(t *testing.T) {
	env, _, tok := setup(t)
	many := make([]map[string]any, 2001)
	for i := range many {
		many[i] = contact(uuid.NewString(), nil)
	}
	if st, data := push(t, env, tok, 0, many, nil, nil, nil); st != http.StatusRequestEntityTooLarge {
		t.Errorf("2001 records: %d %s", st, data[:min(200, len(data))])
	}
	huge := contact(uuid.NewString(), map[string]any{"notes": strings.Repeat("x", 6<<20)})
	if st, _ := push(t, env, tok, 0, []map[string]any{huge}, nil, nil, nil); st != http.StatusRequestEntityTooLarge {
		t.Errorf("6 MB push: %d", st)
	}
	if n, _ := env.App.CountRecords("contacts"); n != 0 {
		t.Errorf("%d contacts stored from refused pushes", n)
	}
	// A large string within the limit is cut, not refused.
	big := contact(uuid.NewString(), map[string]any{"notes": strings.Repeat("y", 1<<20)})
	if pr := mustPush(t, env, tok, 0, []map[string]any{big}, nil, nil); !contains(pr.Sanitized["contacts"][big["id"].(string)], "notes") {
		t.Error("1 MB note not reported as sanitized")
	}
}

func TestMalformedPushes(t *testing.T) {
	env, _, tok := setup(t)
	for name, body := range map[string]string{
		"not json":           `{"changes":`,
		"array":              `[1,2,3]`,
		"no changes":         `{"last_pulled_at": 1}`,
		"table not object":   `{"changes": {"contacts": 5}}`,
		"created not list":   `{"changes": {"contacts": {"created": {"id": "x"}}}}`,
		"negative cursor":    `{"changes": {}, "last_pulled_at": -1}`,
		"string cursor":      `{"changes": {}, "last_pulled_at": "abc"}`,
		"fraction cursor":    `{"changes": {}, "last_pulled_at": 1.5}`,
		"trailing garbage":   `{"changes": {}} {}`,
		"changes not object": `{"changes": []}`,
	} {
		t.Run(name, func(t *testing.T) {
			st, data, _ := env.Do(t, "POST", "/api/field/sync", tok, body, nil)
			if st != http.StatusBadRequest {
				t.Errorf("%d %s, want 400", st, data)
			}
		})
	}
}

func TestSchemaVersions(t *testing.T) {
	env, _, tok := setup(t)
	if st, data, _ := env.Do(t, "GET", "/api/field/sync?schema_version=0", tok, nil, nil); st != http.StatusUpgradeRequired || !strings.Contains(string(data), "uppdateras") {
		t.Errorf("old app pull: %d %s, want 426", st, data)
	}
	if st, _, _ := env.Do(t, "POST", "/api/field/sync?schema_version=0", tok, `{"changes":{}}`, nil); st != http.StatusUpgradeRequired {
		t.Errorf("old app push: %d, want 426", st)
	}
	var v1 pullResp
	env.MustJSON(t, "GET", "/api/field/sync?schema_version=1", tok, nil, 200, &v1)
	if _, ok := v1.Changes["info_cards"]; ok {
		t.Error("schema 1 client got info_cards (added in 2)")
	}
	var v9 pullResp
	env.MustJSON(t, "GET", "/api/field/sync?schema_version=9", tok, nil, 200, &v9)
	if _, ok := v9.Changes["info_cards"]; !ok {
		t.Error("newer client did not get the newest tables")
	}
}

func TestMigrationSyncSendsNewTablesWhole(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	mustPush(t, env, tok, 0, []map[string]any{contact(id, nil)}, nil, nil)
	p := pull(t, env, tok, 0)
	mig := `{"from":1,"tables":["info_cards"],"columns":[]}`
	var out pullResp
	env.MustJSON(t, "GET", fmt.Sprintf("/api/field/sync?schema_version=2&last_pulled_at=%d&migration=%s", p.Timestamp, mig), tok, nil, 200, &out)
	if _, ok := out.Changes["info_cards"]; !ok {
		t.Error("migration sync lacks the new table")
	}
	if len(out.Changes["contacts"].Updated) != 0 {
		t.Error("migration sync resent unchanged contacts of an old table")
	}
	mig = `{"from":1,"tables":[],"columns":[{"table":"contacts","columns":["interpreter"]}]}`
	env.MustJSON(t, "GET", fmt.Sprintf("/api/field/sync?schema_version=2&last_pulled_at=%d&migration=%s", p.Timestamp, mig), tok, nil, 200, &out)
	if len(out.Changes["contacts"].Updated) != 1 {
		t.Error("a new column did not resend its table")
	}
	if st, _, _ := env.Do(t, "GET", "/api/field/sync?migration=%7Bbad", tok, nil, nil); st != 400 {
		t.Errorf("bad migration: %d", st)
	}
}

func TestFirstSyncWindowAndIncrementalPulls(t *testing.T) {
	env, team, tok := setup(t)
	col, _ := env.App.FindCollectionByNameOrId("contacts")
	old := core.NewRecord(col)
	old.Set("id", uuid.NewString())
	old.Set("team", team)
	old.Set("occurred_on", time.Now().AddDate(0, 0, -60).Format(time.DateOnly))
	for _, f := range []string{"daypart", "channel", "area", "arena", "role", "age_band", "gender", "origin_region", "assessment"} {
		old.Set(f, "unknown")
	}
	if err := env.App.Save(old); err != nil {
		t.Fatal(err)
	}
	recent := uuid.NewString()
	mustPush(t, env, tok, 0, []map[string]any{contact(recent, nil)}, nil, nil)

	first := pull(t, env, tok, 0)
	if got := ids(first.Changes["contacts"].Updated); len(got) != 1 || got[0] != recent {
		t.Errorf("first sync %v, want only the recent contact", got)
	}
	// An edit of the old contact (e.g. in the dashboard) reaches the tablet.
	old.Set("cards_given", 3)
	if err := env.App.Save(old); err != nil {
		t.Fatal(err)
	}
	next := pull(t, env, tok, first.Timestamp)
	if got := ids(next.Changes["contacts"].Updated); len(got) != 1 || got[0] != old.Id {
		t.Errorf("incremental pull %v, want the edited old contact", got)
	}
	if len(next.Changes["contacts"].Created) != 0 {
		t.Error("created must stay empty (sendCreatedAsUpdated)")
	}
	// Nothing changed: nothing sent, cursor unchanged.
	again := pull(t, env, tok, next.Timestamp)
	if len(again.Changes["contacts"].Updated) != 0 || again.Timestamp != next.Timestamp {
		t.Errorf("idle pull sent %d records, cursor %d -> %d", len(again.Changes["contacts"].Updated), next.Timestamp, again.Timestamp)
	}
	// Another team's changes never reach this tablet.
	_, kastTok := env.Device(t, env.TeamID(t, "kast"), "K")
	mustPush(t, env, kastTok, 0, []map[string]any{contact(uuid.NewString(), nil)}, nil, nil)
	if got := pull(t, env, tok, again.Timestamp).Changes["contacts"].Updated; len(got) != 0 {
		t.Errorf("got another team's contacts: %v", ids(got))
	}
}

func TestCursorBelowHorizonGetsReplacement(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	mustPush(t, env, tok, 0, []map[string]any{contact(id, nil)}, nil, nil)
	p := pull(t, env, tok, 0)
	mustPush(t, env, tok, p.Timestamp, nil, nil, []string{id})
	if _, err := env.App.DB().NewQuery("UPDATE _uppsok_cursor SET horizon = value").Execute(); err != nil {
		t.Fatal(err)
	}
	out := pull(t, env, tok, p.Timestamp)
	if out.Strategy != "replacement" {
		t.Errorf("cursor below the tombstone horizon: strategy %q, want replacement", out.Strategy)
	}
}

func TestRevokedAndExpiredTokens(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	devID, tok := env.Device(t, mika, "Platta")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	_, otherLead := env.User(t, "lead@kast.se", "lead", env.TeamID(t, "kast"))
	_, worker := env.User(t, "w@mika.se", "worker", mika)

	if st, _, _ := env.Do(t, "POST", "/api/field/devices/"+devID+"/revoke", worker, nil, nil); st == 204 {
		t.Fatal("a worker revoked a device")
	}
	if st, _, _ := env.Do(t, "POST", "/api/field/devices/"+devID+"/revoke", otherLead, nil, nil); st != 404 {
		t.Fatalf("another team's lead: %d, want 404", st)
	}
	if st, data, _ := env.Do(t, "POST", "/api/field/devices/"+devID+"/revoke", lead, nil, nil); st != 204 {
		t.Fatalf("revoke: %d %s", st, data)
	}
	for _, call := range []struct{ method, path string }{
		{"GET", "/api/field/sync"},
		{"POST", "/api/field/sync"},
		{"GET", "/api/collections/contacts/records"},
		{"POST", "/api/collections/devices/auth-refresh"},
	} {
		st, data, _ := env.Do(t, call.method, call.path, tok, `{"changes":{}}`, nil)
		if st != 403 || !strings.Contains(string(data), `"wipe":true`) {
			t.Errorf("%s %s with a revoked token: %d %s, want 403 wipe", call.method, call.path, st, data)
		}
	}
	dev, _ := env.App.FindRecordById("devices", devID)
	if dev.GetDateTime("revoked_at").IsZero() || dev.GetDateTime("last_seen").IsZero() {
		t.Error("revoked_at / last_seen not recorded")
	}

	// An expired token of a live device: 401, no wipe.
	devID2, _ := env.Device(t, mika, "Platta 2")
	dev2, _ := env.App.FindRecordById("devices", devID2)
	expired, err := security.NewJWT(map[string]any{
		core.TokenClaimType: core.TokenTypeAuth, core.TokenClaimId: dev2.Id,
		core.TokenClaimCollectionId: dev2.Collection().Id, core.TokenClaimRefreshable: true,
	}, dev2.TokenKey()+dev2.Collection().AuthToken.Secret, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if st, data, _ := env.Do(t, "GET", "/api/field/sync", expired, nil, nil); st != 401 || strings.Contains(string(data), "wipe") {
		t.Errorf("expired token: %d %s, want 401", st, data)
	}
	if st, _, _ := env.Do(t, "GET", "/api/field/sync", "", nil, nil); st != 401 {
		t.Errorf("no token: %d, want 401", st)
	}
}

func TestEnrollment(t *testing.T) {
	clock := testenv.NewClock(time.Now())
	env := testenv.NewWith(t, testenv.Options{Now: clock.Now})
	mika := env.TeamID(t, "mika")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	_, worker := env.User(t, "w@mika.se", "worker", mika)
	_, kastLead := env.User(t, "lead@kast.se", "lead", env.TeamID(t, "kast"))

	// A lead who forgets the team is told so, not that they lack the right.
	if st, data, _ := env.Do(t, "POST", "/api/field/enrollments", lead, map[string]any{"label": "Surfplatta 3"}, nil); st != 400 || !strings.Contains(string(data), "team_id") {
		t.Errorf("enrollment without team_id: %d %s, want 400 naming team_id", st, data)
	}
	body := map[string]any{"team_id": mika, "label": "Surfplatta 3"}
	if st, _, _ := env.Do(t, "POST", "/api/field/enrollments", worker, body, nil); st != 403 {
		t.Errorf("worker created an enrollment: %d", st)
	}
	if st, _, _ := env.Do(t, "POST", "/api/field/enrollments", kastLead, body, nil); st != 403 {
		t.Errorf("another team's lead created an enrollment: %d", st)
	}
	var enr struct {
		ID, Code, ExpiresAt, EnrollURL, QrPngURL string
	}
	var raw map[string]string
	env.MustJSON(t, "POST", "/api/field/enrollments", lead, body, 201, &raw)
	enr.ID, enr.Code, enr.EnrollURL, enr.QrPngURL = raw["id"], raw["code"], raw["enroll_url"], raw["qr_png_url"]
	if enr.Code == "" || !strings.Contains(enr.EnrollURL, enr.Code) || raw["expires_at"] == "" {
		t.Fatalf("enrollment response %v", raw)
	}
	st, png, hdr := env.Do(t, "GET", enr.QrPngURL, "", nil, nil)
	if st != 200 || hdr.Get("Content-Type") != "image/png" || len(png) < 100 {
		t.Fatalf("qr: %d %s", st, hdr.Get("Content-Type"))
	}
	if r, err := env.App.FindRecordById("enrollments", enr.ID); err != nil || strings.Contains(fmt.Sprint(r.FieldsData()), enr.Code) {
		t.Error("the code is stored in clear")
	}

	var dev struct {
		Token  string `json:"token"`
		Device struct {
			ID     string `json:"id"`
			TeamID string `json:"team_id"`
			Label  string `json:"label"`
		} `json:"device"`
	}
	env.MustJSON(t, "POST", "/api/field/enroll", "", map[string]any{"code": strings.ToLower(enr.Code)}, 201, &dev)
	if dev.Device.TeamID != mika || dev.Device.Label != "Surfplatta 3" || dev.Token == "" {
		t.Errorf("device %+v", dev.Device)
	}
	if st, data, _ := env.Do(t, "GET", "/api/field/sync", dev.Token, nil, nil); st != 200 {
		t.Errorf("new device cannot sync: %d %s", st, data)
	}

	// Reused, wrong and expired codes all get the same 400.
	var enr2 map[string]string
	env.MustJSON(t, "POST", "/api/field/enrollments", lead, body, 201, &enr2)
	clock.Add(16 * time.Minute)
	answers := map[string]string{}
	for name, code := range map[string]string{"reused": enr.Code, "wrong": "ABCDEFGHJK", "expired": enr2["code"], "empty": ""} {
		st, data, _ := env.Do(t, "POST", "/api/field/enroll", "", map[string]any{"code": code}, nil)
		if st != 400 {
			t.Errorf("%s code: %d", name, st)
		}
		answers[string(data)] = name
	}
	if len(answers) != 1 {
		t.Errorf("different answers for bad codes: %v", answers)
	}
	if n, _ := env.App.CountRecords("devices"); n != 1 {
		t.Errorf("%d devices, want 1", n)
	}
}

func TestPruneTombstonesMovesTheHorizon(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	mustPush(t, env, tok, 0, []map[string]any{contact(id, nil)}, nil, nil)
	p := pull(t, env, tok, 0)
	mustPush(t, env, tok, p.Timestamp, nil, nil, []string{id})
	p2 := pull(t, env, tok, p.Timestamp)

	// Within retention nothing is pruned.
	if n, err := field.PruneTombstones(env.Core, time.Now(), 400*24*time.Hour); err != nil || n != 0 {
		t.Fatalf("pruned %d (%v) within retention", n, err)
	}
	if out := pull(t, env, tok, p.Timestamp); out.Strategy != "" || !contains(out.Changes["contacts"].Deleted, id) {
		t.Fatalf("before pruning: %+v", out)
	}
	// 401 days later the tombstone goes, and a tablet that had not pulled
	// since before the delete gets a replacement sync instead of missing it.
	if n, err := field.PruneTombstones(env.Core, time.Now().AddDate(0, 0, 401), 400*24*time.Hour); err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want 1", n, err)
	}
	if out := pull(t, env, tok, p.Timestamp); out.Strategy != "replacement" {
		t.Errorf("stale tablet: strategy %q, want replacement", out.Strategy)
	}
	if out := pull(t, env, tok, p2.Timestamp); out.Strategy != "" {
		t.Errorf("up-to-date tablet: strategy %q, want an ordinary pull", out.Strategy)
	}
}

func TestDeletedReferenceRecordsReachTablets(t *testing.T) {
	env, team, tok := setup(t)
	w, _ := env.User(t, "w@mika.se", "worker", team)
	first := pull(t, env, tok, 0)
	if got := ids(first.Changes["workers"].Updated); !contains(got, w.Id) {
		t.Fatalf("workers %v lack %s", got, w.Id)
	}
	if err := env.Core.Delete(w); err != nil {
		t.Fatal(err)
	}
	next := pull(t, env, tok, first.Timestamp)
	if !contains(next.Changes["workers"].Deleted, w.Id) {
		t.Errorf("deleted worker not in workers.deleted: %v", next.Changes["workers"].Deleted)
	}
	if next.Timestamp <= first.Timestamp {
		t.Errorf("a delete did not advance the cursor")
	}
	// Another team's tablet is not told about this team's worker.
	_, kastTok := env.Device(t, env.TeamID(t, "kast"), "K")
	if got := pull(t, env, kastTok, first.Timestamp).Changes["workers"].Deleted; len(got) != 0 {
		t.Errorf("another team heard of the deleted worker: %v", got)
	}
}
