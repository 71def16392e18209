package field_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"uppsok/internal/testenv"
)

// binServer is the real uppsok binary serving on loopback.
type binServer struct {
	bin, dataDir, addr string
	cmd                *exec.Cmd
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "uppsok")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = testenv.RepoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func (s *binServer) run(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(s.bin, append(args, "--dir", s.dataDir)...)
	cmd.Env = append(os.Environ(), "UPPSOK_HOOKS_DIR="+filepath.Join(testenv.RepoRoot(), "pb_hooks"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

func (s *binServer) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command(s.bin, "serve", "--http", s.addr, "--dir", s.dataDir)
	s.cmd.Env = append(os.Environ(), "UPPSOK_HOOKS_DIR="+filepath.Join(testenv.RepoRoot(), "pb_hooks"))
	s.cmd.Stdout, s.cmd.Stderr = io.Discard, io.Discard
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + s.addr + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server did not start")
}

func (s *binServer) kill9() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}

func (s *binServer) call(t *testing.T, method, path, token string, body any, headers map[string]string) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://"+s.addr+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, data, err
}

// mustCall checks a request to the binary the way the in-process tests do.
func (s *binServer) mustCall(t *testing.T, method, path, token string, body any, want int, out any) {
	t.Helper()
	(&testenv.Env{URL: "http://" + s.addr, Client: http.DefaultClient}).MustJSON(t, method, path, token, body, want, out)
}

// TestCrashMidPushIsAllOrNothing kills the real binary with SIGKILL while it
// applies a large push, restarts it, and checks that the push is either
// wholly there or wholly absent, and that retrying it completes it exactly
// once.
func TestCrashMidPushIsAllOrNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	srv := &binServer{bin: buildBinary(t), dataDir: filepath.Join(t.TempDir(), "pb_data"), addr: freeAddr(t)}
	srv.run(t, "superuser", "upsert", "root@example.se", "crash-test-password")
	srv.start(t)
	defer func() {
		if srv.cmd.ProcessState == nil {
			srv.kill9()
		}
	}()

	var auth struct{ Token string }
	srv.mustCall(t, "POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "root@example.se", "password": "crash-test-password"}, 200, &auth)
	var teams struct{ Items []struct{ ID string } }
	srv.mustCall(t, "GET", "/api/collections/teams/records?filter=code='mika'", auth.Token, nil, 200, &teams)
	var enr struct{ Code string }
	srv.mustCall(t, "POST", "/api/field/enrollments", auth.Token, map[string]any{"team_id": teams.Items[0].ID}, 201, &enr)
	var dev struct{ Token string }
	srv.mustCall(t, "POST", "/api/field/enroll", "", map[string]any{"code": enr.Code}, 201, &dev)

	count := func() int {
		var out struct{ TotalItems int }
		srv.mustCall(t, "GET", "/api/collections/contacts/records?perPage=1", auth.Token, nil, 200, &out)
		return out.TotalItems
	}

	const batch = 2000
	rng := rand.New(rand.NewPCG(7, 7))
	total := 0
	sawPartialTiming := map[string]int{}
	// Time one full push of the same size, then kill at points spread from
	// early in the upload to after the commit.
	warm := make([]map[string]any, batch)
	for i := range warm {
		warm[i] = contact(uuid.NewString(), nil)
	}
	warmStart := time.Now()
	srv.mustCall(t, "POST", "/api/field/sync", dev.Token, map[string]any{
		"changes": map[string]any{"contacts": map[string]any{"created": warm, "updated": []any{}, "deleted": []any{}}}, "last_pulled_at": 0,
	}, 200, nil)
	full := time.Since(warmStart)
	total += batch
	var delays []time.Duration
	for _, pct := range []int{10, 50, 90, 200} {
		delays = append(delays, full*time.Duration(pct)/100)
	}
	for round := 0; round < len(delays); round++ {
		created := make([]map[string]any, batch)
		for i := range created {
			created[i] = contact(uuid.NewString(), map[string]any{"notes": fmt.Sprintf("runda %d nr %d", round, i)})
		}
		body := map[string]any{"changes": map[string]any{"contacts": map[string]any{"created": created, "updated": []any{}, "deleted": []any{}}}, "last_pulled_at": 0}
		key := map[string]string{"Idempotency-Key": uuid.NewString()}

		done := make(chan struct{})
		go func() {
			srv.call(t, "POST", "/api/field/sync", dev.Token, body, key)
			close(done)
		}()
		time.Sleep(delays[round] + time.Duration(rng.IntN(30))*time.Millisecond)
		srv.kill9()
		<-done

		srv.start(t)
		n := count()
		switch n {
		case total:
			sawPartialTiming["none"]++
		case total + batch:
			sawPartialTiming["all"]++
		default:
			t.Fatalf("round %d: %d contacts after the crash, want %d or %d", round, n, total, total+batch)
		}

		retryStart := time.Now()
		st, data, err := srv.call(t, "POST", "/api/field/sync", dev.Token, body, key)
		t.Logf("round %d: retry took %v", round, time.Since(retryStart))
		if err != nil || st != 200 {
			t.Fatalf("round %d: retry %d %v %s", round, st, err, data)
		}
		total += batch
		if n := count(); n != total {
			t.Fatalf("round %d: %d contacts after the retry, want %d", round, n, total)
		}
	}
	t.Logf("crash outcomes: %v", sawPartialTiming)
	srv.kill9()
}
