package taxonomy

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestFieldAppTaxonomyIsCurrent fails when the field app's copy of the code
// lists differs from this package (regenerate it with the command in
// taxonomy/cmd/taxonomyjson, then rebuild the app).
func TestFieldAppTaxonomyIsCurrent(t *testing.T) {
	want, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "field", "app", "src", "taxonomy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("field/app/src/taxonomy.json is stale: go run ./taxonomy/cmd/taxonomyjson > field/app/src/taxonomy.json")
	}
}

func TestNormalize(t *testing.T) {
	scenarios := []struct {
		list List
		in   string
		out  string
		ok   bool
	}{
		{Channel, "street", "street", true},
		{Channel, "teleport", Unknown, false},
		{Channel, "", Unknown, true},
		{AgeBand, "15_17", "15_17", true},
	}
	for _, s := range scenarios {
		out, ok := s.list.Normalize(s.in)
		if out != s.out || ok != s.ok {
			t.Errorf("%s.Normalize(%q) = %q %v", s.list.Name, s.in, out, ok)
		}
	}
	out, ok := Platforms.NormalizeSet([]string{"kik", "bogus", "instagram", "kik"})
	if ok || len(out) != 2 || out[0] != "instagram" || out[1] != "kik" {
		t.Errorf("NormalizeSet = %v %v", out, ok)
	}
	for _, l := range append(append([]List{}, ContactSingle...), SessionKind) {
		if !l.Has(Unknown) {
			t.Errorf("%s lacks unknown", l.Name)
		}
	}
}

// TestRecordedPageIsCurrent fails when docs/recorded.md ("What is
// recorded") differs from what command recorded writes.
func TestRecordedPageIsCurrent(t *testing.T) {
	got, err := os.ReadFile(filepath.Join("..", "docs", "recorded.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, Recorded()) {
		t.Fatal("docs/recorded.md is stale: go run ./taxonomy/cmd/recorded > docs/recorded.md")
	}
}

func TestSchema3Mapping(t *testing.T) {
	// Every old indicator lands in exactly one of the new lists, under the
	// same code, and maps back down to itself.
	for _, c := range Indicators.Codes {
		control, vulnerabilities := SplitIndicators([]string{c.Code})
		if len(control)+len(vulnerabilities) != 1 {
			t.Errorf("%s splits into %v %v", c.Code, control, vulnerabilities)
		}
		if back := JoinIndicators(control, vulnerabilities); len(back) != 1 || back[0] != c.Code {
			t.Errorf("%s maps back to %v", c.Code, back)
		}
	}
	if got := JoinIndicators([]string{"psychological_abuse", "debt"}, []string{"economic_hardship", "homeless"}); len(got) != 2 || got[0] != "debt" || got[1] != "homeless" {
		t.Errorf("new codes mapped down: %v", got)
	}
	for _, code := range Interpreting.Values() {
		want := code != "none" && code != Unknown
		if InterpreterFromInterpreting(code) != want {
			t.Errorf("interpreter of %s", code)
		}
	}
	if InterpretingFromInterpreter(true) != "used_unspecified" || InterpretingFromInterpreter(false) != Unknown {
		t.Error("interpreter mapped up wrongly")
	}
	if StrongestAssessment("indicators", "suspected_procuring", "suspected_child_sex_purchase") != "suspected_child_sex_purchase" ||
		StrongestAssessment("none", "suspected_trafficking") != "suspected_trafficking" || StrongestAssessment("bogus") != Unknown {
		t.Error("assessment precedence")
	}
	for _, code := range AssessmentPrecedence {
		if !Assessment.Has(code) {
			t.Errorf("precedence names %s, not an assessment code", code)
		}
	}
	if len(AssessmentPrecedence) != len(Assessment.Codes)-1 {
		t.Error("precedence does not order every assessment code but unknown")
	}
}
