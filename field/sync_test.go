package field_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"uppsok/internal/testenv"
)

// pullResp is a decoded pull response.
type pullResp struct {
	Changes map[string]struct {
		Created []map[string]any `json:"created"`
		Updated []map[string]any `json:"updated"`
		Deleted []string         `json:"deleted"`
	} `json:"changes"`
	Timestamp int64  `json:"timestamp"`
	Strategy  string `json:"experimentalStrategy"`
}

type pushResp struct {
	Rejected  map[string][]string            `json:"rejected"`
	Sanitized map[string]map[string][]string `json:"sanitized"`
}

func today() string { return time.Now().In(stockholm()).Format(time.DateOnly) }

func stockholm() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}

// contact returns a valid pushed contact with id.
func contact(id string, over map[string]any) map[string]any {
	c := map[string]any{
		"id": id, "occurred_on": today(), "daypart": "evening", "channel": "street",
		"area": "sodermalm", "arena": "street", "platforms": `[]`, "role": "sells_sex",
		"age_band": "26_35", "gender": "woman", "origin_region": "eu_eea", "language": "ro",
		"interpreter": false, "indicators": `["debt"]`, "assessment": "indicators",
		"purposes": `[]`, "actions": `["information","info_card"]`, "cards_given": 1,
		"notes": "", "_status": "created", "_changed": "", "created_at": 1, "updated_at": 1,
	}
	for k, v := range over {
		c[k] = v
	}
	return c
}

func push(t *testing.T, env *testenv.Env, token string, lastPulled int64, created, updated []map[string]any, deleted []string, headers map[string]string) (int, []byte) {
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
		"changes": map[string]any{
			"contacts": map[string]any{"created": created, "updated": updated, "deleted": deleted},
		},
		"last_pulled_at": lastPulled,
	}
	status, data, _ := env.Do(t, "POST", "/api/field/sync?schema_version=2", token, body, headers)
	return status, data
}

func pull(t *testing.T, env *testenv.Env, token string, last any) pullResp {
	t.Helper()
	var out pullResp
	env.MustJSON(t, "GET", fmt.Sprintf("/api/field/sync?schema_version=2&last_pulled_at=%v", last), token, nil, 200, &out)
	return out
}

func ids(recs []map[string]any) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r["id"].(string))
	}
	sort.Strings(out)
	return out
}

func TestPushThenPullRoundTrip(t *testing.T) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Surfplatta 1")

	first := pull(t, env, tok, 0)
	if first.Timestamp < 1 {
		t.Fatalf("timestamp %d, want >= 1", first.Timestamp)
	}
	for _, tbl := range []string{"contacts", "outreach_sessions", "teams", "workers", "info_cards"} {
		if _, ok := first.Changes[tbl]; !ok {
			t.Errorf("table %s missing from pull", tbl)
		}
	}
	if got := len(first.Changes["teams"].Updated); got != 7 {
		t.Errorf("teams: %d, want 7", got)
	}

	id := uuid.NewString()
	status, data := push(t, env, tok, first.Timestamp, []map[string]any{contact(id, map[string]any{"person_code": "an sv 1998"})}, nil, nil, nil)
	if status != 200 {
		t.Fatalf("push: %d %s", status, data)
	}
	var pr pushResp
	if err := json.Unmarshal(data, &pr); err != nil {
		t.Fatal(err)
	}
	if len(pr.Rejected) != 0 || len(pr.Sanitized) != 0 {
		t.Fatalf("unexpected report: %s", data)
	}

	next := pull(t, env, tok, first.Timestamp)
	got := next.Changes["contacts"].Updated
	if len(got) != 1 || got[0]["id"] != id {
		t.Fatalf("pulled %v, want the pushed contact", got)
	}
	rec := got[0]
	for _, forbidden := range []string{"person_code", "person_key", "_status", "_changed", "seq"} {
		if _, ok := rec[forbidden]; ok {
			t.Errorf("pulled record carries %s", forbidden)
		}
	}
	if rec["team_id"] != team || rec["indicators"] != `["debt"]` || rec["actions"] != `["information","info_card"]` || rec["cards_given"] != float64(1) {
		t.Errorf("pulled record wrong: %v", rec)
	}
	if next.Timestamp <= first.Timestamp {
		t.Errorf("cursor did not advance: %d -> %d", first.Timestamp, next.Timestamp)
	}

	stored, err := env.App.FindRecordById("contacts", id)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := env.Uppsok.Hasher()
	if stored.GetString("person_key") != h.Hash("ANSV1998") || stored.GetString("person_key") == "" {
		t.Errorf("person_key not the keyed hash of the normalised code")
	}
	if strings.Contains(string(data), "ANSV") {
		t.Errorf("response leaks the code")
	}
}

func TestPullRejectsBadCursor(t *testing.T) {
	env := testenv.New(t)
	_, tok := env.Device(t, env.TeamID(t, "kast"), "x")
	for _, c := range []string{"-1", "abc", "1.5", "1e3", "%20-3"} {
		t.Run(c, func(t *testing.T) {
			status, data, _ := env.Do(t, "GET", "/api/field/sync?last_pulled_at="+c, tok, nil, nil)
			if status != http.StatusBadRequest {
				t.Fatalf("cursor %q: %d %s", c, status, data)
			}
		})
	}
	for _, c := range []string{"", "null", "0"} {
		t.Run("first:"+c, func(t *testing.T) {
			status, data, _ := env.Do(t, "GET", "/api/field/sync?last_pulled_at="+c, tok, nil, nil)
			if status != 200 || strings.Contains(string(data), "replacement") {
				t.Fatalf("cursor %q: %d %s", c, status, data)
			}
		})
	}
	for _, c := range []string{"999999999", "99999999999999999999999"} {
		t.Run("future:"+c, func(t *testing.T) {
			out := pull(t, env, tok, c)
			if out.Strategy != "replacement" {
				t.Fatalf("future cursor %s: strategy %q, want replacement", c, out.Strategy)
			}
		})
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
