package field_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"

	"uppsok/internal/testenv"
)

// storedColumn is one stored value as SQLite holds it: its storage class
// and its SQL literal (quote()), which shows every byte of text and the
// exact form of a number.
type storedColumn struct {
	Type  string
	Quote string
}

// storedRow reads every column of a record's row.
func storedRow(t *testing.T, env *testenv.Env, table, id string, cols []string) map[string]storedColumn {
	t.Helper()
	out := map[string]storedColumn{}
	for _, c := range cols {
		var sc storedColumn
		q := fmt.Sprintf("SELECT typeof([[%s]]) AS t, quote([[%s]]) AS q FROM {{%s}} WHERE id = {:id}", c, c, table)
		row := struct {
			T string `db:"t"`
			Q string `db:"q"`
		}{}
		if err := env.Core.DB().NewQuery(q).Bind(dbx.Params{"id": id}).One(&row); err != nil {
			t.Fatalf("read %s.%s of %s: %v", table, c, id, err)
		}
		sc.Type, sc.Quote = row.T, row.Q
		out[c] = sc
	}
	return out
}

// autodateShape is how PocketBase stores an autodate: text, UTC, with
// milliseconds.
var autodateShape = regexp.MustCompile(`^'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z'$`)

// TestFastPushStoresWhatPocketBaseStores pushes contacts and sessions
// through the sync route (the fast write path, push_fast.go) and creates
// the same records through PocketBase's own record API as a superuser
// (app.Save with every field validator), then updates both ways, and
// compares every stored column byte for byte: storage class and SQL
// literal (JSON sets, numbers, bools, dates, empty values, relations, the
// person hash). The server-assigned columns are compared by shape: the
// autodates as PocketBase writes them, created kept and updated moved by
// an update, seq an integer. PocketBase's API create also proves that what
// the sanitiser stores passes PocketBase's own validation.
func TestFastPushStoresWhatPocketBaseStores(t *testing.T) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	worker, wtok := env.User(t, "arbetare@example.se", "worker", team)
	_, dtok := env.Device(t, team, "Platta")
	su := env.Superuser(t)

	sess := map[string]any{
		"id": uuid.NewString(), "kind": "online", "started_on": today(), "daypart": "night",
		"area": "sodermalm", "platforms": `["escort_site","social_media"]`, "duration_minutes": 95,
		"persons_observed": 0, "ads_reviewed": 12, "messages_sent": 3, "notes": "Lugnt ikväll, 3 samtal.",
		"_status": "created", "_changed": "", "created_at": 1, "updated_at": 1,
	}
	contacts := []map[string]any{
		contact3(uuid.NewString(), map[string]any{"session_id": sess["id"], "person_code": "AB12", "notes": "Träffades vid Medborgarplatsen; \"citat\" och ünicode ✓"}),
		contact3(uuid.NewString(), map[string]any{"platforms": `["social_media"]`, "cards_given": 0, "actions": `[]`, "purposes": `["sexual","begging"]`, "risk_groups": `["lgbtq"]`}),
		contact3(uuid.NewString(), map[string]any{"channel": "teleport", "cards_given": 5000, "notes": strings.Repeat("å", 600)}),
	}
	body := map[string]any{
		"changes": map[string]any{
			"contacts":          map[string]any{"created": contacts, "updated": []any{}, "deleted": []any{}},
			"outreach_sessions": map[string]any{"created": []any{sess}, "updated": []any{}, "deleted": []any{}},
		},
		"last_pulled_at": 0,
	}
	var reply map[string]any
	env.MustJSON(t, "POST", "/api/field/sync?schema_version=3", wtok, body, 200, &reply)
	if rej, _ := reply["rejected"].(map[string]any); len(rej) > 0 {
		t.Fatalf("rejected: %v", reply)
	}
	// A device's push too: its records carry the device relation.
	byDevice := contact3(uuid.NewString(), map[string]any{"interpreting": "none"})
	env.MustJSON(t, "POST", "/api/field/sync?schema_version=3", dtok, map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": []any{byDevice}, "updated": []any{}, "deleted": []any{}}},
		"last_pulled_at": 0,
	}, 200, nil)
	contacts = append(contacts, byDevice)

	codes := map[string]string{contacts[0]["id"].(string): "AB12"}
	type pair struct{ table, pushed, viaAPI string }
	var pairs []pair
	twin := func(table, id string) string {
		t.Helper()
		rec, err := env.Core.FindRecordById(table, id)
		if err != nil {
			t.Fatalf("pushed %s %s not stored: %v", table, id, err)
		}
		// What an API client would send: the stored values as JSON.
		data, err := json.Marshal(rec.FieldsData())
		if err != nil {
			t.Fatal(err)
		}
		var vals map[string]any
		if err := json.Unmarshal(data, &vals); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"created", "updated", "seq", "person_key"} {
			delete(vals, f)
		}
		if codes[id] != "" {
			// The API hashes a person code as the push does.
			vals["person_code"] = codes[id]
		}
		newID := uuid.NewString()
		vals["id"] = newID
		if table == "contacts" && vals["session"] == sess["id"] {
			vals["session"] = pairs[0].viaAPI // the API twin of the session
		}
		st, out, _ := env.Do(t, "POST", "/api/collections/"+table+"/records", su, vals, nil)
		if st != 200 {
			t.Fatalf("PocketBase's API refuses what the push stored in %s %s: %d %s", table, id, st, out)
		}
		pairs = append(pairs, pair{table, id, newID})
		return newID
	}
	twin("outreach_sessions", sess["id"].(string))
	for _, c := range contacts {
		twin("contacts", c["id"].(string))
	}

	compare := func(stage string, createdBefore map[string]storedColumn) {
		t.Helper()
		for _, p := range pairs {
			col, err := env.Core.FindCollectionByNameOrId(p.table)
			if err != nil {
				t.Fatal(err)
			}
			cols := col.Fields.FieldNames()
			a := storedRow(t, env, p.table, p.pushed, cols)
			b := storedRow(t, env, p.table, p.viaAPI, cols)
			for _, c := range cols {
				switch c {
				case "id":
					if a[c].Type != "text" || b[c].Type != "text" {
						t.Errorf("%s %s: id stored as %s / %s", stage, p.table, a[c].Type, b[c].Type)
					}
				case "session":
					if (a[c].Quote == "''") != (b[c].Quote == "''") || a[c].Type != b[c].Type {
						t.Errorf("%s %s.%s: pushed %s %s, API %s %s", stage, p.table, c, a[c].Type, a[c].Quote, b[c].Type, b[c].Quote)
					}
				case "created", "updated":
					for who, v := range map[string]storedColumn{"pushed": a[c], "API": b[c]} {
						if v.Type != "text" || !autodateShape.MatchString(v.Quote) {
							t.Errorf("%s %s.%s (%s): %s %s, not PocketBase's autodate form", stage, p.table, c, who, v.Type, v.Quote)
						}
					}
				case "seq":
					if a[c].Type != "integer" || b[c].Type != "integer" {
						t.Errorf("%s %s.seq stored as %s (pushed) / %s (API)", stage, p.table, a[c].Type, b[c].Type)
					}
				default:
					if a[c] != b[c] {
						t.Errorf("%s %s.%s differs:\n pushed %s %s\n API    %s %s", stage, p.table, c, a[c].Type, a[c].Quote, b[c].Type, b[c].Quote)
					}
				}
			}
		}
	}
	compare("create", nil)

	// Updates: the fast path's UPDATE against PocketBase's PATCH.
	before := map[string]map[string]storedColumn{}
	for _, p := range pairs {
		before[p.pushed] = storedRow(t, env, p.table, p.pushed, []string{"created", "updated", "seq"})
	}
	cur := pull(t, env, wtok, 0).Timestamp
	var upd []map[string]any
	for _, c := range contacts {
		u := clone(c)
		delete(u, "session_id")
		u["_status"] = "updated"
		u["notes"] = ""
		u["control"] = `[]`
		u["cards_given"] = 2
		u["person_code"] = "ZZ99"
		upd = append(upd, u)
	}
	env.MustJSON(t, "POST", "/api/field/sync?schema_version=3", wtok, map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": []any{}, "updated": upd, "deleted": []any{}}},
		"last_pulled_at": cur,
	}, 200, nil)
	for _, p := range pairs[1:] {
		rec, err := env.Core.FindRecordById("contacts", p.pushed)
		if err != nil {
			t.Fatal(err)
		}
		patch := map[string]any{"person_code": "ZZ99"}
		for _, f := range []string{"notes", "control", "cards_given"} {
			raw, _ := json.Marshal(rec.Get(f))
			var v any
			_ = json.Unmarshal(raw, &v)
			patch[f] = v
		}
		st, out, _ := env.Do(t, "PATCH", "/api/collections/contacts/records/"+p.viaAPI, su, patch, nil)
		if st != 200 {
			t.Fatalf("PATCH %s: %d %s", p.viaAPI, st, out)
		}
	}
	compare("update", nil)
	for _, p := range pairs[1:] {
		after := storedRow(t, env, p.table, p.pushed, []string{"created", "updated", "seq"})
		b := before[p.pushed]
		if after["created"] != b["created"] {
			t.Errorf("update moved created of %s: %s -> %s", p.pushed, b["created"].Quote, after["created"].Quote)
		}
		if after["updated"].Quote < b["updated"].Quote {
			t.Errorf("update moved updated of %s back: %s -> %s", p.pushed, b["updated"].Quote, after["updated"].Quote)
		}
		if after["seq"].Quote <= b["seq"].Quote && len(after["seq"].Quote) <= len(b["seq"].Quote) {
			t.Errorf("update did not advance seq of %s: %s -> %s", p.pushed, b["seq"].Quote, after["seq"].Quote)
		}
	}
	_ = worker
}
