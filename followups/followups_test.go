package followups_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/testenv"
	"uppsok/taxonomy"
)

// contact returns a pushed contact (wire form) with id, overridden by over.
func contact(id string, over map[string]any) map[string]any {
	c := map[string]any{
		"id": id, "occurred_on": "2026-03-02", "daypart": "evening", "channel": "street",
		"area": "sodermalm", "arena": "street", "platforms": `[]`, "role": "unknown",
		"age_band": "15_17", "gender": "woman", "origin_region": "eu_eea", "language": "ro",
		"interpreter": false, "indicators": `[]`, "assessment": "none",
		"purposes": `[]`, "actions": `[]`, "cards_given": 0, "notes": "hemlig anteckning",
	}
	for k, v := range over {
		c[k] = v
	}
	return c
}

// apiContact is the same contact in the collection API's form.
func apiContact(team string, wire map[string]any) map[string]any {
	out := map[string]any{"team": team}
	for k, v := range wire {
		switch k {
		case "platforms", "purposes", "actions":
			var list []string
			if err := json.Unmarshal([]byte(v.(string)), &list); err != nil {
				panic(err)
			}
			out[k] = list
		case "indicators": // schema 3 stores them as control and vulnerabilities
			var list []string
			if err := json.Unmarshal([]byte(v.(string)), &list); err != nil {
				panic(err)
			}
			out["control"], out["vulnerabilities"] = taxonomy.SplitIndicators(list)
		case "interpreter":
		default:
			out[k] = v
		}
	}
	return out
}

type pushReply struct {
	Rejected        map[string][]string          `json:"rejected"`
	RejectedReasons map[string]map[string]string `json:"rejected_reasons"`
	FollowupsRaised map[string][]string          `json:"followups_raised"`
	Wipe            bool                         `json:"wipe"`
}

func pushContacts(t *testing.T, env *testenv.Env, token string, lastPulled int64, created, updated []map[string]any, deleted []string, headers map[string]string) (int, pushReply, []byte) {
	t.Helper()
	if created == nil {
		created = []map[string]any{}
	}
	if updated == nil {
		updated = []map[string]any{}
	}
	if deleted == nil {
		deleted = []string{}
	}
	body := map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": created, "updated": updated, "deleted": deleted}},
		"last_pulled_at": lastPulled,
	}
	status, data, _ := env.Do(t, "POST", "/api/field/sync?schema_version=2", token, body, headers)
	var r pushReply
	if status == 200 {
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("decode push reply %s: %v", data, err)
		}
	}
	return status, r, data
}

// cursor returns the server's current change cursor (a pull's timestamp).
func cursor(t *testing.T, env *testenv.Env, token string) int64 {
	t.Helper()
	var out struct {
		Timestamp int64 `json:"timestamp"`
	}
	env.MustJSON(t, "GET", "/api/field/sync?schema_version=2", token, nil, 200, &out)
	return out.Timestamp
}

func followUpOf(t *testing.T, env *testenv.Env, contactID string) *core.Record {
	t.Helper()
	fus, err := env.App.FindAllRecords("follow_ups")
	if err != nil {
		t.Fatal(err)
	}
	var found *core.Record
	for _, fu := range fus {
		if fu.GetString("contact") == contactID {
			if found != nil {
				t.Fatalf("two follow-ups for contact %s", contactID)
			}
			found = fu
		}
	}
	return found
}

// TestChildRule is the table of the child rule, through both ways a contact
// is written: a tablet's push and the collection API.
func TestChildRule(t *testing.T) {
	cases := []struct {
		name string
		over map[string]any
		want []string // nil: no follow-up
	}{
		{"15-17 sells sex, assessment none", map[string]any{"role": "sells_sex", "assessment": "none"}, []string{"role_sells_sex"}},
		{"15-17 sells sex, assessment indicators", map[string]any{"role": "sells_sex", "assessment": "indicators"}, []string{"role_sells_sex", "assessment_indicators"}},
		{"under 15 at risk, not assessed", map[string]any{"age_band": "under_15", "role": "at_risk", "assessment": "unknown"}, []string{"role_at_risk"}},
		// Schema 3: an old indicator is a control or a vulnerability code.
		{"15-17 one indicator only", map[string]any{"indicators": `["debt"]`}, []string{"control"}},
		{"15-17 one vulnerability only", map[string]any{"indicators": `["homeless"]`}, []string{"vulnerabilities"}},
		{"15-17 relative, suspected trafficking", map[string]any{"role": "relative", "assessment": "suspected_trafficking"}, []string{"assessment_suspected_trafficking"}},
		{"under 15 suspected exploitation", map[string]any{"age_band": "under_15", "assessment": "suspected_exploitation"}, []string{"assessment_suspected_exploitation"}},
		{"15-17 report of concern made", map[string]any{"actions": `["information","report_of_concern"]`}, []string{"action_report_of_concern"}},
		{"under 15 police report", map[string]any{"age_band": "under_15", "actions": `["police_report"]`}, []string{"action_police_report"}},
		{"everything at once", map[string]any{"role": "sells_sex", "indicators": `["threats"]`, "assessment": "suspected_trafficking", "actions": `["report_of_concern","police_report"]`},
			[]string{"role_sells_sex", "control", "assessment_suspected_trafficking", "action_report_of_concern", "action_police_report"}},
		{"15-17 buys sex, nothing else", map[string]any{"role": "buys_sex", "actions": `["information"]`}, nil},
		{"15-17 relative, no indicators", map[string]any{"role": "relative", "assessment": "none"}, nil},
		{"adult sells sex, suspected trafficking", map[string]any{"age_band": "18_20", "role": "sells_sex", "assessment": "suspected_trafficking", "indicators": `["debt"]`}, nil},
		{"unknown age sells sex", map[string]any{"age_band": "unknown", "role": "sells_sex", "assessment": "indicators"}, nil},
	}
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	_, device := env.Device(t, mika, "Surfplatta 1")
	_, admin := env.User(t, "admin@stockholm.se", "admin", "")

	for _, path := range []string{"push", "api"} {
		for _, c := range cases {
			t.Run(path+"/"+c.name, func(t *testing.T) {
				id := uuid.NewString()
				wire := contact(id, c.over)
				if path == "push" {
					status, reply, body := pushContacts(t, env, device, 0, []map[string]any{wire}, nil, nil, nil)
					if status != 200 {
						t.Fatalf("push: %d %s", status, body)
					}
					raised := slices.Contains(reply.FollowupsRaised["contacts"], id)
					if raised != (c.want != nil) {
						t.Errorf("followups_raised %v, want raised=%v", reply.FollowupsRaised, c.want != nil)
					}
				} else {
					env.MustJSON(t, "POST", "/api/collections/contacts/records", admin, apiContact(mika, wire), 200, nil)
				}
				fu := followUpOf(t, env, id)
				if c.want == nil {
					if fu != nil {
						t.Fatalf("follow-up raised: %v", fu.FieldsData())
					}
					return
				}
				if fu == nil {
					t.Fatal("no follow-up")
				}
				if got := fu.GetStringSlice("reasons"); !slices.Equal(got, c.want) {
					t.Errorf("reasons %v, want %v", got, c.want)
				}
				if fu.GetString("team") != mika || fu.GetString("status") != "open" || fu.GetString("due_on") == "" {
					t.Errorf("follow-up: %v", fu.FieldsData())
				}
				for _, f := range []string{"occurred_on", "daypart", "area", "age_band", "role", "assessment"} {
					if fu.GetString(f) != fmt.Sprint(wire[f]) {
						t.Errorf("copy of %s = %q, want %q", f, fu.GetString(f), wire[f])
					}
				}
				for _, leak := range []string{"notes", "person_key", "language", "gender", "origin_region"} {
					if fu.Collection().Fields.GetByName(leak) != nil {
						t.Errorf("follow-up has personal field %s", leak)
					}
				}
			})
		}
	}
}

// TestChildRuleAtomic: the follow-up is written in the contact's own
// transaction. When it cannot be written, the contact is not stored either
// (a push answers 500 and applies nothing), and a retry with the same
// idempotency key then stores both.
func TestChildRuleAtomic(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	_, device := env.Device(t, mika, "Surfplatta 1")
	_, admin := env.User(t, "admin@stockholm.se", "admin", "")

	broken := true
	env.App.OnRecordCreateExecute("follow_ups").BindFunc(func(e *core.RecordEvent) error {
		if broken {
			return errors.New("disk full")
		}
		return e.Next()
	})

	id := uuid.NewString()
	key := map[string]string{"Idempotency-Key": uuid.NewString()}
	child := contact(id, map[string]any{"role": "sells_sex"})
	status, _, body := pushContacts(t, env, device, 0, []map[string]any{child}, nil, nil, key)
	if status != 500 {
		t.Fatalf("push with a failing follow-up: %d %s, want 500", status, body)
	}
	if _, err := env.App.FindRecordById("contacts", id); err == nil {
		t.Fatal("contact stored without its follow-up")
	}
	id2 := uuid.NewString()
	status, data, _ := env.Do(t, "POST", "/api/collections/contacts/records", admin, apiContact(mika, contact(id2, map[string]any{"role": "at_risk"})), nil)
	// An internal failure, not the admin's fault: 500 with no detail.
	if status != 500 || strings.Contains(string(data), "disk full") {
		t.Fatalf("API create with a failing follow-up: %d %s, want 500", status, data)
	}
	if _, err := env.App.FindRecordById("contacts", id2); err == nil {
		t.Fatal("contact stored through the API without its follow-up")
	}

	broken = false
	status, reply, body := pushContacts(t, env, device, 0, []map[string]any{child}, nil, nil, key)
	if status != 200 || !slices.Contains(reply.FollowupsRaised["contacts"], id) {
		t.Fatalf("retry: %d %s", status, body)
	}
	if followUpOf(t, env, id) == nil {
		t.Fatal("retry stored no follow-up")
	}
	// A replay of the same key answers the same reply and raises nothing twice.
	status, reply, _ = pushContacts(t, env, device, 0, []map[string]any{child}, nil, nil, key)
	if status != 200 || !slices.Contains(reply.FollowupsRaised["contacts"], id) {
		t.Fatalf("replay: %d %v", status, reply)
	}
	if n, _ := env.App.CountRecords("follow_ups"); n != 1 {
		t.Fatalf("%d follow-ups, want 1", n)
	}
}

// TestEditAndDelete: an edit that takes a contact out of the rule leaves its
// follow-up open; an edit adds reasons and refreshes the copies; deleting
// the contact (push or API) leaves the follow-up with its copies.
func TestEditAndDelete(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	_, device := env.Device(t, mika, "Surfplatta 1")
	_, admin := env.User(t, "admin@stockholm.se", "admin", "")

	a, b := uuid.NewString(), uuid.NewString()
	status, reply, body := pushContacts(t, env, device, 0, []map[string]any{
		contact(a, map[string]any{"role": "sells_sex"}),
		contact(b, map[string]any{"age_band": "under_15", "assessment": "indicators"}),
	}, nil, nil, nil)
	if status != 200 || len(reply.FollowupsRaised["contacts"]) != 2 {
		t.Fatalf("push: %d %s", status, body)
	}

	// The age band was a mistake: an adult. The follow-up stays open.
	status, reply, body = pushContacts(t, env, device, cursor(t, env, device), nil,
		[]map[string]any{contact(a, map[string]any{"role": "sells_sex", "age_band": "21_25"})}, nil, nil)
	if status != 200 || len(reply.FollowupsRaised) != 0 {
		t.Fatalf("edit: %d %s", status, body)
	}
	fu := followUpOf(t, env, a)
	if fu == nil || fu.GetString("status") != "open" || fu.GetString("age_band") != "21_25" {
		t.Fatalf("follow-up after the edit out of the rule: %v", fu)
	}

	// An edit adding a reason adds it, raises nothing new.
	status, reply, body = pushContacts(t, env, device, cursor(t, env, device), nil,
		[]map[string]any{contact(b, map[string]any{"age_band": "under_15", "assessment": "indicators", "actions": `["report_of_concern"]`})}, nil, nil)
	if status != 200 || len(reply.FollowupsRaised) != 0 {
		t.Fatalf("edit b: %d %s", status, body)
	}
	fub := followUpOf(t, env, b)
	if got := fub.GetStringSlice("reasons"); !slices.Equal(got, []string{"assessment_indicators", "action_report_of_concern"}) {
		t.Errorf("reasons after the edit: %v", got)
	}

	// Deletes: a by a push, b through the API. Both follow-ups stay.
	status, _, body = pushContacts(t, env, device, cursor(t, env, device), nil, nil, []string{a}, nil)
	if status != 200 {
		t.Fatalf("delete push: %d %s", status, body)
	}
	env.MustJSON(t, "DELETE", "/api/collections/contacts/records/"+b, admin, nil, 204, nil)
	for _, id := range []string{fu.Id, fub.Id} {
		kept, err := env.App.FindRecordById("follow_ups", id)
		if err != nil {
			t.Fatalf("follow-up %s gone with its contact: %v", id, err)
		}
		if kept.GetString("contact") != "" || kept.GetString("occurred_on") != "2026-03-02" || kept.GetString("area") != "sodermalm" || len(kept.GetStringSlice("reasons")) == 0 {
			t.Errorf("kept follow-up: %v", kept.FieldsData())
		}
	}
	// A new child contact after the deletes gets its own follow-up (the
	// unique index ignores follow-ups whose contact is gone).
	c := uuid.NewString()
	status, reply, body = pushContacts(t, env, device, cursor(t, env, device), []map[string]any{contact(c, map[string]any{"role": "sells_sex"})}, nil, nil, nil)
	if status != 200 || len(reply.FollowupsRaised["contacts"]) != 1 {
		t.Fatalf("after deletes: %d %s", status, body)
	}
}

// TestDueOn: due the same day for a child under 15, the next day for
// 15–17, counted in Stockholm from when the contact reaches the server (not
// from the date the worker gave).
func TestDueOn(t *testing.T) {
	// 23:30 UTC on 2 March is 00:30 on 3 March in Stockholm.
	clock := testenv.NewClock(time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC))
	env := testenv.NewWith(t, testenv.Options{Now: clock.Now})
	mika := env.TeamID(t, "mika")
	_, device := env.Device(t, mika, "Surfplatta 1")
	young, teen := uuid.NewString(), uuid.NewString()
	status, _, body := pushContacts(t, env, device, 0, []map[string]any{
		contact(young, map[string]any{"age_band": "under_15", "role": "at_risk", "occurred_on": "2026-02-20"}),
		contact(teen, map[string]any{"age_band": "15_17", "role": "at_risk", "occurred_on": "2026-02-20"}),
	}, nil, nil, nil)
	if status != 200 {
		t.Fatalf("push: %d %s", status, body)
	}
	if got := followUpOf(t, env, young).GetString("due_on"); got != "2026-03-03" {
		t.Errorf("under 15 due %s, want 2026-03-03", got)
	}
	if got := followUpOf(t, env, teen).GetString("due_on"); got != "2026-03-04" {
		t.Errorf("15-17 due %s, want 2026-03-04", got)
	}
	// Corrected to under 15 the next day: due that day, not later.
	clock.Add(24 * time.Hour)
	status, _, body = pushContacts(t, env, device, cursor(t, env, device), nil,
		[]map[string]any{contact(teen, map[string]any{"age_band": "under_15", "role": "at_risk", "occurred_on": "2026-02-20"})}, nil, nil)
	if status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	if got := followUpOf(t, env, teen).GetString("due_on"); got != "2026-03-04" {
		t.Errorf("corrected to under 15: due %s, want 2026-03-04", got)
	}
}

// TestMailOnceAndLocalWidening: the JS hooks mail the team's lead once per
// follow-up (no personal data), raise no duplicate of the Go rule's
// follow-up, and a municipality's widened rule raises its own.
func TestMailOnceAndLocalWidening(t *testing.T) {
	hooks := copyHooks(t, true)
	env := testenv.NewWith(t, testenv.Options{HooksDir: hooks})
	mika := env.TeamID(t, "mika")
	env.User(t, "lead@mika.se", "lead", mika)
	env.User(t, "worker@mika.se", "worker", mika)
	_, device := env.Device(t, mika, "Surfplatta 1")
	env.App.Settings().SMTP.Enabled = true
	env.App.Settings().SMTP.Host = "127.0.0.1"
	env.App.Settings().Meta.SenderAddress = "uppsok@stockholm.se"

	child, adult := uuid.NewString(), uuid.NewString()
	status, reply, body := pushContacts(t, env, device, 0, []map[string]any{
		contact(child, map[string]any{"role": "sells_sex", "assessment": "suspected_trafficking"}),
		contact(adult, map[string]any{"age_band": "18_20", "assessment": "suspected_trafficking"}),
	}, nil, nil, nil)
	if status != 200 {
		t.Fatalf("push: %d %s", status, body)
	}
	if !slices.Equal(reply.FollowupsRaised["contacts"], []string{child}) {
		t.Errorf("followups_raised %v, want only the child (the local rule runs after the push)", reply.FollowupsRaised)
	}
	fuChild, fuAdult := followUpOf(t, env, child), followUpOf(t, env, adult)
	if fuChild == nil || fuAdult == nil {
		t.Fatalf("follow-ups: child %v, adult %v", fuChild, fuAdult)
	}
	if got := fuAdult.GetStringSlice("reasons"); !slices.Equal(got, []string{"local_young_adult"}) || fuAdult.GetString("age_band") != "18_20" || fuAdult.GetString("due_on") == "" {
		t.Errorf("widened follow-up: %v", fuAdult.FieldsData())
	}
	if n := env.App.TestMailer.TotalSend(); n != 2 {
		t.Fatalf("%d mails, want 2 (one per follow-up, to the lead)", n)
	}
	for _, msg := range env.App.TestMailer.Messages() {
		if len(msg.To) != 1 || msg.To[0].Address != "lead@mika.se" {
			t.Errorf("mail to %v, want the lead", msg.To)
		}
		for _, leak := range []string{"hemlig", child, adult, "15_17", "18_20", "sells_sex"} {
			if strings.Contains(msg.Text, leak) || strings.Contains(msg.Subject, leak) {
				t.Errorf("mail carries %q", leak)
			}
		}
	}
	// Saving both again raises and mails nothing more.
	status, _, body = pushContacts(t, env, device, cursor(t, env, device), nil, []map[string]any{
		contact(child, map[string]any{"role": "sells_sex", "assessment": "suspected_trafficking", "cards_given": 2}),
		contact(adult, map[string]any{"age_band": "18_20", "assessment": "suspected_trafficking", "cards_given": 2}),
	}, nil, nil)
	if status != 200 {
		t.Fatalf("second push: %d %s", status, body)
	}
	if n, _ := env.App.CountRecords("follow_ups"); n != 2 {
		t.Errorf("%d follow-ups after saving again, want 2", n)
	}
	if n := env.App.TestMailer.TotalSend(); n != 2 {
		t.Errorf("%d mails after saving again, want 2", n)
	}
}

// copyHooks copies the repository's child-alert hooks to a new folder,
// with the example local rule of child_alert.js filled in when widened.
func copyHooks(t *testing.T, widened bool) string {
	t.Helper()
	hooks := t.TempDir()
	src := filepath.Join(testenv.RepoRoot(), "pb_hooks")
	for _, name := range []string{"child_alert.pb.js", "child_alert.js"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "child_alert.js" && widened {
			local := strings.Replace(string(data), "\nconst extraReasons = null;",
				"\nconst extraReasons = function (contact) {\n  if (contact.getString(\"age_band\") === \"18_20\" && contact.getString(\"assessment\") === \"suspected_trafficking\") return [\"local_young_adult\"];\n  return [];\n};", 1)
			if local == string(data) {
				t.Fatal("const extraReasons = null not found in child_alert.js")
			}
			data = []byte(local)
		}
		if err := os.WriteFile(filepath.Join(hooks, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return hooks
}

// TestShippedHooksLeaveContactsAlone: as shipped (no local rule), the
// child-alert hooks bind nothing to contacts, only the mail on follow-ups:
// a JS hook on contacts would cost every pushed contact a call into the JS
// runtime for nothing. With a local rule the contact hooks are bound.
func TestShippedHooksLeaveContactsAlone(t *testing.T) {
	count := func(dir string) (created, updated int) {
		env := testenv.NewWith(t, testenv.Options{HooksDir: dir})
		return env.App.OnRecordAfterCreateSuccess().Length(), env.App.OnRecordAfterUpdateSuccess().Length()
	}
	baseCreated, baseUpdated := count(t.TempDir())
	created, updated := count(copyHooks(t, false))
	if created != baseCreated+1 || updated != baseUpdated {
		t.Errorf("shipped hooks bind %d after-create and %d after-update handlers, want 1 (the mail) and 0",
			created-baseCreated, updated-baseUpdated)
	}
	created, updated = count(copyHooks(t, true))
	if created != baseCreated+2 || updated != baseUpdated+1 {
		t.Errorf("widened hooks bind %d after-create and %d after-update handlers, want 2 and 1",
			created-baseCreated, updated-baseUpdated)
	}
	// A child_alert.js a municipality edited before widens() existed keeps
	// its contact hooks.
	old := copyHooks(t, true)
	js := filepath.Join(old, "child_alert.js")
	data, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "module.exports = { extraReasons, widens, widen, mail };", "module.exports = { extraReasons, widen, mail };", 1)
	if edited == string(data) {
		t.Fatal("module.exports of child_alert.js not found")
	}
	if err := os.WriteFile(js, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	created, updated = count(old)
	if created != baseCreated+2 || updated != baseUpdated+1 {
		t.Errorf("an older child_alert.js binds %d after-create and %d after-update handlers, want 2 and 1",
			created-baseCreated, updated-baseUpdated)
	}
}

// TestFollowUpAccess: leads read and act on their own team's follow-ups
// only, admins on all, nobody else; only the workflow fields change.
func TestFollowUpAccess(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	env := testenv.NewWith(t, testenv.Options{Now: func() time.Time { return now }})
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	leadUser, lead := env.User(t, "lead@mika.se", "lead", mika)
	_, otherLead := env.User(t, "lead@kast.se", "lead", kast)
	_, worker := env.User(t, "worker@mika.se", "worker", mika)
	_, analyst := env.User(t, "analyst@stockholm.se", "analyst", "")
	adminUser, admin := env.User(t, "admin@stockholm.se", "admin", "")
	_, device := env.Device(t, mika, "Surfplatta 1")

	id := uuid.NewString()
	if status, _, body := pushContacts(t, env, device, 0, []map[string]any{contact(id, map[string]any{"role": "sells_sex"})}, nil, nil, nil); status != 200 {
		t.Fatalf("push: %d %s", status, body)
	}
	fu := followUpOf(t, env, id)
	path := "/api/collections/follow_ups/records/" + fu.Id

	type list struct {
		TotalItems int `json:"totalItems"`
	}
	for name, tok := range map[string]string{"lead": lead, "admin": admin} {
		var l list
		env.MustJSON(t, "GET", "/api/collections/follow_ups/records", tok, nil, 200, &l)
		if l.TotalItems != 1 {
			t.Errorf("%s sees %d follow-ups, want 1", name, l.TotalItems)
		}
	}
	for name, tok := range map[string]string{"lead of another team": otherLead, "worker": worker, "analyst": analyst, "device": device} {
		status, data, _ := env.Do(t, "GET", "/api/collections/follow_ups/records", tok, nil, nil)
		var l list
		json.Unmarshal(data, &l)
		if status == 200 && l.TotalItems != 0 {
			t.Errorf("%s lists %d follow-ups", name, l.TotalItems)
		}
		if status, _, _ := env.Do(t, "GET", path, tok, nil, nil); status < 400 {
			t.Errorf("%s views the follow-up: %d", name, status)
		}
		if status, _, _ := env.Do(t, "PATCH", path, tok, map[string]any{"status": "done", "decision": "no_action"}, nil); status < 400 {
			t.Errorf("%s updates the follow-up: %d", name, status)
		}
		if status, _, _ := env.Do(t, "DELETE", path, tok, nil, nil); status < 400 {
			t.Errorf("%s deletes the follow-up: %d", name, status)
		}
	}
	if got, _ := env.App.FindRecordById("follow_ups", fu.Id); got.GetString("status") != "open" || got.GetString("decision") != "" {
		t.Fatalf("refused writes changed the follow-up: %v", got.FieldsData())
	}

	// Bad writes by the lead: 400 with a message, nothing changed.
	for name, body := range map[string]map[string]any{
		"done without a decision": {"status": "done"},
		"unknown decision":        {"decision": "forgot"},
		"decided in the future":   {"decision": "no_action", "decided_on": "2026-03-09"},
		"a copy":                  {"age_band": "18_20"},
		"the due date":            {"due_on": "2026-04-01"},
		"reasons":                 {"reasons": []string{}},
		"the team":                {"team": kast},
	} {
		status, data, _ := env.Do(t, "PATCH", path, lead, body, nil)
		if status != 400 {
			t.Errorf("%s: %d %s, want 400", name, status, data)
		}
	}
	if got, _ := env.App.FindRecordById("follow_ups", fu.Id); got.GetString("status") != "open" || got.GetString("age_band") != "15_17" || got.GetString("team") != mika {
		t.Fatalf("bad writes changed the follow-up: %v", got.FieldsData())
	}

	var out map[string]any
	env.MustJSON(t, "PATCH", path, lead, map[string]any{"status": "in_progress", "note": "Ring 070-123 45 67 imorgon"}, 200, &out)
	if out["status"] != "in_progress" || strings.Contains(fmt.Sprint(out["note"]), "070") {
		t.Errorf("in progress: %v", out)
	}
	env.MustJSON(t, "PATCH", path, lead, map[string]any{"status": "done", "decision": "report_of_concern_made"}, 200, &out)
	if out["decided_by"] != leadUser.Id || out["decided_on"] != "2026-03-02" || out["status"] != "done" {
		t.Errorf("decision: %v", out)
	}
	// An admin may correct it; the decision is then the admin's.
	env.MustJSON(t, "PATCH", path, admin, map[string]any{"decision": "referred_barnahus", "decided_on": "2026-03-01"}, 200, &out)
	if out["decided_by"] != adminUser.Id || out["decided_on"] != "2026-03-01" {
		t.Errorf("admin decision: %v", out)
	}
	if status, _, _ := env.Do(t, "DELETE", path, lead, nil, nil); status < 400 {
		t.Errorf("lead deleted a follow-up: %d", status)
	}
	if _, err := env.App.FindRecordById("follow_ups", fu.Id); err != nil {
		t.Fatal("follow-up gone")
	}
}
