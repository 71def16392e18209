package field_test

import (
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
)

// TestFailedPushRollsBackUpdatesAndCountsHooksOnce pushes, in one push,
// an update of a stored contact, a new child contact (which raises a
// follow-up inside the transaction) and a contact a local hook refuses.
// The push fails whole: the update is undone, neither new contact nor the
// follow-up is stored, the cursor has not moved, and each record's
// after-error hook fires exactly once with no after-success hook. The same
// push without the refused contact then fires each after-success hook
// exactly once and stores everything.
func TestFailedPushRollsBackUpdatesAndCountsHooksOnce(t *testing.T) {
	env := envWithJSHook(t, "refuse.pb.js", failingHook)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Platta")

	var mu sync.Mutex
	count := map[string]int{}
	mark := func(name string, m core.Model) {
		if r, ok := m.(*core.Record); ok && r.Collection().Name == "contacts" {
			mu.Lock()
			count[name+":"+r.Id]++
			mu.Unlock()
		}
	}
	env.Core.OnModelAfterCreateSuccess().BindFunc(func(e *core.ModelEvent) error { mark("createOK", e.Model); return e.Next() })
	env.Core.OnModelAfterCreateError().BindFunc(func(e *core.ModelErrorEvent) error { mark("createErr", e.Model); return e.Next() })
	env.Core.OnModelAfterUpdateSuccess().BindFunc(func(e *core.ModelEvent) error { mark("updateOK", e.Model); return e.Next() })
	env.Core.OnModelAfterUpdateError().BindFunc(func(e *core.ModelErrorEvent) error { mark("updateErr", e.Model); return e.Next() })

	first := pull(t, env, tok, 0)
	stored := contact(uuid.NewString(), map[string]any{"notes": "före"})
	mustPush(t, env, tok, first.Timestamp, []map[string]any{stored}, nil, nil)
	sid := stored["id"].(string)
	cur := pull(t, env, tok, first.Timestamp).Timestamp
	before, _, err := field.CurrentCursor(env.Core.DB())
	if err != nil {
		t.Fatal(err)
	}
	followups := func() int {
		n, err := env.Core.CountRecords("follow_ups")
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	fuBefore := followups()

	upd := clone(stored)
	upd["_status"] = "updated"
	upd["notes"] = "efter"
	child := contact(uuid.NewString(), map[string]any{"age_band": "15_17"})
	// Refused last (updated is an upsert too), after the others are written.
	bad := contact(uuid.NewString(), map[string]any{"notes": "AVVISA", "_status": "updated"})
	cid, bid := child["id"].(string), bad["id"].(string)
	if st, body, err := pushRaw(env, tok, cur, []map[string]any{child}, []map[string]any{upd, bad}); err != nil || st != 500 {
		t.Fatalf("push with a refused record: %d %s %v", st, body, err)
	}
	rec, err := env.Core.FindRecordById("contacts", sid)
	if err != nil || rec.GetString("notes") != "före" {
		t.Errorf("the failed push's update of %s was kept: %v %v", sid, rec.GetString("notes"), err)
	}
	for _, id := range []string{cid, bid} {
		if _, err := env.Core.FindRecordById("contacts", id); err == nil {
			t.Errorf("contact %s of the failed push stored", id)
		}
	}
	if n := followups(); n != fuBefore {
		t.Errorf("follow-ups %d -> %d after a failed push", fuBefore, n)
	}
	if after, _, _ := field.CurrentCursor(env.Core.DB()); after != before {
		t.Errorf("cursor %d -> %d after a failed push", before, after)
	}
	want := map[string]int{
		"updateErr:" + sid: 1, "createErr:" + cid: 1, "createErr:" + bid: 1,
		"updateOK:" + sid: 0, "createOK:" + cid: 0, "createOK:" + bid: 0,
	}
	mu.Lock()
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s fired %d times, want %d", k, count[k], n)
		}
	}
	mu.Unlock()

	// The same push without the refused record.
	mustPush(t, env, tok, cur, []map[string]any{child}, []map[string]any{upd}, nil)
	rec, err = env.Core.FindRecordById("contacts", sid)
	if err != nil || rec.GetString("notes") != "efter" {
		t.Errorf("the update of %s was not stored: %v %v", sid, rec.GetString("notes"), err)
	}
	if n := followups(); n != fuBefore+1 {
		t.Errorf("follow-ups %d -> %d after the child contact's push, want one more", fuBefore, n)
	}
	mu.Lock()
	for k, n := range map[string]int{"updateOK:" + sid: 1, "createOK:" + cid: 1, "updateErr:" + sid: 1, "createErr:" + cid: 1} {
		if count[k] != n {
			t.Errorf("after the second push %s fired %d times, want %d", k, count[k], n)
		}
	}
	mu.Unlock()
}
