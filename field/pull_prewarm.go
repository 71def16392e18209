package field

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/tools/types"

	"uppsok/taxonomy"
)

// A pushed row's pull JSON, made at push time. In a burst of tablets every
// tablet pulls right after it pushed, and each row just pushed was a miss
// of the row cache: SQLite encoded it (json_object, pull_sql.go) for the
// first tablet of the team that pulled it, about 20 µs a row in the burst.
// The push has the row's columns at hand (the values it bound to its
// INSERT), so once the transaction has committed a goroutine encodes the
// rows as SQLite would, in Go, and caches each at the cursor value it was
// written with. TestPrewarmedRowsAreSQLitesBytes holds the two encodings to
// the same bytes, odd text included; a value the Go encoding does not
// cover (a type it does not expect, text that is not UTF-8, a date it
// cannot read) leaves the row to SQLite, as before.

// Only in a burst: a push applied with others (group commit) or while
// others wait for the writer. A lone push, however large, leaves its rows
// to the pulls that come later: encoding them beside it took a large
// push's CPU for rows nobody pulls at once (push/raw 0.27 -> 0.23).
//
// warmCache returns the row cache for a transaction of pushes pushes, or
// nil when its rows are not to be cached at push time.
func (s *Service) warmCache(pushes int) *rowCache {
	if s.warmAlways || pushes > 1 || len(s.queue) > 1 {
		return s.rows
	}
	return nil
}

// prewarmVersion is the schema version whose rows a push encodes: the
// current field app's (an older tablet's rows are mapped in Go at pull).
const prewarmVersion = MaxSchemaVersion

// prewarmCols are the keys of each synced table's rows for
// prewarmVersion (rowJSONCols, shared with the SQL expression).
var prewarmCols = func() map[*table][]jsonCol {
	out := map[*table][]jsonCol{}
	for _, t := range tables {
		if cols, ok := rowJSONCols(t, prewarmVersion); ok {
			out[t] = cols
		}
	}
	return out
}()

// prewarmTables maps a collection name to its synced table.
var prewarmTables = func() map[string]*table {
	out := map[string]*table{}
	for t := range prewarmCols {
		out[t.collection] = t
	}
	return out
}()

// prewarmRow encodes the row whose columns were bound as get returns them
// (the push's prepared INSERT: a column's driver value) as rowJSONExpr's
// SQL does for prewarmVersion. It returns the JSON, the row's id and
// cursor value, and false when the row is left to SQLite.
func prewarmRow(collection string, get func(column string) any) (json []byte, id string, seq int64, ok bool) {
	t := prewarmTables[collection]
	if t == nil {
		return nil, "", 0, false
	}
	id, ok = get("id").(string)
	if !ok || id == "" {
		return nil, "", 0, false
	}
	seq, ok = intValue(get(cursorField))
	if !ok || seq <= 0 {
		return nil, "", 0, false
	}
	b := make([]byte, 0, 768)
	b = append(b, '{')
	for i, c := range prewarmCols[t] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, c.key...) // wire names are plain ASCII
		b = append(b, '"', ':')
		if b, ok = appendPrewarmValue(b, c, get); !ok {
			return nil, "", 0, false
		}
	}
	b = append(b, '}')
	return b, id, seq, true
}

// appendPrewarmValue appends one column's JSON value as rowJSONExpr's SQL
// makes it.
func appendPrewarmValue(b []byte, c jsonCol, get func(string) any) ([]byte, bool) {
	switch c.fixed {
	case "id", "team":
		s, ok := textValue(get(c.fixed))
		if !ok {
			return b, false
		}
		return appendSQLiteString(b, s)
	case "created", "updated":
		// millisSQL: COALESCE(unixepoch(x) * 1000 + CAST(substr(x, 21, 3)
		// AS INTEGER), 0), for the text PocketBase stores.
		s, ok := textValue(get(c.fixed))
		if !ok {
			return b, false
		}
		ms, ok := parseMillis(s)
		if !ok {
			return b, false
		}
		return strconv.AppendInt(b, ms, 10), true
	}
	v := get(c.field)
	switch c.kind {
	case kindSet:
		// CASE WHEN x IS NULL OR x IN ('', 'null') THEN '[]' ELSE CAST(x AS TEXT) END
		if v == nil {
			return appendSQLiteString(b, "[]")
		}
		s, ok := textValue(v)
		if !ok {
			return b, false
		}
		if s == "" || s == "null" {
			s = "[]"
		}
		return appendSQLiteString(b, s)
	case kindBool:
		// json(CASE WHEN x THEN 'true' ELSE 'false' END)
		var truth bool
		switch x := v.(type) {
		case bool:
			truth = x
		case nil:
		default:
			n, ok := intValue(v)
			if !ok {
				return b, false
			}
			truth = n != 0
		}
		if truth {
			return append(b, "true"...), true
		}
		return append(b, "false"...), true
	case kindInt:
		// COALESCE(CAST(x AS INTEGER), 0)
		if v == nil {
			return append(b, '0'), true
		}
		n, ok := intValue(v)
		if !ok {
			return b, false
		}
		return strconv.AppendInt(b, n, 10), true
	case kindSelect:
		// CASE WHEN x IS NULL OR x = '' THEN 'unknown' ELSE CAST(x AS TEXT) END
		if v == nil {
			return appendSQLiteString(b, taxonomy.Unknown)
		}
		s, ok := textValue(v)
		if !ok {
			return b, false
		}
		if s == "" {
			s = taxonomy.Unknown
		}
		return appendSQLiteString(b, s)
	default:
		// COALESCE(CAST(x AS TEXT), '')
		if v == nil {
			return appendSQLiteString(b, "")
		}
		s, ok := textValue(v)
		if !ok {
			return b, false
		}
		return appendSQLiteString(b, s)
	}
}

// missingColumn stands for a column the statement does not bind: no
// encoding takes it, and the row is left to SQLite.
type missingColumn struct{}

// textValue is a bound text value; any other type is left to SQLite (a
// number's text, say, is SQLite's to format).
func textValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case types.JSONRaw:
		return string(x), true
	case types.DateTime:
		return x.String(), true // its driver value
	}
	return "", false
}

// intValue is CAST(x AS INTEGER) of a bound number: a whole number within
// int64's range (a fraction is left to SQLite).
func intValue(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x != math.Trunc(x) || math.Abs(x) >= 1<<62 {
			return 0, false
		}
		return int64(x), true
	}
	return 0, false
}

// appendSQLiteString appends s as SQLite's JSON functions quote a text: '"'
// and '\' escaped with a backslash, the control characters below 0x20 as
// \b \t \n \f \r or \u00xx, every other byte as it is. Text that is not
// valid UTF-8 is left to SQLite.
func appendSQLiteString(b []byte, s string) ([]byte, bool) {
	if !utf8.ValidString(s) {
		return b, false
	}
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c >= 0x20:
			b = append(b, c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
	}
	return append(b, '"'), true
}
