package field

// TableInfo is one wire table's description as the tests see it.
type TableInfo struct {
	Name       string
	Collection string
	Writable   bool
	// Fields are the record fields of the table's columns.
	Fields []string
	// Refs maps a relation column's field to the wire name of its target.
	Refs map[string]string
}

// CursorField is the field of a writable table's collection that holds the
// change cursor.
const CursorField = cursorField

// ServerFields are the fields of a writable table's collection that are no
// wire column.
var ServerFields = serverFields

// Tables returns every wire table's description, in wire order.
func Tables() []TableInfo {
	var out []TableInfo
	for _, t := range tables {
		ti := TableInfo{Name: t.name, Collection: t.collection, Writable: t.writable, Refs: map[string]string{}}
		for _, c := range t.columns {
			if c.legacy() {
				continue // mapped from other fields, no field of its own
			}
			ti.Fields = append(ti.Fields, c.field)
			if c.kind == kindRelation {
				ti.Refs[c.field] = c.ref
			}
		}
		out = append(out, ti)
	}
	return out
}

// PushOrder returns the wire names of the writable tables in the order a
// push applies them.
func PushOrder() []string {
	var out []string
	for _, t := range pushOrder {
		out = append(out, t.name)
	}
	return out
}

// AutodateLastKnownKey is the key under which the push primes a created
// record's autodates (push_fast.go).
const AutodateLastKnownKey = autodateLastKnownKey
