package exports

// Tables retired by schema 3, and how a release made before it is read.
//
// Schema 3 split the contact's `indicators` into `control` and
// `vulnerabilities`; from then on the lägesbild counts contacts_by_control
// and contacts_by_vulnerability instead of contacts_by_indicator, for every
// year it counts (the schema-3 migration moved every stored indicator to
// the code of the same name, so a recount of an earlier year gives the same
// figures under the new tables). A release made before schema 3 holds
// contacts_by_indicator as published; wherever such a release is read (last
// year beside this year, the frozen context of a year's other periods, the
// baseline of a revision) its indicator cells are mapped into the two new
// tables, hidden cells staying hidden. Codes new in schema 3 were not
// recorded then: the mapped tables have no cell for them (shown blank, not
// 0). The release's own files are served as stored, with the old table.

// NotRecordedNote is printed under a table whose last-year column is blank
// for a code that was not recorded that year.
const NotRecordedNote = "Tom ruta för året före: uppgiften registrerades inte då (koden infördes senare). / Blank for the year before: not recorded then (the code came later)."

// retiredIndicatorTable is the table schema 3 replaced.
const retiredIndicatorTable = "contacts_by_indicator"

// indicatorSuccessor names, for each dimension the old indicators split
// into, the table that replaces contacts_by_indicator for its codes.
var indicatorSuccessor = map[string]string{
	"control":       "contacts_by_control",
	"vulnerability": "contacts_by_vulnerability",
}

// indicatorSplit says where each code of the old indicators list goes:
// the control or the vulnerability dimension (a code of the same name).
// Frozen: a literal copy of what migration 1796000700_schema3 did to the
// stored records (its s2IndicatorTarget), never read from the live code
// lists, so that a later change of the lists cannot change how an old
// release reads (TestIndicatorSplitIsTheMigrations compares the two).
var indicatorSplit = map[string]string{
	"debt":                "control",
	"takes_earnings":      "control",
	"threats":             "control",
	"violence":            "control",
	"sexual_violence":     "control",
	"restricted_movement": "control",
	"documents_withheld":  "control",
	"false_promises":      "control",
	"substances":          "control",
	"third_party_control": "control",
	"recently_arrived":    "vulnerability",
	"no_shared_language":  "vulnerability",
	"homeless":            "vulnerability",
}

// retiredWhy is why retired tables existed (for the contents of a release
// rendered from its stored JSON).
var retiredWhy = map[string]string{
	retiredIndicatorTable: "Tecken på människohandel och utnyttjande (före schema 3; sedan dess kontrollmedel och sårbarheter).",
}

// mapRetired returns the cells of the tables that replace a retired table
// of a stored Document: for each successor table of defs that dt's
// Document lacks, the cells mapped from dt (nil when dt is not retired).
// id is dt's id without its trend suffix.
func mapRetired(id string, dt DocTable, has func(id string) bool) map[string][]DocCell {
	if id != retiredIndicatorTable {
		return nil
	}
	out := map[string][]DocCell{}
	for dim, table := range indicatorSuccessor {
		if has(table) {
			continue
		}
		cells := []DocCell{}
		for _, c := range dt.Cells {
			code := c.Dims["indicator"]
			if code != Total && indicatorSplit[code] != dim {
				continue
			}
			// The margin counts every contact of the period, each once,
			// in the old table as in the new ones.
			cells = append(cells, DocCell{Dims: map[string]string{dim: code}, Value: c.Value, Hidden: c.Hidden})
		}
		out[table] = cells
	}
	return out
}
