package field

import (
	"encoding/json"
	"slices"

	"uppsok/taxonomy"
)

// Legacy columns: `indicators` and `interpreter` of schemas 1–2 have no
// record field since schema 3; they are mapped to and from control,
// vulnerabilities and interpreting.
//
// WatermelonDB clients push whole records, so an old tablet that edits any
// column of a record sends back the legacy columns as it knows them. The
// rule that keeps it from damaging schema-3 data:
//   - a column the client's schema does not have is never touched;
//   - a mapped column keeps its stored schema-3 value when the pushed old
//     value equals what the stored value maps down to, and is changed only
//     as far as the worker really changed it: for indicators, only the codes
//     the old list can express are replaced (schema-3-only codes such as
//     psychological_abuse stay); for interpreter, a flipped flag becomes
//     used_unspecified or unknown.
// A schema-3 client may still send the legacy columns of a record it saved
// before it was updated: they are mapped into every target the record does
// not carry itself.

// storedRecord is what the mapping reads from the record the server holds.
type storedRecord interface {
	GetString(field string) string
	GetStringSlice(field string) []string
}

// legacyTargets lists the schema-3 fields a legacy column maps to.
func legacyTargets(c column) []string {
	switch c.kind {
	case kindIndicators:
		return []string{"control", "vulnerabilities"}
	case kindInterpreter:
		return []string{"interpreting"}
	}
	return nil
}

// applyLegacy maps one pushed legacy column into the targets in open (the
// targets the client did not send itself). It returns false when the
// pushed value was not valid.
func applyLegacy(c *cleanRecord, col column, v json.RawMessage, stored storedRecord, open []string) bool {
	switch col.kind {
	case kindIndicators:
		codes, ok := decodeSet(v)
		pushed, valid := taxonomy.Indicators.NormalizeSet(codes)
		pc, pv := taxonomy.SplitIndicators(pushed)
		var sc, sv []string
		if stored != nil {
			sc, sv = stored.GetStringSlice("control"), stored.GetStringSlice("vulnerabilities")
		}
		if slices.Contains(open, "control") {
			c.values["control"] = mergeOld(taxonomy.Control, sc, pc)
		}
		if slices.Contains(open, "vulnerabilities") {
			c.values["vulnerabilities"] = mergeOld(taxonomy.Vulnerabilities, sv, pv)
		}
		return ok && valid
	case kindInterpreter:
		b, ok := decodeBool(v)
		if !slices.Contains(open, "interpreting") {
			return ok
		}
		if stored != nil {
			cur, _ := taxonomy.Interpreting.Normalize(stored.GetString("interpreting"))
			if taxonomy.InterpreterFromInterpreting(cur) == b {
				c.values["interpreting"] = cur // unchanged by the worker: kept
				return ok
			}
		}
		c.values["interpreting"] = taxonomy.InterpretingFromInterpreter(b)
		return ok
	}
	return true
}

// mergeOld returns stored with its codes that the old indicators list can
// express replaced by pushed (which holds only such codes).
func mergeOld(l taxonomy.List, stored, pushed []string) []string {
	var keep []string
	for _, code := range stored {
		if !taxonomy.Indicators.Has(code) {
			keep = append(keep, code)
		}
	}
	out, _ := l.NormalizeSet(append(keep, pushed...))
	return out
}

// legacyValue computes a legacy column for a pull from the record's
// schema-3 values (by field name).
func legacyValue(col column, get func(field string) string) any {
	switch col.kind {
	case kindIndicators:
		return encodeSet(taxonomy.JoinIndicators(parseSet(get("control")), parseSet(get("vulnerabilities"))))
	case kindInterpreter:
		return taxonomy.InterpreterFromInterpreting(get("interpreting"))
	}
	return nil
}

func parseSet(s string) []string {
	if out, ok := plainStringArray([]byte(s)); ok {
		return out
	}
	var out []string
	_ = json.Unmarshal([]byte(s), &out) // a stored set is valid JSON; anything else holds no codes
	return out
}

func encodeSet(codes []string) string {
	if len(codes) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(codes)
	return string(b)
}
