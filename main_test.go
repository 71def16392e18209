package main

import (
	"bytes"
	"encoding/csv"
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
