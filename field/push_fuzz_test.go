package field

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"uppsok/privacy"
)

// FuzzDecodePush feeds arbitrary bodies to the push decoder and sanitiser.
// They must never panic, and whatever they accept must come out clean: ids
// are lowercase UUID v4, codes belong to their lists, notes are screened
// and bounded.
func FuzzDecodePush(f *testing.F) {
	seeds := []string{
		`{"changes":{"contacts":{"created":[{"id":"0b7e9a52-1c1f-4c9e-9f0e-3b8a4f6d2c11","channel":"street","platforms":"[\"kik\"]","notes":"ring 070-123 45 67"}],"updated":[],"deleted":[]}},"last_pulled_at":5}`,
		`{"changes":{"outreach_sessions":{"created":[{"id":"0b7e9a52-1c1f-4c9e-9f0e-3b8a4f6d2c12","kind":"online","duration_minutes":1e9}]}}}`,
		`{"changes":{"contacts":{"created":[{"id":"X","__proto__":{"a":1}}],"deleted":["y",1,null]}},"last_pulled_at":null}`,
		`{"changes":{"teams":{"created":[{"id":"t"}]}}}`,
		`{"changes":{}}`,
		`{"changes":{"contacts":{"updated":[{"id":"0b7e9a52-1c1f-4c9e-9f0e-3b8a4f6d2c11","indicators":"[\"debt\",\"x\"]","interpreter":true,"control":"[\"threats\"]"}]}}}`,
		`[]`, `{`, `{"changes":{"contacts":{"created":[[],{},null,"s",1]}}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		plan, err := decodePush(body)
		if err != nil {
			return
		}
		for tbl, recs := range plan.upserts {
			for _, r := range recs {
				if !uuidV4.MatchString(r.id) {
					t.Fatalf("accepted id %q", r.id)
				}
				for v := MinSchemaVersion; v <= MaxSchemaVersion; v++ {
					for _, stored := range []storedRecord{nil, fuzzStored{}} {
						c := sanitizeRecord(tbl, r.raw, v, stored, "2026-11-27")
						checkClean(t, tbl, c)
					}
				}
			}
		}
		for _, ids := range plan.deletes {
			for _, id := range ids {
				if !uuidV4.MatchString(id) {
					t.Fatalf("accepted delete id %q", id)
				}
			}
		}
		if _, err := json.Marshal(plan.resp); err != nil {
			t.Fatalf("response does not encode: %v", err)
		}
	})
}

// fuzzStored is a stored schema-3 record for the legacy mapping.
type fuzzStored struct{}

func (fuzzStored) GetString(string) string { return "professional" }
func (fuzzStored) GetStringSlice(f string) []string {
	if f == "control" {
		return []string{"debt", "psychological_abuse"}
	}
	return []string{"homeless", "substance_use"}
}

func checkClean(t *testing.T, tbl *table, c *cleanRecord) {
	t.Helper()
	for _, col := range tbl.columns {
		if col.legacy() {
			continue
		}
		v, ok := c.values[col.field]
		if !ok {
			continue
		}
		switch col.kind {
		case kindSelect:
			if !col.list.Has(v.(string)) {
				t.Fatalf("%s = %q not in its list", col.wire, v)
			}
		case kindSet:
			for _, code := range v.([]string) {
				if !col.list.Has(code) {
					t.Fatalf("%s holds %q", col.wire, code)
				}
			}
		case kindDate:
			if s := v.(string); len(s) != 10 || s > "2026-11-27" {
				t.Fatalf("%s = %q", col.wire, s)
			}
		case kindInt:
			if n := v.(int); n < col.min || n > col.max {
				t.Fatalf("%s = %d outside [%d,%d]", col.wire, n, col.min, col.max)
			}
		case kindNotes:
			s := v.(string)
			if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 500 {
				t.Fatalf("notes invalid or too long (%d runes)", utf8.RuneCountInString(s))
			}
			if again, kinds := privacy.Screen(s); again != s {
				t.Fatalf("stored notes still hold %v: %q", kinds, s)
			}
		}
	}
}
