package field

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/pocketbase/pocketbase/tools/router"

	"uppsok/taxonomy"
)

// FuzzQuickDecodePush checks the quick push decoder (push_decode.go)
// against encoding/json: for every body, decodePush with and without it
// gives the same plan, or the same error (status and message), and what
// the quick scanner accepts is valid JSON.
func FuzzQuickDecodePush(f *testing.F) {
	const id = "0b7e9a52-1c1f-4c9e-9f0e-3b8a4f6d2c11"
	seeds := []string{
		`{"changes":{"contacts":{"created":[{"id":"` + id + `","channel":"street","platforms":"[\"kik\"]","notes":"ring 070-123 45 67"}],"updated":[],"deleted":[]}},"last_pulled_at":5}`,
		` {"changes" : {"contacts":{"created":[ {"id":"` + id + `", "a\u0062":1, "ab":2} ]}} , "x":[1,{"y":null}]} `,
		`{"changes":{"contacts":{"created":[{"id":"` + id + `"}],"Created":[]}}}`,
		`{"Changes":{"contacts":{"created":[{"id":"` + id + `"}]}}}`,
		`{"changes":{"contacts":{"created":[{"id":"` + id + `"}]}},"changes":{}}`,
		`{"changes":{"contacts":{"created":[{"id":"` + id + `"}]},"contacts":{}}}`,
		`{"changes":{"contacts":{"created":null,"deleted":["` + id + `",1,null]}},"last_pulled_at":null}`,
		`{"changes":{"contacts":{"created":[[],{},null,"s",1,-0.5e+3,true,false]}}}`,
		`{"changes":{"contacts":{"updated":[{"id":"` + id + `","id":"x"},{"\u00e5":"\ud800","id":"` + id + `"}]}}}`,
		`{"changes":{"teams":{"created":[{"id":"t"}]}}}`,
		`{"changes":{}}`, `{"changes":null}`, `{"changes":[]}`, `{}`, `[]`, `{`, `{"changes":{}} x`, `{"changes":{}}]`,
		`{"changes":{"contacts":{"created":{}}}}`, `{"changes":{"contacts":[]}}`, `{"changes":{"contacts":null}}`,
		`{"changes":{"contacts":{"created":[{"id":"` + id + `","n":01}]}}}`,
		`{"changes":{"contacts":{"created":[{"id":"` + id + `","s":"a` + "\x01" + `"}]}}}`,
		`{"changes":{"contacts":{"created":[{"id":"` + id + `","s":"\x"}]}}}`,
		`{"changes":{"contacts":{"created":[{"id":"` + id + `","s":"` + "\xff" + `"}]}}}`,
		`{"changes":{"contacts":{"created":[]}},"last_pulled_at":"5"}`,
		`{"changes":{"contacts":{"created":[]}},"last_pulled_at":1e3}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, ok := quickSplitPush(body); ok && !json.Valid(body) {
			t.Fatalf("quick decoder accepted invalid JSON %q", body)
		}
		quick, qerr := decodePushWith(body, true)
		slow, serr := decodePushWith(body, false)
		if (qerr == nil) != (serr == nil) {
			t.Fatalf("%q: quick error %v, encoding/json error %v", body, qerr, serr)
		}
		if qerr != nil {
			var qa, sa *router.ApiError
			if !errors.As(qerr, &qa) || !errors.As(serr, &sa) || qa.Status != sa.Status || qa.Message != sa.Message {
				t.Fatalf("%q: quick error %v, encoding/json error %v", body, qerr, serr)
			}
			return
		}
		if !reflect.DeepEqual(quick, slow) {
			t.Fatalf("%q: quick plan\n%+v\nencoding/json plan\n%+v", body, quick, slow)
		}
	})
}

// FuzzQuickRecord checks that a record the quick decoder splits decodes to
// the same map with encoding/json.
func FuzzQuickRecord(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"a":2}`, `{"\u0061":"x","b":[1,{"c":"d"}]}`, `{"a":"\xff"}`, ` {"a":1}`, `{"a":1} `, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		if !json.Valid(v) {
			return // the quick decoder only splits records it has checked
		}
		got, ok := quickRecord(v)
		if !ok {
			return
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal(v, &want); err != nil {
			t.Fatalf("quickRecord(%q) accepted what encoding/json refuses: %v", v, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("quickRecord(%q) = %q, want %q", v, got, want)
		}
	})
}

// FuzzSanitizeShortcuts checks the sanitiser's quick readers against the
// slow ones: a plain list code (listCode) is the code jsonString and
// Normalize find, and a plain integer (plainJSONInt) is the float64
// encoding/json decodes.
func FuzzSanitizeShortcuts(f *testing.F) {
	for _, s := range []string{`"street"`, `"street `, `"Street"`, `"str\u0065et"`, `0`, `-0`, `12`, `012`, `-`, `999999999`, `1234567890`, `1e3`, `1.0`, ` 5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		for _, l := range []taxonomy.List{taxonomy.Channel, taxonomy.Interpreting} {
			if code, ok := listCode(l, v); ok {
				s, sok := jsonString(v)
				want, valid := l.Normalize(s)
				if !sok || !valid || want != code {
					t.Fatalf("listCode(%q) = %q; jsonString/Normalize: %q %v %v", v, code, want, sok, valid)
				}
			}
		}
		if n, ok := plainJSONInt(v); ok {
			var want float64
			if err := json.Unmarshal(v, &want); err != nil || want != n {
				t.Fatalf("plainJSONInt(%q) = %v; encoding/json: %v, %v", v, n, want, err)
			}
		}
	})
}

// FuzzIsUUIDv4 checks the push's id check against UUIDv4Pattern.
func FuzzIsUUIDv4(f *testing.F) {
	for _, s := range []string{"0b7e9a52-1c1f-4c9e-9f0e-3b8a4f6d2c11", "0B7E9A52-1C1F-4C9E-9F0E-3B8A4F6D2C11", "0b7e9a52-1c1f-3c9e-9f0e-3b8a4f6d2c11", "0b7e9a52-1c1f-4c9e-7f0e-3b8a4f6d2c11", "", "0b7e9a52-1c1f-4c9e-9f0e-3b8a4f6d2c11\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isUUIDv4(s) != uuidV4.MatchString(s) {
			t.Fatalf("isUUIDv4(%q) = %v, the pattern says %v", s, isUUIDv4(s), uuidV4.MatchString(s))
		}
	})
}
