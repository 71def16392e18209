package field

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"uppsok/privacy"
	"uppsok/taxonomy"
)

// cleanRecord is one pushed record after sanitising: the record field values
// to store, the wire columns that were changed on the way (reported to the
// client in `sanitized`), and the raw person code (hashed before storage).
type cleanRecord struct {
	id         string
	values     map[string]any
	relations  map[string]string // record field -> pushed id ("" clears)
	sanitized  []string
	personCode string
}

var languageRe = regexp.MustCompile(`^[a-z]{2}$`)

// sanitizeRecord decodes one pushed record of table t from a client of
// schema version version. stored is the record the server holds (nil when
// it lacks it): columns missing from a new record take their defaults,
// while missing columns of an existing record keep their value, and so do
// columns the client's schema does not have. Legacy columns are mapped
// (legacy.go). today is the date (Stockholm) that no date may pass.
func sanitizeRecord(t *table, raw map[string]json.RawMessage, version int, stored storedRecord, today string) *cleanRecord {
	isNew := stored == nil
	c := &cleanRecord{values: make(map[string]any, len(t.columns)), relations: make(map[string]string, 4)}
	report := func(col string) { c.sanitized = append(c.sanitized, col) }

	for _, col := range t.columns {
		if col.legacy() {
			continue // mapped below, after the columns they map to
		}
		v, present := raw[col.wire]
		if present && isNull(v) {
			present = false
			v = nil
		}
		if !col.in(version) {
			// Not in the client's schema: never read from the push.
			present, v = false, nil
		}
		if !present && !isNew {
			continue
		}
		switch col.kind {
		case kindRelation:
			s, ok := jsonString(v)
			if present && !ok {
				report(col.wire)
			}
			c.relations[col.field] = s
		case kindSelect:
			if code, ok := listCode(col.list, v); ok {
				c.values[col.field] = code // a plain code of the list: kept
				continue
			}
			s, ok := jsonString(v)
			out, valid := col.list.Normalize(s)
			if present && (!ok || !valid) {
				report(col.wire)
			}
			c.values[col.field] = out
		case kindSet:
			codes, ok := decodeSet(v)
			out, valid := col.list.NormalizeSet(codes)
			if present && (!ok || !valid) {
				report(col.wire)
			}
			c.values[col.field] = out
		case kindDate:
			s, ok := jsonString(v)
			d, valid := normalizeDate(s, today)
			if !ok || !valid {
				report(col.wire)
			}
			c.values[col.field] = d
		case kindLanguage:
			s, ok := jsonString(v)
			s = strings.ToLower(strings.TrimSpace(s))
			if s != "" && !languageRe.MatchString(s) {
				s, ok = "", false
			}
			if present && !ok {
				report(col.wire)
			}
			c.values[col.field] = s
		case kindBool:
			b, ok := decodeBool(v)
			if present && !ok {
				report(col.wire)
			}
			c.values[col.field] = b
		case kindInt:
			n, ok := decodeInt(v, col.min, col.max)
			if present && !ok {
				report(col.wire)
			}
			c.values[col.field] = n
		case kindNotes:
			s, ok := jsonString(v)
			out, clean := sanitizeNotes(s)
			if present && (!ok || !clean) {
				report(col.wire)
			}
			c.values[col.field] = out
		}
	}

	var handled []string
	var openBuf [4]string
	for _, col := range t.legacyColumns() {
		v, present := raw[col.wire]
		if !present || isNull(v) {
			continue
		}
		open := openBuf[:0]
		for _, target := range legacyTargets(col) {
			tv, sent := raw[target]
			if !sent || isNull(tv) || !t.hasColumn(target, version) {
				open = append(open, target)
			}
		}
		if len(open) == 0 {
			continue // the client sent the schema-3 columns: they win
		}
		handled = append(handled, col.wire)
		if !applyLegacy(c, col, v, stored, open) {
			report(col.wire)
		}
	}

	if v, ok := raw["person_code"]; ok {
		c.personCode, _ = jsonString(v)
	}

	var unknown []string
	known := t.columnSet(version)
	for k := range raw {
		if !known[k] && !slices.Contains(handled, k) && !serverOwned[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		report(safeColumnName(k))
	}
	return c
}

// safeColumnName bounds what an unknown column name can put in a response.
func safeColumnName(k string) string {
	if len(k) > 64 {
		k = k[:64]
	}
	return strings.ToValidUTF8(k, "")
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// jsonString returns v as a string; ok is false when v is present but not
// a JSON string.
func jsonString(v json.RawMessage) (string, bool) {
	if len(v) == 0 {
		return "", true
	}
	if s, ok := plainJSONString(v); ok {
		return s, true
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

// decodeSet accepts the WatermelonDB @json convention (a JSON-encoded string
// holding an array) and a plain JSON array; ok is false for anything else or
// for members that are not strings.
func decodeSet(v json.RawMessage) ([]string, bool) {
	if len(v) == 0 {
		return nil, true
	}
	var inner json.RawMessage = v
	if s, ok := jsonString(v); ok {
		if strings.TrimSpace(s) == "" {
			return nil, true
		}
		inner = json.RawMessage(s)
	}
	if out, ok := plainStringArray(inner); ok {
		return out, true
	}
	var items []json.RawMessage
	if err := json.Unmarshal(inner, &items); err != nil {
		return nil, false
	}
	ok := true
	out := make([]string, 0, len(items))
	for _, it := range items {
		var code string
		if err := json.Unmarshal(it, &code); err != nil {
			ok = false
			continue
		}
		out = append(out, code)
	}
	return out, ok
}

// plainJSONString decodes the common JSON string quickly: ASCII text whose
// only escapes are \" \\ and \/. ok is false for anything else (other
// escapes, non-ASCII bytes, not a string), which the caller then decodes
// with encoding/json; for what it accepts the result is the same
// (FuzzPlainJSON proves it).
func plainJSONString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	body := v[1 : len(v)-1]
	escaped := false
	for i := 0; i < len(body); i++ {
		switch b := body[i]; {
		case b < 0x20 || b >= 0x80 || b == '"':
			return "", false
		case b == '\\':
			if i+1 >= len(body) {
				return "", false
			}
			switch body[i+1] {
			case '"', '\\', '/':
			default:
				return "", false
			}
			escaped = true
			i++
		}
	}
	if !escaped {
		return string(body), true
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		if body[i] == '\\' {
			i++
		}
		out = append(out, body[i])
	}
	return string(out), true
}

// plainStringArray decodes a JSON array of plain strings (as
// plainJSONString accepts them) quickly; ok is false for anything else,
// which the caller then decodes with encoding/json.
func plainStringArray(v []byte) ([]string, bool) {
	i, n := 0, len(v)
	ws := func() {
		for i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r') {
			i++
		}
	}
	ws()
	if i >= n || v[i] != '[' {
		return nil, false
	}
	i++
	ws()
	out := []string{}
	if i < n && v[i] == ']' {
		i++
		ws()
		return out, i == n
	}
	for {
		if i >= n || v[i] != '"' {
			return nil, false
		}
		start := i
		i++
		for i < n && v[i] != '"' {
			if v[i] == '\\' {
				return nil, false
			}
			i++
		}
		if i >= n {
			return nil, false
		}
		i++
		s, ok := plainJSONString(v[start:i])
		if !ok {
			return nil, false
		}
		out = append(out, s)
		ws()
		if i >= n {
			return nil, false
		}
		if v[i] == ']' {
			i++
			ws()
			return out, i == n
		}
		if v[i] != ',' {
			return nil, false
		}
		i++
		ws()
	}
}

// listCode returns the code of l that v, a JSON string without escapes,
// holds (without copying v); ok is false for anything else.
func listCode(l taxonomy.List, v json.RawMessage) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	body := v[1 : len(v)-1]
	for _, c := range l.Codes {
		if string(body) == c.Code {
			return c.Code, true
		}
	}
	return "", false
}

// plainJSONInt reads a JSON integer of at most nine digits (what
// encoding/json decodes to the same float64); ok is false for anything
// else.
func plainJSONInt(v []byte) (float64, bool) {
	neg := len(v) > 0 && v[0] == '-'
	d := v
	if neg {
		d = v[1:]
	}
	if len(d) == 0 || len(d) > 9 || (d[0] == '0' && len(d) > 1) {
		return 0, false
	}
	n := 0
	for _, b := range d {
		if b < '0' || b > '9' {
			return 0, false
		}
		n = n*10 + int(b-'0')
	}
	if neg {
		n = -n
	}
	return float64(n), true
}

// normalizeDate returns a valid YYYY-MM-DD not after today; an invalid or
// missing date becomes today and a future date is clamped to today.
func normalizeDate(s, today string) (string, bool) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 2000 {
		return today, false
	}
	out := d.Format(time.DateOnly)
	if out > today {
		return today, false
	}
	return out, out == s
}

func decodeBool(v json.RawMessage) (bool, bool) {
	if len(v) == 0 {
		return false, true
	}
	switch strings.TrimSpace(string(v)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// decodeInt returns an integer clamped to [min, max]; ok is false when the
// value had to be changed or was not a number.
func decodeInt(v json.RawMessage, min, max int) (int, bool) {
	if len(v) == 0 {
		return min, true
	}
	f, plain := plainJSONInt(v)
	if plain {
		// decoded below as encoding/json would decode it
	} else if err := json.Unmarshal(v, &f); err != nil {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return min, false
		}
		var perr error
		f, perr = strconv.ParseFloat(strings.TrimSpace(s), 64)
		if perr != nil {
			return min, false
		}
		n, _ := decodeInt(json.RawMessage(strconv.FormatFloat(f, 'f', -1, 64)), min, max)
		return n, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return min, false
	}
	ok := f == math.Trunc(f)
	f = math.Trunc(f)
	if f < float64(min) {
		return min, false
	}
	if f > float64(max) {
		return max, false
	}
	return int(f), ok
}

// sanitizeNotes strips control characters, bounds the length and removes
// personal data; clean is false when anything was changed.
func sanitizeNotes(s string) (string, bool) {
	clean := true
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
		clean = false
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\n' && r != '\t' {
				return -1
			}
			return r
		}, s)
		clean = false
	}
	// Screen, then cut to the limit. A cut can turn the tail of a long
	// digit run into a phone-number shape, so screen the cut text again
	// (a replacement only touches the tail, and cutting into "[borttaget]"
	// exposes nothing).
	for i := 0; i < 3; i++ {
		screened, kinds := privacy.Screen(s)
		if len(kinds) > 0 {
			s = screened
			clean = false
		}
		if utf8.RuneCountInString(s) <= taxonomy.MaxNotes {
			break
		}
		s = string([]rune(s)[:taxonomy.MaxNotes])
		clean = false
	}
	return s, clean
}
