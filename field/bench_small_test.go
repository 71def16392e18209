package field_test

import (
	"encoding/json"

	"github.com/google/uuid"
	"testing"
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
