package field

import (
	"math/rand"
	"testing"

	"github.com/pocketbase/pocketbase/core"
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

// TestSelectDriverValueIsPocketBases: the value a push binds for a select
// column is what the field's DriverValue gives (as the text the driver
// stores), for raw values in the sanitiser's form (the fast path) and for
// any other raw value a hook may leave (repeats, empty codes, JSON text,
// JSONArray, nil, numbers).
func TestSelectDriverValueIsPocketBases(t *testing.T) {
	col := core.NewBaseCollection("select_probe")
	one := &core.SelectField{Name: "one", MaxSelect: 1, Values: []string{"a", "b"}}
	many := &core.SelectField{Name: "many", MaxSelect: 9, Values: []string{"a", "b", "c"}}
	col.Fields.Add(one, many)
	raws := []any{
		nil, "", "a", "b_c-1.2", "[", `["a","b"]`, `["a",`, "a[b",
		[]string{}, []string{"a"}, []string{"a", "b"}, []string{"b", "a", "c"}, []string{"a", "a"}, []string{"", "a"},
		[]string{"a", "", "b", "a"}, []string{`q"uote`, "<tag>"},
		types.JSONArray[string]{"a", "b"}, []any{"a", 2}, 7,
	}
	stored := func(v any) any {
		if list, ok := v.(types.JSONArray[string]); ok {
			text, err := list.Value()
			if err != nil {
				t.Fatal(err)
			}
			return text
		}
		return v
	}
	for _, f := range []*core.SelectField{one, many} {
		for _, raw := range raws {
			rec := core.NewRecord(col)
			rec.SetRaw(f.Name, raw)
			want, err := f.DriverValue(rec)
			if err != nil {
				t.Fatal(err)
			}
			got, err := selectDriverValue(f, rec)
			if err != nil {
				t.Fatal(err)
			}
			if stored(got) != stored(want) {
				t.Errorf("%s with raw %#v: push binds %#v, PocketBase stores %#v", f.Name, raw, stored(got), stored(want))
			}
		}
	}
}
