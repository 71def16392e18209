// Schema 3 of the contact record (issue 11) on the tablet. The server
// speaks schemas 1–3 (docs/sync.md); this app speaks 3. Records saved
// before the app was updated still carry the old `indicators` and
// `interpreter`: they are mapped here the same way the server maps them.
import tax from "./taxonomy.json";

export const SCHEMA_VERSION = 3;

// Columns each schema version added (WatermelonDB's schema migrations); a
// tablet that synced at an older version asks for them in a migration pull.
const MIGRATIONS = {
  3: { tables: [], columns: [{ table: "contacts", columns: ["interpreting", "control", "vulnerabilities", "risk_groups", "compensation"] }] },
};

// migrationSince returns the `migration` parameter for a tablet at version
// from, or null when it needs none.
export function migrationSince(from) {
  if (!from || from >= SCHEMA_VERSION) return null;
  const out = { from, tables: [], columns: [] };
  for (let v = from + 1; v <= SCHEMA_VERSION; v++) {
    const m = MIGRATIONS[v];
    if (!m) continue;
    out.tables.push(...m.tables);
    out.columns.push(...m.columns);
  }
  return out;
}

// Values of the schema-3 columns in a new contact.
export const NEW_CONTACT_FIELDS = { interpreting: "unknown", control: "[]", vulnerabilities: "[]", risk_groups: "[]", compensation: "[]" };

const codes = (list) => tax[list].codes.map((c) => c.code);
const OLD = codes("indicators"); // the list of schemas 1–2
const parse = (v) => { try { const a = typeof v === "string" ? JSON.parse(v || "[]") : v; return Array.isArray(a) ? a : []; } catch (e) { return []; } };
const inOrder = (list, set) => JSON.stringify(codes(list).filter((c) => set.has(c)));
const USED = ["professional", "other_person", "used_unspecified"];

// upgradeContact returns a copy of a contact in schema-3 shape: an old
// `indicators` replaces the codes of control and vulnerabilities that the
// old list can express (new codes stay); an old `interpreter` sets
// interpreting unless it already says the same. The old keys become
// undefined (so they are neither stored as changes nor pushed).
export function upgradeContact(rec) {
  const out = { ...rec };
  if (rec.indicators !== undefined) {
    const pushed = new Set(parse(rec.indicators));
    for (const list of ["control", "vulnerabilities"]) {
      const keep = new Set(parse(rec[list]).filter((c) => !OLD.includes(c)));
      for (const c of pushed) if (codes(list).includes(c)) keep.add(c);
      out[list] = inOrder(list, keep);
    }
    out.indicators = undefined;
  }
  if (rec.interpreter !== undefined) {
    const cur = rec.interpreting || "unknown";
    if (USED.includes(cur) !== !!rec.interpreter) out.interpreting = rec.interpreter ? "used_unspecified" : "unknown";
    else out.interpreting = cur;
    out.interpreter = undefined;
  }
  for (const [k, v] of Object.entries(NEW_CONTACT_FIELDS)) if (out[k] === undefined) out[k] = v;
  return out;
}

// outgoing prepares a contact for a push: a record that still carries an
// old column is sent without the columns it maps to, so that the server
// maps it against what it holds (the old-tablet rule) instead of taking
// the pulled schema-3 values as the worker's.
export function outgoing(rec) {
  const out = { ...rec };
  if (rec.indicators !== undefined) { delete out.control; delete out.vulnerabilities; }
  if (rec.interpreter !== undefined) delete out.interpreting;
  return out;
}

// alsoTouched lists the columns to write back with k when the worker edits
// k in a stored contact: a schema-3 field and the old column it replaces
// go together, so that an edited contact leaves its old shape (the old
// column becomes undefined) and is pushed with what the worker saw.
export function alsoTouched(k) {
  if (k === "control" || k === "vulnerabilities") return ["control", "vulnerabilities", "indicators"];
  if (k === "interpreting") return ["interpreter"];
  return [];
}
