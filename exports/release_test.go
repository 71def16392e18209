package exports_test

import (
	"bytes"
	"strings"
	"testing"

	"uppsok/taxonomy"
)

// A release keeps the file of every format as rendered at release time: a
// later change of labels (or renderer) never changes a released file,
// while drafts render on request with today's labels.
func TestReleaseFilesSurviveALabelChange(t *testing.T) {
	env, analyst := setup(t)
	var rel struct {
		ID string `json:"id"`
	}
	env.MustJSON(t, "POST", "/api/lagesbild/releases", analyst, map[string]any{"year": 2026, "tertial": 1, "recipient": "Polisregion Stockholm"}, 201, &rel)
	before := map[string][]byte{}
	for _, f := range []string{"json", "csv", "xlsx", "pdf"} {
		st, body, _ := env.Do(t, "GET", "/api/lagesbild/releases/"+rel.ID+"?format="+f, analyst, nil, nil)
		if st != 200 || len(body) == 0 {
			t.Fatalf("%s: %d", f, st)
		}
		before[f] = body
	}
	stored, err := env.Core.FindAllRecords("lagesbild_release_files")
	if err != nil || len(stored) != 3 {
		t.Fatalf("%d release files stored (%v)", len(stored), err)
	}

	old := taxonomy.Channel.Codes[0].SV
	taxonomy.Channel.Codes[0].SV = "Gatan (nytt namn)"
	t.Cleanup(func() { taxonomy.Channel.Codes[0].SV = old })

	for f, want := range before {
		_, got, _ := env.Do(t, "GET", "/api/lagesbild/releases/"+rel.ID+"?format="+f, analyst, nil, nil)
		if !bytes.Equal(got, want) {
			t.Errorf("released %s changed after a label change", f)
		}
	}
	_, draft, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&tertial=1&format=csv", analyst, nil, nil)
	if !strings.Contains(string(draft), "Gatan (nytt namn)") {
		t.Error("the draft does not render today's labels")
	}
	if !strings.Contains(string(before["csv"]), old) {
		t.Error("the released CSV lacks the label of its day")
	}
}
