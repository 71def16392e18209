package field

import (
	"encoding/json"
	"fmt"
	"testing"
)

func benchPushBody(n int) []byte {
	recs := make([]map[string]any, n)
	for i := range recs {
		recs[i] = map[string]any{
			"id": fmt.Sprintf("0b7e9a52-1c1f-4c9e-9f0e-%012d", i), "occurred_on": "2026-11-27", "daypart": "evening", "channel": "street",
			"area": "sodermalm", "arena": "street", "platforms": `["instagram","snapchat"]`, "role": "sells_sex",
			"age_band": "26_35", "gender": "woman", "origin_region": "eu_eea", "language": "ro",
			"interpreter": false, "indicators": `["debt"]`, "assessment": "indicators",
			"purposes": `[]`, "actions": `["information","info_card"]`, "cards_given": 1,
			"notes": "Samtal om stöd och boende, hänvisad vidare.", "_status": "created", "_changed": "", "created_at": 1, "updated_at": 1,
		}
	}
	body, _ := json.Marshal(map[string]any{"changes": map[string]any{"contacts": map[string]any{"created": recs, "updated": []any{}, "deleted": []any{}}}, "last_pulled_at": 0})
	return body
}

// BenchmarkDecodePush: the push decoder on a body of 500 contacts, with the
// quick decoder (quick) and with encoding/json alone (json).
func BenchmarkDecodePush(b *testing.B) {
	body := benchPushBody(500)
	for _, quick := range []bool{true, false} {
		name := map[bool]string{true: "quick", false: "json"}[quick]
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := decodePushWith(body, quick); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSanitize500: the sanitiser on the 500 contacts of a push.
func BenchmarkSanitize500(b *testing.B) {
	plan, err := decodePush(benchPushBody(500))
	if err != nil {
		b.Fatal(err)
	}
	t := tableByName("contacts")
	recs := plan.upserts[t]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range recs {
			sanitizeRecord(t, r.raw, MaxSchemaVersion, nil, "2026-11-27")
		}
	}
}
