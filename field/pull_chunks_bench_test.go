package field_test

import (
	"testing"

	"github.com/google/uuid"

	"uppsok/field"
)

// BenchmarkPullBurst: the tablets of a team sync one after another, as in
// a burst when a shift ends: each pushes 50 contacts (not timed) and then
// makes a gzip first pull of the team's window, which starts at 2,000
// contacts (timed, in-process: the reply as handlePull writes it). The
// variants: rows compressed with the reply ("inline", as before the chunk
// cache: the baseline) or as cached chunks of the given flate level; a
// busy pull (other pulls waiting for CPU: level 1 for what is compressed
// with the reply) or a quiet one (level 6). B/contact is the last reply's.
func BenchmarkPullBurst(b *testing.B) {
	for _, m := range []struct {
		name  string
		level int
		busy  bool
	}{
		{"inline-busy", 0, true}, {"chunks6-busy", 6, true},
		{"inline-quiet", 0, false}, {"chunks1-quiet", 1, false}, {"chunks6-quiet", 6, false}, {"chunks9-quiet", 9, false},
	} {
		b.Run(m.name, func(b *testing.B) {
			env, team, tok := benchEnv(b)
			svc := env.Uppsok.Field
			field.SetChunks(svc, m.level)
			window := 0
			add := func(n int) {
				created := make([]map[string]any, n)
				for i := range created {
					created[i] = contact3(uuid.NewString(), map[string]any{
						"platforms": `["instagram","snapchat"]`, "notes": "Samtal om stöd och boende, hänvisad vidare.",
					})
				}
				st, data, _ := env.Do(b, "POST", "/api/field/sync?schema_version=3", tok, map[string]any{
					"changes":        map[string]any{"contacts": map[string]any{"created": created, "updated": []any{}, "deleted": []any{}}},
					"last_pulled_at": 0,
				}, nil)
				if st != 200 {
					b.Fatalf("push: %d %s", st, data)
				}
				window += n
			}
			for i := 0; i < 4; i++ {
				add(500)
			}
			var last int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				add(50)
				b.StartTimer()
				out, err := field.PullAs(svc, team, 3, 0, true, m.busy)
				if err != nil {
					b.Fatal(err)
				}
				last = len(out)
			}
			b.StopTimer()
			b.ReportMetric(float64(last)/float64(window), "B/contact")
		})
	}
}
