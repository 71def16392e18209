package field

import (
	"encoding/json"
)

// The push body's quick decoder.
//
// encoding/json read a push body three times over (the body, then its
// changes, then every record into a map), copying every record twice on
// the way; for a push of 500 contacts that was a quarter of the push's
// time. quickSplitPush reads the body once, checking its syntax as
// encoding/json does, and hands out the records' values as slices of the
// body itself. It takes only the plain shape every client sends (keys
// without escapes, no repeated keys, no case variants of the protocol's
// names, no data after the body); for anything else it gives up and
// decodePush reads the body with encoding/json, which also words the 400
// errors. FuzzQuickDecodePush proves that whatever it accepts decodes to
// the same plan as encoding/json's.

// maxQuickDepth bounds the nesting the quick scanner follows (deeper bodies
// go to encoding/json).
const maxQuickDepth = 200

// quickScanner checks and splits JSON text.
type quickScanner struct {
	b []byte
	i int
}

func (s *quickScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// str reads a string at s.i; plain is true when it has no escapes and only
// ASCII bytes (then its contents are the bytes between the quotes).
func (s *quickScanner) str() (start, end int, plain, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return 0, 0, false, false
	}
	start = s.i
	s.i++
	plain = true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return start, s.i, plain, true
		case c < 0x20:
			return 0, 0, false, false
		case c == '\\':
			plain = false
			if s.i+1 >= len(s.b) {
				return 0, 0, false, false
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) {
					return 0, 0, false, false
				}
				for _, h := range s.b[s.i+2 : s.i+6] {
					if !isHex(h) {
						return 0, 0, false, false
					}
				}
				s.i += 6
			default:
				return 0, 0, false, false
			}
		default:
			if c >= 0x80 {
				plain = false
			}
			s.i++
		}
	}
	return 0, 0, false, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads a JSON number at s.i.
func (s *quickScanner) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) || !isDigit(b[i]) {
		return false
	}
	if b[i] == '0' {
		i++
	} else {
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	s.i = i
	return true
}

func (s *quickScanner) literal(lit string) bool {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}

// value reads one JSON value at s.i (no leading white space) and returns
// it as a slice of the text.
func (s *quickScanner) value(depth int) ([]byte, bool) {
	if s.i >= len(s.b) || depth > maxQuickDepth {
		return nil, false
	}
	start := s.i
	ok := false
	switch c := s.b[s.i]; {
	case c == '"':
		_, _, _, ok = s.str()
	case c == '{':
		ok = s.object(depth+1, nil)
	case c == '[':
		ok = s.array(depth+1, nil)
	case c == 't':
		ok = s.literal("true")
	case c == 'f':
		ok = s.literal("false")
	case c == 'n':
		ok = s.literal("null")
	case c == '-' || isDigit(c):
		ok = s.number()
	}
	if !ok {
		return nil, false
	}
	return s.b[start:s.i], true
}

// object reads an object at s.i, calling member (when not nil) with each
// key (raw, quotes included; plain as str says) and value. member returns
// false to give up.
func (s *quickScanner) object(depth int, member func(key []byte, plain bool, v []byte) bool) bool {
	if empty, ok := s.open('{', '}'); empty || !ok {
		return ok
	}
	for {
		ks, ke, plain, ok := s.str()
		if !ok {
			return false
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		s.ws()
		v, ok := s.value(depth)
		if !ok {
			return false
		}
		if member != nil && !member(s.b[ks:ke], plain, v) {
			return false
		}
		if more, ok := s.after('}'); !more {
			return ok
		}
	}
}

// array reads an array at s.i, calling item (when not nil) with each
// element.
func (s *quickScanner) array(depth int, item func(v []byte)) bool {
	if empty, ok := s.open('[', ']'); empty || !ok {
		return ok
	}
	for {
		v, ok := s.value(depth)
		if !ok {
			return false
		}
		if item != nil {
			item(v)
		}
		if more, ok := s.after(']'); !more {
			return ok
		}
	}
}

// plainKey returns a plain key's text (quotes dropped).
func plainKey(raw []byte) string { return string(raw[1 : len(raw)-1]) }

// foldsTo reports whether an ASCII key equals name but for letter case,
// which encoding/json would match to name's field.
func foldsTo(key, name string) bool {
	if len(key) != len(name) || key == name {
		return false
	}
	for i := 0; i < len(key); i++ {
		a, b := key[i], name[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// quickPush is a push body as quickSplitPush reads it.
type quickPush struct {
	changes, lastPulledAt []byte
	tables                map[string]rawTableChanges
}

// quickSplitPush reads a push body of the plain shape; ok is false when
// the body must be read by encoding/json.
func quickSplitPush(body []byte) (q quickPush, ok bool) {
	s := &quickScanner{b: body}
	s.ws()
	seen := 0
	ok = s.object(1, func(key []byte, plain bool, v []byte) bool {
		if !plain {
			return false
		}
		k := plainKey(key)
		switch {
		case k == "changes":
			if seen&1 != 0 {
				return false
			}
			seen |= 1
			q.changes = v
		case k == "last_pulled_at":
			if seen&2 != 0 {
				return false
			}
			seen |= 2
			q.lastPulledAt = v
		case foldsTo(k, "changes"), foldsTo(k, "last_pulled_at"):
			return false
		}
		return true
	})
	if !ok {
		return q, false
	}
	s.ws()
	if s.i != len(body) || len(q.changes) == 0 || q.changes[0] != '{' {
		return q, false
	}
	q.tables = map[string]rawTableChanges{}
	cs := &quickScanner{b: q.changes}
	ok = cs.object(2, func(key []byte, plain bool, v []byte) bool {
		if !plain {
			return false
		}
		name := plainKey(key)
		if _, dup := q.tables[name]; dup {
			return false
		}
		tc, ok := quickTable(v)
		if !ok {
			return false
		}
		q.tables[name] = tc
		return true
	})
	return q, ok
}

// quickTable splits one table's changes (an object of three arrays).
func quickTable(v []byte) (tc rawTableChanges, ok bool) {
	if len(v) == 0 || v[0] != '{' {
		return tc, false
	}
	seen := 0
	s := &quickScanner{b: v}
	ok = s.object(3, func(key []byte, plain bool, v []byte) bool {
		if !plain {
			return false
		}
		var dst *[]json.RawMessage
		bit := 0
		switch k := plainKey(key); {
		case k == "created":
			dst, bit = &tc.Created, 1
		case k == "updated":
			dst, bit = &tc.Updated, 2
		case k == "deleted":
			dst, bit = &tc.Deleted, 4
		case foldsTo(k, "created"), foldsTo(k, "updated"), foldsTo(k, "deleted"):
			return false
		default:
			return true
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		if string(v) == "null" {
			return true // encoding/json: a nil slice
		}
		if v[0] != '[' {
			return false
		}
		out := []json.RawMessage{}
		as := &quickScanner{b: v}
		if bit == 4 {
			if !as.array(4, func(item []byte) { out = append(out, item) }) {
				return false
			}
			*dst = out
			return true
		}
		// Created and updated records are split into their columns as
		// they are checked.
		recs := []map[string]json.RawMessage{}
		if !as.records(func(item []byte, rec map[string]json.RawMessage) {
			out = append(out, item)
			recs = append(recs, rec)
		}) {
			return false
		}
		*dst = out
		if bit == 1 {
			tc.createdRecs = recs
		} else {
			tc.updatedRecs = recs
		}
		return true
	})
	return tc, ok
}

// records reads an array of records at s.i, calling item with each
// element and, for an object, its columns (nil for anything else: the
// caller asks encoding/json, which says what is wrong).
func (s *quickScanner) records(item func(v []byte, rec map[string]json.RawMessage)) bool {
	if empty, ok := s.open('[', ']'); empty || !ok {
		return ok
	}
	for {
		start := s.i
		var rec map[string]json.RawMessage
		if s.i < len(s.b) && s.b[s.i] == '{' {
			rec = make(map[string]json.RawMessage, 32)
			if !s.object(5, func(key []byte, plain bool, val []byte) bool {
				k, ok := recordKey(key, plain)
				rec[k] = val
				return ok
			}) {
				return false
			}
		} else if _, ok := s.value(4); !ok {
			return false
		}
		item(s.b[start:s.i], rec)
		if more, ok := s.after(']'); !more {
			return ok
		}
	}
}

// knownKeys holds the column names of every table and the server's own
// keys, so that a record's plain keys are not copied one by one.
var knownKeys = func() map[string]string {
	out := map[string]string{}
	for _, t := range tables {
		for _, c := range t.columns {
			out[c.wire] = c.wire
		}
	}
	for k := range serverOwned {
		out[k] = k
	}
	return out
}()

// recordKey returns a record key's text as encoding/json decodes a map
// key.
func recordKey(key []byte, plain bool) (string, bool) {
	if plain {
		if k, ok := knownKeys[string(key[1:len(key)-1])]; ok {
			return k, true
		}
		return plainKey(key), true
	}
	var k string
	if err := json.Unmarshal(key, &k); err != nil {
		return "", false
	}
	return k, true
}

// quickRecord splits a pushed record (already checked JSON) into its
// columns as json.Unmarshal into a map does; ok is false when it is not an
// object (then the caller asks encoding/json, which says what is wrong).
func quickRecord(v []byte) (map[string]json.RawMessage, bool) {
	if len(v) == 0 || v[0] != '{' {
		return nil, false
	}
	rec := make(map[string]json.RawMessage, 32)
	s := &quickScanner{b: v}
	ok := s.object(1, func(key []byte, plain bool, val []byte) bool {
		k, ok := recordKey(key, plain)
		rec[k] = val
		return ok
	})
	return rec, ok && s.i == len(v)
}

// isUUIDv4 reports whether s matches UUIDv4Pattern (lowercase UUID v4),
// without the regular expression; FuzzIsUUIDv4 compares the two.
func isUUIDv4(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		case 14:
			if c != '4' {
				return false
			}
		case 19:
			if c != '8' && c != '9' && c != 'a' && c != 'b' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// open reads the opening byte of a list or an object (ok) and, when the
// closing byte follows at once, that too (empty).
func (s *quickScanner) open(opening, closing byte) (empty, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != opening {
		return false, false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == closing {
		s.i++
		return true, true
	}
	return false, true
}

// after reads what follows a member of a list or an object: a comma (more
// members follow) or the closing byte (ok: the list or object is done);
// anything else, or the end of the body, is a syntax error.
func (s *quickScanner) after(closing byte) (more, ok bool) {
	s.ws()
	if s.i >= len(s.b) {
		return false, false
	}
	switch s.b[s.i] {
	case ',':
		s.i++
		s.ws()
		return true, true
	case closing:
		s.i++
		return false, true
	}
	return false, false
}
