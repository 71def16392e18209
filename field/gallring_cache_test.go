package field_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"uppsok/field"
	"uppsok/gallring"
	"uppsok/internal/testenv"
)

// TestGallringInPlaceLeavesNoCachedNotes: gallring clears the notes of
// records older than the field window in place, without a cursor value.
// A contact logged long after the day it concerns reaches the other tablets
// by its cursor value, so its row is pulled and cached; after gallring no
// pull, plain or gzip, may serve the old notes from the row or chunk cache.
func TestGallringInPlaceLeavesNoCachedNotes(t *testing.T) {
	env, svc, team, a, b := twoTablets(t)
	start := fieldCursor(t, env)
	id := pushOldNote(t, env, a)
	// Tablet A pulls what changed since before its push: its own contact,
	// by its cursor value. That caches the row, and a chunk of the gzip reply.
	for _, enc := range []string{"identity", "gzip"} {
		if n, ok := pulledNotes(t, env, a, enc, start, id); !ok || n != "gammal anteckning" {
			t.Fatalf("A's pull (%s) before gallring: notes %q, found %v", enc, n, ok)
		}
	}
	if !field.CachedRow(svc, "contacts", id) || field.CachedChunks(svc, "contacts", team) == 0 {
		t.Fatal("the pulls cached neither the row nor a chunk: the test would prove nothing")
	}

	res, err := gallring.Run(context.Background(), env.Core, env.Uppsok.Gallring, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.ContactNotes != 1 || res.InWindow != 0 {
		t.Fatalf("gallring: %+v, want one note cleared in place", res)
	}
	if field.CachedRow(svc, "contacts", id) || field.CachedChunks(svc, "contacts", team) != 0 {
		t.Error("the row or its chunk is still cached after gallring cleared the notes in place")
	}
	for _, enc := range []string{"identity", "gzip"} {
		if n, ok := pulledNotes(t, env, b, enc, start, id); !ok || n != "" {
			t.Errorf("B's pull (%s) after gallring: notes %q, found %v; want the contact with no notes", enc, n, ok)
		}
	}
}

// TestPullAcrossGallringCachesNothing: a pull whose snapshot was taken
// before gallring cleared notes in place still sends what its snapshot
// holds, but puts none of those rows or chunks into the caches after the
// caches were emptied, where a later pull would find them.
func TestPullAcrossGallringCachesNothing(t *testing.T) {
	env, svc, _, a, b := twoTablets(t)
	for _, enc := range []string{"identity", "gzip"} {
		start := fieldCursor(t, env)
		id := pushOldNote(t, env, a)
		ran := false
		field.AfterPullSnapshot(svc, func() {
			if ran {
				return
			}
			ran = true
			if res, err := gallring.Run(context.Background(), env.Core, env.Uppsok.Gallring, false); err != nil || res.ContactNotes != 1 {
				t.Errorf("gallring during the pull: %+v %v", res, err)
			}
		})
		if n, ok := pulledNotes(t, env, a, enc, start, id); !ok || n != "gammal anteckning" {
			t.Fatalf("%s: the pull begun before gallring: notes %q, found %v; want its snapshot's", enc, n, ok)
		}
		field.AfterPullSnapshot(svc, nil)
		if !ran {
			t.Fatal("gallring did not run inside the pull: the test would prove nothing")
		}
		if n, ok := pulledNotes(t, env, b, enc, start, id); !ok || n != "" {
			t.Errorf("%s: the pull after gallring: notes %q, found %v; want the contact with no notes", enc, n, ok)
		}
	}
}

// pulledNotes pulls what changed since start, with Accept-Encoding enc,
// and returns the notes of contact id and whether the pull held it.
func pulledNotes(t *testing.T, env *testenv.Env, tok, enc string, start int64, id string) (string, bool) {
	t.Helper()
	path := fmt.Sprintf("/api/field/sync?schema_version=%d&last_pulled_at=%d", field.MaxSchemaVersion, start)
	st, body, h := env.Do(t, "GET", path, tok, nil, map[string]string{"Accept-Encoding": enc})
	if st != http.StatusOK {
		t.Fatalf("pull (%s): %d %s", enc, st, body)
	}
	if h.Get("Content-Encoding") == "gzip" {
		body = gunzipOne(t, "pull", body)
	} else if enc == "gzip" {
		t.Fatalf("pull: asked for gzip, got %q", h.Get("Content-Encoding"))
	}
	var r struct {
		Changes map[string]struct {
			Created []map[string]any `json:"created"`
			Updated []map[string]any `json:"updated"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("pull: %v", err)
	}
	ch := r.Changes["contacts"]
	for _, row := range append(ch.Created, ch.Updated...) {
		if row["id"] == id {
			n, _ := row["notes"].(string)
			return n, true
		}
	}
	return "", false
}

// twoTablets starts the app with two tablets of one team.
func twoTablets(t *testing.T) (env *testenv.Env, svc *field.Service, team, a, b string) {
	env = testenv.New(t)
	team = env.TeamID(t, "mika")
	_, a = env.Device(t, team, "A")
	_, b = env.Device(t, team, "B")
	return env, env.Uppsok.Field, team, a, b
}

// pushOldNote pushes, as tok, a contact with a note about a day older than
// the notes' 6 months and the field window, and returns its id.
func pushOldNote(t *testing.T, env *testenv.Env, tok string) string {
	t.Helper()
	id := uuid.NewString()
	day := time.Now().AddDate(0, -8, 0).Format(time.DateOnly)
	if st, body := push3(t, env, tok, []map[string]any{contact3(id, map[string]any{"occurred_on": day, "notes": "gammal anteckning"})}); st != http.StatusOK {
		t.Fatalf("push: %d %s", st, body)
	}
	return id
}

// TestPausedCachesAreNotRead: while gallring holds the caches paused (over
// its transaction), no pull reads a row or chunk from them, even one cached
// during the pause; resuming empties them.
func TestPausedCachesAreNotRead(t *testing.T) {
	env, svc, team, a, b := twoTablets(t)
	start := fieldCursor(t, env)
	id := pushOldNote(t, env, a)
	if _, ok := pulledNotes(t, env, a, "gzip", start, id); !ok {
		t.Fatal("A's pull lacks its contact")
	}
	resume := svc.PauseCachedRows()
	if field.CachedRow(svc, "contacts", id) || field.CachedChunks(svc, "contacts", team) != 0 {
		t.Fatal("the pause left the caches as they were")
	}
	for _, enc := range []string{"identity", "gzip"} {
		pulledNotes(t, env, a, enc, start, id) // may cache, as before
		before := field.RowsEncodedBySQLite(svc)
		if _, ok := pulledNotes(t, env, b, enc, start, id); !ok {
			t.Fatalf("B's pull (%s) during the pause lacks the contact", enc)
		}
		if field.RowsEncodedBySQLite(svc) == before {
			t.Errorf("B's pull (%s) during the pause was served from the caches", enc)
		}
	}
	resume()
	resume() // a second call does nothing
	if field.CachedRow(svc, "contacts", id) || field.CachedChunks(svc, "contacts", team) != 0 {
		t.Error("resuming left what was cached during the pause")
	}
	pulledNotes(t, env, a, "identity", start, id)
	before := field.RowsEncodedBySQLite(svc)
	pulledNotes(t, env, b, "identity", start, id)
	if field.RowsEncodedBySQLite(svc) != before {
		t.Error("after resuming, the pulls still do not read the caches")
	}
}
