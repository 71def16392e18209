package field

import (
	"encoding/json"
	"slices"
	"testing"
)

// FuzzPlainJSON checks the quick JSON string and string-array decoders
// against encoding/json: whatever they accept, encoding/json accepts too
// and decodes to the same value.
func FuzzPlainJSON(f *testing.F) {
	for _, s := range []string{
		`"street"`, `"a\"b\\c\/d"`, `"\n"`, `"å"`, `""`, `"`, `"\"`, `x`,
		`["instagram","snapchat"]`, ` [ "a" , "b" ] `, `[]`, `[ ]`, `["a",]`, `["a"`, `["a" "b"]`, `[1]`, `["\u00e5"]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		if s, ok := plainJSONString(v); ok {
			var want string
			if err := json.Unmarshal(v, &want); err != nil || want != s {
				t.Fatalf("plainJSONString(%q) = %q; encoding/json: %q, %v", v, s, want, err)
			}
		}
		if got, ok := plainStringArray(v); ok {
			var items []json.RawMessage
			if err := json.Unmarshal(v, &items); err != nil {
				t.Fatalf("plainStringArray(%q) accepted what encoding/json refuses: %v", v, err)
			}
			want := make([]string, 0, len(items))
			for _, it := range items {
				var s string
				if err := json.Unmarshal(it, &s); err != nil {
					t.Fatalf("plainStringArray(%q) accepted a non-string item %q", v, it)
				}
				want = append(want, s)
			}
			if !slices.Equal(got, want) || got == nil {
				t.Fatalf("plainStringArray(%q) = %q, want %q", v, got, want)
			}
		}
	})
}
