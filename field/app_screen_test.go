package field_test

import (
	"bufio"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"uppsok/internal/testenv"
	"uppsok/privacy"
)

// screenTexts gathers the texts the server's screen is tested with: both
// note corpora (privacy/testdata), every string literal of the screen's
// own tests (privacy/screen_test.go: inputs, and what must be gone) and
// the fuzz seeds.
func screenTexts(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	var texts []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			texts = append(texts, s)
		}
	}
	for _, name := range []string{"notes_corpus.txt", "notes_corpus_hand.txt"} {
		f, err := os.Open(filepath.Join(root, "privacy", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			add(sc.Text())
		}
		f.Close()
	}
	file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, "privacy", "screen_test.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(file, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				add(s)
			}
		}
		return true
	})
	seeds, _ := filepath.Glob(filepath.Join(root, "privacy", "testdata", "fuzz", "*", "*"))
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "string("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(v, ")")); err == nil {
					add(s)
				}
			}
		}
	}
	return texts
}

// TestAppNoteWarningMatchesServerScreen runs the field app's live note
// check (field/app/src/screen.js) in Node over the server's screen corpus
// and test cases (and mixes of them) and compares, text by text, the kinds of personal data it
// finds with privacy.Screen: the worker is warned about exactly what the
// server would remove.
func TestAppNoteWarningMatchesServerScreen(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.RequireTool(t, "node")
	}
	root := testenv.RepoRoot()
	texts := screenTexts(t, root)
	if len(texts) < 1300 {
		t.Fatalf("only %d texts gathered", len(texts))
	}
	// And 3,000 mixes of them (fixed seed): two texts joined, cased
	// differently, so that detectors meet each other's text and boundaries.
	rng := rand.New(rand.NewPCG(11, 2026))
	seps := []string{" ", ". ", ", ", "\n", "", " - ", ": "}
	base := len(texts)
	for i := 0; i < 3000; i++ {
		a, b := texts[rng.IntN(base)], texts[rng.IntN(base)]
		mix := a + seps[rng.IntN(len(seps))] + b
		switch rng.IntN(4) {
		case 0:
			mix = strings.ToLower(mix)
		case 1:
			mix = strings.ToUpper(mix)
		}
		texts = append(texts, mix)
	}
	in := filepath.Join(t.TempDir(), "texts.json")
	data, _ := json.Marshal(texts)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	script := `import { readFileSync } from "node:fs";
const { screenKinds, looksPersonal } = await import(process.argv[1]);
const texts = JSON.parse(readFileSync(process.argv[2], "utf8"));
process.stdout.write(JSON.stringify(texts.map((x) => {
  const k = screenKinds(x);
  if (looksPersonal(x) !== (k.length > 0)) throw new Error("looksPersonal disagrees with screenKinds: " + x);
  return k;
})));`
	cmd := exec.Command(node, "--input-type=module", "-e", script,
		"file://"+filepath.ToSlash(filepath.Join(root, "field", "app", "src", "screen.js")), in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got [][]string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(texts) {
		t.Fatalf("node answered %d of %d: %v", len(got), len(texts), err)
	}
	positives, mismatches := 0, 0
	for i, text := range texts {
		_, kinds := privacy.Screen(text)
		want := make([]string, len(kinds))
		for j, k := range kinds {
			want[j] = string(k)
		}
		if len(want) > 0 {
			positives++
		}
		if strings.Join(want, ",") != strings.Join(got[i], ",") {
			mismatches++
			if mismatches <= 25 {
				t.Errorf("%q: server finds %v, the app %v", text, want, got[i])
			}
		}
	}
	t.Logf("%d texts, %d with personal data, %d disagree", len(texts), positives, mismatches)
	if positives < 200 {
		t.Errorf("only %d texts with personal data: the comparison proves little", positives)
	}
}
