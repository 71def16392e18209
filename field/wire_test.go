package field_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// TestTableDescriptions holds the table descriptions and the collections
// together: a collection that carries a change cursor without a
// description would never reach a tablet, and a description whose
// collection lacks its cursor (or a column's field) would fail at the first
// sync.
func TestTableDescriptions(t *testing.T) {
	env := testenv.New(t)
	described := map[string]field.TableInfo{}
	for _, ti := range field.Tables() {
		described[ti.Collection] = ti
	}

	cols, err := env.Core.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if c.Fields.GetByName(field.CursorField) == nil {
			continue
		}
		if ti, ok := described[c.Name]; !ok || !ti.Writable {
			t.Errorf("collection %s has a change cursor (%s) but no writable table description in field/wire.go", c.Name, field.CursorField)
		}
	}

	names := map[string]field.TableInfo{}
	for _, ti := range field.Tables() {
		names[ti.Name] = ti
	}
	for _, ti := range field.Tables() {
		c, err := env.Core.FindCollectionByNameOrId(ti.Collection)
		if err != nil {
			t.Errorf("table %s: collection %s: %v", ti.Name, ti.Collection, err)
			continue
		}
		for _, f := range ti.Fields {
			if c.Fields.GetByName(f) == nil {
				t.Errorf("table %s: collection %s has no field %s", ti.Name, ti.Collection, f)
			}
		}
		for f, ref := range ti.Refs {
			if _, ok := names[ref]; !ok {
				t.Errorf("table %s: relation %s points at undescribed table %q", ti.Name, f, ref)
			}
		}
		if !ti.Writable {
			continue
		}
		for _, f := range c.Fields {
			if !slices.Contains(ti.Fields, f.GetName()) && !slices.Contains(field.ServerFields, f.GetName()) {
				t.Errorf("table %s: field %s of collection %s is neither a wire column nor server-only (field/wire.go)", ti.Name, f.GetName(), ti.Collection)
			}
		}
		seq, ok := c.Fields.GetByName(field.CursorField).(*core.NumberField)
		if !ok || !seq.OnlyInt {
			t.Errorf("table %s: collection %s has no integer cursor field %s", ti.Name, ti.Collection, field.CursorField)
			continue
		}
		if !slices.ContainsFunc(c.Indexes, func(idx string) bool {
			return containsAll(idx, "`team`", "`"+field.CursorField+"`") || containsAll(idx, "(team, seq)")
		}) {
			t.Errorf("table %s: collection %s has no (team, %s) index for pulls", ti.Name, ti.Collection, field.CursorField)
		}
	}
}

// TestCursorHooksFollowDescriptions saves and deletes one record of every
// writable table the way the dashboard does (no sync involved): each change
// must take a cursor value and each delete leave a tombstone, which only
// happens when the cursor hooks cover the table.
func TestCursorHooksFollowDescriptions(t *testing.T) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	for _, ti := range field.Tables() {
		if !ti.Writable {
			continue
		}
		t.Run(ti.Name, func(t *testing.T) {
			before, _, err := field.CurrentCursor(env.Core.DB())
			if err != nil {
				t.Fatal(err)
			}
			rec := minimalRecord(t, env, ti.Collection, team)
			if err := env.Core.Save(rec); err != nil {
				t.Fatalf("save: %v", err)
			}
			if got := int64(rec.GetInt(field.CursorField)); got <= before {
				t.Errorf("created record's %s = %d, want above %d", field.CursorField, got, before)
			}
			if err := env.Core.Delete(rec); err != nil {
				t.Fatalf("delete: %v", err)
			}
			var tbl string
			err = env.Core.DB().NewQuery("SELECT tbl FROM _uppsok_tombstones WHERE id = {:id}").
				Bind(map[string]any{"id": rec.Id}).Row(&tbl)
			if err != nil || tbl != ti.Collection {
				t.Errorf("tombstone of deleted %s: tbl %q, err %v", ti.Name, tbl, err)
			}
		})
	}
}

// TestPushOrderPutsTargetsFirst: a record can point at a record created in
// the same push only when the target's table is applied first.
func TestPushOrderPutsTargetsFirst(t *testing.T) {
	order := field.PushOrder()
	pos := map[string]int{}
	for i, n := range order {
		pos[n] = i
	}
	for _, ti := range field.Tables() {
		if !ti.Writable {
			continue
		}
		if _, ok := pos[ti.Name]; !ok {
			t.Errorf("writable table %s is missing from the push order %v", ti.Name, order)
		}
		for f, ref := range ti.Refs {
			if p, ok := pos[ref]; ok && ref != ti.Name && p > pos[ti.Name] {
				t.Errorf("%s.%s points at %s, which the push applies later (%v)", ti.Name, f, ref, order)
			}
		}
	}
}

// minimalRecord fills the required fields of a new record of collection
// from the collection's own schema.
func minimalRecord(t *testing.T, env *testenv.Env, collection, team string) *core.Record {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	rec := core.NewRecord(col)
	rec.Set("id", uuid.NewString())
	for _, f := range col.Fields {
		switch f := f.(type) {
		case *core.RelationField:
			if f.Name == "team" {
				rec.Set("team", team)
			}
		case *core.SelectField:
			if f.Required {
				rec.Set(f.Name, f.Values[0])
			}
		case *core.TextField:
			if f.Required && f.Name != "id" {
				rec.Set(f.Name, time.Now().Format(time.DateOnly))
			}
		}
	}
	return rec
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
