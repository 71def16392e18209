package field

import "uppsok/taxonomy"

// Schema versions of the field clients the server speaks. A client below
// MinSchemaVersion gets 426; a client above MaxSchemaVersion is served as
// MaxSchemaVersion (it ignores what it does not know).
const (
	MinSchemaVersion = 1
	MaxSchemaVersion = 3
)

// colKind tells how a wire column is decoded, sanitised and encoded.
type colKind int

const (
	kindRelation colKind = iota // *_id column, validated against the team
	kindDate                    // YYYY-MM-DD, never in the future
	kindSelect                  // single choice from a taxonomy list
	kindSet                     // set from a taxonomy list, JSON-encoded string on the wire
	kindLanguage                // ISO 639-1 code
	kindBool
	kindInt   // integer clamped to [min, max]
	kindNotes // free text, screened for personal data
	kindText  // plain text (pull-only tables)
	// Legacy columns of schemas 1–2 with no field of their own: they are
	// mapped to and from the schema-3 fields (see legacy.go).
	kindIndicators  // old indicators set <-> control + vulnerabilities
	kindInterpreter // old interpreter bool <-> interpreting
)

// column maps one wire column to a record field.
type column struct {
	wire  string
	field string
	kind  colKind
	list  taxonomy.List
	min   int
	max   int
	since int // schema version that added the column
	until int // schema version that no longer has the column (0: all since)
}

// in reports whether a client of schema version v has the column.
func (c column) in(v int) bool { return c.since <= v && (c.until == 0 || v < c.until) }

// legacy reports a mapped column with no record field of its own.
func (c column) legacy() bool { return c.kind == kindIndicators || c.kind == kindInterpreter }

// table describes one table on the wire.
type table struct {
	name       string
	collection string
	writable   bool
	since      int
	dateField  string // field of the first sync's window ("" = whole table)
	columns    []column
}

func sel(l taxonomy.List) column {
	return column{wire: l.Name, field: l.Name, kind: kindSelect, list: l, since: 1}
}
func set(l taxonomy.List) column {
	return column{wire: l.Name, field: l.Name, kind: kindSet, list: l, since: 1}
}
func since(v int, c column) column { c.since = v; return c }

var contactsTable = table{
	name: "contacts", collection: "contacts", writable: true, since: 1, dateField: "occurred_on",
	columns: []column{
		{wire: "worker_id", field: "worker", kind: kindRelation, since: 1},
		{wire: "session_id", field: "session", kind: kindRelation, since: 1},
		{wire: "occurred_on", field: "occurred_on", kind: kindDate, since: 1},
		sel(taxonomy.Daypart), sel(taxonomy.Channel), sel(taxonomy.Area), sel(taxonomy.Arena),
		set(taxonomy.Platforms), sel(taxonomy.Role), sel(taxonomy.AgeBand), sel(taxonomy.Gender),
		sel(taxonomy.OriginRegion),
		{wire: "language", field: "language", kind: kindLanguage, since: 1},
		// Schemas 1–2: interpreter and indicators, mapped (legacy.go).
		{wire: "interpreter", kind: kindInterpreter, since: 1, until: 3},
		{wire: "indicators", kind: kindIndicators, list: taxonomy.Indicators, since: 1, until: 3},
		// Schema 3: the action plan's record.
		since(3, sel(taxonomy.Interpreting)), since(3, set(taxonomy.Control)), since(3, set(taxonomy.Vulnerabilities)),
		since(3, set(taxonomy.RiskGroups)), since(3, set(taxonomy.Compensation)),
		sel(taxonomy.Assessment), set(taxonomy.Purposes), set(taxonomy.Actions),
		{wire: "cards_given", field: "cards_given", kind: kindInt, min: 0, max: taxonomy.MaxCardsGiven, since: 1},
		{wire: "notes", field: "notes", kind: kindNotes, since: 1},
	},
}

var sessionsTable = table{
	name: "outreach_sessions", collection: "outreach_sessions", writable: true, since: 1, dateField: "started_on",
	columns: []column{
		{wire: "worker_id", field: "worker", kind: kindRelation, since: 1},
		sel(taxonomy.SessionKind),
		{wire: "started_on", field: "started_on", kind: kindDate, since: 1},
		sel(taxonomy.Daypart), sel(taxonomy.Area), set(taxonomy.Platforms),
		{wire: "duration_minutes", field: "duration_minutes", kind: kindInt, min: 0, max: 1440, since: 1},
		{wire: "persons_observed", field: "persons_observed", kind: kindInt, min: 0, max: 100000, since: 1},
		{wire: "ads_reviewed", field: "ads_reviewed", kind: kindInt, min: 0, max: 100000, since: 1},
		{wire: "messages_sent", field: "messages_sent", kind: kindInt, min: 0, max: 100000, since: 1},
		{wire: "notes", field: "notes", kind: kindNotes, since: 1},
	},
}

// Pull-only reference tables. info_cards arrived with schema version 2.
var (
	teamsTable   = table{name: "teams", collection: "teams", since: 1}
	workersTable = table{name: "workers", collection: "users", since: 1}
	cardsTable   = table{name: "info_cards", collection: "info_cards", since: 2}
)

// writableTables in the order a push applies them: sessions first, so that
// contacts created in the same push can point at them.
var writableTables = []*table{&sessionsTable, &contactsTable}

// allTables in wire order.
var allTables = []*table{&contactsTable, &sessionsTable, &teamsTable, &workersTable, &cardsTable}

// serverOwned columns are ignored in a push (never reported: clients always
// send them).
var serverOwned = map[string]bool{
	"id": true, "team_id": true, "created_at": true, "updated_at": true, "_status": true, "_changed": true,
	"person_code": true,
}

// hasColumn reports whether name is one of t's wire columns for a client
// of schema version v.
func (t *table) hasColumn(name string, v int) bool {
	for _, c := range t.columns {
		if c.wire == name && c.in(v) {
			return true
		}
	}
	return false
}

func tableByName(name string) *table {
	for _, t := range allTables {
		if t.name == name {
			return t
		}
	}
	return nil
}

// tablesFor returns the tables a client of schema version v knows.
func tablesFor(v int) []*table {
	var out []*table
	for _, t := range allTables {
		if t.since <= v {
			out = append(out, t)
		}
	}
	return out
}
