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
