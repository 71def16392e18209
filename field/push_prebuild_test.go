package field_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// TestPrebuiltRecordsStoreWhatTheTransactionBuilds pushes the same changes
// twice, once with the created records built before the push's transaction
// (as the sync route does) and once built inside it (as before), each with
// ids of its own, and compares what each stored and answered, byte for
// byte once the ids are mapped: every column of every record (a person
// hash, sanitised notes, code and date, relations accepted and cleared,
// the worker filled in for a user), the follow-up the child rule raised,
// and the reply (rejected, reasons, sanitized, followups_raised). The push
// also holds the cases where a prebuilt record must not be stored: an id
// listed as created that the server already holds, one a colleague
// deleted after the records were built, one tombstoned before, one another
// team created in between, and a record listed as updated; and a second
// push whose id a colleague created in between fails with the same 409
// both ways and stores nothing.
func TestPrebuiltRecordsStoreWhatTheTransactionBuilds(t *testing.T) {
	env := testenv.New(t)
	svc := env.Uppsok.Field
	team, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	devID, devTok := env.Device(t, team, "Platta 1")
	_, colleagueTok := env.Device(t, team, "Platta 2")
	_, kastTok := env.Device(t, kast, "Kast 1")
	worker, workerTok := env.User(t, "arbetare@example.se", "worker", team)
	device, err := env.Core.FindRecordById("devices", devID)
	if err != nil {
		t.Fatal(err)
	}

	names := []string{"session", "person", "child", "held", "deletedBetween", "tombstoned", "otherTeam", "updated", "conflictNew", "conflict"}
	base := map[string]string{}
	for _, n := range names {
		base[n] = uuid.NewString()
	}
	// Path k's ids differ from the others' in their first digit only, so
	// that they sort alike (the reply's maps are sorted by id).
	idOf := func(k int, n string) string { return string("0123456789abcdef"[k]) + base[n][1:] }
	mapIDs := func(k int, s string) string {
		for _, n := range names {
			s = strings.ReplaceAll(s, idOf(k, n), idOf(0, n))
		}
		return s
	}
	pushHTTP := func(t *testing.T, tok string, created []map[string]any) {
		t.Helper()
		mustPush(t, env, tok, pull(t, env, tok, 0).Timestamp, created, nil, nil)
	}
	deleteContact := func(t *testing.T, id string) {
		t.Helper()
		rec, err := env.Core.FindRecordById("contacts", id)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.Core.Delete(rec); err != nil {
			t.Fatal(err)
		}
	}

	type outcome struct {
		reply, conflict string
		prebuilt        []string
	}
	// run pushes the changes with ids of path k as auth, built ahead by
	// workers goroutines (0: built in the transaction).
	run := func(t *testing.T, k int, auth *core.Record, tok string, workers int, beside bool) outcome {
		t.Helper()
		id := func(n string) string { return idOf(k, n) }
		// Held by the team before the tablet's last pull, and so no
		// conflict: its create is applied as an update.
		pushHTTP(t, colleagueTok, []map[string]any{
			contact3(id("held"), map[string]any{"notes": "Från kollegan.", "person_code": "QQ77"}),
			contact3(id("deletedBetween"), nil),
			contact3(id("tombstoned"), nil),
		})
		deleteContact(t, id("tombstoned"))
		last := pull(t, env, tok, 0).Timestamp

		sess := map[string]any{
			"id": id("session"), "kind": "online", "started_on": today(), "daypart": "night",
			"area": "sodermalm", "platforms": `["escort_site"]`, "duration_minutes": 95,
			"persons_observed": 0, "ads_reviewed": 12, "messages_sent": 3, "notes": "Lugnt ikväll.",
		}
		created := []map[string]any{
			contact3(id("person"), map[string]any{"session_id": id("session"), "person_code": "AB 12",
				"notes": "Ring henne på 070-123 45 67", "channel": "teleport", "occurred_on": "2999-01-01",
				"worker_id": worker.Id, "unknown_column": 1}),
			contact3(id("child"), map[string]any{"age_band": "15_17", "session_id": uuid.NewString(), "platforms": `["kik","nope"]`}),
			contact3(id("held"), map[string]any{"notes": "Från plattan.", "person_code": "ZZ 99"}),
			contact3(id("deletedBetween"), nil),
			contact3(id("tombstoned"), nil),
			contact3(id("otherTeam"), nil),
		}
		body, err := json.Marshal(map[string]any{
			"changes": map[string]any{
				"contacts": map[string]any{"created": created,
					"updated": []any{contact3(id("updated"), map[string]any{"person_code": "CD34"})}, "deleted": []any{}},
				"outreach_sessions": map[string]any{"created": []any{sess}, "updated": []any{}, "deleted": []any{}},
			},
			"last_pulled_at": last,
		})
		if err != nil {
			t.Fatal(err)
		}
		var (
			release func()
			waited  atomic.Bool
		)
		if beside {
			// The builders are held until the transaction is about to wait
			// for one: it must wait for each record. (Released after 10 s
			// in any case, when the test fails.)
			release = field.HoldBuilders(svc)
			field.OnBuilderWait(svc, func() { waited.Store(true); release() })
			defer field.OnBuilderWait(svc, nil)
			timer := time.AfterFunc(10*time.Second, release)
			defer timer.Stop()
		}
		reply, prebuilt, err := field.PushSteps(svc, auth, body, 3, workers, beside, func() {
			// After the records were built: a colleague deletes one, and
			// another team's tablet takes an id.
			deleteContact(t, id("deletedBetween"))
			pushHTTP(t, kastTok, []map[string]any{contact3(id("otherTeam"), nil)})
		})
		if beside && !waited.Load() {
			t.Errorf("path %d: the transaction never waited for a builder", k)
		}
		if err != nil {
			t.Fatalf("path %d: push: %v", k, err)
		}

		// A colleague creates a pushed id after the build: 409, nothing
		// stored.
		last = pull(t, env, tok, 0).Timestamp
		body, err = json.Marshal(map[string]any{
			"changes": map[string]any{"contacts": map[string]any{
				"created": []any{contact3(id("conflictNew"), nil), contact3(id("conflict"), nil)}, "updated": []any{}, "deleted": []any{}}},
			"last_pulled_at": last,
		})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = field.PushSteps(svc, auth, body, 3, workers, beside, func() {
			pushHTTP(t, colleagueTok, []map[string]any{contact3(id("conflict"), nil)})
		})
		var apiErr *router.ApiError
		if !errors.As(err, &apiErr) || apiErr.Status != 409 {
			t.Fatalf("path %d: push over a colleague's new record: %v, want 409", k, err)
		}
		conflict, _ := json.Marshal(apiErr)
		return outcome{reply: mapIDs(k, string(reply)), conflict: mapIDs(k, string(conflict)), prebuilt: prebuilt}
	}

	// compare checks that path k stored what path j stored.
	compare := func(t *testing.T, j, k int) {
		t.Helper()
		for _, table := range []string{"outreach_sessions", "contacts"} {
			col, err := env.Core.FindCollectionByNameOrId(table)
			if err != nil {
				t.Fatal(err)
			}
			cols := col.Fields.FieldNames()
			for _, n := range names {
				var count [2]int
				for i, path := range []int{j, k} {
					if err := env.Core.DB().Select("COUNT(*)").From(table).Where(dbx.HashExp{"id": idOf(path, n)}).Row(&count[i]); err != nil {
						t.Fatal(err)
					}
				}
				if count[0] != count[1] {
					t.Errorf("%s %s: stored %d times one way, %d the other", table, n, count[0], count[1])
				}
				if count[0] == 0 {
					continue
				}
				a := storedRow(t, env, table, idOf(j, n), cols)
				b := storedRow(t, env, table, idOf(k, n), cols)
				for _, c := range cols {
					switch c {
					case "created", "updated", "seq":
						if a[c].Type != b[c].Type {
							t.Errorf("%s %s.%s stored as %s / %s", table, n, c, a[c].Type, b[c].Type)
						}
					default:
						if mapIDs(j, a[c].Quote) != mapIDs(k, b[c].Quote) || a[c].Type != b[c].Type {
							t.Errorf("%s %s.%s differs:\n in the transaction %s %s\n prebuilt           %s %s", table, n, c, a[c].Type, a[c].Quote, b[c].Type, b[c].Quote)
						}
					}
				}
			}
		}
		fcol, err := env.Core.FindCollectionByNameOrId("follow_ups")
		if err != nil {
			t.Fatal(err)
		}
		var fu [2]map[string]storedColumn
		for i, path := range []int{j, k} {
			var fid string
			if err := env.Core.DB().Select("id").From("follow_ups").Where(dbx.HashExp{"contact": idOf(path, "child")}).Row(&fid); err != nil {
				t.Fatalf("follow-up of the child contact (path %d): %v", path, err)
			}
			fu[i] = storedRow(t, env, "follow_ups", fid, fcol.Fields.FieldNames())
		}
		for _, c := range fcol.Fields.FieldNames() {
			switch c {
			case "id", "created", "updated", "contact":
			default:
				if fu[0][c] != fu[1][c] {
					t.Errorf("follow_ups.%s differs: %s / %s", c, fu[0][c].Quote, fu[1][c].Quote)
				}
			}
		}
	}

	scenarios := []struct {
		name string
		auth *core.Record
		tok  string
	}{
		{"device", device, devTok},
		{"worker", worker, workerTok},
	}
	for i, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			inTx, pre, par, beside := 4*i, 4*i+1, 4*i+2, 4*i+3
			a := run(t, inTx, sc.auth, sc.tok, 0, false)
			if len(a.prebuilt) != 0 {
				t.Errorf("push without prebuilding stored prebuilt records %v", a.prebuilt)
			}
			var b outcome
			// Built ahead in the push's goroutine, by three goroutines
			// taking a record at a time (a large push on a quiet server),
			// and by three beside the transaction, which takes each record
			// as it is built.
			for _, path := range []struct {
				k, workers int
				beside     bool
			}{{pre, 1, false}, {par, 3, false}, {beside, 3, true}} {
				o := run(t, path.k, sc.auth, sc.tok, path.workers, path.beside)
				// Only the created records the server lacked, in push order.
				want := []string{idOf(path.k, "session"), idOf(path.k, "person"), idOf(path.k, "child")}
				if !slices.Equal(o.prebuilt, want) {
					t.Errorf("%d builders: prebuilt records stored: %v, want %v", path.workers, o.prebuilt, want)
				}
				if a.reply != o.reply {
					t.Errorf("replies differ:\n in the transaction %s\n %d builders        %s", a.reply, path.workers, o.reply)
				}
				if a.conflict != o.conflict {
					t.Errorf("409 replies differ:\n in the transaction %s\n %d builders        %s", a.conflict, path.workers, o.conflict)
				}
				compare(t, inTx, path.k)
				if path.k == pre {
					b = o
				}
			}

			// The cases are what they say: sanitised, hashed, rejected.
			var reply struct {
				RejectedReasons map[string]map[string]string   `json:"rejected_reasons"`
				Sanitized       map[string]map[string][]string `json:"sanitized"`
				FollowupsRaised map[string][]string            `json:"followups_raised"`
			}
			if err := json.Unmarshal([]byte(b.reply), &reply); err != nil {
				t.Fatal(err)
			}
			reasons := reply.RejectedReasons["contacts"]
			for n, want := range map[string]string{"deletedBetween": "deleted", "tombstoned": "deleted", "otherTeam": "other_team"} {
				if reasons[idOf(0, n)] != want {
					t.Errorf("%s: rejected as %q, want %q (%s)", n, reasons[idOf(0, n)], want, b.reply)
				}
			}
			san := reply.Sanitized["contacts"]
			if !slices.Contains(san[idOf(0, "person")], "notes") || !slices.Contains(san[idOf(0, "person")], "occurred_on") ||
				!slices.Contains(san[idOf(0, "child")], "session_id") || !slices.Contains(san[idOf(0, "child")], "platforms") {
				t.Errorf("sanitized: %v", san)
			}
			if !slices.Contains(reply.FollowupsRaised["contacts"], idOf(0, "child")) {
				t.Errorf("followups_raised: %v", reply.FollowupsRaised)
			}
			person, err := env.Core.FindRecordById("contacts", idOf(pre, "person"))
			if err != nil {
				t.Fatal(err)
			}
			if len(person.GetString("person_key")) != 64 || person.GetString("session") != idOf(pre, "session") ||
				!strings.Contains(person.GetString("notes"), "[borttaget]") || person.GetString("occurred_on") != today() {
				t.Errorf("prebuilt person contact stored as %v", person.FieldsData())
			}
			if w := person.GetString("worker"); w != worker.Id {
				t.Errorf("person contact's worker %q, want %q", w, worker.Id)
			}
		})
	}
}
