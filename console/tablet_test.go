package console_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/testenv"
)

// saveFollowUp stores a follow-up directly (an old one, or one of many).
func saveFollowUp(t *testing.T, env *testenv.Env, team, day string, fields map[string]any) *core.Record {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("follow_ups")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("team", team)
	r.Set("occurred_on", day)
	r.Set("due_on", day)
	r.Set("age_band", "15_17")
	r.Set("status", "open")
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := env.Core.Save(r); err != nil {
		t.Fatalf("save follow-up: %v", err)
	}
	return r
}

// TestConsoleOnTabletInBrowser runs tools/browser/console_tablet_check.mjs
// against the real server: a lead on a tablet held upright sees why each
// child was flagged (every reason field, each label once), gets the open
// follow-ups a page at a time and the closed ones paged by the server,
// reaches every account action, and sees the address banner; an admin
// filters follow-ups by team, sees the information pages' audiences by
// name, and prints cards of an unreviewed page after "Skriv ut ändå".
func TestConsoleOnTabletInBrowser(t *testing.T) {
	root := testenv.RepoRoot()
	node := testenv.BrowserTools(t)
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	kast := env.TeamID(t, "kast")
	env.User(t, "lead@mika.se", "lead", mika)
	env.User(t, "anna@mika.se", "worker", mika)
	env.User(t, "bo@mika.se", "worker", mika)
	env.User(t, "admin@stad.se", "admin", "")

	year := time.Now().Year()
	day := strconv.Itoa(year) + "-03-02"
	// A schema-3 contact about a child: the follow-up copies its sets.
	child := saveContact(t, env, mika, day, map[string]any{"age_band": "15_17", "assessment": "indicators", "role": "unknown",
		"control": []string{"threats"}, "vulnerabilities": []string{"homeless"}, "risk_groups": []string{"eu_minor"}})
	fresh, err := env.Core.FindFirstRecordByFilter("follow_ups", "contact = {:c}", map[string]any{"c": child.Id})
	if err != nil {
		t.Fatalf("no follow-up for the child: %v", err)
	}
	// A follow-up from before schema 3: indicators, and the assessment
	// "indicators" among its reasons.
	old := saveFollowUp(t, env, mika, strconv.Itoa(year)+"-01-10", map[string]any{"reasons": []string{"indicators", "assessment_indicators"},
		"indicators": []string{"debt"}, "assessment": "indicators", "due_on": strconv.Itoa(year) + "-01-11"})
	// 40 more open and 30 closed for the lead's team, 3 open for another.
	for i := 0; i < 40; i++ {
		saveFollowUp(t, env, mika, fmt.Sprintf("%d-02-%02d", year, 1+i%28), map[string]any{"reasons": []string{"role_sells_sex"}, "role": "sells_sex"})
	}
	for i := 0; i < 30; i++ {
		saveFollowUp(t, env, mika, fmt.Sprintf("%d-01-%02d", year, 1+i%28), map[string]any{"reasons": []string{"role_at_risk"}, "role": "at_risk",
			"status": "done", "decision": "already_known", "decided_on": fmt.Sprintf("%d-02-%02d", year, 1+i%28)})
	}
	for i := 0; i < 3; i++ {
		saveFollowUp(t, env, kast, day, map[string]any{"reasons": []string{"role_sells_sex"}, "role": "sells_sex"})
	}

	outDir := filepath.Join(root, "bench-out", "screenshots")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		outDir = t.TempDir()
	}
	spec, _ := json.Marshal(map[string]any{"password": "test-password-123", "lead": "lead@mika.se", "admin": "admin@stad.se",
		"newFollowUp": fresh.Id, "oldFollowUp": old.Id, "otherTeam": kast})
	cmd := exec.Command(node, filepath.Join(root, "tools", "browser", "console_tablet_check.mjs"), env.URL, outDir, string(spec))
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser run: %v", err)
	}
	var out struct {
		Error                 string                       `json:"error"`
		PageErrors            []string                     `json:"pageErrors"`
		Axe                   map[string][]json.RawMessage `json:"axe"`
		Screens               []string                     `json:"screens"`
		LeadStart             string                       `json:"leadStart"`
		Banner                string                       `json:"banner"`
		OpenDrawn             int                          `json:"openDrawn"`
		OpenHeading           string                       `json:"openHeading"`
		MoreVisible           bool                         `json:"moreVisible"`
		OpenAfterMore         int                          `json:"openAfterMore"`
		MoreAfter             bool                         `json:"moreAfter"`
		FocusAfterMore        int                          `json:"focusAfterMore"`
		ClosedRows            int                          `json:"closedRows"`
		ClosedRange           string                       `json:"closedRange"`
		ClosedRowsPage2       int                          `json:"closedRowsPage2"`
		ClosedRangePage2      string                       `json:"closedRangePage2"`
		DeepLinkFocus         bool                         `json:"deepLinkFocus"`
		NewSummary            string                       `json:"newSummary"`
		NewFacts              string                       `json:"newFacts"`
		OldSummary            string                       `json:"oldSummary"`
		OldFacts              string                       `json:"oldFacts"`
		AccountButtons        int                          `json:"accountButtons"`
		AccountButtonsCut     []string                     `json:"accountButtonsCut"`
		TabbedTo              string                       `json:"tabbedTo"`
		FocusOutline          string                       `json:"focusOutline"`
		AdminOpenDrawn        int                          `json:"adminOpenDrawn"`
		AdminOtherTeamHeading string                       `json:"adminOtherTeamHeading"`
		AdminOtherTeamSummary string                       `json:"adminOtherTeamSummary"`
		Audiences             []string                     `json:"audiences"`
		Languages             []string                     `json:"languages"`
		CardPageName          string                       `json:"cardPageName"`
		ReviewDialog          string                       `json:"reviewDialog"`
		Sheet                 string                       `json:"sheet"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	if out.Error != "" {
		t.Fatalf("browser: %s", out.Error)
	}
	if len(out.PageErrors) > 0 {
		t.Errorf("script errors in the page: %v", out.PageErrors)
	}

	t.Run("axe: no critical or serious violation", func(t *testing.T) {
		if len(out.Axe) < 6 {
			t.Errorf("axe ran on %d screens", len(out.Axe))
		}
		for screen, vs := range out.Axe {
			for _, v := range vs {
				var x struct{ ID, Impact, Target string }
				json.Unmarshal(v, &x)
				if x.Impact == "critical" || x.Impact == "serious" {
					t.Errorf("%s: %s (%s) at %s", screen, x.ID, x.Impact, x.Target)
				}
			}
		}
	})

	t.Run("lead: why the child was flagged, each reason once", func(t *testing.T) {
		for _, want := range []string{"Kontrollmedel", "Hot", "Sårbarheter", "Saknar bostad", "Riskgrupp (barn)", "Barn från annat EU-land", "Indikatorer finns"} {
			if !strings.Contains(out.NewFacts+out.NewSummary, want) {
				t.Errorf("the follow-up does not show %q:\n%s\n%s", want, out.NewSummary, out.NewFacts)
			}
		}
		if !out.DeepLinkFocus {
			t.Error("the follow-up opened by its link is not open with the focus on it")
		}
		if strings.Contains(out.OldSummary, "Indikatorer, Indikatorer finns") || strings.Count(out.OldSummary, "Indikatorer") != 1 {
			t.Errorf("old follow-up's reasons: %q", out.OldSummary)
		}
		if !strings.Contains(out.OldFacts, "Skuld") {
			t.Errorf("old follow-up's indicators missing: %s", out.OldFacts)
		}
	})

	t.Run("lead: follow-ups a page at a time, closed ones paged by the server", func(t *testing.T) {
		if out.LeadStart != "#/uppfoljningar" || !strings.Contains(out.OpenHeading, "42") {
			t.Errorf("start %s, heading %q", out.LeadStart, out.OpenHeading)
		}
		if out.OpenDrawn != 30 || !out.MoreVisible || out.OpenAfterMore != 42 || out.MoreAfter || out.FocusAfterMore != 30 {
			t.Errorf("open drawn %d, more %v, after more %d (more %v, focus on %d)", out.OpenDrawn, out.MoreVisible, out.OpenAfterMore, out.MoreAfter, out.FocusAfterMore)
		}
		if out.ClosedRows != 25 || out.ClosedRange != "1–25 av 30" || out.ClosedRowsPage2 != 5 || out.ClosedRangePage2 != "26–30 av 30" {
			t.Errorf("closed: %d rows %q, page 2: %d rows %q", out.ClosedRows, out.ClosedRange, out.ClosedRowsPage2, out.ClosedRangePage2)
		}
		if !strings.Contains(out.Banner, "Be en administratör") {
			t.Errorf("lead's address banner: %q", out.Banner)
		}
	})

	t.Run("lead at 768 px: every account action visible and reached by Tab", func(t *testing.T) {
		if out.AccountButtons != 4 || len(out.AccountButtonsCut) > 0 {
			t.Errorf("%d account buttons, cut off: %v", out.AccountButtons, out.AccountButtonsCut)
		}
		if !strings.HasPrefix(out.TabbedTo, "Nytt lösenord för") || out.FocusOutline == "none" {
			t.Errorf("Tab reached %q, outline %q", out.TabbedTo, out.FocusOutline)
		}
	})

	t.Run("admin: team filter, audiences named, unreviewed cards printed anyway", func(t *testing.T) {
		kastTeam, err := env.Core.FindRecordById("teams", kast)
		if err != nil {
			t.Fatal(err)
		}
		if out.AdminOpenDrawn != 30 || !strings.Contains(out.AdminOtherTeamHeading, "(3)") || !strings.Contains(out.AdminOtherTeamSummary, kastTeam.GetString("name")) {
			t.Errorf("admin drew %d, other team: %q, %q", out.AdminOpenDrawn, out.AdminOtherTeamHeading, out.AdminOtherTeamSummary)
		}
		joined := strings.Join(out.Audiences, "|")
		if !strings.Contains(joined, "Unga") || strings.Contains("|"+joined+"|", "|young|") || !strings.Contains(strings.Join(out.Languages, "|"), "Svenska") {
			t.Errorf("audiences %v, languages %v", out.Audiences, out.Languages)
		}
		if !strings.Contains(out.CardPageName, "(Svenska, ") {
			t.Errorf("the card sheet's page: %q", out.CardPageName)
		}
		if !strings.Contains(out.ReviewDialog, "väntar på granskning") {
			t.Errorf("review dialog: %q", out.ReviewDialog)
		}
		pdf, err := os.ReadFile(out.Sheet)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("card sheet: %v", err)
		}
		cards, err := env.Core.FindRecordsByFilter("info_cards", "campaign = 'Ogranskad natt'", "", 0, 0)
		if err != nil || len(cards) != 2 {
			t.Fatalf("cards: %d %v", len(cards), err)
		}
		for _, c := range cards {
			if c.GetInt("printed") != 1 {
				t.Errorf("card %s printed %d times", c.GetString("code"), c.GetInt("printed"))
			}
		}
	})
}
