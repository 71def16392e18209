package privacy

import (
	"bufio"
	"os"
	"testing"
)

// maxFalsePositiveRate is the most the screen may change of ordinary notes.
const maxFalsePositiveRate = 0.01

// TestScreenFalsePositiveRate screens the corpus of ordinary outreach notes
// (testdata/notes_corpus.txt, one note a line, written before the screen
// was tuned) and measures how many the screen changes.
func TestScreenFalsePositiveRate(t *testing.T) {
	f, err := os.Open("testdata/notes_corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total, changed := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		note := sc.Text()
		if note == "" {
			continue
		}
		total++
		if out, kinds := Screen(note); out != note {
			changed++
			t.Logf("changed (%v): %q -> %q", kinds, note, out)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if total < 1000 {
		t.Fatalf("corpus has %d notes, want at least 1,000", total)
	}
	rate := float64(changed) / float64(total)
	t.Logf("false positives: %d of %d notes (%.2f %%)", changed, total, 100*rate)
	if rate > maxFalsePositiveRate {
		t.Fatalf("false-positive rate %.2f %% is above %.0f %%", 100*rate, 100*maxFalsePositiveRate)
	}
}
