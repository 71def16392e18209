package pb_migrations_test

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/testenv"
	_ "uppsok/pb_migrations"
	"uppsok/taxonomy"
)

// release1 is the data dir release 1's own binary made
// (testdata/upgrade/release-1/README.md).
func release1() string {
	return filepath.Join(testenv.RepoRoot(), "testdata", "upgrade", "release-1")
}

// openRO opens a committed SQLite file read only.
func openRO(path string) (*dbx.DB, error) {
	return dbx.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
}

// TestFrozenMigrationsMakeRelease1Schema runs, on an empty data dir, the
// migrations release 1 had applied (their list is read from release 1's own
// data dir) and compares every collection with the one release 1 made. The
// migrations of release 1 hold literals, so they must still make exactly
// that schema, whatever the code lists say today.
func TestFrozenMigrationsMakeRelease1Schema(t *testing.T) {
	old, err := openRO(filepath.Join(release1(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	var applied []string
	if err := old.NewQuery("SELECT file FROM _migrations").Column(&applied); err != nil {
		t.Fatal(err)
	}

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	var list core.MigrationsList
	for _, l := range []core.MigrationsList{core.SystemMigrations, core.AppMigrations} {
		for _, m := range l.Items() {
			if slices.Contains(applied, m.File) {
				list.Add(m)
			}
		}
	}
	if _, err := core.NewMigrationsRunner(app, list).Up(); err != nil {
		t.Fatalf("release 1 migrations: %v", err)
	}

	want, got := schema(t, old), schema(t, app.DB())
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("collection %s of release 1 not made", name)
			continue
		}
		for k, wv := range w {
			if !reflect.DeepEqual(wv, g[k]) {
				t.Errorf("collection %s: %s differs from release 1\nrelease 1: %v\nnow:       %v", name, k, wv, g[k])
			}
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("collection %s made, release 1 had none", name)
		}
	}
}

// schema reads every collection's definition (JSON columns decoded, so that
// key order does not matter), without its timestamps.
func schema(t *testing.T, db dbx.Builder) map[string]map[string]any {
	t.Helper()
	rows, err := db.NewQuery(`SELECT name, type, system, fields, indexes, listRule, viewRule, createRule,
		updateRule, deleteRule, options FROM _collections`).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]map[string]any{}
	for rows.Next() {
		var name, typ, fields, indexes, options string
		var system bool
		var rules [5]sql.NullString
		if err := rows.Scan(&name, &typ, &system, &fields, &indexes, &rules[0], &rules[1], &rules[2], &rules[3], &rules[4], &options); err != nil {
			t.Fatal(err)
		}
		c := map[string]any{"type": typ, "system": system, "rules": rules}
		for k, raw := range map[string]string{"fields": fields, "indexes": indexes, "options": options} {
			var v any
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				t.Fatalf("%s.%s: %v", name, k, err)
			}
			c[k] = dropSecrets(v)
		}
		out[name] = c
	}
	return out
}

// dropSecrets removes the random token secrets of auth collections.
func dropSecrets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "secret")
		for k, e := range x {
			x[k] = dropSecrets(e)
		}
	case []any:
		for i, e := range x {
			x[i] = dropSecrets(e)
		}
	}
	return v
}

// TestMigrationsMatchTaxonomy: after every migration, each field that holds
// a code list accepts exactly that list's codes. A code added to the
// taxonomy without a migration (or a migration without the code) fails here.
func TestMigrationsMatchTaxonomy(t *testing.T) {
	env := testenv.New(t)
	contactLists := append(append([]taxonomy.List{}, taxonomy.ContactSingle...), taxonomy.ContactSets...)
	scenarios := []struct {
		collection string
		lists      []taxonomy.List
		// all: the collection must have a field for every list (otherwise
		// only the fields it has are checked: copies of a contact's codes).
		all bool
	}{
		{"contacts", contactLists, true},
		{"outreach_sessions", []taxonomy.List{taxonomy.SessionKind, taxonomy.Daypart, taxonomy.Area, taxonomy.Platforms}, true},
		{"info_pages", []taxonomy.List{taxonomy.PageLanguages, taxonomy.Audience}, true},
		{"follow_ups", contactLists, false},
	}
	for _, sc := range scenarios {
		col, err := env.Core.FindCollectionByNameOrId(sc.collection)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range sc.lists {
			f, ok := col.Fields.GetByName(l.Name).(*core.SelectField)
			if !ok {
				if sc.all {
					t.Errorf("%s has no select field %s", sc.collection, l.Name)
				}
				continue
			}
			got, want := slices.Sorted(slices.Values(f.Values)), slices.Sorted(slices.Values(l.Values()))
			if !slices.Equal(got, want) {
				t.Errorf("%s.%s accepts %v, the taxonomy has %v", sc.collection, l.Name, got, want)
			}
			wantMax := 1
			if l.Multi {
				wantMax = len(l.Codes)
			}
			if f.MaxSelect != wantMax {
				t.Errorf("%s.%s takes at most %d codes, want %d", sc.collection, l.Name, f.MaxSelect, wantMax)
			}
		}
	}
	contacts, _ := env.Core.FindCollectionByNameOrId("contacts")
	if f, ok := contacts.Fields.GetByName("notes").(*core.TextField); !ok || f.Max != taxonomy.MaxNotes {
		t.Errorf("contacts.notes max differs from taxonomy.MaxNotes %d", taxonomy.MaxNotes)
	}
	if f, ok := contacts.Fields.GetByName("cards_given").(*core.NumberField); !ok || f.Max == nil || int(*f.Max) != taxonomy.MaxCardsGiven {
		t.Errorf("contacts.cards_given max differs from taxonomy.MaxCardsGiven %d", taxonomy.MaxCardsGiven)
	}
}
