package field_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"uppsok/internal/testenv"
)

// realtimeEvent is one record message of PocketBase's realtime stream.
type realtimeEvent struct {
	Action string         `json:"action"`
	Record map[string]any `json:"record"`
}

// TestPushIsAnnouncedInRealtime checks what docs/sync.md promises of the
// push's realtime announcements: a lead subscribed to contacts hears each
// pushed create, update and delete once, after the push committed, without
// the person hash; nothing of a push that rolled back is announced.
func TestPushIsAnnouncedInRealtime(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "refuse.pb.js"), []byte(failingHook), 0o644); err != nil {
		t.Fatal(err)
	}
	env := testenv.NewWith(t, testenv.Options{HooksDir: dir})
	team := env.TeamID(t, "mika")
	_, lead := env.User(t, "lead@example.se", "lead", team)
	_, tok := env.Device(t, team, "Platta")

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", env.URL+"/api/realtime", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	clientID := make(chan string, 1)
	events := make(chan realtimeEvent, 100)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data:")
			if !ok {
				continue
			}
			var msg struct {
				ClientID string `json:"clientId"`
				realtimeEvent
			}
			if json.Unmarshal([]byte(data), &msg) != nil {
				continue
			}
			if msg.ClientID != "" {
				clientID <- msg.ClientID
				continue
			}
			events <- msg.realtimeEvent
		}
	}()
	var id string
	select {
	case id = <-clientID:
	case <-ctx.Done():
		t.Fatal("no realtime client id")
	}
	if st, body, _ := env.Do(t, "POST", "/api/realtime", lead, map[string]any{"clientId": id, "subscriptions": []string{"contacts"}}, nil); st != 204 {
		t.Fatalf("subscribe: %d %s", st, body)
	}
	// next returns the next announcement, failing the test after a
	// generous wait.
	next := func(what string) realtimeEvent {
		t.Helper()
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("realtime stream ended waiting for %s", what)
			}
			return ev
		case <-ctx.Done():
			t.Fatalf("no realtime announcement of %s", what)
		}
		return realtimeEvent{}
	}

	first := pull(t, env, tok, 0)
	a := contact(uuid.NewString(), map[string]any{"person_code": "XY77"})
	b := contact(uuid.NewString(), nil)
	mustPush(t, env, tok, first.Timestamp, []map[string]any{a, b}, nil, nil)
	got := map[string]string{}
	for i := 0; i < 2; i++ {
		ev := next("the pushed creates")
		rid, _ := ev.Record["id"].(string)
		got[rid] = ev.Action
		if _, leaked := ev.Record["person_key"]; leaked {
			t.Errorf("realtime announcement of %s carries person_key", rid)
		}
	}
	for _, c := range []map[string]any{a, b} {
		if got[c["id"].(string)] != "create" {
			t.Errorf("announcements %v, want a create of %s", got, c["id"])
		}
	}

	// A push that rolls back: nothing of it is announced. The push after
	// it is announced; an announcement of the failed one would come first.
	p := pull(t, env, tok, first.Timestamp)
	failed := contact(uuid.NewString(), nil)
	bad := contact(uuid.NewString(), map[string]any{"notes": "AVVISA"})
	if st, body, err := pushRaw(env, tok, p.Timestamp, []map[string]any{failed, bad}, nil); err != nil || st != 500 {
		t.Fatalf("refused push: %d %s %v", st, body, err)
	}
	u := clone(a)
	u["_status"] = "updated"
	u["notes"] = "ändrad"
	mustPush(t, env, tok, p.Timestamp, nil, []map[string]any{u}, []string{b["id"].(string)})
	want := map[string]string{a["id"].(string): "update", b["id"].(string): "delete"}
	for i := 0; i < 2; i++ {
		ev := next("the update and the delete")
		rid, _ := ev.Record["id"].(string)
		if want[rid] != ev.Action {
			t.Errorf("announced %s of %s, want only %v", ev.Action, rid, want)
		}
		if rid == a["id"] && ev.Record["notes"] != "ändrad" {
			t.Errorf("update announced with notes %v", ev.Record["notes"])
		}
		delete(want, rid)
	}
	select {
	case ev := <-events:
		t.Errorf("unexpected announcement %s of %v", ev.Action, ev.Record["id"])
	default:
	}
}
