package field_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"uppsok/field"
	"uppsok/internal/testenv"
)

// BenchmarkPushTablet: a tablet-sized push (50 contacts, as in the burst
// of tools/loadtest), one after another over loopback HTTP. In a burst the
// pushes are written one at a time, so this is the burst's critical path.
func BenchmarkPushTablet(b *testing.B) {
	env, _, tok := benchEnv(b)
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i], _ = json.Marshal(map[string]any{
			"changes":        map[string]any{"contacts": map[string]any{"created": benchContacts(50), "updated": []any{}, "deleted": []any{}}},
			"last_pulled_at": 0,
		})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, data, _ := env.Do(b, "POST", "/api/field/sync?schema_version=3", tok, bodies[i], map[string]string{"Idempotency-Key": uuid.NewString()})
		if st != 200 {
			b.Fatalf("push: %d %s", st, data)
		}
	}
	b.StopTimer()
	reportRate(b, b.N*50)
}

// BenchmarkPushBurst: tablet-sized pushes (50 contacts) from 16 tablets at
// once over loopback HTTP, every push applied alone (as before group
// commit) and with the pushes waiting for the writer applied together
// (push_group.go); the ratio of the two contacts/s is group commit's gain.
func BenchmarkPushBurst(b *testing.B) {
	const tablets = 16
	for _, mode := range []struct {
		name  string
		group int
	}{{"alone", 1}, {"grouped", field.DefaultGroupPushes}} {
		b.Run(mode.name, func(b *testing.B) {
			env := testenv.NewWith(b, testenv.Options{Plain: true})
			field.SetGroupPushes(env.Uppsok.Field, mode.group)
			team := env.TeamID(b, "mika")
			toks := make([]string, tablets)
			for i := range toks {
				_, toks[i] = env.Device(b, team, fmt.Sprintf("bench %d", i))
			}
			bodies := make([][]byte, b.N)
			for i := range bodies {
				bodies[i], _ = json.Marshal(map[string]any{
					"changes":        map[string]any{"contacts": map[string]any{"created": benchContacts(50), "updated": []any{}, "deleted": []any{}}},
					"last_pulled_at": 0,
				})
			}
			tx0, p0 := env.Uppsok.Field.PushWrites()
			busy0 := field.PushWriterBusy(env.Uppsok.Field)
			var next atomic.Int64
			var failed atomic.Value
			var wg sync.WaitGroup
			b.ResetTimer()
			for _, tok := range toks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
						a, err := sendPushBody(env, tok, bodies[i])
						if err == nil && a.status != 200 {
							err = fmt.Errorf("push: %d %s", a.status, a.body)
						}
						if err != nil {
							failed.Store(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			if err, _ := failed.Load().(error); err != nil {
				b.Fatal(err)
			}
			tx, pushes := env.Uppsok.Field.PushWrites()
			b.ReportMetric(float64(pushes-p0)/float64(tx-tx0), "pushes/tx")
			b.ReportMetric(float64((field.PushWriterBusy(env.Uppsok.Field)-busy0).Microseconds())/float64(b.N), "writer-µs/push")
			reportRate(b, b.N*50)
		})
	}
}
