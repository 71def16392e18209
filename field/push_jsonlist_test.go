package field

import (
	"math/rand"
	"testing"

	"github.com/pocketbase/pocketbase/tools/types"
)

// TestJSONStringListIsPocketBases: the text a push binds for a multiple
// select's column is exactly what PocketBase's driver value stores
// (types.JSONArray[string].Value), for plain codes (the fast path) and for
// any other text (quotes, HTML characters, control characters, non-ASCII
// and invalid UTF-8, empty codes, empty and nil lists).
func TestJSONStringListIsPocketBases(t *testing.T) {
	lists := []types.JSONArray[string]{
		nil,
		{},
		{""},
		{"information", "info_card"},
		{"suspected_trafficking", "15_17", "eu-eea", "v1.2"},
		{`say "hi"`},
		{"<script>", "a&b", "back\\slash"},
		{"tab\there", "line\nbreak", "\x00", "\x7f"},
		{"Söder", "ålder", "\u2028", "\xff\xfe"},
	}
	rng := rand.New(rand.NewSource(7))
	alphabet := []byte("abcXYZ019_-.\"\\<>&\n\x01 é/")
	for range 500 {
		list := make(types.JSONArray[string], rng.Intn(5))
		for i := range list {
			b := make([]byte, rng.Intn(8))
			for j := range b {
				b[j] = alphabet[rng.Intn(len(alphabet))]
			}
			list[i] = string(b)
		}
		lists = append(lists, list)
	}
	for _, list := range lists {
		want, err := list.Value()
		if err != nil {
			t.Fatal(err)
		}
		got, err := jsonStringList(list)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("jsonStringList(%q) = %s, PocketBase stores %s", []string(list), got, want)
		}
	}
}
