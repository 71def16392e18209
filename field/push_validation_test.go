package field_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestPushedOddValuesPassPocketBaseValidation pushes records with every
// kind of bad value a tablet might send (unknown codes, wrong JSON types,
// over-long and control-character text, numbers out of range or as
// strings, relations to records that do not exist or belong to another
// team) through the fast write path, which skips PocketBase's field
// validation on the grounds that the sanitiser has made every value
// valid. The push is accepted (200, the changes listed in sanitized), and
// every stored record then passes PocketBase's own full validation
// (select values, max lengths, JSON, relation existence, id pattern).
func TestPushedOddValuesPassPocketBaseValidation(t *testing.T) {
	env, team, tok := setup(t)
	kast := env.TeamID(t, "kast")
	_, kastTok := env.Device(t, kast, "KAST-platta")
	foreignSession := uuid.NewString()
	env.MustJSON(t, "POST", "/api/field/sync?schema_version=2", kastTok, map[string]any{
		"changes": map[string]any{"outreach_sessions": map[string]any{"created": []any{map[string]any{
			"id": foreignSession, "kind": "online", "started_on": today(), "daypart": "night", "area": "sodermalm"}}}},
		"last_pulled_at": 0,
	}, 200, nil)

	odd := []map[string]any{
		{"channel": "teleport", "gender": 7, "daypart": nil, "area": []any{"x"}, "role": map[string]any{"a": 1}},
		{"platforms": `{"a":1}`, "indicators": `[1,2,"debt",null]`, "actions": "inte json", "purposes": 5},
		{"notes": strings.Repeat("ä", 5000), "cards_given": "3", "occurred_on": 20261127},
		{"notes": "rad1\x00\x07\u2028\xff slut", "cards_given": -4, "interpreter": "ja"},
		{"notes": 12345, "cards_given": 1e300, "language": strings.Repeat("x", 300), "age_band": ""},
		{"session_id": uuid.NewString(), "worker_id": uuid.NewString()},
		{"session_id": foreignSession, "worker_id": "not-an-id", "person_code": strings.Repeat("P", 10000)},
	}
	var created []map[string]any
	for _, over := range odd {
		created = append(created, contact(uuid.NewString(), over))
	}
	sessions := []any{
		map[string]any{"id": uuid.NewString(), "kind": "warp", "duration_minutes": 99999, "persons_observed": -1,
			"ads_reviewed": "many", "messages_sent": 1.5, "notes": strings.Repeat("n", 2000), "platforms": `["kik","nope"]`},
	}
	var reply struct {
		Rejected  map[string][]string            `json:"rejected"`
		Sanitized map[string]map[string][]string `json:"sanitized"`
	}
	env.MustJSON(t, "POST", "/api/field/sync?schema_version=2", tok, map[string]any{
		"changes": map[string]any{
			"contacts":          map[string]any{"created": created, "updated": []any{}, "deleted": []any{}},
			"outreach_sessions": map[string]any{"created": sessions, "updated": []any{}, "deleted": []any{}},
		},
		"last_pulled_at": 0,
	}, 200, &reply)
	if len(reply.Rejected) > 0 {
		t.Errorf("rejected %v; bad values are sanitised, not refused", reply.Rejected)
	}
	check := func(table, id string) {
		t.Helper()
		rec, err := env.Core.FindRecordById(table, id)
		if err != nil {
			t.Errorf("%s %s not stored: %v", table, id, err)
			return
		}
		if rec.GetString("team") != team {
			t.Errorf("%s %s stored for team %q", table, id, rec.GetString("team"))
		}
		if len(reply.Sanitized[table][id]) == 0 {
			t.Errorf("%s %s: nothing reported in sanitized", table, id)
		}
		for _, rel := range []string{"session", "worker"} {
			if id := rec.GetString(rel); id != "" {
				target := map[string]string{"session": "outreach_sessions", "worker": "users"}[rel]
				if r, err := env.Core.FindRecordById(target, id); err != nil || r.GetString("team") != team {
					t.Errorf("%s %s: %s %s is not one of the team's", table, rec.Id, rel, id)
				}
			}
		}
		if err := env.Core.Validate(rec); err != nil {
			t.Errorf("%s %s as the push stored it fails PocketBase's validation: %v", table, id, err)
		}
	}
	for _, c := range created {
		check("contacts", c["id"].(string))
	}
	check("outreach_sessions", sessions[0].(map[string]any)["id"].(string))
}
