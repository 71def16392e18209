package field_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"uppsok/internal/testenv"
)

// TestPullCompression: a pull is gzip-compressed when the client accepts it
// (as browsers and WatermelonDB's fetch do), plain when it does not, and the
// compressed body is exactly the plain one.
func TestPullCompression(t *testing.T) {
	env := testenv.New(t)
	_, tok := env.Device(t, env.TeamID(t, "mika"), "Surfplatta 1")
	created := make([]map[string]any, 0, 40)
	for i := 0; i < 40; i++ {
		created = append(created, contact(uuid.NewString(), map[string]any{"notes": "Samtal vid busshållplatsen"}))
	}
	if status, body := push(t, env, tok, 0, created, nil, nil, nil); status != http.StatusOK {
		t.Fatalf("push: %d %s", status, body)
	}

	const path = "/api/field/sync?last_pulled_at=0&schema_version=2"
	// Go's client adds gzip by itself unless a caller names an encoding, so
	// both cases name one.
	status, plain, h := env.Do(t, "GET", path, tok, nil, map[string]string{"Accept-Encoding": "identity"})
	if status != http.StatusOK {
		t.Fatalf("plain pull: %d %s", status, plain)
	}
	if enc := h.Get("Content-Encoding"); enc != "" {
		t.Fatalf("plain pull has Content-Encoding %q", enc)
	}
	if v := h.Get("Vary"); v != "Accept-Encoding" {
		t.Errorf("pull has Vary %q, want Accept-Encoding (a cache must not mix the two)", v)
	}
	// gzip;q=0 is a refusal of gzip.
	if _, refused, h := env.Do(t, "GET", path, tok, nil, map[string]string{"Accept-Encoding": "gzip;q=0, identity"}); h.Get("Content-Encoding") != "" || !bytes.Equal(refused, plain) {
		t.Fatalf("gzip;q=0 pull: Content-Encoding %q", h.Get("Content-Encoding"))
	}

	status, packed, h := env.Do(t, "GET", path, tok, nil, map[string]string{"Accept-Encoding": "gzip"})
	if status != http.StatusOK {
		t.Fatalf("gzip pull: %d", status)
	}
	if enc := h.Get("Content-Encoding"); enc != "gzip" {
		t.Fatalf("gzip pull: Content-Encoding %q, want gzip", enc)
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		t.Fatalf("gzip pull is not gzip: %v", err)
	}
	unpacked, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unpacked, plain) {
		t.Fatalf("decompressed pull differs from the plain pull (%d vs %d bytes)", len(unpacked), len(plain))
	}
	if len(packed) >= len(plain)/2 {
		t.Fatalf("compressed pull %d bytes is not much smaller than plain %d", len(packed), len(plain))
	}
	t.Logf("first pull of 40 contacts: %d bytes plain, %d gzip", len(plain), len(packed))
}
