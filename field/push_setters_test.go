package field

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// TestRawSettersMatchPocketBase: for every kind of field the sanitiser
// fills, storing a value through the push's field setters (which store the
// values they can with SetRaw) leaves the record exactly as PocketBase's
// Record.Set does: the same raw value of the same type, and the same
// column values to write.
func TestRawSettersMatchPocketBase(t *testing.T) {
	col := core.NewBaseCollection("setter_probe")
	col.Fields.Add(
		&core.TextField{Name: "text"},
		&core.NumberField{Name: "num", OnlyInt: true},
		&core.BoolField{Name: "flag"},
		&core.SelectField{Name: "one", MaxSelect: 1, Values: []string{"a", "b", "[x]"}},
		&core.SelectField{Name: "many", MaxSelect: 5, Values: []string{"a", "b", "c"}},
		&core.RelationField{Name: "rel", CollectionId: "x", MaxSelect: 1},
	)
	values := []any{
		"", "a", "b", "[x]", `["a","b"]`, " a ", "å",
		0, 1, -3, 100, 1 << 40,
		true, false,
		[]string{}, []string(nil), []string{"a"}, []string{"a", "b"}, []string{"b", "a"}, []string{"a", "a"}, []string{"", "a"},
		[]any{"a"}, 1.5, nil,
	}
	set := newFieldSetters(col)
	for _, f := range col.Fields {
		name := f.GetName()
		if name == core.FieldNameId {
			continue
		}
		for _, v := range values {
			want := core.NewRecord(col)
			want.Set(name, v)
			got := core.NewRecord(col)
			set.set(got, name, v)
			w, g := want.GetRaw(name), got.GetRaw(name)
			if !reflect.DeepEqual(w, g) || fmt.Sprintf("%T", w) != fmt.Sprintf("%T", g) {
				t.Errorf("%s = %#v: Record.Set stores %#v (%T), the push %#v (%T)", name, v, w, w, g, g)
			}
			we, err1 := want.DBExport(nil)
			ge, err2 := got.DBExport(nil)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(we, ge) {
				t.Errorf("%s = %#v: Record.Set writes %v, the push %v (%v, %v)", name, v, we, ge, err1, err2)
			}
		}
	}
}
