package field_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"

	"uppsok/internal/testenv"
)

// jsHooks is a pb_hooks file as a municipality could add one: every record
// hook a pushed contact passes through leaves a mark in the app's store,
// with what the hook saw (the cursor value after the save ran, whether the
// record was committed when an after-success hook ran).
const jsHooks = `/// <reference path="../pb_data/types.d.ts" />
// (Each handler runs in its own runtime: no shared top-level functions.)
onRecordCreate((e) => { e.app.store().set("js:create:" + e.record.id, String("seen")); e.next(); }, "contacts");
onRecordCreateExecute((e) => { e.next(); e.app.store().set("js:createExecute:" + e.record.id, String(e.record.getInt("seq"))); }, "contacts");
onRecordAfterCreateSuccess((e) => {
  e.next();
  let stored = "missing";
  try { stored = e.app.findRecordById("contacts", e.record.id).getInt("seq"); } catch (_) {}
  e.app.store().set("js:afterCreateSuccess:" + e.record.id, String(stored));
}, "contacts");
onRecordUpdate((e) => { e.app.store().set("js:update:" + e.record.id, String("seen")); e.next(); }, "contacts");
onRecordUpdateExecute((e) => { e.next(); e.app.store().set("js:updateExecute:" + e.record.id, String(e.record.getInt("seq"))); }, "contacts");
onRecordAfterUpdateSuccess((e) => { e.next(); e.app.store().set("js:afterUpdateSuccess:" + e.record.id, String(e.record.getString("notes"))); }, "contacts");
onRecordDelete((e) => { e.app.store().set("js:delete:" + e.record.id, String("seen")); e.next(); }, "contacts");
onRecordDeleteExecute((e) => { e.next(); e.app.store().set("js:deleteExecute:" + e.record.id, String("seen")); }, "contacts");
onRecordAfterDeleteSuccess((e) => {
  e.next();
  let gone = "still there";
  try { e.app.findRecordById("contacts", e.record.id); } catch (_) { gone = "gone"; }
  e.app.store().set("js:afterDeleteSuccess:" + e.record.id, String(gone));
}, "contacts");
onRecordAfterCreateSuccess((e) => { e.next(); e.app.store().set("js:followup:" + e.record.getString("contact"), e.record.getString("status")); }, "follow_ups");
`

// TestPushFiresEveryRecordHook pushes creates, updates and deletes of
// contacts with a JS hook file in pb_hooks and checks, hook by hook, what
// each must leave behind: every JS record hook fires once per pushed
// record, after the product's own hooks (cursor, person hash, child rule,
// tombstone) have done their part. It guards any faster push path: a path
// around PocketBase's save that forgot a hook chain fails here.
func TestPushFiresEveryRecordHook(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "marks.pb.js"), []byte(jsHooks), 0o644); err != nil {
		t.Fatal(err)
	}
	env := testenv.NewWith(t, testenv.Options{HooksDir: dir})
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Platta")
	first := pull(t, env, tok, 0)

	const n = 5
	var adults, children []map[string]any
	for i := 0; i < n; i++ {
		adults = append(adults, contact(uuid.NewString(), map[string]any{"person_code": fmt.Sprintf("person %d", i)}))
		children = append(children, contact(uuid.NewString(), map[string]any{"age_band": "15_17"}))
	}
	created := append(append([]map[string]any{}, adults...), children...)
	mustPush(t, env, tok, first.Timestamp, created, nil, nil)

	mark := func(hook, id string) string {
		v, _ := env.Core.Store().Get("js:" + hook + ":" + id).(string)
		return v
	}
	row := func(id string) (seq int64, personKey string) {
		err := env.Core.DB().NewQuery("SELECT seq, person_key FROM contacts WHERE id = {:id}").
			Bind(dbx.Params{"id": id}).Row(&seq, &personKey)
		if err != nil {
			t.Fatalf("read contact %s: %v", id, err)
		}
		return seq, personKey
	}
	seqOf := func(id string) string {
		s, _ := row(id)
		return fmt.Sprint(s)
	}

	type check struct {
		hook string
		// want is what the hook must leave behind for the record id.
		want func(id string) string
	}
	createChecks := []check{
		{"create", func(string) string { return "seen" }},
		// The cursor hook gave the record its seq before the insert.
		{"createExecute", seqOf},
		// After commit: the record is stored, with the same seq.
		{"afterCreateSuccess", seqOf},
	}
	for _, c := range created {
		id := c["id"].(string)
		for _, ck := range createChecks {
			if got, want := mark(ck.hook, id), ck.want(id); got != want || got == "0" {
				t.Errorf("%s of %s left %q, want %q", ck.hook, id, got, want)
			}
		}
	}
	// The product's own hooks and rules: every adult's person code hashed,
	// every child's follow-up raised in the push's transaction (and its
	// create hook fired).
	for _, c := range adults {
		if _, key := row(c["id"].(string)); key == "" {
			t.Errorf("contact %s has no person_key", c["id"])
		}
		if got := mark("followup", c["id"].(string)); got != "" {
			t.Errorf("adult %s raised a follow-up", c["id"])
		}
	}
	for _, c := range children {
		if got := mark("followup", c["id"].(string)); got != "open" {
			t.Errorf("child %s: follow-up hook left %q, want open", c["id"], got)
		}
	}

	// Updates fire the update chains.
	after := pull(t, env, tok, first.Timestamp)
	var updated []map[string]any
	for _, c := range adults {
		u := clone(c)
		u["notes"] = "uppdaterad"
		u["_status"] = "updated"
		updated = append(updated, u)
	}
	mustPush(t, env, tok, after.Timestamp, nil, updated, nil)
	updateChecks := []check{
		{"update", func(string) string { return "seen" }},
		{"updateExecute", seqOf},
		{"afterUpdateSuccess", func(string) string { return "uppdaterad" }},
	}
	for _, c := range adults {
		id := c["id"].(string)
		for _, ck := range updateChecks {
			if got, want := mark(ck.hook, id), ck.want(id); got != want || got == "0" {
				t.Errorf("%s of %s left %q, want %q", ck.hook, id, got, want)
			}
		}
	}

	// Deletes fire the delete chains and leave tombstones.
	again := pull(t, env, tok, after.Timestamp)
	var deleted []string
	for _, c := range children {
		deleted = append(deleted, c["id"].(string))
	}
	mustPush(t, env, tok, again.Timestamp, nil, nil, deleted)
	for _, id := range deleted {
		for hook, want := range map[string]string{"delete": "seen", "deleteExecute": "seen", "afterDeleteSuccess": "gone"} {
			if got := mark(hook, id); got != want {
				t.Errorf("%s of %s left %q, want %q", hook, id, got, want)
			}
		}
		var n int
		if err := env.Core.DB().NewQuery("SELECT COUNT(*) FROM _uppsok_tombstones WHERE id = {:id}").
			Bind(dbx.Params{"id": id}).Row(&n); err != nil || n != 1 {
			t.Errorf("tombstone of %s: %d %v", id, n, err)
		}
	}
}
