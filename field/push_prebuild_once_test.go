package field

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// TestPrebuiltHandedOutOnce: the transaction takes a prebuilt record only
// for a record new on the server, of the id and collection it was built
// for, and only once (a transaction run again for the same plan, after the
// first run's save changed the record, builds it afresh).
func TestPrebuiltHandedOutOnce(t *testing.T) {
	col := core.NewBaseCollection("contacts")
	other := core.NewBaseCollection("contacts")
	const id = "0b7e9a52-1c1f-4c9e-9f0e-3b8a4f6d2c11"
	newPre := func() *prebuilt {
		rec := core.NewRecord(col)
		rec.Id = id
		return &prebuilt{rec: rec, clean: &cleanRecord{}}
	}
	scenarios := []struct {
		name  string
		pr    pushedRecord
		col   *core.Collection
		isNew bool
		want  bool
	}{
		{"new on the server", pushedRecord{id: id, pre: newPre()}, col, true, true},
		{"held by the server", pushedRecord{id: id, pre: newPre()}, col, false, false},
		{"not prebuilt", pushedRecord{id: id}, col, true, false},
		{"another id", pushedRecord{id: "1b7e9a52-1c1f-4c9e-9f0e-3b8a4f6d2c11", pre: newPre()}, col, true, false},
		{"collection reloaded", pushedRecord{id: id, pre: newPre()}, other, true, false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got := prebuiltFor(s.pr, s.col, s.isNew, nil)
			if (got != nil) != s.want {
				t.Fatalf("prebuiltFor = %v, want a record: %v", got, s.want)
			}
			if again := prebuiltFor(s.pr, s.col, s.isNew, nil); again != nil {
				t.Fatalf("prebuilt record handed out twice")
			}
		})
	}
}
