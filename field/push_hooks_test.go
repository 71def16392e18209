package field_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// jsHooks is a pb_hooks file as a municipality could add one: every record
// hook a pushed contact passes through leaves a mark in the app's store,
// with what the hook saw (the cursor value after the save ran, whether the
// record was committed when an after-success hook ran).
const jsHooks = `/// <reference path="../pb_data/types.d.ts" />
// (Each handler runs in its own runtime: no shared top-level functions.)
onRecordValidate((e) => { e.app.store().set("js:validate:" + e.record.id, String(e.record.isNew() ? "new" : "stored")); e.next(); }, "contacts");
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
	env := envWithJSHook(t, "marks.pb.js", jsHooks)
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
		// A municipality's validate hook sees every pushed record (as app.Save
		// would show it), before the write.
		{"validate", func(string) string { return "new" }},
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
		{"validate", func(string) string { return "stored" }},
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

// failingHook is a pb_hooks file whose create hook refuses one contact
// (notes "AVVISA") after the push's earlier records were written, and whose
// after-error hooks mark every contact that the failed push touched.
const failingHook = `/// <reference path="../pb_data/types.d.ts" />
onRecordCreate((e) => {
  if (e.record.getString("notes") === "AVVISA") { throw new Error("refused by a local hook"); }
  e.next();
}, "contacts");
onRecordAfterCreateError((e) => { e.app.store().set("js:afterCreateError:" + e.record.id, String("seen")); e.next(); }, "contacts");
onRecordAfterCreateSuccess((e) => { e.app.store().set("js:afterCreateSuccess:" + e.record.id, String("seen")); e.next(); }, "contacts");
`

// TestPushFiresModelHooksAndErrorHooks checks the Go side of the hook
// chains a pushed record passes through (PocketBase's model-level hooks,
// which its realtime announcements are bound to, in their order around the
// write) and the failure path: a hook that refuses one record fails the
// whole push, nothing of it is stored, no cursor value is spent on it, and
// the after-error hooks (not the after-success ones) fire for the records
// the push had written before the refusal.
func TestPushFiresModelHooksAndErrorHooks(t *testing.T) {
	env := envWithJSHook(t, "refuse.pb.js", failingHook)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Platta")
	first := pull(t, env, tok, 0)

	// Go hooks on the model-level chains, recording the order they ran in
	// for each contact id.
	var mu sync.Mutex
	seen := map[string][]string{}
	markModel := func(name string) func(e *core.ModelEvent) error {
		return func(e *core.ModelEvent) error {
			r, ok := e.Model.(*core.Record)
			if ok && r.Collection().Name == "contacts" {
				mu.Lock()
				seen[r.Id] = append(seen[r.Id], name)
				mu.Unlock()
			}
			return e.Next()
		}
	}
	env.Core.OnModelCreate().BindFunc(markModel("modelCreate"))
	env.Core.OnModelCreateExecute().BindFunc(func(e *core.ModelEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return markModel("modelCreateExecuteAfterWrite")(e)
	})
	env.Core.OnModelAfterCreateSuccess().BindFunc(markModel("modelAfterCreateSuccess"))
	env.Core.OnModelAfterCreateError().BindFunc(func(e *core.ModelErrorEvent) error {
		return markModel("modelAfterCreateError")(&e.ModelEvent)
	})
	env.Core.OnModelUpdate().BindFunc(markModel("modelUpdate"))
	env.Core.OnModelUpdateExecute().BindFunc(markModel("modelUpdateExecute"))
	env.Core.OnModelAfterUpdateSuccess().BindFunc(markModel("modelAfterUpdateSuccess"))

	ok1, ok2 := contact(uuid.NewString(), nil), contact(uuid.NewString(), nil)
	mustPush(t, env, tok, first.Timestamp, []map[string]any{ok1, ok2}, nil, nil)
	for _, c := range []map[string]any{ok1, ok2} {
		id := c["id"].(string)
		want := []string{"modelCreate", "modelCreateExecuteAfterWrite", "modelAfterCreateSuccess"}
		if got := seen[id]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("model hooks of %s: %v, want %v", id, got, want)
		}
	}
	after := pull(t, env, tok, first.Timestamp)
	u := clone(ok1)
	u["notes"] = "ändrad"
	u["_status"] = "updated"
	mustPush(t, env, tok, after.Timestamp, nil, []map[string]any{u}, nil)
	want := []string{"modelCreate", "modelCreateExecuteAfterWrite", "modelAfterCreateSuccess", "modelUpdate", "modelUpdateExecute", "modelAfterUpdateSuccess"}
	if got := seen[ok1["id"].(string)]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("model hooks of the updated %s: %v, want %v", ok1["id"], got, want)
	}

	// A push whose third record a hook refuses: all or nothing.
	cursorBefore, _, err := field.CurrentCursor(env.Core.DB())
	if err != nil {
		t.Fatal(err)
	}
	a, b := contact(uuid.NewString(), nil), contact(uuid.NewString(), nil)
	bad := contact(uuid.NewString(), map[string]any{"notes": "AVVISA"})
	again := pull(t, env, tok, after.Timestamp)
	st, body, err := pushRaw(env, tok, again.Timestamp, []map[string]any{a, b, bad}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st != 500 {
		t.Fatalf("push with a refused record: %d %s, want 500", st, body)
	}
	if strings.Contains(body, "refused by a local hook") {
		t.Errorf("the 500 carries the hook's message: %s", body)
	}
	for _, c := range []map[string]any{a, b, bad} {
		id := c["id"].(string)
		var n int
		if err := env.Core.DB().NewQuery("SELECT COUNT(*) FROM contacts WHERE id = {:id}").
			Bind(dbx.Params{"id": id}).Row(&n); err != nil || n != 0 {
			t.Errorf("contact %s of the failed push stored: %d %v", id, n, err)
		}
		if v, _ := env.Core.Store().Get("js:afterCreateSuccess:" + id).(string); v != "" {
			t.Errorf("after-success hook fired for %s of a failed push", id)
		}
		if v, _ := env.Core.Store().Get("js:afterCreateError:" + id).(string); v != "seen" {
			t.Errorf("after-error hook of %s left %q, want seen", id, v)
		}
	}
	if cursorAfter, _, _ := field.CurrentCursor(env.Core.DB()); cursorAfter != cursorBefore {
		t.Errorf("cursor moved from %d to %d by a failed push", cursorBefore, cursorAfter)
	}
}

// envWithJSHook starts the app with one JS hook file in its pb_hooks
// directory, as a municipality would add it.
func envWithJSHook(t *testing.T, name, js string) *testenv.Env {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	return testenv.NewWith(t, testenv.Options{HooksDir: dir})
}
