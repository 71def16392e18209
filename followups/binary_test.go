package followups_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"uppsok/internal/testenv"
)

// TestChildRuleRealBinaryElsewhere starts the real binary from another
// working directory with --dir in a temp folder, so that no pb_hooks folder
// is beside the data: the start log warns, and a child contact still gets
// its follow-up.
func TestChildRuleRealBinaryElsewhere(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "uppsok")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = testenv.RepoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	work := t.TempDir()
	data := filepath.Join(t.TempDir(), "pb_data")
	var environ []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "UPPSOK_HOOKS_DIR=") {
			environ = append(environ, kv)
		}
	}
	run := func(args ...string) {
		cmd := exec.Command(bin, append(args, "--dir", data)...)
		cmd.Dir, cmd.Env = work, environ
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	run("superuser", "upsert", "root@example.se", "ett-langt-losenord-123")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var log bytes.Buffer
	srv := exec.Command(bin, "serve", "--http", addr, "--dir", data)
	srv.Dir, srv.Env = work, environ
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		srv.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- srv.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			srv.Process.Kill()
			<-done
		}
	}
	t.Cleanup(stop)
	base := "http://" + addr
	up := false
	for i := 0; i < 600 && !up; i++ {
		if res, err := http.Get(base + "/api/health"); err == nil {
			res.Body.Close()
			up = res.StatusCode == 200
		}
		if !up {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !up {
		stop()
		t.Fatalf("server did not start:\n%s", log.String())
	}

	call := func(method, path, token string, body any, out any) int {
		t.Helper()
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, r)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				t.Fatalf("%s %s: %s", method, path, raw)
			}
		}
		return res.StatusCode
	}
	var auth struct {
		Token string `json:"token"`
	}
	if s := call("POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "root@example.se", "password": "ett-langt-losenord-123"}, &auth); s != 200 {
		t.Fatalf("sign in: %d", s)
	}
	var teams struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	call("GET", "/api/collections/teams/records?filter="+strings.ReplaceAll("code='mika'", "'", "%27"), auth.Token, nil, &teams)
	if len(teams.Items) != 1 {
		t.Fatalf("team mika: %v", teams)
	}
	id := uuid.NewString()
	body := apiContact(teams.Items[0].ID, contact(id, map[string]any{"role": "sells_sex", "assessment": "none"}))
	if s := call("POST", "/api/collections/contacts/records", auth.Token, body, nil); s != 200 {
		t.Fatalf("create contact: %d", s)
	}
	var fus struct {
		Items []struct {
			Contact string   `json:"contact"`
			Reasons []string `json:"reasons"`
			Status  string   `json:"status"`
		} `json:"items"`
	}
	call("GET", "/api/collections/follow_ups/records", auth.Token, nil, &fus)
	stop()
	if len(fus.Items) != 1 || fus.Items[0].Contact != id || fmt.Sprint(fus.Items[0].Reasons) != "[role_sells_sex]" || fus.Items[0].Status != "open" {
		t.Errorf("follow-ups %+v, want one for the contact", fus.Items)
	}
	if !strings.Contains(log.String(), "WARNING") || !strings.Contains(log.String(), "pb_hooks") {
		t.Errorf("start log has no warning about the missing hooks folder:\n%s", log.String())
	}
}
