package field_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// TestPrewarmedRowsAreSQLitesBytes: a push caches the pull JSON of the rows
// it inserted, encoded in Go (pull_prewarm.go), for the pulls that follow.
// For every pushed record, odd text included, the cached JSON is byte for
// byte what SQLite's json_object makes of the stored row, at the stored
// cursor value; and a pull serves it unchanged.
func TestPrewarmedRowsAreSQLitesBytes(t *testing.T) {
	env := testenv.New(t)
	svc := env.Uppsok.Field
	field.PrewarmAlways(svc) // as in a burst (a lone push leaves its rows to the pulls)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Surfplatta 1")

	odd := []string{
		"", `Sa "hej" \ och gick`, "rad ett\nrad två\ttabb\r\f\b", "<b>&amp;</b> 'citat' / snedstreck",
		"emoji 🙂 och å ä ö", "\u2028 radavskiljare \u2029", "kontroll \u0001\u0007\u000b\u001f\u007f tecken",
		strings.Repeat("lång anteckning ", 40),
	}
	var ids []string
	var created []map[string]any
	for i, note := range odd {
		id := uuid.NewString()
		ids = append(ids, id)
		created = append(created, contact3(id, map[string]any{"notes": note, "cards_given": i * 3, "person_code": "AB" + string(rune('0'+i))}))
	}
	for _, over := range []map[string]any{
		{"control": `[]`, "vulnerabilities": `[]`, "compensation": `[]`, "platforms": `["instagram","snapchat"]`, "interpreting": "", "daypart": "", "cards_given": 0},
		{"age_band": "15_17", "channel": "online", "arena": "online", "platforms": `["kik"]`},
		{"occurred_on": "2999-01-01", "role": "", "gender": "nope", "language": ""},
	} {
		id := uuid.NewString()
		ids = append(ids, id)
		created = append(created, contact3(id, over))
	}
	status, body := push3(t, env, tok, created)
	if status != http.StatusOK {
		t.Fatalf("push: %d %s", status, body)
	}

	for i, id := range ids {
		seq, want, err := field.SQLRowJSON(env.Core, "contacts", id)
		if err != nil {
			t.Fatalf("contact %d: %v", i, err)
		}
		got, ok := waitCachedRow(svc, id, seq)
		if !ok {
			t.Errorf("contact %d: not in the row cache at its cursor value %d after the push", i, seq)
			continue
		}
		if string(got) != want {
			t.Errorf("contact %d: cached JSON differs from SQLite's\n Go:     %s\n SQLite: %s", i, got, want)
		}
	}

	// The pull serves them from the cache (SQLite encodes none of them),
	// every pushed row as SQLite would have made it.
	before := field.RowsEncodedBySQLite(svc)
	st, rawBody, _ := env.Do(t, "GET", "/api/field/sync?schema_version=3&last_pulled_at=0", tok, nil, nil)
	if st != http.StatusOK {
		t.Fatalf("pull: %d", st)
	}
	if n := field.RowsEncodedBySQLite(svc) - before; n != 0 {
		t.Errorf("the pull had SQLite encode %d rows; the push had cached them all", n)
	}
	raw := string(rawBody)
	for _, id := range ids {
		_, want, _ := field.SQLRowJSON(env.Core, "contacts", id)
		if !strings.Contains(raw, want) {
			t.Errorf("the pull does not hold SQLite's JSON of %s", id)
		}
	}
}

// TestSQLiteJSONStringQuotesAsSQLite: the Go quoting of text for the row
// cache is SQLite's, byte for byte, for every ASCII character and for
// text beyond ASCII; text that is not UTF-8 is left to SQLite.
func TestSQLiteJSONStringQuotesAsSQLite(t *testing.T) {
	env := testenv.New(t)
	var texts []string
	for c := 0; c < 0x80; c++ {
		texts = append(texts, "a"+string(rune(c))+"b")
	}
	texts = append(texts, "", "å ä ö é ü ß", "\u2028\u2029", "🙂👍🏽", "\u00a0\u200b\ufeff", `\"\\"`, "\U0010ffff")
	for _, s := range texts {
		got, ok := field.SQLiteJSONString(s)
		if !ok {
			t.Errorf("%q: left to SQLite", s)
			continue
		}
		var want string
		if err := env.Core.DB().NewQuery("SELECT json_quote(CAST({:s} AS TEXT))").Bind(map[string]any{"s": s}).Row(&want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%q: Go %s, SQLite %s", s, got, want)
		}
	}
	if _, ok := field.SQLiteJSONString("bad \xff utf-8"); ok {
		t.Error("text that is not UTF-8 was quoted in Go")
	}
}

// TestRolledBackPushCachesNothing: a push whose transaction rolls back
// after its rows were written leaves nothing of them in the row cache.
func TestRolledBackPushCachesNothing(t *testing.T) {
	env := testenv.New(t)
	svc := env.Uppsok.Field
	field.PrewarmAlways(svc)
	team := env.TeamID(t, "mika")
	_, tok := env.Device(t, team, "Surfplatta 1")
	first, refused := uuid.NewString(), uuid.NewString()
	env.Core.OnRecordCreateExecute("contacts").BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.Record.Id == refused {
			return errors.New("refused after the write")
		}
		return nil
	})
	status, body := push3(t, env, tok, []map[string]any{contact3(first, nil), contact3(refused, nil)})
	if status == http.StatusOK {
		t.Fatalf("push with a refused record: %d %s", status, body)
	}
	// The rows are cached by a goroutine after the commit: a later push's
	// rows cached means the refused push's would have been by then.
	later := uuid.NewString()
	if status, body := push3(t, env, tok, []map[string]any{contact3(later, nil)}); status != http.StatusOK {
		t.Fatalf("later push: %d %s", status, body)
	}
	seq, _, err := field.SQLRowJSON(env.Core, "contacts", later)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := waitCachedRow(svc, later, seq); !ok {
		t.Fatal("a later push's row was not cached")
	}
	for _, id := range []string{first, refused} {
		if field.CachedRow(svc, "contacts", id) {
			t.Errorf("%s is in the row cache after its push rolled back", id)
		}
		if _, err := env.Core.FindRecordById("contacts", id); err == nil {
			t.Errorf("%s was stored", id)
		}
	}
}

// waitCachedRow waits (at most 10 s) for a contact's row to be in the row
// cache at cursor value seq: pushes cache their rows after the commit, in
// a goroutine of their own.
func waitCachedRow(svc *field.Service, id string, seq int64) ([]byte, bool) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, ok := field.CachedRowJSON(svc, "contacts", id, seq); ok {
			return b, true
		}
		if time.Now().After(deadline) {
			return nil, false
		}
		time.Sleep(5 * time.Millisecond)
	}
}
