package field_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/testenv"
	"uppsok/taxonomy"
)

// Schema 3 (issue 11): the action plan's record, side by side with tablets
// of schemas 1 and 2.

// pushV pushes contacts as a client of schema version v.
func pushV(t *testing.T, env *testenv.Env, tok string, v int, last int64, created, updated []map[string]any) pushResp {
	t.Helper()
	if created == nil {
		created = []map[string]any{}
	}
	if updated == nil {
		updated = []map[string]any{}
	}
	body := map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": created, "updated": updated, "deleted": []string{}}},
		"last_pulled_at": last,
	}
	st, data, _ := env.Do(t, "POST", fmt.Sprintf("/api/field/sync?schema_version=%d", v), tok, body, nil)
	if st != 200 {
		t.Fatalf("push v%d: %d %s", v, st, data)
	}
	return decodePush(t, data)
}

// pullV pulls as a client of schema version v; migration is the raw
// migration parameter ("" for none).
func pullV(t *testing.T, env *testenv.Env, tok string, v int, last int64, migration string) pullResp {
	t.Helper()
	u := fmt.Sprintf("/api/field/sync?schema_version=%d&last_pulled_at=%d", v, last)
	if migration != "" {
		u += "&migration=" + url.QueryEscape(migration)
	}
	var out pullResp
	env.MustJSON(t, "GET", u, tok, nil, 200, &out)
	return out
}

// contact3 is a valid schema-3 contact: contact() without the legacy
// columns, with the new ones.
func contact3(id string, over map[string]any) map[string]any {
	c := contact(id, nil)
	delete(c, "indicators")
	delete(c, "interpreter")
	c["control"] = `["debt","psychological_abuse"]`
	c["vulnerabilities"] = `["homeless","substance_use"]`
	c["risk_groups"] = `[]`
	c["compensation"] = `["money","place_to_sleep"]`
	c["interpreting"] = "professional"
	for k, v := range over {
		c[k] = v
	}
	return c
}

func recordOf(t *testing.T, p pullResp, id string) map[string]any {
	t.Helper()
	for _, r := range p.Changes["contacts"].Updated {
		if r["id"] == id {
			return r
		}
	}
	t.Fatalf("contact %s not in the pull", id)
	return nil
}

func stored(t *testing.T, env *testenv.Env, id string) *core.Record {
	t.Helper()
	rec, err := env.App.FindRecordById("contacts", id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func jsonSet(t *testing.T, rec *core.Record, field string) string {
	b, _ := json.Marshal(rec.GetStringSlice(field))
	return string(b)
}

var schema3Columns = []string{"control", "vulnerabilities", "risk_groups", "compensation", "interpreting"}

// TestSchemaClientsSideBySide: one record, seen by tablets of schemas 1, 2
// and 3: the old ones get indicators and interpreter mapped down and none
// of the new columns; schema 3 gets the new columns and not the old ones.
func TestSchemaClientsSideBySide(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	pr := pushV(t, env, tok, 3, 0, []map[string]any{contact3(id, map[string]any{"risk_groups": `["eu_minor"]`, "age_band": "15_17"})}, nil)
	if len(pr.Sanitized["contacts"][id]) != 0 {
		t.Fatalf("a valid schema-3 contact was sanitised: %v", pr.Sanitized)
	}
	for v := 1; v <= 3; v++ {
		rec := recordOf(t, pullV(t, env, tok, v, 0, ""), id)
		for _, col := range schema3Columns {
			if _, has := rec[col]; has != (v == 3) {
				t.Errorf("schema %d: column %s present = %v", v, col, has)
			}
		}
		for _, col := range []string{"indicators", "interpreter"} {
			if _, has := rec[col]; has != (v < 3) {
				t.Errorf("schema %d: column %s present = %v", v, col, has)
			}
		}
		if v < 3 {
			// Old codes only: psychological_abuse and substance_use are new.
			if rec["indicators"] != `["debt","homeless"]` || rec["interpreter"] != true {
				t.Errorf("schema %d: indicators %v interpreter %v", v, rec["indicators"], rec["interpreter"])
			}
		} else if rec["control"] != `["debt","psychological_abuse"]` || rec["vulnerabilities"] != `["homeless","substance_use"]` ||
			rec["risk_groups"] != `["eu_minor"]` || rec["compensation"] != `["money","place_to_sleep"]` || rec["interpreting"] != "professional" {
			t.Errorf("schema 3 record %v", rec)
		}
	}
}

// TestEachNewCodeThroughPushPullAndLagesbild: every code schema 3 added
// (each control, vulnerability, risk group, compensation and interpreting
// code, the new assessment, action and channel codes) goes from a
// schema-3 tablet through a real push, is stored as pushed, pulled back as
// stored, and counted in its lägesbild table. Each code is carried by
// five contacts (k = 5: fewer would be hidden); the expected counts are
// worked out here from what was pushed.
func TestEachNewCodeThroughPushPullAndLagesbild(t *testing.T) {
	env, _, tok := setup(t)
	_, analyst := env.User(t, "analytiker@stad.se", "analyst", "")
	type probe struct {
		column string
		value  any // wire value
	}
	var probes []probe
	for _, l := range []taxonomy.List{taxonomy.Control, taxonomy.Vulnerabilities, taxonomy.RiskGroups, taxonomy.Compensation} {
		for _, c := range l.Codes {
			probes = append(probes, probe{l.Name, `["` + c.Code + `"]`})
		}
	}
	for _, c := range taxonomy.Interpreting.Codes {
		probes = append(probes, probe{"interpreting", c.Code})
	}
	for _, code := range []string{"suspected_child_sex_purchase", "suspected_procuring"} {
		probes = append(probes, probe{"assessment", code})
	}
	for _, code := range []string{"sip", "referral_rvt", "referral_ungdomsjouren", "referral_preventell",
		"stop_buying_counselling", "guardian_application", "referral_migration_agency"} {
		probes = append(probes, probe{"actions", `["` + code + `"]`})
	}
	probes = append(probes, probe{"channel", "email_chat"})

	const copies = 5
	var created []map[string]any
	ids := map[string]probe{}
	for _, p := range probes {
		for i := 0; i < copies; i++ {
			id := uuid.NewString()
			ids[id] = p
			over := map[string]any{p.column: p.value}
			if p.column == "risk_groups" {
				over["age_band"] = "15_17" // risk groups are children's
			}
			created = append(created, contact3(id, over))
		}
	}
	pr := pushV(t, env, tok, 3, 0, created, nil)
	if len(pr.Sanitized) != 0 || len(pr.Rejected) != 0 {
		t.Fatalf("new codes sanitised or rejected: %v %v", pr.Sanitized, pr.Rejected)
	}
	pulled := pullV(t, env, tok, 3, 0, "")
	for id, p := range ids {
		rec := recordOf(t, pulled, id)
		if rec[p.column] != p.value {
			t.Errorf("%s = %v pulled back as %v", p.column, p.value, rec[p.column])
		}
		s := stored(t, env, id)
		var got any = s.GetString(p.column)
		if _, isSet := p.value.(string); isSet && p.column != "interpreting" && p.column != "assessment" && p.column != "channel" {
			got = jsonSet(t, s, p.column)
		}
		if got != p.value {
			t.Errorf("%s = %v stored as %v", p.column, p.value, got)
		}
	}

	// What each table must count, from the pushed contacts: table →
	// dimension → code → contacts.
	type tableDim struct{ table, dim, column string }
	tables := []tableDim{
		{"contacts_by_control", "control", "control"},
		{"contacts_by_vulnerability", "vulnerability", "vulnerabilities"},
		{"children_by_risk_group", "risk_group", "risk_groups"},
		{"sellers_by_compensation_age_group", "compensation", "compensation"},
		{"contacts_by_interpreting", "interpreting", "interpreting"},
		{"contacts_by_assessment", "assessment", "assessment"},
		{"contacts_by_action", "action", "actions"},
		{"contacts_by_channel", "channel", "channel"},
	}
	want := map[string]map[string]int{}
	for _, td := range tables {
		want[td.table] = map[string]int{}
	}
	for _, c := range created {
		child := c["age_band"] == "15_17" || c["age_band"] == "under_15"
		for _, td := range tables {
			if td.table == "children_by_risk_group" && !child || td.table == "sellers_by_compensation_age_group" && c["role"] != "sells_sex" {
				continue
			}
			raw := c[td.column].(string)
			var codes []string
			if strings.HasPrefix(raw, "[") {
				if err := json.Unmarshal([]byte(raw), &codes); err != nil {
					t.Fatal(err)
				}
			} else {
				codes = []string{raw}
			}
			for _, code := range codes {
				want[td.table][code]++
			}
		}
	}

	var doc struct {
		Tables []struct {
			ID    string `json:"id"`
			Cells []struct {
				Dims   map[string]string `json:"dims"`
				Value  *int              `json:"value"`
				Hidden bool              `json:"hidden"`
			} `json:"cells"`
		} `json:"tables"`
	}
	env.MustJSON(t, "GET", fmt.Sprintf("/api/lagesbild?year=%s", today()[:4]), analyst, nil, 200, &doc)
	// cell finds table's cell with dim = code and every other dimension at
	// its total.
	cell := func(table, dim, code string) (v int, published, found bool) {
		for _, tb := range doc.Tables {
			if tb.ID != table {
				continue
			}
		cells:
			for _, c := range tb.Cells {
				if c.Dims[dim] != code {
					continue
				}
				for k, v := range c.Dims {
					if k != dim && v != "_total" {
						continue cells
					}
				}
				if c.Value == nil {
					return 0, false, true
				}
				return *c.Value, true, true
			}
		}
		return 0, false, false
	}
	checked := 0
	for _, p := range probes {
		var td tableDim
		for _, x := range tables {
			if x.column == p.column {
				td = x
			}
		}
		code := fmt.Sprint(p.value)
		if strings.HasPrefix(code, "[") {
			code = code[2 : len(code)-2]
		}
		got, published, found := cell(td.table, td.dim, code)
		switch {
		case !found:
			t.Errorf("lägesbild %s has no cell %s=%s", td.table, td.dim, code)
		case !published:
			t.Errorf("lägesbild %s %s=%s hidden, want %d", td.table, td.dim, code, want[td.table][code])
		case got != want[td.table][code] || got < copies:
			t.Errorf("lägesbild %s %s=%s: %d, want %d", td.table, td.dim, code, got, want[td.table][code])
		}
		checked++
	}
	if checked != len(probes) {
		t.Errorf("%d of %d codes checked in the lägesbild", checked, len(probes))
	}
}

// TestOldTabletRule: a schema-2 and a schema-3 tablet edit the same
// record. The old tablet's whole-record pushes never damage what it cannot
// see, and its real changes still arrive.
func TestOldTabletRule(t *testing.T) {
	env, team, newTab := setup(t)
	_, oldTab := env.Device(t, team, "Gammal platta")
	id := uuid.NewString()
	rich := contact3(id, map[string]any{"age_band": "15_17", "risk_groups": `["unaccompanied"]`})
	pushV(t, env, newTab, 3, 0, []map[string]any{rich}, nil)

	// The old tablet pulls the record and edits only cards_given: it sends
	// back the whole record as it knows it (indicators and interpreter
	// mapped down), plus a column its schema does not have.
	p2 := pullV(t, env, oldTab, 2, 0, "")
	old := recordOf(t, p2, id)
	edit := clone(old)
	edit["cards_given"] = 4
	pr := pushV(t, env, oldTab, 2, p2.Timestamp, nil, []map[string]any{edit})
	if len(pr.Sanitized["contacts"][id]) != 0 {
		t.Errorf("an unchanged old record was reported sanitised: %v", pr.Sanitized)
	}
	s := stored(t, env, id)
	if s.GetInt("cards_given") != 4 {
		t.Errorf("the old tablet's edit was lost: cards_given %d", s.GetInt("cards_given"))
	}
	if jsonSet(t, s, "control") != `["debt","psychological_abuse"]` || jsonSet(t, s, "vulnerabilities") != `["homeless","substance_use"]` ||
		s.GetString("interpreting") != "professional" || jsonSet(t, s, "risk_groups") != `["unaccompanied"]` ||
		jsonSet(t, s, "compensation") != `["money","place_to_sleep"]` {
		t.Fatalf("the old tablet damaged schema-3 data: %v", s.FieldsData())
	}

	// A column the old client's schema lacks is never touched, even sent.
	p2 = pullV(t, env, oldTab, 2, p2.Timestamp, "")
	edit = clone(recordOf(t, p2, id))
	edit["risk_groups"] = `[]`
	edit["interpreting"] = "none"
	pr = pushV(t, env, oldTab, 2, p2.Timestamp, nil, []map[string]any{edit})
	if got := pr.Sanitized["contacts"][id]; !slices.Contains(got, "risk_groups") || !slices.Contains(got, "interpreting") {
		t.Errorf("columns outside schema 2 not reported as ignored: %v", got)
	}
	s = stored(t, env, id)
	if jsonSet(t, s, "risk_groups") != `["unaccompanied"]` || s.GetString("interpreting") != "professional" {
		t.Fatalf("a schema-2 push touched a schema-3 column: %v", s.FieldsData())
	}

	// Now the worker on the old tablet really changes the mapped columns:
	// takes debt away, adds threats and no_shared_language, unticks the
	// interpreter. Only what the old list can express changes.
	p2 = pullV(t, env, oldTab, 2, p2.Timestamp, "")
	edit = clone(recordOf(t, p2, id))
	edit["indicators"] = `["threats","homeless","no_shared_language"]`
	edit["interpreter"] = false
	pushV(t, env, oldTab, 2, p2.Timestamp, nil, []map[string]any{edit})
	s = stored(t, env, id)
	if got := jsonSet(t, s, "control"); got != `["threats","psychological_abuse"]` {
		t.Errorf("control %s, want threats replacing debt and psychological_abuse kept", got)
	}
	if got := jsonSet(t, s, "vulnerabilities"); got != `["no_shared_language","homeless","substance_use"]` {
		t.Errorf("vulnerabilities %s", got)
	}
	if got := s.GetString("interpreting"); got != "unknown" {
		t.Errorf("interpreting %s after the old tablet unticked the interpreter, want unknown", got)
	}

	// The schema-3 tablet sees the result and edits it; the old tablet
	// then sees that mapped down.
	p3 := pullV(t, env, newTab, 3, 0, "")
	rec := clone(recordOf(t, p3, id))
	rec["interpreting"] = "other_person"
	rec["control"] = `["threats","psychological_abuse","withholds_necessities"]`
	pushV(t, env, newTab, 3, p3.Timestamp, nil, []map[string]any{rec})
	got := recordOf(t, pullV(t, env, oldTab, 2, 0, ""), id)
	if got["interpreter"] != true || got["indicators"] != `["threats","no_shared_language","homeless"]` || got["cards_given"] != float64(4) {
		t.Errorf("old tablet sees %v", got)
	}
}

// TestMigrationPullFrom2To3: a tablet that synced at schema 2 updates its
// app to schema 3 and asks for the new columns with a migration pull: it
// gets the records of its window with the new columns, records changed
// since its cursor (also outside the window), and the deletes since.
func TestMigrationPullFrom2To3(t *testing.T) {
	env, team, tok := setup(t)
	_, other := env.Device(t, team, "Annan platta")
	inWindow, gone := uuid.NewString(), uuid.NewString()
	pushV(t, env, other, 3, 0, []map[string]any{contact3(inWindow, nil), contact3(gone, nil)}, nil)

	col, _ := env.App.FindCollectionByNameOrId("contacts")
	oldID := uuid.NewString()
	oldRec := core.NewRecord(col)
	oldRec.Set("id", oldID)
	oldRec.Set("team", team)
	oldRec.Set("occurred_on", time.Now().AddDate(0, 0, -90).Format(time.DateOnly))
	for _, f := range []string{"daypart", "channel", "area", "arena", "role", "age_band", "gender", "origin_region", "assessment", "interpreting"} {
		oldRec.Set(f, "unknown")
	}
	if err := env.App.Save(oldRec); err != nil {
		t.Fatal(err)
	}

	p2 := pullV(t, env, tok, 2, 0, "")
	if len(p2.Changes["contacts"].Updated) != 2 {
		t.Fatalf("schema-2 first sync: %v", ids(p2.Changes["contacts"].Updated))
	}
	// Meanwhile: the old record is edited in the dashboard, one is deleted.
	oldRec.Set("compensation", []string{"drugs"})
	if err := env.App.Save(oldRec); err != nil {
		t.Fatal(err)
	}
	goneRec := stored(t, env, gone)
	if err := env.App.Delete(goneRec); err != nil {
		t.Fatal(err)
	}

	// An ordinary pull at schema 3 sends only the changes.
	plain := pullV(t, env, tok, 3, p2.Timestamp, "")
	if got := ids(plain.Changes["contacts"].Updated); len(got) != 1 || got[0] != oldID {
		t.Errorf("incremental schema-3 pull %v, want only the edited record", got)
	}

	mig := `{"from":2,"tables":[],"columns":[{"table":"contacts","columns":["control","vulnerabilities","risk_groups","compensation","interpreting"]}]}`
	for _, m := range []string{mig, `{"from":2,"tables":[],"columns":[]}`} {
		p3 := pullV(t, env, tok, 3, p2.Timestamp, m)
		got := ids(p3.Changes["contacts"].Updated)
		want := []string{inWindow, oldID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("migration %s: contacts %v, want %v", m, got, want)
		}
		if rec := recordOf(t, p3, inWindow); rec["control"] != `["debt","psychological_abuse"]` || rec["interpreting"] != "professional" {
			t.Errorf("migration pull record lacks its new columns: %v", rec)
		}
		if rec := recordOf(t, p3, oldID); rec["compensation"] != `["drugs"]` {
			t.Errorf("record changed since the cursor: %v", rec)
		}
		if d := p3.Changes["contacts"].Deleted; len(d) != 1 || d[0] != gone {
			t.Errorf("migration pull deleted %v, want %s", d, gone)
		}
		if p3.Strategy != "" {
			t.Errorf("migration pull marked %q", p3.Strategy)
		}
	}
}

// TestOldShapeRecordFromNewClient: an app updated to schema 3 still holds
// records saved before the update (indicators, interpreter, no new
// columns); pushing one maps the old columns into the targets it lacks.
func TestOldShapeRecordFromNewClient(t *testing.T) {
	env, _, tok := setup(t)
	id := uuid.NewString()
	rec := contact(id, map[string]any{"indicators": `["threats","recently_arrived"]`, "interpreter": true})
	pr := pushV(t, env, tok, 3, 0, []map[string]any{rec}, nil)
	if len(pr.Sanitized["contacts"][id]) != 0 {
		t.Errorf("old-shape record reported sanitised: %v", pr.Sanitized)
	}
	s := stored(t, env, id)
	if jsonSet(t, s, "control") != `["threats"]` || jsonSet(t, s, "vulnerabilities") != `["recently_arrived"]` || s.GetString("interpreting") != "used_unspecified" {
		t.Errorf("old columns not mapped: %v", s.FieldsData())
	}
	// When the record carries the schema-3 columns, they win and the old
	// one is reported as ignored.
	p := pullV(t, env, tok, 3, 0, "")
	upd := clone(recordOf(t, p, id))
	upd["control"] = `["debt"]`
	upd["indicators"] = `["violence"]`
	pr = pushV(t, env, tok, 3, p.Timestamp, nil, []map[string]any{upd})
	if got := pr.Sanitized["contacts"][id]; !slices.Equal(got, []string{"indicators"}) {
		t.Errorf("sanitized %v, want the ignored indicators reported", got)
	}
	s = stored(t, env, id)
	if jsonSet(t, s, "control") != `["debt"]` || jsonSet(t, s, "vulnerabilities") != `["recently_arrived"]` {
		t.Errorf("control %s vulnerabilities %s", jsonSet(t, s, "control"), jsonSet(t, s, "vulnerabilities"))
	}
}

// TestNewCodesRaiseChildFollowUp: any control or vulnerability code of a
// child's contact raises a follow-up, which copies the schema-3 fields.
func TestNewCodesRaiseChildFollowUp(t *testing.T) {
	env, _, tok := setup(t)
	for _, c := range []struct{ column, code string }{
		{"control", "threat_of_authorities"}, {"vulnerabilities", "self_harm_through_sex"},
	} {
		id := uuid.NewString()
		rec := contact3(id, map[string]any{"age_band": "15_17", "role": "relative", "assessment": "none",
			"actions": `[]`, "control": `[]`, "vulnerabilities": `[]`, "risk_groups": `["placed_in_care"]`})
		rec[c.column] = `["` + c.code + `"]`
		body := map[string]any{"changes": map[string]any{"contacts": map[string]any{"created": []any{rec}, "updated": []any{}, "deleted": []any{}}}, "last_pulled_at": 0}
		var reply struct {
			FollowupsRaised map[string][]string `json:"followups_raised"`
		}
		env.MustJSON(t, "POST", "/api/field/sync?schema_version=3", tok, body, 200, &reply)
		if !slices.Contains(reply.FollowupsRaised["contacts"], id) {
			t.Errorf("%s %s raised no follow-up: %v", c.column, c.code, reply.FollowupsRaised)
			continue
		}
		fu, err := env.App.FindFirstRecordByData("follow_ups", "contact", id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(fu.GetStringSlice("reasons"), []string{c.column}) {
			t.Errorf("reasons %v", fu.GetStringSlice("reasons"))
		}
		if got := fu.GetStringSlice(c.column); !slices.Equal(got, []string{c.code}) {
			t.Errorf("follow-up copy of %s = %v", c.column, got)
		}
		if got := fu.GetStringSlice("risk_groups"); !slices.Equal(got, []string{"placed_in_care"}) {
			t.Errorf("follow-up copy of risk_groups = %v", got)
		}
	}
}
