package server_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/testenv"
)

// Nothing of a visitor's browser is stored: the user agent and referer of
// requests (public pages, errors, API calls) reach neither the data
// directory nor a backup.
func TestNoUserAgentOrRefererStored(t *testing.T) {
	env := testenv.NewWith(t, testenv.Options{RequestLogs: true})
	const ua, ref = "MarkerAgent/7.3-qz81", "https://marker-referer-qz81.example/"
	headers := map[string]string{"User-Agent": ua, "Referer": ref}
	for _, p := range []string{"/favicon.ico", "/k/finnsinte", "/info/sv/young", "/api/collections/contacts/records", "/api/field/sync?last_pulled_at=0"} {
		env.Do(t, "GET", p, "", nil, headers)
	}

	// The request log is written in batches: wait (bounded) for our rows.
	deadline := time.Now().Add(20 * time.Second)
	n := 0
	for time.Now().Before(deadline) {
		var rows []struct {
			ID string `db:"id"`
		}
		err := env.Core.AuxDB().Select("id").From("_logs").Where(dbx.Like("data", "favicon.ico")).All(&rows)
		if err != nil {
			t.Fatal(err)
		}
		if n = len(rows); n > 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n == 0 {
		t.Fatal("the request log was never written")
	}

	if err := env.Core.CreateBackup(context.Background(), "ua.zip"); err != nil {
		t.Fatal(err)
	}
	markers := [][]byte{[]byte("MarkerAgent"), []byte("marker-referer")}
	files := 0
	err := filepath.WalkDir(env.Core.DataDir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, m := range markers {
			if bytes.Contains(data, m) {
				t.Errorf("%s holds %s", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(env.Core.DataDir(), core.LocalBackupsDirName, "ua.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files++
		for _, m := range markers {
			if bytes.Contains(data, m) {
				t.Errorf("backup entry %s holds %s", f.Name, m)
			}
		}
	}
	if files < 3 {
		t.Fatalf("only %d files searched", files)
	}
}

// A contact's or session's team is fixed after create, for admins and
// superusers alike; other fields stay editable.
func TestTeamFixedAfterCreate(t *testing.T) {
	env := testenv.New(t)
	mika, kast := env.TeamID(t, "mika"), env.TeamID(t, "kast")
	c := saveContact(t, env, mika, nil)
	sessCol, err := env.Core.FindCollectionByNameOrId("outreach_sessions")
	if err != nil {
		t.Fatal(err)
	}
	s := core.NewRecord(sessCol)
	s.Set("id", "0b1c2d3e-4f50-4a1b-8c2d-3e4f5a6b7c8d")
	s.Set("team", mika)
	s.Set("kind", "street")
	s.Set("started_on", "2026-03-02")
	s.Set("daypart", "evening")
	s.Set("area", "norrmalm")
	if err := env.Core.Save(s); err != nil {
		t.Fatal(err)
	}
	_, admin := env.User(t, "admin@stad.se", "admin", "")
	su := env.Superuser(t)

	for _, who := range []struct{ name, token string }{{"admin", admin}, {"superuser", su}} {
		for _, rec := range []struct{ col, id string }{{"contacts", c.Id}, {"outreach_sessions", s.Id}} {
			t.Run(who.name+" "+rec.col, func(t *testing.T) {
				path := "/api/collections/" + rec.col + "/records/" + rec.id
				st, body, _ := env.Do(t, "PATCH", path, who.token, map[string]any{"team": kast}, nil)
				if st != 400 {
					t.Fatalf("moving to another team: %d %s, want 400", st, body)
				}
				got, err := env.Core.FindRecordById(rec.col, rec.id)
				if err != nil {
					t.Fatal(err)
				}
				if got.GetString("team") != mika {
					t.Fatalf("team changed to %s", got.GetString("team"))
				}
				// The same team and other fields are fine.
				if st, body, _ := env.Do(t, "PATCH", path, who.token, map[string]any{"team": mika, "notes": "uppdaterad"}, nil); st != 200 {
					t.Fatalf("ordinary update: %d %s", st, body)
				}
			})
		}
	}
}

// person_key cannot be named in any filter, sort, fields or expand of any
// collection's list or view, nor in a realtime subscription, by anyone.
func TestPersonKeyRefusedInEveryQuery(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	c := saveContact(t, env, mika, nil)
	_, admin := env.User(t, "admin@stad.se", "admin", "")
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	su := env.Superuser(t)
	q := url.QueryEscape

	refused := []string{
		"/api/collections/teams/records?filter=" + q("contacts_via_team.person_key ?~ 'ab%'"),
		"/api/collections/follow_ups/records?filter=" + q("contact.person_key ~ 'ab'"),
		"/api/collections/contacts/records?filter=" + q("person_key ~ 'ab'"),
		"/api/collections/contacts/records?filter=" + q("PERSON_KEY != ''"),
		"/api/collections/contacts/records?sort=" + q("-person_key"),
		"/api/collections/contacts/records?filter=" + q(q("person_key ~ 'ab'")), // encoded twice
		"/api/collections/users/records?filter=" + q("@collection.contacts.person_key ~ 'ab'"),
		"/api/collections/outreach_sessions/records?filter=" + q("contacts_via_session.person_key ~ 'ab'"),
		"/api/collections/contacts/records/" + c.Id + "?fields=" + q("id,person_key"),
		"/api/collections/contacts/records/" + c.Id + "?expand=" + q("person_key"),
		"/api/collections/teams/records/" + mika + "?filter=" + q("contacts_via_team.person_key ~ 'ab'"),
	}
	for _, who := range []struct{ name, token string }{{"superuser", su}, {"admin", admin}, {"lead", lead}} {
		for _, p := range refused {
			st, body, _ := env.Do(t, "GET", p, who.token, nil, nil)
			if st != 400 || !strings.Contains(string(body), "person_key") {
				t.Errorf("%s %s: %d %s, want 400", who.name, p, st, body)
			}
		}
	}
	// Control: the same queries without person_key answer.
	for _, p := range []string{
		"/api/collections/teams/records?filter=" + q("contacts_via_team.notes ~ 'x'"),
		"/api/collections/contacts/records?sort=-occurred_on",
	} {
		if st, body, _ := env.Do(t, "GET", p, su, nil, nil); st != 200 {
			t.Errorf("%s: %d %s", p, st, body)
		}
	}

	// Realtime: a subscription whose options filter on person_key.
	clientID := realtimeConnect(t, env)
	opts := `{"query":{"filter":"person_key ~ 'ab'"}}`
	for _, sub := range []string{"contacts?options=" + q(opts), "contacts/*?options=" + opts, "teams?options=" + q(`{"query":{"filter":"contacts_via_team.person_key != ''"}}`)} {
		st, body, _ := env.Do(t, "POST", "/api/realtime", su, map[string]any{"clientId": clientID, "subscriptions": []string{sub}}, nil)
		if st != 400 {
			t.Errorf("realtime %s: %d %s, want 400", sub, st, body)
		}
	}
	if st, body, _ := env.Do(t, "POST", "/api/realtime", su, map[string]any{"clientId": clientID, "subscriptions": []string{"contacts"}}, nil); st != 204 {
		t.Errorf("plain realtime subscription: %d %s", st, body)
	}
}

// realtimeConnect opens PocketBase's SSE stream and returns the client id
// from its first event; the stream closes when the test ends.
func realtimeConnect(t *testing.T, env *testenv.Env) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", env.URL+"/api/realtime", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	sc := bufio.NewScanner(res.Body)
	for i := 0; i < 20 && sc.Scan(); i++ {
		line := sc.Text()
		if data, ok := strings.CutPrefix(line, "data:"); ok {
			var msg struct {
				ClientID string `json:"clientId"`
			}
			if err := json.Unmarshal([]byte(data), &msg); err == nil && msg.ClientID != "" {
				return msg.ClientID
			}
		}
	}
	t.Fatalf("no realtime client id: %v", sc.Err())
	return ""
}

// Sign-ins slow down per account, not per office: 50 workers behind one
// address all get in; 10 failures pause that one account for 10 minutes
// (429 even with the right password), others are untouched, and the pause
// ends by itself.
func TestLoginLimitPerAccount(t *testing.T) {
	clock := testenv.NewClock(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	env := testenv.NewWith(t, testenv.Options{RateLimits: true, Now: clock.Now})
	mika := env.TeamID(t, "mika")
	login := func(email, password string) int {
		st, _, _ := env.Do(t, "POST", "/api/collections/users/auth-with-password", "",
			map[string]any{"identity": email, "password": password}, nil)
		return st
	}
	const workers = 50
	for i := 0; i < workers; i++ {
		env.User(t, "w"+string(rune('a'+i/26))+string(rune('a'+i%26))+"@mika.se", "worker", mika)
	}
	for i := 0; i < workers; i++ {
		if st := login("w"+string(rune('a'+i/26))+string(rune('a'+i%26))+"@mika.se", "test-password-123"); st != 200 {
			t.Fatalf("worker %d of %d signing in from the office: %d", i+1, workers, st)
		}
	}

	const a, b = "waa@mika.se", "wab@mika.se"
	for i := 0; i < 10; i++ {
		if st := login(a, "fel-losenord"); st != 400 {
			t.Fatalf("failed sign-in %d: %d, want 400", i+1, st)
		}
	}
	if st := login(a, "test-password-123"); st != 429 {
		t.Fatalf("after 10 failures: %d, want 429", st)
	}
	if st := login(strings.ToUpper(a), "test-password-123"); st != 429 {
		t.Fatalf("same account in upper case: %d, want 429", st)
	}
	if st := login(b, "test-password-123"); st != 200 {
		t.Fatalf("another account: %d, want 200", st)
	}
	// An account that does not exist behaves the same (no enumeration).
	for i := 0; i < 10; i++ {
		login("finns.inte@mika.se", "x")
	}
	if st := login("finns.inte@mika.se", "x"); st != 429 {
		t.Fatalf("unknown account after 10 failures: %d, want 429", st)
	}

	clock.Add(9 * time.Minute)
	if st := login(a, "test-password-123"); st != 429 {
		t.Fatalf("9 minutes later: %d, want 429", st)
	}
	clock.Add(61 * time.Second)
	if st := login(a, "test-password-123"); st != 200 {
		t.Fatalf("after the pause: %d, want 200", st)
	}
	// Failures spread over more than 10 minutes do not pause.
	for i := 0; i < 9; i++ {
		login(b, "fel")
	}
	clock.Add(11 * time.Minute)
	login(b, "fel")
	if st := login(b, "test-password-123"); st != 200 {
		t.Fatalf("failures outside the window paused the account: %d", st)
	}
}

// The per-address ceiling on sign-ins is 300 a minute.
func TestLoginCeilingPerAddress(t *testing.T) {
	env := testenv.NewWith(t, testenv.Options{RateLimits: true})
	first429 := 0
	for i := 1; i <= 320; i++ {
		st, _, _ := env.Do(t, "POST", "/api/collections/users/auth-with-password", "", map[string]any{}, nil)
		if st == 429 {
			first429 = i
			break
		}
	}
	if first429 < 290 || first429 > 301 {
		t.Fatalf("first 429 at request %d, want the 301st (300 a minute)", first429)
	}
}
