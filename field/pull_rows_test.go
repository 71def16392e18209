package field_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// TestSQLRowsMatchGoRows: the current schema's pull has SQLite encode each
// row (json_object); older schemas are read column by column in Go. For
// records pushed by a tablet, saved without validation with fields left
// empty, and left half-filled by an old migration, both give the same
// values, column for column.
func TestSQLRowsMatchGoRows(t *testing.T) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Surfplatta 1")

	odd := []string{
		`Sa "hej" \ och gick`, "rad ett\nrad två\ttabb", "<b>&amp;</b> 'citat'", "emoji 🙂 och å ä ö",
		"\u2028 radavskiljare \u2029", "kontroll \u0001 tecken",
	}
	var created []map[string]any
	for i, note := range odd {
		created = append(created, contact3(uuid.NewString(), map[string]any{"notes": note, "cards_given": i * 3}))
	}
	created = append(created, contact3(uuid.NewString(), map[string]any{
		"control": `[]`, "vulnerabilities": `[]`, "compensation": `[]`, "platforms": `["instagram","snapchat"]`,
		"interpreting": "", "daypart": "", "cards_given": 0,
	}))
	status, body := push3(t, env, tok, created)
	if status != http.StatusOK {
		t.Fatalf("push: %d %s", status, body)
	}

	// A record saved with everything but the team and date empty (a
	// repair script's save, without validation).
	col, err := env.Core.FindCollectionByNameOrId("contacts")
	if err != nil {
		t.Fatal(err)
	}
	bare := core.NewRecord(col)
	bare.Set("team", team)
	bare.Set("occurred_on", "2026-11-20")
	if err := env.Core.SaveNoValidate(bare); err != nil {
		t.Fatalf("save bare contact: %v", err)
	}
	// An old migration's leftovers: empty text where a field was added
	// later (PocketBase's columns are NOT NULL), a JSON null, no created.
	if _, err := env.Core.DB().NewQuery("UPDATE contacts SET interpreting = '', control = '', risk_groups = 'null', created = '' WHERE id = {:id}").
		Bind(dbx.Params{"id": bare.Id}).Execute(); err != nil {
		t.Fatal(err)
	}

	for v := field.MinSchemaVersion; v <= field.MaxSchemaVersion; v++ {
		goRows, sqlRows, ok, err := field.RowsBothWays(env.Core, team, v)
		if err != nil {
			t.Fatalf("schema %d: %v", v, err)
		}
		if !ok {
			continue // read in Go only
		}
		if v != field.MaxSchemaVersion {
			t.Errorf("schema %d has an SQL encoding: only the current schema should", v)
		}
		if len(goRows["contacts"]) != len(created)+1 {
			t.Fatalf("schema %d: %d contacts read, want %d", v, len(goRows["contacts"]), len(created)+1)
		}
		for name, rows := range goRows {
			if len(sqlRows[name]) != len(rows) {
				t.Fatalf("schema %d %s: %d rows in SQL, %d in Go", v, name, len(sqlRows[name]), len(rows))
			}
			for i := range rows {
				if !reflect.DeepEqual(rows[i], sqlRows[name][i]) {
					for k := range rows[i] {
						if !reflect.DeepEqual(rows[i][k], sqlRows[name][i][k]) {
							t.Errorf("schema %d %s row %d column %s: Go %#v, SQL %#v", v, name, i, k, rows[i][k], sqlRows[name][i][k])
						}
					}
					for k := range sqlRows[name][i] {
						if _, ok := rows[i][k]; !ok {
							t.Errorf("schema %d %s row %d: SQL has column %s that Go has not", v, name, i, k)
						}
					}
				}
			}
		}
	}
}

// TestPullNeverServesAChangedRowFromItsCache: pulls keep the rows they
// encoded in a cache. A row changed by the console, by a push, or deleted,
// is pulled as it is now, and its old content leaves the cache.
func TestPullNeverServesAChangedRowFromItsCache(t *testing.T) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Surfplatta 1")
	a, b := uuid.NewString(), uuid.NewString()
	if st, body := push3(t, env, tok, []map[string]any{
		contact3(a, map[string]any{"notes": "Första versionen"}), contact3(b, map[string]any{"notes": "Ska tas bort"}),
	}); st != http.StatusOK {
		t.Fatalf("push: %d %s", st, body)
	}
	svc := env.Uppsok.Field
	notesOf := func() map[string]string {
		t.Helper()
		var p struct {
			Changes map[string]struct {
				Updated []map[string]any `json:"updated"`
			} `json:"changes"`
		}
		env.MustJSON(t, "GET", "/api/field/sync?schema_version=3&last_pulled_at=0", tok, nil, 200, &p)
		out := map[string]string{}
		for _, r := range p.Changes["contacts"].Updated {
			out[r["id"].(string)], _ = r["notes"].(string)
		}
		return out
	}
	if got := notesOf(); got[a] != "Första versionen" {
		t.Fatalf("first pull: %v", got)
	}
	if !field.CachedRow(svc, "contacts", a) {
		t.Fatal("a pulled row is not cached: the test would prove nothing")
	}

	// The console (or gallring) changes the record.
	rec, err := env.Core.FindRecordById("contacts", a)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("notes", "")
	if err := env.Core.Save(rec); err != nil {
		t.Fatal(err)
	}
	if field.CachedRow(svc, "contacts", a) {
		t.Error("the old note stays cached after the record changed")
	}
	if got := notesOf(); got[a] != "" {
		t.Fatalf("after the console's change the pull sends notes %q", got[a])
	}

	// A tablet changes it.
	if st, body, _ := env.Do(t, "POST", "/api/field/sync?schema_version=3", tok, map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": []any{}, "updated": []any{contact3(a, map[string]any{"notes": "Andra versionen", "_status": "updated"})}, "deleted": []string{b}}},
		"last_pulled_at": fieldCursor(t, env),
	}, nil); st != http.StatusOK {
		t.Fatalf("push update: %d %s", st, body)
	}
	got := notesOf()
	if got[a] != "Andra versionen" {
		t.Fatalf("after the tablet's change the pull sends notes %q", got[a])
	}
	if _, ok := got[b]; ok {
		t.Fatal("a deleted contact is still pulled")
	}
	if field.CachedRow(svc, "contacts", b) {
		t.Error("a deleted contact stays in the pull cache")
	}
}

// push3 pushes contacts as a schema-3 tablet.
func push3(t *testing.T, env *testenv.Env, tok string, created []map[string]any) (int, []byte) {
	t.Helper()
	st, body, _ := env.Do(t, "POST", "/api/field/sync?schema_version=3", tok, map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": created, "updated": []any{}, "deleted": []any{}}},
		"last_pulled_at": 0,
	}, nil)
	return st, body
}

// fieldCursor is the server's current change cursor.
func fieldCursor(t *testing.T, env *testenv.Env) int64 {
	t.Helper()
	v, _, err := field.CurrentCursor(env.Core.DB())
	if err != nil {
		t.Fatal(err)
	}
	return v
}
