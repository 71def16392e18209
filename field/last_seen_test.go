package field_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"uppsok/internal/testenv"
)

// TestLastSeenIsTouchedOncePerMinute: the console's "last seen" of a tablet
// follows its pulls and pushes, written at most once a minute, in
// PocketBase's date format (the collection API reads it back).
func TestLastSeenIsTouchedOncePerMinute(t *testing.T) {
	clock := testenv.NewClock(time.Date(2026, 11, 27, 21, 14, 30, 0, time.UTC))
	advance := clock.Add
	env := testenv.NewWith(t, testenv.Options{Now: clock.Now})
	team := env.TeamID(t, "mika")
	id, tok := env.Device(t, team, "Surfplatta 1")
	seen := func() string {
		t.Helper()
		rec, err := env.Core.FindRecordById("devices", id)
		if err != nil {
			t.Fatal(err)
		}
		return rec.GetDateTime("last_seen").String()
	}

	env.MustJSON(t, "GET", "/api/field/sync?last_pulled_at=0", tok, nil, 200, nil)
	if got := seen(); got != "2026-11-27 21:14:00.000Z" {
		t.Fatalf("after a pull last_seen is %q", got)
	}
	advance(20 * time.Second) // same minute window: no write
	if st, body := push(t, env, tok, 0, []map[string]any{contact(uuid.NewString(), nil)}, nil, nil, nil); st != http.StatusOK {
		t.Fatalf("push: %d %s", st, body)
	}
	if got := seen(); got != "2026-11-27 21:14:00.000Z" {
		t.Fatalf("a push 20 s later moved last_seen to %q", got)
	}
	advance(2 * time.Minute)
	if st, body := push(t, env, tok, 0, []map[string]any{contact(uuid.NewString(), nil)}, nil, nil, nil); st != http.StatusOK {
		t.Fatalf("push: %d %s", st, body)
	}
	if got := seen(); got != "2026-11-27 21:16:00.000Z" {
		t.Fatalf("after a push two minutes later last_seen is %q", got)
	}
	// The lead's console reads it through the collection API.
	_, leadTok := env.User(t, "lead.seen@example.se", "lead", team)
	var dev struct {
		LastSeen string `json:"last_seen"`
	}
	env.MustJSON(t, "GET", "/api/collections/devices/records/"+id, leadTok, nil, 200, &dev)
	if dev.LastSeen != "2026-11-27 21:16:00.000Z" {
		t.Fatalf("the console reads last_seen %q", dev.LastSeen)
	}
}
