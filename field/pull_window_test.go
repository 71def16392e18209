package field_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// TestWindowListIsTheWindow: a first pull whose rows' ids and cursor
// values come from the kept window list, brought up to the pull's cursor
// value (pull_window.go), is byte for byte the first pull that reads the
// window whole, after each of 40 random rounds of changes: contacts and
// sessions created in and out of the window, by this team and another,
// dates moved into and out of the window, notes edited, records deleted.
func TestWindowListIsTheWindow(t *testing.T) {
	env := testenv.New(t)
	svc := env.Uppsok.Field
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	_, mikaTok := env.Device(t, mika, "A")
	_, kastTok := env.Device(t, kast, "B")
	rng := rand.New(rand.NewPCG(16, 28))
	in := func() string { return time.Now().In(stockholm()).AddDate(0, 0, -rng.IntN(20)).Format(time.DateOnly) }
	out := time.Now().In(stockholm()).AddDate(-1, -2, 0).Format(time.DateOnly)

	var mine []string // mika's contacts, live
	create := func(tok string, n int) []string {
		t.Helper()
		var ids []string
		var recs []map[string]any
		for i := 0; i < n; i++ {
			id := uuid.NewString()
			day := in()
			if rng.IntN(4) == 0 {
				day = out
			}
			ids = append(ids, id)
			recs = append(recs, contact3(id, map[string]any{"occurred_on": day}))
		}
		if st, body := push3(t, env, tok, recs); st != http.StatusOK {
			t.Fatalf("push: %d %s", st, body)
		}
		return ids
	}
	edit := func(id string, f func(r *core.Record)) {
		t.Helper()
		r, err := env.Core.FindRecordById("contacts", id)
		if err != nil {
			t.Fatal(err)
		}
		f(r)
		if err := env.Core.Save(r); err != nil {
			t.Fatalf("save %s: %v", id, err)
		}
	}
	pulls := func(round int) {
		t.Helper()
		for v := field.MinSchemaVersion; v <= field.MaxSchemaVersion; v++ {
			kept, err := field.PullAs(svc, mika, v, 0, false, false)
			if err != nil {
				t.Fatal(err)
			}
			restore := field.WindowListsOff(svc)
			whole, err := field.PullAs(svc, mika, v, 0, false, false)
			restore()
			if err != nil {
				t.Fatal(err)
			}
			// The pull's timestamp is the cursor value: equal when the
			// rows are.
			if !bytes.Equal(kept, whole) {
				t.Fatalf("round %d, schema %d: the pull from the kept window list (%d bytes) differs from the window read whole (%d bytes)", round, v, len(kept), len(whole))
			}
		}
	}

	mine = append(mine, create(mikaTok, 30)...)
	pulls(0)
	served := field.WindowListsServed(svc)
	for round := 1; round <= 40; round++ {
		switch rng.IntN(6) {
		case 0:
			mine = append(mine, create(mikaTok, 1+rng.IntN(8))...)
		case 1:
			create(kastTok, 1+rng.IntN(8))
		case 2: // a date moved out of the window, or into it
			id := mine[rng.IntN(len(mine))]
			day := out
			if rng.IntN(2) == 0 {
				day = in()
			}
			edit(id, func(r *core.Record) { r.Set("occurred_on", day) })
		case 3:
			id := mine[rng.IntN(len(mine))]
			edit(id, func(r *core.Record) { r.Set("notes", fmt.Sprintf("Ändrad i runda %d.", round)) })
		case 4:
			if len(mine) > 1 {
				i := rng.IntN(len(mine))
				r, err := env.Core.FindRecordById("contacts", mine[i])
				if err != nil {
					t.Fatal(err)
				}
				if err := env.Core.Delete(r); err != nil {
					t.Fatal(err)
				}
				mine = append(mine[:i], mine[i+1:]...)
			}
		case 5: // two changes between pulls
			mine = append(mine, create(mikaTok, 2)...)
			edit(mine[rng.IntN(len(mine))], func(r *core.Record) { r.Set("occurred_on", in()) })
		}
		pulls(round)
	}
	if got := field.WindowListsServed(svc) - served; got < 40 {
		t.Fatalf("%d of the pulls after the first were served from a kept window list: the test would prove little", got)
	}
}
