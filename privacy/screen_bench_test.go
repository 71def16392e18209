package privacy

import (
	"bufio"
	"os"
	"testing"
)

func corpus(b *testing.B) []string {
	f, err := os.Open("testdata/notes_corpus.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var notes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		notes = append(notes, sc.Text())
	}
	return notes
}

// BenchmarkScreenCorpus screens the ordinary notes of the corpus (the push's
// common case); compare with BenchmarkCopyCorpus, a plain copy of the same
// bytes, as the baseline of the same run.
func BenchmarkScreenCorpus(b *testing.B) {
	notes := corpus(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, n := range notes {
			Screen(n)
		}
	}
}

// BenchmarkCopyCorpus is the baseline: one copy of every note.
func BenchmarkCopyCorpus(b *testing.B) {
	notes := corpus(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, n := range notes {
			_ = []byte(n)
		}
	}
}
