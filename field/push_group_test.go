package field_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// groupWait bounds every wait of the group tests (a slow, shared machine).
const groupWait = 2 * time.Minute

// holdNote is the notes of the contact whose push holds the writer until
// the pushes of a test group wait behind it.
const holdNote = "håll skrivaren"

// groupReq is one push of a test group.
type groupReq struct {
	tok              string
	last             int64
	created, updated []map[string]any
	deleted          []string
	key              string
}

// groupAns is the answer to one push.
type groupAns struct {
	status   int
	body     string
	replayed bool
}

// sendPush sends r over HTTP (safe in a goroutine: it reports, never fails
// the test).
func sendPush(env *testenv.Env, r groupReq) (groupAns, error) {
	nz := func(l []map[string]any) []map[string]any {
		if l == nil {
			return []map[string]any{}
		}
		return l
	}
	deleted := r.deleted
	if deleted == nil {
		deleted = []string{}
	}
	body, err := json.Marshal(map[string]any{
		"changes": map[string]any{"contacts": map[string]any{
			"created": nz(r.created), "updated": nz(r.updated), "deleted": deleted}},
		"last_pulled_at": r.last,
	})
	if err != nil {
		return groupAns{}, err
	}
	req, err := http.NewRequest("POST", env.URL+"/api/field/sync?schema_version=2", bytes.NewReader(body))
	if err != nil {
		return groupAns{}, err
	}
	req.Header.Set("Authorization", r.tok)
	req.Header.Set("Content-Type", "application/json")
	if r.key != "" {
		req.Header.Set("Idempotency-Key", r.key)
	}
	res, err := env.Client.Do(req)
	if err != nil {
		return groupAns{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return groupAns{status: res.StatusCode, body: string(data), replayed: res.Header.Get("Idempotent-Replayed") == "true"}, err
}

// grouper makes the push writer take given pushes as one group: a push of
// its own device holds the writer (a hook waits in the middle of its
// transaction) until every push of the group waits behind it, queued one
// after another in the given order.
type grouper struct {
	env  *testenv.Env
	svc  *field.Service
	tok  string
	mu   sync.Mutex
	want int
	held chan struct{}
}

func newGrouper(t *testing.T, env *testenv.Env) *grouper {
	t.Helper()
	g := &grouper{env: env, svc: env.Uppsok.Field, held: make(chan struct{}, 1)}
	_, g.tok = env.Device(t, env.TeamID(t, "kast"), "Hållare")
	env.Core.OnRecordCreate("contacts").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("notes") == holdNote {
			g.held <- struct{}{}
			g.mu.Lock()
			n := g.want
			g.mu.Unlock()
			g.svc.WaitQueuedPushes(n, groupWait)
		}
		return e.Next()
	})
	return g
}

// run sends the holding push and then reqs, each once the one before it
// waits for the writer, and returns their answers in order.
func (g *grouper) run(t *testing.T, reqs []groupReq) []groupAns {
	t.Helper()
	g.mu.Lock()
	g.want = len(reqs)
	g.mu.Unlock()
	answers := make([]groupAns, len(reqs))
	errs := make([]error, len(reqs)+1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a, err := sendPush(g.env, groupReq{tok: g.tok, created: []map[string]any{contact(uuid.NewString(), map[string]any{"notes": holdNote})}})
		if err == nil && a.status != 200 {
			err = fmt.Errorf("holding push: %d %s", a.status, a.body)
		}
		errs[len(reqs)] = err
	}()
	select {
	case <-g.held:
	case <-time.After(groupWait):
		t.Fatal("the holding push never reached the writer")
	}
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], errs[i] = sendPush(g.env, r)
		}()
		// The holding push lets go once the last one is queued, and the
		// writer takes them all at once: only the ones before it can be
		// seen waiting.
		if i < len(reqs)-1 && !g.svc.WaitQueuedPushes(i+1, groupWait) {
			t.Fatalf("push %d never queued for the writer", i+1)
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return answers
}

// writes returns the writer's transactions and pushes since a mark.
func writesSince(svc *field.Service, tx0, p0 int64) (tx, pushes int64) {
	tx, pushes = svc.PushWrites()
	return tx - tx0, pushes - p0
}

// groupScenario is a history of pushes: setup pushes applied one by one,
// then the pushes of one group. It is played against a fresh env, either
// with the group's pushes grouped or each alone, in the same order.
type groupScenario struct {
	env   *testenv.Env
	toks  map[string]string
	c0    int64
	x, y  string
	group []groupReq
}

// playGroupScenario builds the scenario in a fresh env: devices of two
// teams and a worker, stored contacts x (to update) and y (to delete), and
// a group of six pushes with creates, a child's contact, sanitized and
// rejected values, an update, a delete, a person code and a user's push.
func playGroupScenario(t *testing.T, grouped bool, x, y string, ids []string) (*groupScenario, []groupAns) {
	env := testenv.New(t)
	sc := &groupScenario{env: env, toks: map[string]string{}, x: x, y: y}
	g := newGrouper(t, env)
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	for _, d := range []struct{ name, team string }{{"d1", mika}, {"d2", mika}, {"d3", kast}} {
		_, sc.toks[d.name] = env.Device(t, d.team, d.name)
	}
	_, sc.toks["worker"] = env.User(t, "arbetare@mika.se", "worker", mika)
	first := pull(t, env, sc.toks["d1"], 0)
	mustPush(t, env, sc.toks["d1"], first.Timestamp, []map[string]any{contact(x, nil), contact(y, nil)}, nil, nil)
	sc.c0 = pull(t, env, sc.toks["d1"], 0).Timestamp
	upd := contact(x, map[string]any{"notes": "uppdaterad", "cards_given": 3, "_status": "updated"})
	sc.group = []groupReq{
		{tok: sc.toks["d1"], last: sc.c0, key: uuid.NewString(), created: []map[string]any{
			contact(ids[0], map[string]any{"notes": "ring 070-123 45 67"}),
			contact(ids[1], map[string]any{"role": "påhittad"}),
			contact(ids[2], nil),
		}},
		{tok: sc.toks["d2"], last: sc.c0, created: []map[string]any{
			contact(ids[3], map[string]any{"age_band": "15_17"}),
			contact("inte-ett-id", nil),
			contact(ids[4], map[string]any{"age_band": "under_15", "role": "at_risk"}),
		}},
		{tok: sc.toks["d3"], last: sc.c0, key: uuid.NewString(), created: []map[string]any{
			contact(ids[5], map[string]any{"person_code": "19900101-1234"}),
		}},
		{tok: sc.toks["d1"], last: sc.c0, updated: []map[string]any{upd}},
		{tok: sc.toks["d2"], last: sc.c0, deleted: []string{y}},
		{tok: sc.toks["worker"], last: sc.c0, created: []map[string]any{contact(ids[6], map[string]any{"age_band": "15_17", "actions": `["police_report"]`})}},
	}
	// The holding push comes first in both histories, so that the cursor
	// values are the same.
	if grouped {
		tx0, p0 := g.svc.PushWrites()
		answers := g.run(t, sc.group)
		if tx, pushes := writesSince(g.svc, tx0, p0); tx != 2 || pushes != int64(len(sc.group))+1 {
			t.Fatalf("grouped: %d transactions for %d pushes, want 2 (the holding push, then one group)", tx, pushes)
		}
		return sc, answers
	}
	if a, err := sendPush(env, groupReq{tok: g.tok, created: []map[string]any{contact(uuid.NewString(), map[string]any{"notes": holdNote})}}); err != nil || a.status != 200 {
		t.Fatalf("holding push alone: %v %v", a, err)
	}
	var answers []groupAns
	for _, r := range sc.group {
		a, err := sendPush(env, r)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, a)
	}
	return sc, answers
}

// storedState describes, for comparison across two envs, what the server
// holds for ids: each contact's cursor value and columns (or its
// tombstone), and the contacts that have a follow-up.
func storedState(t *testing.T, env *testenv.Env, ids []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range ids {
		var row struct {
			Seq        int64  `db:"seq"`
			Notes      string `db:"notes"`
			Role       string `db:"role"`
			AgeBand    string `db:"age_band"`
			Cards      int    `db:"cards_given"`
			Indicators string `db:"indicators"`
			HasKey     bool   `db:"has_key"`
			HasWorker  bool   `db:"has_worker"`
		}
		err := env.Core.DB().NewQuery(`SELECT seq, notes, role, age_band, cards_given, indicators,
			person_key != '' AS has_key, worker != '' AS has_worker FROM contacts WHERE id = {:id}`).
			Bind(dbx.Params{"id": id}).One(&row)
		if err == nil {
			out[id] = fmt.Sprintf("%+v", row)
			continue
		}
		var seq int64
		if env.Core.DB().NewQuery("SELECT seq FROM _uppsok_tombstones WHERE id = {:id}").Bind(dbx.Params{"id": id}).Row(&seq) == nil {
			out[id] = fmt.Sprintf("tombstone %d", seq)
			continue
		}
		out[id] = "none"
	}
	fus, err := env.Core.FindAllRecords("follow_ups")
	if err != nil {
		t.Fatal(err)
	}
	var raised []string
	for _, fu := range fus {
		raised = append(raised, fu.GetString("contact"))
	}
	sort.Strings(raised)
	out["follow-ups"] = strings.Join(raised, ",")
	cur, _, err := field.CurrentCursor(env.Core.DB())
	if err != nil {
		t.Fatal(err)
	}
	out["cursor"] = fmt.Sprint(cur)
	return out
}

// TestGroupedPushesAnswerAsAlone applies six pushes of devices of two
// teams and a worker as one group, and the same pushes one by one in a
// second server: every push gets the same status and reply (sanitized,
// rejected, followups_raised), and the servers hold the same records with
// the same cursor values, the same tombstone and the same follow-ups.
func TestGroupedPushesAnswerAsAlone(t *testing.T) {
	x, y := uuid.NewString(), uuid.NewString()
	ids := make([]string, 7)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	grouped, gAns := playGroupScenario(t, true, x, y, ids)
	alone, aAns := playGroupScenario(t, false, x, y, ids)
	all := append([]string{x, y}, ids...)
	for i := range gAns {
		if gAns[i] != aAns[i] {
			t.Errorf("push %d: grouped %+v, alone %+v", i+1, gAns[i], aAns[i])
		}
		if gAns[i].status != 200 {
			t.Errorf("push %d: %d %s", i+1, gAns[i].status, gAns[i].body)
		}
	}
	for _, want := range []string{`"` + ids[0] + `":["notes"]`, `"rejected":{"contacts":["inte-ett-id"]}`,
		`"followups_raised":{"contacts":["` + ids[3] + `","` + ids[4] + `"]}`} {
		found := false
		for _, a := range gAns {
			found = found || strings.Contains(a.body, want)
		}
		if !found {
			t.Errorf("no grouped reply holds %s", want)
		}
	}
	gs, as := storedState(t, grouped.env, all), storedState(t, alone.env, all)
	for k, v := range as {
		if gs[k] != v {
			t.Errorf("%s: grouped %s, alone %s", k, gs[k], v)
		}
	}
	if gs[y] == "none" || !strings.HasPrefix(gs[y], "tombstone") || strings.Count(gs["follow-ups"], ",") != 2 {
		t.Errorf("the scenario did not do what it should: %v", gs)
	}
}

// refuseAndMark is a pb_hooks file (beside the shipped child alert, which
// mails the leads of every follow-up) whose create hook refuses a contact
// with notes AVVISA, and whose after hooks mark every contact and
// follow-up they see.
const refuseAndMark = `/// <reference path="../pb_data/types.d.ts" />
onRecordCreate((e) => {
  if (e.record.getString("notes") === "AVVISA") { throw new Error("refused by a local hook"); }
  e.next();
}, "contacts");
onRecordAfterCreateSuccess((e) => { e.next(); e.app.store().set("js:ok:" + e.record.id, "seen"); }, "contacts");
onRecordAfterCreateError((e) => { e.next(); e.app.store().set("js:err:" + e.record.id, "seen"); }, "contacts");
onRecordAfterCreateSuccess((e) => { e.next(); e.app.store().set("js:followup:" + e.record.getString("contact"), "seen"); }, "follow_ups");
`

// TestGroupWithAFailingPush puts, between two pushes that raise a child's
// follow-up, a push whose last record a JS hook refuses after its child's
// contact (and follow-up) were written. The group is rolled back and each
// push applied alone: the two others land with their replies and their
// follow-ups mailed to the lead; the failing push gets its 500 and leaves
// nothing: no record, no follow-up, no mail, no after-success hook (Go or
// JS) for anything that was not stored, and no cursor value.
func TestGroupWithAFailingPush(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"child_alert.js", "child_alert.pb.js"} {
		data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "pb_hooks", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "refuse.pb.js"), []byte(refuseAndMark), 0o644); err != nil {
		t.Fatal(err)
	}
	var clockMu sync.Mutex
	offset := time.Duration(0)
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return time.Now().Add(offset) }
	env := testenv.NewWith(t, testenv.Options{HooksDir: dir, Now: clock})
	g := newGrouper(t, env)
	mika := env.TeamID(t, "mika")
	env.User(t, "lead@mika.se", "lead", mika)
	env.App.Settings().SMTP.Enabled = true
	env.App.Settings().SMTP.Host = "127.0.0.1"
	env.App.Settings().Meta.SenderAddress = "uppsok@stockholm.se"
	var toks, devs []string
	for i := 0; i < 3; i++ {
		id, tok := env.Device(t, mika, fmt.Sprintf("Platta %d", i+1))
		toks, devs = append(toks, tok), append(devs, id)
	}

	var mu sync.Mutex
	okHooks, fuHooks := map[string]int{}, map[string]int{}
	env.Core.OnModelAfterCreateSuccess().BindFunc(func(e *core.ModelEvent) error {
		if r, ok := e.Model.(*core.Record); ok {
			mu.Lock()
			switch r.Collection().Name {
			case "contacts":
				okHooks[r.Id]++
			case "follow_ups":
				fuHooks[r.GetString("contact")]++
			}
			mu.Unlock()
		}
		return e.Next()
	})

	// z was deleted on the server: the first push's update of it is
	// rejected, once in its reply.
	z := uuid.NewString()
	mustPush(t, env, toks[0], pull(t, env, toks[0], 0).Timestamp, []map[string]any{contact(z, nil)}, nil, nil)
	mustPush(t, env, toks[0], pull(t, env, toks[0], 0).Timestamp, nil, nil, []string{z})
	last := pull(t, env, toks[0], 0).Timestamp
	a1, a2, f1, f2, c1 := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	child := map[string]any{"age_band": "15_17"}
	// The devices were last seen at enrollment; their pushes now record
	// that they were seen again (at most once a minute).
	clockMu.Lock()
	offset = 10 * time.Minute
	clockMu.Unlock()
	pushedAt := clock()
	before, _, err := field.CurrentCursor(env.Core.DB())
	if err != nil {
		t.Fatal(err)
	}
	tx0, p0 := g.svc.PushWrites()
	ans := g.run(t, []groupReq{
		{tok: toks[0], last: last, created: []map[string]any{contact(a1, nil), contact(a2, child)},
			updated: []map[string]any{contact(z, map[string]any{"_status": "updated"})}},
		// Updated is applied after created: the child's contact and its
		// follow-up are written when the hook refuses f2.
		{tok: toks[1], last: last, created: []map[string]any{contact(f1, child)},
			updated: []map[string]any{contact(f2, map[string]any{"notes": "AVVISA", "_status": "updated"})}},
		{tok: toks[2], last: last, key: uuid.NewString(), created: []map[string]any{contact(c1, child)}},
	})
	if tx, pushes := writesSince(g.svc, tx0, p0); tx != 5 || pushes != 4 {
		t.Errorf("%d transactions for %d pushes, want 5 for 4: the holding push, the group (rolled back), then each of its three alone", tx, pushes)
	}
	if ans[0].status != 200 || !strings.Contains(ans[0].body, `"followups_raised":{"contacts":["`+a2+`"]}`) ||
		!strings.Contains(ans[0].body, `"rejected":{"contacts":["`+z+`"]}`) {
		t.Errorf("first push: %+v", ans[0])
	}
	if ans[1].status != 500 || strings.Contains(ans[1].body, "refused") {
		t.Errorf("refused push: %+v, want a 500 without detail", ans[1])
	}
	if ans[2].status != 200 || !strings.Contains(ans[2].body, `"followups_raised":{"contacts":["`+c1+`"]}`) {
		t.Errorf("third push: %+v", ans[2])
	}
	stored := map[string]bool{a1: true, a2: true, c1: true, f1: false, f2: false}
	store := env.Core.Store()
	mu.Lock()
	defer mu.Unlock()
	for id, want := range stored {
		_, err := env.Core.FindRecordById("contacts", id)
		if got := err == nil; got != want {
			t.Errorf("contact %s stored %v, want %v", id, got, want)
		}
		wantHooks := map[bool]int{true: 1, false: 0}[want]
		if okHooks[id] != wantHooks {
			t.Errorf("after-success hook of contact %s fired %d times, want %d", id, okHooks[id], wantHooks)
		}
		if _, seen := store.Get("js:ok:" + id).(string); seen != want {
			t.Errorf("JS after-success hook of contact %s: %v, want %v", id, seen, want)
		}
	}
	for id, want := range map[string]bool{a2: true, c1: true, f1: false} {
		fu, _ := env.Core.FindFirstRecordByData("follow_ups", "contact", id)
		if (fu != nil) != want {
			t.Errorf("follow-up of %s: %v, want %v", id, fu != nil, want)
		}
		if n := fuHooks[id]; n != map[bool]int{true: 1, false: 0}[want] {
			t.Errorf("after-success hook of the follow-up of %s fired %d times", id, n)
		}
		if _, seen := store.Get("js:followup:" + id).(string); seen != want {
			t.Errorf("JS follow-up hook of %s: %v, want %v", id, seen, want)
		}
	}
	if _, seen := store.Get("js:err:" + f1).(string); !seen {
		t.Errorf("no after-error hook for the refused push's child contact")
	}
	if n := env.App.TestMailer.TotalSend(); n != 2 {
		t.Errorf("%d mails to the lead, want 2 (one per stored follow-up)", n)
	}
	// The devices whose pushes landed were seen at the pushes' time; the
	// refused push's device was not.
	for i, id := range devs {
		dev, err := env.Core.FindRecordById("devices", id)
		if err != nil {
			t.Fatal(err)
		}
		got := dev.GetDateTime("last_seen").Time()
		if landed := i != 1; landed != !got.Before(pushedAt.UTC().Truncate(time.Minute)) {
			t.Errorf("device %d last seen %v (pushes at %v)", i+1, got, pushedAt.UTC())
		}
	}
	// The holding push reserved one cursor value, the first push three
	// (z's too), the third one; the rolled-back attempts none.
	if after, _, _ := field.CurrentCursor(env.Core.DB()); after != before+5 {
		t.Errorf("cursor %d -> %d, want +5", before, after)
	}
}

// TestGroupReplaysAndConflicts puts in one group a push, the same push
// again with its idempotency key (a retry that raced it), the key with
// another body, another device's push of the same record from before the
// first push, and a push after them. The retry gets the first reply as a
// replay, the other body 422, the stale push 409 with the record in
// conflict, and the last push lands: all in one transaction, the record
// stored once.
func TestGroupReplaysAndConflicts(t *testing.T) {
	env := testenv.New(t)
	g := newGrouper(t, env)
	mika := env.TeamID(t, "mika")
	_, d1 := env.Device(t, mika, "Platta 1")
	_, d2 := env.Device(t, mika, "Platta 2")
	last := pull(t, env, d1, 0).Timestamp
	x, y := uuid.NewString(), uuid.NewString()
	key := uuid.NewString()
	first := groupReq{tok: d1, last: last, key: key, created: []map[string]any{contact(x, map[string]any{"notes": "först"})}}
	other := first
	other.created = []map[string]any{contact(x, map[string]any{"notes": "annan"})}
	tx0, p0 := g.svc.PushWrites()
	ans := g.run(t, []groupReq{
		first,
		first,
		other,
		{tok: d2, last: last, updated: []map[string]any{contact(x, map[string]any{"notes": "gammal", "_status": "updated"})}},
		{tok: d2, last: last, key: uuid.NewString(), created: []map[string]any{contact(y, nil)}},
	})
	if tx, pushes := writesSince(g.svc, tx0, p0); tx != 2 || pushes != 6 {
		t.Errorf("%d transactions for %d pushes, want 2 for 6 (the holding push, then one group)", tx, pushes)
	}
	if ans[0].status != 200 || ans[0].replayed {
		t.Errorf("first push: %+v", ans[0])
	}
	if ans[1].status != 200 || !ans[1].replayed || ans[1].body != ans[0].body {
		t.Errorf("retry in the same group: %+v, want the first reply %s replayed", ans[1], ans[0].body)
	}
	if ans[2].status != 422 {
		t.Errorf("the key with another body: %+v, want 422", ans[2])
	}
	var conflict struct {
		Data struct {
			Conflicts map[string][]string `json:"conflicts"`
		} `json:"data"`
	}
	if ans[3].status != 409 || json.Unmarshal([]byte(ans[3].body), &conflict) != nil || !slices.Equal(conflict.Data.Conflicts["contacts"], []string{x}) {
		t.Errorf("stale push: %+v, want 409 with %s in conflict", ans[3], x)
	}
	if ans[4].status != 200 {
		t.Errorf("last push: %+v", ans[4])
	}
	rec, err := env.Core.FindRecordById("contacts", x)
	if err != nil || rec.GetString("notes") != "först" {
		t.Errorf("contact %s: %v %v, want the first push's", x, rec, err)
	}
	if _, err := env.Core.FindRecordById("contacts", y); err != nil {
		t.Errorf("the last push's contact: %v", err)
	}
	// Replayed once more, after the group: the same reply.
	if a, err := sendPush(env, first); err != nil || a.status != 200 || !a.replayed || a.body != ans[0].body {
		t.Errorf("replay after the group: %+v %v", a, err)
	}
}

// failAfter is a pb_hooks file whose after-success hook fails for a
// contact with notes FEL EFTER: the contact is stored, and its push is
// answered 500 as PocketBase returns the hook's error with the
// transaction's result.
const failAfter = `/// <reference path="../pb_data/types.d.ts" />
onRecordAfterCreateSuccess((e) => {
  e.next();
  if (e.record.getString("notes") === "FEL EFTER") { throw new Error("after hook failed"); }
}, "contacts");
`

// TestGroupAfterHookErrorAnswersItsPushOnly: a push whose after-success
// hook fails is answered 500 (its records are stored) alone and in a
// group, where the pushes beside it are answered 200 as alone.
func TestGroupAfterHookErrorAnswersItsPushOnly(t *testing.T) {
	env := envWithJSHook(t, "fail_after.pb.js", failAfter)
	g := newGrouper(t, env)
	mika := env.TeamID(t, "mika")
	_, d1 := env.Device(t, mika, "Platta 1")
	last := pull(t, env, d1, 0).Timestamp
	alone := uuid.NewString()
	if a, err := sendPush(env, groupReq{tok: d1, last: last, created: []map[string]any{contact(alone, map[string]any{"notes": "FEL EFTER"})}}); err != nil || a.status != 500 {
		t.Fatalf("alone: %+v %v, want 500", a, err)
	}
	ids := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
	tx0, p0 := g.svc.PushWrites()
	ans := g.run(t, []groupReq{
		{tok: d1, last: last, created: []map[string]any{contact(ids[0], nil)}},
		{tok: d1, last: last, created: []map[string]any{contact(ids[1], map[string]any{"notes": "FEL EFTER"})}},
		{tok: d1, last: last, created: []map[string]any{contact(ids[2], nil)}},
	})
	if tx, pushes := writesSince(g.svc, tx0, p0); tx != 2 || pushes != 4 {
		t.Errorf("%d transactions for %d pushes, want 2 for 4", tx, pushes)
	}
	for i, want := range []int{200, 500, 200} {
		if ans[i].status != want {
			t.Errorf("push %d: %+v, want %d", i+1, ans[i], want)
		}
	}
	for _, id := range append(ids, alone) {
		if _, err := env.Core.FindRecordById("contacts", id); err != nil {
			t.Errorf("contact %s not stored: %v", id, err)
		}
	}
}
