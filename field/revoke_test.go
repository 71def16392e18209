package field_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"uppsok/internal/testenv"
)

// fullReply is a push reply with the fields issue 10 added.
type fullReply struct {
	Rejected        map[string][]string          `json:"rejected"`
	RejectedReasons map[string]map[string]string `json:"rejected_reasons"`
	FollowupsRaised map[string][]string          `json:"followups_raised"`
	Wipe            bool                         `json:"wipe"`
	KeptAsNew       map[string]map[string]string `json:"kept_as_new"`
}

// errData is the data of an error answer.
type errData struct {
	Status int `json:"status"`
	Data   struct {
		Wipe      bool `json:"wipe"`
		PushFirst bool `json:"push_first"`
	} `json:"data"`
}

func decodeErr(t *testing.T, data []byte) errData {
	t.Helper()
	var e errData
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return e
}

func revoke(t *testing.T, env *testenv.Env, lead, devID string, body any) {
	t.Helper()
	if st, data, _ := env.Do(t, "POST", "/api/field/devices/"+devID+"/revoke", lead, body, nil); st != 204 {
		t.Fatalf("revoke %v: %d %s", body, st, data)
	}
}

// TestRevokeLost: a lost tablet is locked out at once: every call is 403
// wipe, no push gets through.
func TestRevokeLost(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	devID, tok := env.Device(t, mika, "Platta")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)

	if st, data, _ := env.Do(t, "POST", "/api/field/devices/"+devID+"/revoke", lead, map[string]any{"mode": "stolen"}, nil); st != 400 {
		t.Fatalf("unknown mode: %d %s, want 400", st, data)
	}
	revoke(t, env, lead, devID, map[string]any{"mode": "lost"})
	id := uuid.NewString()
	st, data := push(t, env, tok, 0, []map[string]any{contact(id, map[string]any{"age_band": "15_17"})}, nil, nil, nil)
	if e := decodeErr(t, data); st != 403 || !e.Data.Wipe || e.Data.PushFirst {
		t.Fatalf("push of a lost device: %d %s, want 403 wipe without push_first", st, data)
	}
	if _, err := env.App.FindRecordById("contacts", id); err == nil {
		t.Fatal("a lost device's push was stored")
	}
	// A later "returned" does not reopen a lost device.
	revoke(t, env, lead, devID, map[string]any{"mode": "returned"})
	st, data = push(t, env, tok, 0, []map[string]any{contact(id, nil)}, nil, nil, nil)
	if e := decodeErr(t, data); st != 403 || e.Data.PushFirst {
		t.Fatalf("push after lost then returned: %d %s", st, data)
	}
}

// TestRevokeReturned: a returned tablet's unsynced child contact reaches the
// server (with its follow-up) before the tablet wipes; only that one push
// gets through; a conflicting record does not fail it.
func TestRevokeReturned(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	devID, tok := env.Device(t, mika, "Platta")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	_, colleague := env.User(t, "w@mika.se", "worker", mika)

	// Synced earlier: contacts a colleague then edits or deletes on the
	// server.
	shared, merged, gone := uuid.NewString(), uuid.NewString(), uuid.NewString()
	mustPush(t, env, tok, 0, []map[string]any{contact(shared, nil), contact(merged, nil), contact(gone, nil)}, nil, nil)
	before := pull(t, env, tok, 0).Timestamp
	mustPush(t, env, colleague, before, nil, []map[string]any{
		contact(shared, map[string]any{"cards_given": 5}),
		contact(merged, map[string]any{"cards_given": 5, "notes": "Kollegans anteckning"}),
	}, []string{gone})

	revoke(t, env, lead, devID, map[string]any{"mode": "returned"})
	for _, call := range []struct{ method, path string }{
		{"GET", "/api/field/sync"},
		{"GET", "/api/collections/contacts/records"},
		{"POST", "/api/collections/devices/auth-refresh"},
	} {
		st, data, _ := env.Do(t, call.method, call.path, tok, nil, nil)
		if e := decodeErr(t, data); st != 403 || !e.Data.Wipe || !e.Data.PushFirst {
			t.Errorf("%s %s of a returned device: %d %s, want 403 wipe+push_first", call.method, call.path, st, data)
		}
	}

	// The tablet pushes what it holds, and erases itself after: a child
	// contact logged offline; stale edits of the contacts the colleague
	// changed, one naming the columns it changed (_changed), one not; and
	// an edit of the contact the colleague deleted. Nothing may be lost.
	child := uuid.NewString()
	st, data := push(t, env, tok, before,
		[]map[string]any{contact(child, map[string]any{"age_band": "15_17", "role": "sells_sex", "assessment": "none"})},
		[]map[string]any{
			contact(shared, map[string]any{"cards_given": 1}),
			contact(merged, map[string]any{"cards_given": 2, "daypart": "night", "_changed": "daypart"}),
			contact(gone, map[string]any{"cards_given": 3}),
		}, nil, nil)
	if st != 200 {
		t.Fatalf("last push of a returned device: %d %s", st, data)
	}
	var r fullReply
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Wipe || !slices.Contains(r.FollowupsRaised["contacts"], child) || len(r.Rejected["contacts"]) != 0 {
		t.Errorf("reply %s: want wipe, the child's follow-up, nothing rejected", data)
	}
	if _, err := env.App.FindRecordById("contacts", child); err != nil {
		t.Fatal("the returned tablet's child contact did not reach the server")
	}
	// Without _changed: the colleague's version stays, the tablet's is a new record.
	if got, _ := env.App.FindRecordById("contacts", shared); got.GetInt("cards_given") != 5 {
		t.Errorf("the colleague's edit was overwritten: cards_given %d", got.GetInt("cards_given"))
	}
	for old, want := range map[string]int{shared: 1, gone: 3} {
		id := r.KeptAsNew["contacts"][old]
		rec, err := env.App.FindRecordById("contacts", id)
		if err != nil {
			t.Errorf("the tablet's version of %s was not kept as a new record (kept_as_new %v)", old, r.KeptAsNew)
			continue
		}
		if rec.GetInt("cards_given") != want {
			t.Errorf("kept record %s: cards_given %d, want %d", id, rec.GetInt("cards_given"), want)
		}
	}
	// With _changed: merged as pull-merge-push would, the tablet's column wins.
	if got, _ := env.App.FindRecordById("contacts", merged); got.GetString("daypart") != "night" || got.GetInt("cards_given") != 5 || got.GetString("notes") != "Kollegans anteckning" {
		t.Errorf("merged contact: daypart %q cards_given %d notes %q; want the tablet's daypart, the colleague's other columns",
			got.GetString("daypart"), got.GetInt("cards_given"), got.GetString("notes"))
	}
	if n, _ := env.App.CountRecords("follow_ups"); n != 1 {
		t.Errorf("%d follow-ups, want 1", n)
	}

	// Then locked out as a lost one: no second push, no pull.
	st, data = push(t, env, tok, 0, []map[string]any{contact(uuid.NewString(), nil)}, nil, nil, nil)
	if e := decodeErr(t, data); st != 403 || !e.Data.Wipe || e.Data.PushFirst {
		t.Errorf("second push: %d %s, want 403 wipe", st, data)
	}
	if st, data, _ := env.Do(t, "GET", "/api/field/sync", tok, nil, nil); st != 403 || decodeErr(t, data).Data.PushFirst {
		t.Errorf("pull after the last push: %d %s", st, data)
	}
}

// TestRevokeReturnedWindowAndLost: a returned tablet that never pushes is
// locked out after 24 hours; a lead who then finds it lost locks it out at
// once.
func TestRevokeReturnedWindowAndLost(t *testing.T) {
	clock := testenv.NewClock(time.Now())
	env := testenv.NewWith(t, testenv.Options{Now: clock.Now})
	mika := env.TeamID(t, "mika")
	devA, tokA := env.Device(t, mika, "A")
	devB, tokB := env.Device(t, mika, "B")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)

	revoke(t, env, lead, devA, map[string]any{"mode": "returned"})
	revoke(t, env, lead, devB, map[string]any{"mode": "returned"})
	revoke(t, env, lead, devB, map[string]any{"mode": "lost"})
	st, data := push(t, env, tokB, 0, []map[string]any{contact(uuid.NewString(), nil)}, nil, nil, nil)
	if e := decodeErr(t, data); st != 403 || e.Data.PushFirst {
		t.Errorf("returned then lost: %d %s, want 403 wipe", st, data)
	}

	clock.Add(25 * time.Hour)
	id := uuid.NewString()
	st, data = push(t, env, tokA, 0, []map[string]any{contact(id, nil)}, nil, nil, nil)
	if e := decodeErr(t, data); st != 403 || !e.Data.Wipe || e.Data.PushFirst {
		t.Errorf("push after the 24 h window: %d %s, want 403 wipe", st, data)
	}
	if _, err := env.App.FindRecordById("contacts", id); err == nil {
		t.Error("stored a push after the window")
	}
}

// TestDeletedDevice: a device whose record was deleted (not revoked) is
// told to wipe (403), never 401; a made-up device id still gets 401.
func TestDeletedDevice(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	devID, tok := env.Device(t, mika, "Platta")
	_, admin := env.User(t, "admin@stockholm.se", "admin", "")
	env.MustJSON(t, "DELETE", "/api/collections/devices/records/"+devID, admin, nil, 204, nil)

	for _, call := range []struct{ method, path string }{
		{"GET", "/api/field/sync"},
		{"POST", "/api/field/sync"},
		{"POST", "/api/collections/devices/auth-refresh"},
	} {
		st, data, _ := env.Do(t, call.method, call.path, tok, `{"changes":{}}`, nil)
		if e := decodeErr(t, data); st != 403 || !e.Data.Wipe {
			t.Errorf("%s %s of a deleted device: %d %s, want 403 wipe", call.method, call.path, st, data)
		}
	}

	col, _ := env.App.FindCollectionByNameOrId("devices")
	forged, err := security.NewJWT(map[string]any{
		core.TokenClaimType: core.TokenTypeAuth, core.TokenClaimId: "nosuchdevice123",
		core.TokenClaimCollectionId: col.Id, core.TokenClaimRefreshable: true,
	}, "a-secret-the-server-does-not-know-0123456789", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if st, data, _ := env.Do(t, "GET", "/api/field/sync", forged, nil, nil); st != 401 || strings.Contains(string(data), "wipe") {
		t.Errorf("unknown device id: %d %s, want 401", st, data)
	}
}

// TestRejectedReasons: each rejected id says why.
func TestRejectedReasons(t *testing.T) {
	env := testenv.New(t)
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	_, tok := env.Device(t, mika, "A")
	_, colleague := env.Device(t, mika, "B")
	_, other := env.Device(t, kast, "C")

	deleted, theirs := uuid.NewString(), uuid.NewString()
	mustPush(t, env, tok, 0, []map[string]any{contact(deleted, nil)}, nil, nil)
	mustPush(t, env, other, 0, []map[string]any{contact(theirs, nil)}, nil, nil)
	at := pull(t, env, colleague, 0).Timestamp
	mustPush(t, env, colleague, at, nil, nil, []string{deleted}) // a colleague deletes it

	body := map[string]any{
		"changes": map[string]any{
			"contacts": map[string]any{
				"created": []any{contact("NOT-A-UUID", nil)},
				"updated": []any{contact(deleted, map[string]any{"cards_given": 3}), contact(theirs, nil)},
				"deleted": []any{},
			},
			"teams": map[string]any{"created": []any{map[string]any{"id": mika}}, "updated": []any{}, "deleted": []any{}},
		},
		"last_pulled_at": pull(t, env, tok, 0).Timestamp,
	}
	st, data, _ := env.Do(t, "POST", "/api/field/sync?schema_version=2", tok, body, nil)
	if st != 200 {
		t.Fatalf("push: %d %s", st, data)
	}
	var r fullReply
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"contacts": {deleted: "deleted", theirs: "other_team", "NOT-A-UUID": "malformed_id"},
		"teams":    {mika: "read_only_table"},
	}
	for tbl, ids := range want {
		for id, reason := range ids {
			if r.RejectedReasons[tbl][id] != reason {
				t.Errorf("%s %s: reason %q, want %q (reply %s)", tbl, id, r.RejectedReasons[tbl][id], reason, data)
			}
			if !slices.Contains(r.Rejected[tbl], id) {
				t.Errorf("%s %s missing from rejected", tbl, id)
			}
		}
	}
	// Nothing rejected: an empty object, not missing.
	st, data = push(t, env, tok, 0, []map[string]any{contact(uuid.NewString(), nil)}, nil, nil, nil)
	if st != 200 || !strings.Contains(string(data), `"rejected_reasons":{}`) {
		t.Errorf("clean push: %d %s", st, data)
	}
}

// TestEnrollmentLabelOfLead: the label the lead gave wins over the
// tablet's; the tablet's is used only when the lead gave none.
func TestEnrollmentLabelOfLead(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	for _, c := range []struct{ lead, tablet, want string }{
		{"Surfplatta 3", "Galaxy Tab A8", "Surfplatta 3"},
		{"", "Galaxy Tab A8", "Galaxy Tab A8"},
	} {
		var enr map[string]string
		env.MustJSON(t, "POST", "/api/field/enrollments", lead, map[string]any{"team_id": mika, "label": c.lead}, 201, &enr)
		var out struct {
			Device struct {
				ID    string `json:"id"`
				Label string `json:"label"`
			} `json:"device"`
		}
		env.MustJSON(t, "POST", "/api/field/enroll", "", map[string]any{"code": enr["code"], "label": c.tablet}, 201, &out)
		dev, _ := env.App.FindRecordById("devices", out.Device.ID)
		if out.Device.Label != c.want || dev.GetString("label") != c.want {
			t.Errorf("lead %q, tablet %q: label %q (stored %q), want %q", c.lead, c.tablet, out.Device.Label, dev.GetString("label"), c.want)
		}
	}
}
