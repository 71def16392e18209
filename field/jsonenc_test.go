package field

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzRowEncoding checks the pull's row encoder against json.Marshal: the
// same bytes for every row of string, integer and boolean values, and for
// rows whose keys change from one row to the next.
func FuzzRowEncoding(f *testing.F) {
	for _, s := range []string{"", "street", `a"b\c`, "<script>&", "\x00\x1f\b\f\n\r\t", "å\u2028\u2029", "\xff\xfeok", "[\"debt\"]"} {
		f.Add(s, "notes", int64(-3), true)
	}
	f.Fuzz(func(t *testing.T, s, key string, n int64, flag bool) {
		var buf bytes.Buffer
		enc := newRowEncoder(bufio.NewWriter(&buf))
		rows := []map[string]any{
			{"id": s, "created_at": n, "notes": s, "interpreter": flag, "n": 7},
			{"id": s, key: s, "created_at": n, "interpreter": flag},
			{"id": s, key: n, "other": nil, "interpreter": !flag},
			{key: []string{s}},
		}
		for _, r := range rows {
			want, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			got, err := enc.appendRow(nil, r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("row %v:\n got %s\nwant %s", r, got, want)
			}
		}
	})
}
