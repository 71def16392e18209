package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// keyBin is the real binary with one data dir, for the person-code key tests.
type keyBin struct {
	t         *testing.T
	bin, data string
	env       []string
}

func (k *keyBin) keyFile() string { return filepath.Join(k.data, "person_code.key") }

// run runs a command that is expected to end by itself (bounded).
func (k *keyBin) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, append(args, "--dir", k.data)...)
	cmd.Env = k.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// serve starts serve and reports whether it came up healthy (then stops it)
// or ended by itself, with its output.
func (k *keyBin) serve() (bool, string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		k.t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out strings.Builder
	cmd := exec.Command(k.bin, "serve", "--http", addr, "--dir", k.data)
	cmd.Env = k.env
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for i := 0; i < 1200; i++ {
		select {
		case err := <-done:
			if err == nil {
				return false, out.String() + "\n(exit 0)"
			}
			return false, out.String()
		default:
		}
		if res, err := http.Get("http://" + addr + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-done:
				case <-time.After(60 * time.Second):
					cmd.Process.Kill()
					<-done
				}
				return true, out.String()
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Kill()
	<-done
	k.t.Fatalf("serve neither came up nor ended:\n%s", out.String())
	return false, ""
}

// TestPersonKeyFingerprint runs the real binary: a missing key, a different
// key and a database restored onto a server with another key all stop serve
// (exit 1) and seed-demo with a message saying how to restore the key; the
// right key brings it back; a fresh install makes its key.
func TestPersonKeyFingerprint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "uppsok")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "UPPSOK_PERSON_KEY=") {
			env = append(env, kv)
		}
	}
	env = append(env, "UPPSOK_HOOKS_DIR="+filepath.Join(".", "pb_hooks"))
	a := &keyBin{t: t, bin: bin, data: filepath.Join(dir, "a"), env: env}
	b := &keyBin{t: t, bin: bin, data: filepath.Join(dir, "b"), env: env}

	// A fresh install makes its key at the first start.
	if up, out := b.serve(); !up {
		t.Fatalf("fresh install did not start:\n%s", out)
	}
	keyB, err := os.ReadFile(b.keyFile())
	if err != nil {
		t.Fatalf("fresh install made no key: %v", err)
	}

	// Server A with person hashes (seed-demo hashes demo person codes).
	if out, err := a.run("seed-demo", "--year", "2025", "--contacts", "300"); err != nil {
		t.Fatalf("seed-demo: %v\n%s", err, out)
	}
	keyA, err := os.ReadFile(a.keyFile())
	if err != nil {
		t.Fatal(err)
	}
	if up, out := a.serve(); !up {
		t.Fatalf("A did not start with its own key:\n%s", out)
	}

	refused := func(name string, k *keyBin, wants ...string) {
		t.Helper()
		up, out := k.serve()
		if up {
			t.Fatalf("%s: serve started", name)
		}
		if strings.Contains(out, "(exit 0)") {
			t.Errorf("%s: serve exited 0", name)
		}
		for _, w := range append(wants, "person_code.key", "UPPSOK_PERSON_KEY") {
			if !strings.Contains(out, w) {
				t.Errorf("%s: message lacks %q:\n%s", name, w, out)
			}
		}
		if out, err := k.run("seed-demo", "--contacts", "10"); err == nil || !strings.Contains(out, "person") {
			t.Errorf("%s: seed-demo did not refuse on the key: %v\n%s", name, err, out)
		}
	}

	// 1. The key is deleted: refused, and no new key is made.
	if err := os.Remove(a.keyFile()); err != nil {
		t.Fatal(err)
	}
	refused("missing key", a, "saknas", "missing", "backup", "säkerhetskopia")
	if _, err := os.Stat(a.keyFile()); err == nil {
		t.Fatal("a new key was made while hashes exist")
	}

	// 2. Another key: refused.
	if err := os.WriteFile(a.keyFile(), keyB, 0o600); err != nil {
		t.Fatal(err)
	}
	refused("different key", a, "does not match", "stämmer inte")

	// The key restored from its backup: starts again.
	if err := os.WriteFile(a.keyFile(), keyA, 0o600); err != nil {
		t.Fatal(err)
	}
	if up, out := a.serve(); !up {
		t.Fatalf("A did not start with its key restored:\n%s", out)
	}

	// 3. A's database restored onto B (B keeps its own key, as a restore
	// does): B stops with the message; with A's key it starts.
	for _, f := range []string{"data.db", "data.db-wal", "data.db-shm"} {
		os.Remove(filepath.Join(b.data, f))
		data, err := os.ReadFile(filepath.Join(a.data, f))
		if err != nil {
			continue // no WAL left after a clean stop
		}
		if err := os.WriteFile(filepath.Join(b.data, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	refused("restored backup with another key", b, "another server", "annan servers")
	if err := os.WriteFile(b.keyFile(), keyA, 0o600); err != nil {
		t.Fatal(err)
	}
	if up, out := b.serve(); !up {
		t.Fatalf("B did not start with A's key:\n%s", out)
	}
}
