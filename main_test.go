package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommands runs the real binary as a newcomer would: seed demo data,
// write the lägesbild in every format, freeze a release, print cards, and
// fail with a non-zero exit on bad input.
func TestCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "uppsok")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "pb_data")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, append(args, "--dir", data)...)
		cmd.Env = append(os.Environ(), "UPPSOK_HOOKS_DIR="+filepath.Join(".", "pb_hooks"))
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	if out, err := run("seed-demo", "--year", "2025", "--contacts", "400"); err != nil || !strings.Contains(out, "400") {
		t.Fatalf("seed-demo: %v\n%s", err, out)
	}
	if out, err := run("seed-demo", "--year", "2025"); err == nil {
		t.Errorf("a second seed-demo succeeded: %s", out)
	}

	checkFirstRun(t, bin, data)

	out := filepath.Join(dir, "out")
	if o, err := run("lagesbild", "--year", "2025", "--format", "json,csv,xlsx,pdf", "--out", out, "--recipient", "Polisen"); err != nil {
		t.Fatalf("lagesbild: %v\n%s", err, o)
	}
	for _, ext := range []string{"json", "csv", "xlsx", "pdf"} {
		if info, err := os.Stat(filepath.Join(out, "lagesbild-2025-utkast."+ext)); err != nil || info.Size() < 100 {
			t.Errorf("%s not written", ext)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(out, "lagesbild-2025-utkast.csv"))
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil || len(rows) < 100 {
		t.Errorf("csv: %v (%d rows)", err, len(rows))
	}

	if o, err := run("lagesbild", "--year", "2025", "--tertial", "2", "--release", "--format", "json", "--out", out); err != nil || !strings.Contains(o, "lagesbild-2025-T2-r1.json") {
		t.Errorf("release: %v\n%s", err, o)
	}
	for name, args := range map[string][]string{
		"no year":      {"lagesbild"},
		"bad tertial":  {"lagesbild", "--year", "2025", "--tertial", "7"},
		"bad format":   {"lagesbild", "--year", "2025", "--format", "docx", "--out", out},
		"k below 3":    {"lagesbild", "--year", "2025", "--k", "2", "--out", out},
		"cards, none":  {"cards", "print", "--campaign", "finns inte", "--out", filepath.Join(dir, "k.pdf")},
		"cards, no ar": {"cards", "print", "--out", filepath.Join(dir, "k.pdf")},
	} {
		if o, err := run(args...); err == nil {
			t.Errorf("%s: exit 0\n%s", name, o)
		}
	}
}

// checkFirstRun starts `serve --dir DATA --http ADDR` on a data dir without
// a superuser and checks that the first-start message names that dir and
// that address, so the printed commands work when pasted as they are.
func checkFirstRun(t *testing.T, bin, data string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--dir", data, "--http", addr)
	cmd.Env = append(os.Environ(), "UPPSOK_HOOKS_DIR="+filepath.Join(".", "pb_hooks"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var seen strings.Builder
	sc := bufio.NewScanner(stdout)
	for lines := 0; lines < 200 && sc.Scan(); lines++ {
		seen.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "go run . seed-demo") {
			break
		}
	}
	got := seen.String()
	abs, _ := filepath.Abs(data)
	for _, want := range []string{
		"go run . superuser upsert admin@example.se 'ett-langt-losenord' --dir " + abs,
		"go run . seed-demo --dir " + abs,
		"http://" + addr + "/_/",
		"http://" + addr + "/console/",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("first-start message lacks %q:\n%s", want, got)
		}
	}
}

// TestFirstRunTextDefaultDir: on the default ./pb_data the commands stay
// the README's own, without --dir; a dir with a space is quoted.
func TestFirstRunTextDefaultDir(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if got := dirFlag(filepath.Join(wd, "pb_data")); got != "" {
		t.Errorf("default dir: %q, want none", got)
	}
	if got := dirFlag("/tmp/mina data/pb_data"); got != " --dir '/tmp/mina data/pb_data'" {
		t.Errorf("dir with a space: %q", got)
	}
	text := firstRunText("", ":8090")
	if !strings.Contains(text, "go run . superuser upsert admin@example.se 'ett-langt-losenord'\n") || !strings.Contains(text, "http://127.0.0.1:8090/_/") {
		t.Errorf("default text:\n%s", text)
	}
}
