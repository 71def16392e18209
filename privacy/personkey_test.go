package privacy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalizeCode(t *testing.T) {
	scenarios := []struct{ in, want string }{
		{"an sv 1998", "ANSV1998"},
		{"AN-SV-1998", "ANSV1998"},
		{" ansv1998 ", "ANSV1998"},
		{"ån.öl_1998", "ÅNÖL1998"},
		{"an\tsv–1998", "ANSV1998"},
		{"", ""},
		{" - ", ""},
	}
	for _, s := range scenarios {
		if got := NormalizeCode(s.in); got != s.want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", s.in, got, s.want)
		}
	}
}

func TestHasherIsKeyedAndNormalised(t *testing.T) {
	k1 := []byte(strings.Repeat("a", 32))
	k2 := []byte(strings.Repeat("b", 32))
	h1, _ := NewHasher(k1)
	h2, _ := NewHasher(k2)
	if h1.Hash("an sv 1998") != h1.Hash("ANSV-1998") {
		t.Error("same code in two spellings hashes differently")
	}
	if h1.Hash("ANSV1998") == h2.Hash("ANSV1998") {
		t.Error("hash does not depend on the key")
	}
	if h1.Hash("ANSV1998") == h1.Hash("ANSV1999") {
		t.Error("different codes collide")
	}
	if got := h1.Hash("ANSV1998"); len(got) != 64 || strings.Contains(got, "ANSV") {
		t.Errorf("hash %q is not a 64-char hex digest", got)
	}
	if h1.Hash("  ") != "" {
		t.Error("empty code must hash to empty")
	}
	if _, err := NewHasher([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

func TestLoadHasherKeyFile(t *testing.T) {
	dir := t.TempDir()
	h1, err := LoadHasher(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode %o, want 600", perm)
	}
	h2, err := LoadHasher(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h1.Hash("X1") != h2.Hash("X1") {
		t.Error("second load uses a different key")
	}
}

func TestLoadHasherGivenKey(t *testing.T) {
	dir := t.TempDir()
	h, err := LoadHasher(dir, []byte(strings.Repeat("\x0f", 32)))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := NewHasher([]byte(strings.Repeat("\x0f", 32)))
	if h.Hash("ABC") != want.Hash("ABC") {
		t.Error("given key not used")
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !os.IsNotExist(err) {
		t.Error("key file written although the key was given")
	}
	if _, err := LoadHasher(dir, []byte("short")); err == nil {
		t.Error("short key accepted")
	}
}
