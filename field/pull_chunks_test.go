package field_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// TestCompressedPullIsThePlainPull: a gzip pull, whose rows come as cached
// precompressed chunks (pull_chunks.go), is one gzip member that Go's
// reader reads with its CRC and size checked, and holds exactly the bytes
// of the plain pull: first and incremental pulls, schema versions 1 to 3,
// windows empty, within one chunk, at and just past a chunk's end, over
// several chunks, in both writable tables; from the cache and not; as a
// busy pull; after rows changed and were deleted, so that chunks change.
func TestCompressedPullIsThePlainPull(t *testing.T) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Surfplatta 1")
	svc := env.Uppsok.Field
	var contacts []string

	send := func(changes map[string]any) {
		t.Helper()
		if st, body, _ := env.Do(t, "POST", "/api/field/sync?schema_version=3", tok, map[string]any{
			"changes": changes, "last_pulled_at": fieldCursor(t, env),
		}, nil); st != http.StatusOK {
			t.Fatalf("push: %d %s", st, body)
		}
	}
	addContacts := func(n int) {
		t.Helper()
		created := make([]map[string]any, 0, n)
		for i := 0; i < n; i++ {
			id := uuid.NewString()
			contacts = append(contacts, id)
			created = append(created, contact3(id, map[string]any{"notes": fmt.Sprintf("Samtal %d vid busshållplatsen", len(contacts))}))
		}
		send(map[string]any{"contacts": map[string]any{"created": created, "updated": []any{}, "deleted": []any{}}})
	}
	addSessions := func(n int) {
		t.Helper()
		created := make([]map[string]any, 0, n)
		for i := 0; i < n; i++ {
			created = append(created, map[string]any{
				"id": uuid.NewString(), "kind": "online", "started_on": today(), "daypart": "night",
				"area": "sodermalm", "platforms": `["escort_site"]`, "duration_minutes": 30 + i,
				"persons_observed": i % 3, "ads_reviewed": 12, "messages_sent": 3, "notes": "Lugnt ikväll.",
			})
		}
		send(map[string]any{"outreach_sessions": map[string]any{"created": created, "updated": []any{}, "deleted": []any{}}})
	}

	check := func(label string, cursors ...int64) {
		t.Helper()
		for _, cursor := range cursors {
			for v := field.MinSchemaVersion; v <= field.MaxSchemaVersion; v++ {
				what := fmt.Sprintf("%s, schema %d, last_pulled_at %d", label, v, cursor)
				path := fmt.Sprintf("/api/field/sync?schema_version=%d&last_pulled_at=%d", v, cursor)
				st, plain, _ := env.Do(t, "GET", path, tok, nil, map[string]string{"Accept-Encoding": "identity"})
				if st != http.StatusOK {
					t.Fatalf("%s: plain pull %d %s", what, st, plain)
				}
				for round, how := range []string{"first", "again (chunks cached)"} {
					st, packed, h := env.Do(t, "GET", path, tok, nil, map[string]string{"Accept-Encoding": "gzip"})
					if st != http.StatusOK || h.Get("Content-Encoding") != "gzip" {
						t.Fatalf("%s: gzip pull %d, Content-Encoding %q", what, st, h.Get("Content-Encoding"))
					}
					if got := gunzipOne(t, what, packed); !bytes.Equal(got, plain) {
						t.Fatalf("%s, %s gzip pull: decompressed %d bytes differ from the plain pull's %d", what, how, len(got), len(plain))
					}
					if round == 0 && len(plain) > 20000 && len(packed) > len(plain)/4 {
						t.Errorf("%s: gzip pull %d bytes for %d plain", what, len(packed), len(plain))
					}
				}
				for _, zipped := range []bool{false, true} {
					got, err := field.PullAs(svc, team, v, cursor, zipped, true)
					if err != nil {
						t.Fatalf("%s: busy pull: %v", what, err)
					}
					if zipped {
						got = gunzipOne(t, what+" (busy)", got)
					}
					if !bytes.Equal(got, plain) {
						t.Fatalf("%s: busy pull (gzip %v) differs from the plain pull", what, zipped)
					}
				}
			}
		}
	}

	check("empty", 0)
	addContacts(1)
	c1 := fieldCursor(t, env)
	check("one contact", 0)
	addContacts(254)
	addSessions(3)
	check("255 contacts", 0, c1)
	addContacts(1)
	check("256 contacts: one whole chunk", 0, c1)
	if n, _ := field.ChunkStats(svc); n == 0 {
		t.Fatal("no chunk cached after gzip pulls of a whole chunk: the test would prove nothing")
	}
	addContacts(1)
	check("257 contacts", 0)
	c2 := fieldCursor(t, env)
	addContacts(600)
	addSessions(300)
	check("857 contacts, 303 sessions", 0, c1, c2)

	// Rows change and go: every chunk that held them changes.
	updated := []map[string]any{}
	for _, i := range []int{0, 3, 300, 856} {
		updated = append(updated, contact3(contacts[i], map[string]any{"notes": "Ändrad", "_status": "updated"}))
	}
	c3 := fieldCursor(t, env)
	if field.CachedChunks(svc, "contacts", team) == 0 {
		t.Fatal("no contact chunks cached before the change: the test would prove nothing")
	}
	send(map[string]any{"contacts": map[string]any{"created": []any{}, "updated": updated, "deleted": []string{contacts[1], contacts[256], contacts[700]}}})
	if n := field.CachedChunks(svc, "contacts", team); n != 0 {
		t.Errorf("%d chunks of the team's contacts stay cached after some changed", n)
	}
	check("after changes and deletes", 0, c1, c2, c3)
}

// gunzipOne reads b as exactly one gzip member (multistream off), whose
// CRC-32 and size the reader checks at its end.
func gunzipOne(t *testing.T, what string, b []byte) []byte {
	t.Helper()
	src := bytes.NewReader(b)
	zr, err := gzip.NewReader(src)
	if err != nil {
		t.Fatalf("%s: not gzip: %v", what, err)
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: gzip read (CRC and size checked): %v", what, err)
	}
	if src.Len() != 0 {
		t.Fatalf("%s: %d bytes after the first gzip member", what, src.Len())
	}
	return out
}
