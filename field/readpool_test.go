package field_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// Tablets on a weak link hold their pulls open for many seconds (a pull
// keeps its snapshot until its last byte is sent). More of them than
// PocketBase's read pool now keeps (field.AppReadConns) must not stop the
// rest of the service: every request's token is looked up on that pool.
func TestSlowPullsLeaveTheServiceFree(t *testing.T) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Fältplatta")
	_, other := env.Device(t, team, "Andra plattan")

	// A first pull larger than what the kernel buffers between a client
	// that reads nothing and the server (at most 4 MiB sent, 8 KiB
	// received: tcp_wmem's ceiling, the SO_RCVBUF set below).
	const contacts = 8000
	for i := 0; i < contacts/2000; i++ {
		created := make([]map[string]any, 2000)
		for j := range created {
			created[j] = contact(uuid.NewString(), map[string]any{"notes": strings.Repeat("Samtal om stöd och boende. ", 4)})
		}
		if st, msg, err := pushRaw(env, tok, 0, created, nil); err != nil || st != 200 {
			t.Fatalf("seed push: %d %s %v", st, msg, err)
		}
	}

	// More stalled pulls than the app's pool has connections. Each has its
	// reply's status line read (the pull has begun and holds its snapshot),
	// then nothing more.
	dialer := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 8<<10) })
		if err != nil {
			return err
		}
		return serr
	}}
	addr := strings.TrimPrefix(env.URL, "http://")
	stalled := field.AppReadConns + 4
	for i := 0; i < stalled; i++ {
		conn, err := dialer.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		conn.SetDeadline(time.Now().Add(time.Minute))
		fmt.Fprintf(conn, "GET /api/field/sync?schema_version=3&last_pulled_at=0 HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n\r\n", addr, tok)
		status, err := bufio.NewReaderSize(conn, 16).ReadString('\n')
		if err != nil || !strings.HasPrefix(status, "HTTP/1.1 200") {
			t.Fatalf("stalled pull %d: %q %v", i+1, status, err)
		}
	}

	// The pulls hold their connections (their replies did not fit in the
	// buffers between them and the server).
	if n := field.PullConnsInUse(env.Uppsok.Field); n < stalled {
		t.Fatalf("%d of the %d stalled pulls hold a connection: the replies fit in the network buffers, nothing is tested", n, stalled)
	}

	// The rest of the service still answers, with the pulls still open: a
	// push (its token looked up on the app's pool), a staff read, and
	// another tablet's pull. The client's timeout only ends a hung test.
	client := &http.Client{Timeout: 90 * time.Second}
	body, _ := json.Marshal(map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": []any{contact(uuid.NewString(), nil)}, "updated": []any{}, "deleted": []any{}}},
		"last_pulled_at": 0,
	})
	req, _ := http.NewRequest("POST", env.URL+"/api/field/sync?schema_version=3", strings.NewReader(string(body)))
	req.Header.Set("Authorization", tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("push while %d pulls are stalled: %v", stalled, err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("push while pulls are stalled: %d", res.StatusCode)
	}

	_, lead := env.User(t, "lead.slow@example.se", "lead", team)
	req, _ = http.NewRequest("GET", env.URL+"/api/collections/teams/records", nil)
	req.Header.Set("Authorization", lead)
	res, err = client.Do(req)
	if err != nil {
		t.Fatalf("a lead's read while pulls are stalled: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("a lead's read while pulls are stalled: %d", res.StatusCode)
	}

	p, err := pullRaw(env, other, 0)
	if err != nil {
		t.Fatalf("another tablet's pull while pulls are stalled: %v", err)
	}
	if n := len(p.Changes["contacts"].Updated); n != contacts+1 {
		t.Fatalf("another tablet pulled %d contacts, want %d", n, contacts+1)
	}
}
