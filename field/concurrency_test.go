package field_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"

	"uppsok/internal/testenv"
)

// replica is a device's local copy, built only from pulls.
type replica struct {
	token   string
	team    string
	cursor  int64
	records map[string]map[string]any
	own     []string
}

func (r *replica) apply(t *testing.T, p pullResp) {
	seen := map[string]bool{}
	for _, rec := range p.Changes["contacts"].Updated {
		id := rec["id"].(string)
		if seen[id] {
			t.Errorf("id %s twice in one pull", id)
		}
		seen[id] = true
		r.records[id] = rec
	}
	for _, id := range p.Changes["contacts"].Deleted {
		if seen[id] {
			t.Errorf("id %s both live and deleted in one pull", id)
		}
		delete(r.records, id)
	}
	if p.Timestamp < r.cursor {
		t.Errorf("cursor went backwards: %d -> %d", r.cursor, p.Timestamp)
	}
	r.cursor = p.Timestamp
}

// TestConcurrentDevicesNeverSkipAChange runs devices of two teams that pull
// and push at the same time (a bounded number of rounds on loopback) and
// checks the model: after a final pull every device's replica equals the
// server's records of its team, no pull holds an id twice, and cursors
// only move forward.
func TestConcurrentDevicesNeverSkipAChange(t *testing.T) {
	const devicesPerTeam, rounds, perPush = 4, 12, 5
	env := testenv.New(t)
	var reps []*replica
	for _, code := range []string{"mika", "kast"} {
		team := env.TeamID(t, code)
		for i := 0; i < devicesPerTeam; i++ {
			_, tok := env.Device(t, team, fmt.Sprintf("%s-%d", code, i))
			reps = append(reps, &replica{token: tok, team: team, records: map[string]map[string]any{}})
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, len(reps)*rounds)
	for di, r := range reps {
		wg.Add(1)
		go func(di int, r *replica) {
			defer wg.Done()
			for round := 0; round < rounds; round++ {
				p, err := pullRaw(env, r.token, r.cursor)
				if err != nil {
					errs <- err
					return
				}
				r.apply(t, p)
				var created, updated []map[string]any
				for k := 0; k < perPush; k++ {
					id := uuid.NewString()
					r.own = append(r.own, id)
					created = append(created, contact(id, map[string]any{"cards_given": round}))
				}
				// Update one own record seen in a pull (no one else touches it).
				for _, id := range r.own {
					if rec, ok := r.records[id]; ok {
						u := clone(rec)
						u["cards_given"] = 50 + round
						u["notes"] = fmt.Sprintf("d%d r%d", di, round)
						updated = append(updated, u)
						break
					}
				}
				st, data, err := pushRaw(env, r.token, r.cursor, created, updated)
				if err != nil {
					errs <- err
					return
				}
				if st != 200 {
					errs <- fmt.Errorf("device %d round %d: push %d %s", di, round, st, data)
					return
				}
			}
		}(di, r)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	for di, r := range reps {
		p := pull(t, env, r.token, r.cursor)
		r.apply(t, p)
		server, err := env.App.FindAllRecords("contacts")
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, s := range server {
			if s.GetString("team") != r.team {
				continue
			}
			want++
			got, ok := r.records[s.Id]
			if !ok {
				t.Errorf("device %d never received %s", di, s.Id)
				continue
			}
			if got["cards_given"] != float64(s.GetInt("cards_given")) || got["notes"] != s.GetString("notes") {
				t.Errorf("device %d holds a stale %s: %v/%v vs %d/%q", di, s.Id, got["cards_given"], got["notes"], s.GetInt("cards_given"), s.GetString("notes"))
			}
		}
		if len(r.records) != want {
			t.Errorf("device %d holds %d records, the team has %d", di, len(r.records), want)
		}
	}
	if n, _ := env.App.CountRecords("contacts"); n != int64(len(reps)*rounds*perPush) {
		t.Errorf("%d contacts stored, want %d", n, len(reps)*rounds*perPush)
	}
}

func pullRaw(env *testenv.Env, tok string, cursor int64) (pullResp, error) {
	var out pullResp
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/field/sync?schema_version=3&last_pulled_at=%d", env.URL, cursor), nil)
	req.Header.Set("Authorization", tok)
	res, err := env.Client.Do(req)
	if err != nil {
		return out, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return out, fmt.Errorf("pull: status %d", res.StatusCode)
	}
	return out, json.NewDecoder(res.Body).Decode(&out)
}

func pushRaw(env *testenv.Env, tok string, cursor int64, created, updated []map[string]any) (int, string, error) {
	if created == nil {
		created = []map[string]any{}
	}
	if updated == nil {
		updated = []map[string]any{}
	}
	body, _ := json.Marshal(map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": created, "updated": updated, "deleted": []string{}}},
		"last_pulled_at": cursor,
	})
	req, _ := http.NewRequest("POST", env.URL+"/api/field/sync?schema_version=2", bytesReader(body))
	req.Header.Set("Authorization", tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", uuid.NewString())
	res, err := env.Client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var buf [512]byte
	n, _ := res.Body.Read(buf[:])
	return res.StatusCode, string(buf[:n]), nil
}
