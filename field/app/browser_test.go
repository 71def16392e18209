package app_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"uppsok/internal/testenv"
)

// TestFieldAppInBrowser runs tools/browser/app_check.mjs against the real
// server and checks the server's side of what the browser did.
func TestFieldAppInBrowser(t *testing.T) {
	root := testenv.RepoRoot()
	node := testenv.BrowserTools(t)
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	env.User(t, "anna@mika.se", "worker", mika)
	env.User(t, "bo@mika.se", "worker", mika)
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	var enr struct {
		Code string `json:"code"`
	}
	env.MustJSON(t, "POST", "/api/field/enrollments", lead, map[string]any{"team_id": mika, "label": "Platta"}, 201, &enr)

	outDir := filepath.Join(root, "bench-out", "screenshots")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		outDir = t.TempDir()
	}
	cmd := exec.Command(node, filepath.Join(root, "tools", "browser", "app_check.mjs"),
		env.URL, outDir, "anna@mika.se", "bo@mika.se", "test-password-123", enr.Code, lead)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser run: %v", err)
	}
	var out struct {
		WaitingOffline     int      `json:"waitingOffline"`
		ChildWarning       bool     `json:"childWarning"`
		NotesWarning       bool     `json:"notesWarning"`
		WaitingAfterReload int      `json:"waitingAfterReload"`
		ListedAfterReload  int      `json:"listedAfterReload"`
		ContactIDs         []string `json:"contactIds"`
		SessionIDs         []string `json:"sessionIds"`
		RawCodesLeft       int      `json:"rawCodesLeft"`
		ConvergeID         string   `json:"convergeId"`
		ConvergedA         struct {
			Cards   int      `json:"cards_given"`
			Actions []string `json:"actions"`
		} `json:"convergedA"`
		ConvergedB struct {
			Cards   int      `json:"cards_given"`
			Actions []string `json:"actions"`
		} `json:"convergedB"`
		EnrollCodeInURL bool            `json:"enrollCodeInURL"`
		RevokeStatus    int             `json:"revokeStatus"`
		WipedContacts   int             `json:"wipedContacts"`
		WipedAuth       json.RawMessage `json:"wipedAuth"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}

	t.Run("offline logging", func(t *testing.T) {
		if out.WaitingOffline != 4 || out.WaitingAfterReload != 4 || out.ListedAfterReload != 3 {
			t.Errorf("waiting %d, after reload %d, listed %d; want 4, 4, 3", out.WaitingOffline, out.WaitingAfterReload, out.ListedAfterReload)
		}
		if !out.ChildWarning || !out.NotesWarning {
			t.Errorf("child reminder %v, notes warning %v", out.ChildWarning, out.NotesWarning)
		}
	})
	t.Run("the server has exactly those records", func(t *testing.T) {
		if len(out.ContactIDs) != 3 || len(out.SessionIDs) != 1 {
			t.Fatalf("browser holds %d contacts, %d sessions", len(out.ContactIDs), len(out.SessionIDs))
		}
		recs, err := env.Core.FindAllRecords("contacts")
		if err != nil {
			t.Fatal(err)
		}
		var fromA []string
		for _, r := range recs {
			if r.GetString("device") == "" {
				fromA = append(fromA, r.Id)
			}
		}
		if strings.Join(sortStrings(fromA), ",") != strings.Join(out.ContactIDs, ",") {
			t.Errorf("server %v, browser %v", fromA, out.ContactIDs)
		}
		s, err := env.Core.FindRecordById("outreach_sessions", out.SessionIDs[0])
		if err != nil || s.GetInt("persons_observed") != 4 {
			t.Errorf("session on the server: %v", err)
		}
		for _, r := range recs {
			if r.Id == out.ContactIDs[0] || r.Id == out.ContactIDs[1] || r.Id == out.ContactIDs[2] {
				if r.GetString("session") != out.SessionIDs[0] {
					t.Errorf("contact %s not linked to the session", r.Id)
				}
			}
		}
	})
	t.Run("two browsers converge", func(t *testing.T) {
		a, b := out.ConvergedA, out.ConvergedB
		if a.Cards != 2 || b.Cards != 2 || strings.Join(a.Actions, ",") != "information,support_talk" || strings.Join(b.Actions, ",") != "information,support_talk" {
			t.Errorf("A %+v, B %+v", a, b)
		}
		r, err := env.Core.FindRecordById("contacts", out.ConvergeID)
		if err != nil || r.GetInt("cards_given") != 2 || strings.Join(r.GetStringSlice("actions"), ",") != "information,support_talk" {
			t.Errorf("server: %v %v", err, r.FieldsData())
		}
	})
	t.Run("revoked tablet wipes itself", func(t *testing.T) {
		if out.RevokeStatus != 204 || out.WipedContacts != 0 || string(out.WipedAuth) != "null" && len(out.WipedAuth) != 0 {
			t.Errorf("revoke %d, contacts left %d, auth %s", out.RevokeStatus, out.WipedContacts, out.WipedAuth)
		}
		if out.EnrollCodeInURL {
			t.Error("the enrollment code stayed in the address bar")
		}
	})
	for _, shot := range []string{"app_offline_768.png", "app_synced_360.png"} {
		if _, err := os.Stat(filepath.Join(outDir, shot)); err != nil {
			t.Errorf("no screenshot %s", shot)
		}
	}
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
