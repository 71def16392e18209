package field

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/pocketbase/dbx"

	"uppsok/taxonomy"
)

// Schema versions of the field clients the server speaks. A client below
// MinSchemaVersion gets 426; a client above MaxSchemaVersion is served as
// MaxSchemaVersion (it ignores what it does not know).
const (
	MinSchemaVersion = 1
	MaxSchemaVersion = 3
)

// UUIDv4Pattern is the only id a pushed record may have: a lowercase UUID
// v4, generated on the device. (The collections' id fields carry the same
// pattern as a literal in their migration.)
const UUIDv4Pattern = `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`

var uuidV4 = regexp.MustCompile(UUIDv4Pattern)

// cursorField is the field of a writable table's collection that holds the
// record's change cursor value.
const cursorField = "seq"

// table describes one table of the wire contract: everything the cursor
// hooks, pull and push need to know about it. Every table a tablet sees has
// exactly one description, in tables below; nothing else in the package
// names a table. Adding a synced column or table means adding it here (and
// to the collection, by a migration); TestTableDescriptions fails when a
// synced collection has no description or a description its cursor.
type table struct {
	// name is the table's wire name.
	name string
	// collection is the PocketBase collection that holds its records.
	collection string
	// since is the schema version that added the table.
	since int
	// writable tables are pushed by tablets. Their collection carries the
	// cursor field: every change of one of their records takes a cursor
	// value, and a pull sends what changed after the client's cursor.
	// Other tables are small reference tables sent whole on every pull.
	writable bool
	// dateField (writable tables) bounds the first sync to the field window.
	dateField string
	// columns are the wire columns besides id, team_id, created_at and
	// updated_at (which every writable table has).
	columns []column
	// scope is the SQL condition ({:team} bound to the caller's team) that
	// selects the rows a team's tablet sees: pulled rows of a reference
	// table, and the rows a pushed relation may point at.
	scope string
	// orderBy orders a reference table's rows.
	orderBy string
	// rows, when set, reads a reference table instead of the generic reader
	// (info_cards come from the cards service).
	rows func(s *Service, db dbx.Builder, p principal) ([]map[string]any, error)
	// personCode: a pushed person_code is hashed into person_key.
	personCode bool
	// childRule: saving a record may raise a child follow-up (package
	// followups); the push reply lists those records in followups_raised.
	childRule bool

	// setsOnce computes sets and legacy (columnSet, legacyColumns).
	setsOnce sync.Once
	sets     map[int]map[string]bool
	legacy   []column
}

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
	// ref (kindRelation) is the wire name of the table the id points at. A
	// pushed id must be one of that table's rows in the caller's scope;
	// any other id is cleared and reported.
	ref string
	// self (kindRelation): the pushing user's own id stands in for a
	// missing id on a new record and for an id that is not acceptable.
	self bool
}

// in reports whether a client of schema version v has the column.
func (c column) in(v int) bool { return c.since <= v && (c.until == 0 || v < c.until) }

// legacy reports a mapped column with no record field of its own.
func (c column) legacy() bool { return c.kind == kindIndicators || c.kind == kindInterpreter }

func sel(l taxonomy.List) column {
	return column{wire: l.Name, field: l.Name, kind: kindSelect, list: l, since: 1}
}
func set(l taxonomy.List) column {
	return column{wire: l.Name, field: l.Name, kind: kindSet, list: l, since: 1}
}
func since(v int, c column) column { c.since = v; return c }

// teamScope selects a writable table's rows of the caller's team.
const teamScope = "team = {:team}"

// tables are the wire tables, in wire order.
var tables = []*table{
	{
		name: "contacts", collection: "contacts", writable: true, since: 1, dateField: "occurred_on",
		scope: teamScope, personCode: true, childRule: true,
		columns: []column{
			{wire: "worker_id", field: "worker", kind: kindRelation, ref: "workers", self: true, since: 1},
			{wire: "session_id", field: "session", kind: kindRelation, ref: "outreach_sessions", since: 1},
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
	},
	{
		name: "outreach_sessions", collection: "outreach_sessions", writable: true, since: 1, dateField: "started_on",
		scope: teamScope,
		columns: []column{
			{wire: "worker_id", field: "worker", kind: kindRelation, ref: "workers", self: true, since: 1},
			sel(taxonomy.SessionKind),
			{wire: "started_on", field: "started_on", kind: kindDate, since: 1},
			sel(taxonomy.Daypart), sel(taxonomy.Area), set(taxonomy.Platforms),
			{wire: "duration_minutes", field: "duration_minutes", kind: kindInt, min: 0, max: 1440, since: 1},
			{wire: "persons_observed", field: "persons_observed", kind: kindInt, min: 0, max: 100000, since: 1},
			{wire: "ads_reviewed", field: "ads_reviewed", kind: kindInt, min: 0, max: 100000, since: 1},
			{wire: "messages_sent", field: "messages_sent", kind: kindInt, min: 0, max: 100000, since: 1},
			{wire: "notes", field: "notes", kind: kindNotes, since: 1},
		},
	},
	{
		name: "teams", collection: "teams", since: 1, orderBy: "code",
		columns: []column{
			{wire: "code", field: "code", kind: kindText, since: 1},
			{wire: "name", field: "name", kind: kindText, since: 1},
		},
	},
	{
		name: "workers", collection: "users", since: 1, orderBy: "name",
		scope: "team = {:team} AND role IN ('worker', 'lead')",
		columns: []column{
			{wire: "team_id", field: "team", kind: kindText, since: 1},
			{wire: "name", field: "name", kind: kindText, since: 1},
		},
	},
	{
		name: "info_cards", collection: "info_cards", since: 2,
		rows: func(s *Service, db dbx.Builder, _ principal) ([]map[string]any, error) {
			if s.cfg.CardRows == nil {
				return []map[string]any{}, nil
			}
			return s.cfg.CardRows(db)
		},
	},
}

// pushOrder lists the writable tables in the order a push applies their
// upserts: a table before the tables whose relations point at it (sessions
// before contacts, so that a contact can point at a session created in the
// same push). Deletes run in the reverse order.
var pushOrder = mustPushOrder(tables)

// serverFields are the fields of a writable table's collection that are no
// wire column of their own: the server keeps them (team travels as team_id,
// created and updated as created_at and updated_at). Every other field must
// be a column (TestTableDescriptions), so that a field added by a migration
// without its column fails the suite instead of never reaching a tablet.
var serverFields = []string{"id", "team", "device", cursorField, "person_key", "created", "updated"}

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

// columnSet returns the set of t's wire column names for a client of schema
// version v (hasColumn for every name), computed once per table and
// version.
func (t *table) columnSet(v int) map[string]bool {
	t.setsOnce.Do(func() {
		t.sets = map[int]map[string]bool{}
		for ver := MinSchemaVersion; ver <= MaxSchemaVersion; ver++ {
			set := map[string]bool{}
			for _, c := range t.columns {
				if c.in(ver) {
					set[c.wire] = true
				}
			}
			t.sets[ver] = set
		}
		for _, c := range t.columns {
			if c.legacy() {
				t.legacy = append(t.legacy, c)
			}
		}
	})
	if set, ok := t.sets[v]; ok {
		return set
	}
	set := map[string]bool{}
	for _, c := range t.columns {
		if c.in(v) {
			set[c.wire] = true
		}
	}
	return set
}

// legacyColumns returns t's legacy columns (legacy.go), in order.
func (t *table) legacyColumns() []column {
	t.columnSet(MaxSchemaVersion)
	return t.legacy
}

// childRuleTable is the table whose records raise child follow-ups.
var childRuleTable = func() *table {
	for _, t := range tables {
		if t.childRule {
			return t
		}
	}
	panic("field: no table has the child rule")
}()

func tableByName(name string) *table {
	for _, t := range tables {
		if t.name == name {
			return t
		}
	}
	return nil
}

// tablesFor returns the tables a client of schema version v knows.
func tablesFor(v int) []*table {
	var out []*table
	for _, t := range tables {
		if t.since <= v {
			out = append(out, t)
		}
	}
	return out
}

// cursorCollections returns the collections whose creates and updates take
// a cursor value (the writable tables'), and those whose deletes leave a
// tombstone (every table's).
func cursorCollections() (stamped, tombstoned []string) {
	for _, t := range tables {
		if t.writable {
			stamped = append(stamped, t.collection)
		}
		tombstoned = append(tombstoned, t.collection)
	}
	return stamped, tombstoned
}

// mustPushOrder orders the writable tables so that every relation's target
// comes before the table that points at it; it panics on a description
// error (a relation to an unknown table, or a cycle), which the package's
// tests catch.
func mustPushOrder(all []*table) []*table {
	var out []*table
	state := map[*table]int{} // 1 visiting, 2 done
	var visit func(t *table)
	visit = func(t *table) {
		switch state[t] {
		case 1:
			panic(fmt.Sprintf("field: relation cycle at table %s", t.name))
		case 2:
			return
		}
		state[t] = 1
		for _, c := range t.columns {
			if c.kind != kindRelation {
				continue
			}
			target := tableOf(all, c.ref)
			if target == nil {
				panic(fmt.Sprintf("field: %s.%s points at unknown table %q", t.name, c.wire, c.ref))
			}
			if target.writable && target != t {
				visit(target)
			}
		}
		state[t] = 2
		out = append(out, t)
	}
	for _, t := range all {
		if t.writable {
			visit(t)
		}
	}
	return out
}

func tableOf(all []*table, name string) *table {
	for _, t := range all {
		if t.name == name {
			return t
		}
	}
	return nil
}
