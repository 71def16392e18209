package field

import (
	"strings"
	"testing"

	"uppsok/privacy"
)

func TestNotesCutNeverExposesANumber(t *testing.T) {
	in := strings.Repeat("a", 490) + " 01234567890123456789"
	out, clean := sanitizeNotes(in)
	if clean || len([]rune(out)) > 500 {
		t.Fatalf("clean %v, %d runes", clean, len([]rune(out)))
	}
	if again, kinds := privacy.Screen(out); again != out {
		t.Fatalf("stored note still holds %v: %q", kinds, out[480:])
	}
}
