package field_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// TestPushAutodateKeyIsPocketBases: the push fills a created record's
// autodates just before PocketBase's autodate interceptor, under the key
// that interceptor keeps its last date in. A record saved PocketBase's own
// way carries that key after the save: were it renamed in a PocketBase
// upgrade, this fails (the push would still store the same dates, only
// slower). A pushed contact gets created and updated set to now, as
// PocketBase sets them.
func TestPushAutodateKeyIsPocketBases(t *testing.T) {
	env := testenv.New(t)
	team := env.TeamID(t, "mika")
	col, err := env.Core.FindCollectionByNameOrId("teams")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("code", "autodate_probe")
	r.Set("name", "Autodate probe")
	if err := env.Core.Save(r); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"created", "updated"} {
		last := r.GetRaw(field.AutodateLastKnownKey + f)
		if last == nil || r.GetDateTime(f).IsZero() || !r.GetDateTime(f).Equal(r.GetDateTime(field.AutodateLastKnownKey+f)) {
			t.Fatalf("PocketBase kept no last autodate under %q (got %v): the push's autodate key is out of date", field.AutodateLastKnownKey+f, last)
		}
	}

	_, tok := env.Device(t, team, "autodate")
	id := uuid.NewString()
	before := time.Now().UTC().Add(-time.Second)
	if st, body := push(t, env, tok, 0, []map[string]any{contact(id, nil)}, nil, nil, nil); st != 200 {
		t.Fatalf("push: %d %s", st, body)
	}
	got, err := env.Core.FindRecordById("contacts", id)
	if err != nil {
		t.Fatal(err)
	}
	after := time.Now().UTC().Add(time.Second)
	for _, f := range []string{"created", "updated"} {
		if d := got.GetDateTime(f); d.IsZero() || d.Time().Before(before) || d.Time().After(after) {
			t.Fatalf("%s = %v, want the time of the push", f, d)
		}
	}
}
