package followups_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/testenv"
	"uppsok/privacy"
	"uppsok/server"
	"uppsok/settings"
)

// TestUpgradeFollowUpsFromRelease1 opens the committed release-1 data dir
// (testdata/upgrade/release-1) with today's code: every old follow-up
// becomes a workflow record (status, reasons, copies of its contact, a due
// date), survives its contact's deletion, and the first start stores the
// fingerprint of the existing person-code key.
func TestUpgradeFollowUpsFromRelease1(t *testing.T) {
	src := filepath.Join(testenv.RepoRoot(), "testdata", "upgrade", "release-1")
	dir := t.TempDir()
	for _, f := range []string{"data.db", "person_code.key"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.ResetBootstrapState() })
	// Three contacts of children logged last week under the old rule (which
	// raised nothing for them) and one of last year.
	type row struct {
		ID string `db:"id"`
	}
	var rows []row
	var up *server.App
	err := app.DB().NewQuery(`SELECT id FROM contacts c WHERE age_band IN ('under_15','15_17') AND role = 'sells_sex'
		AND assessment IN ('none','indicators') AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.contact = c.id) ORDER BY id LIMIT 4`).All(&rows)
	if err != nil || len(rows) != 4 {
		t.Fatalf("release-1 child contacts without a follow-up: %d %v", len(rows), err)
	}
	lastWeek := time.Now().AddDate(0, 0, -7).Format(time.DateOnly)
	for _, r := range rows[:3] {
		if _, err := app.DB().NewQuery("UPDATE contacts SET occurred_on = {:d} WHERE id = {:id}").Bind(dbx.Params{"d": lastWeek, "id": r.ID}).Execute(); err != nil {
			t.Fatal(err)
		}
	}

	up, err = server.Register(app, server.Options{Settings: &settings.Settings{}, HooksDir: filepath.Join(testenv.RepoRoot(), "pb_hooks")})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatalf("migrations: %v", err)
	}

	fus, err := app.FindAllRecords("follow_ups")
	if err != nil {
		t.Fatal(err)
	}
	if len(fus) != 38+3 {
		t.Fatalf("%d follow-ups after the upgrade, want the 38 of release 1 and 3 for last week's children", len(fus))
	}
	for _, r := range rows[:3] {
		fu, err := app.FindFirstRecordByData("follow_ups", "contact", r.ID)
		if err != nil || fu.GetStringSlice("reasons")[0] != "role_sells_sex" || fu.GetString("status") != "open" || fu.GetString("occurred_on") != lastWeek {
			t.Errorf("last week's child contact %s: follow-up %v %v", r.ID, fu, err)
		}
	}
	if _, err := app.FindFirstRecordByData("follow_ups", "contact", rows[3].ID); err == nil {
		t.Errorf("a follow-up for last year's contact %s", rows[3].ID)
	}
	for _, fu := range fus {
		if slices.Contains([]string{rows[0].ID, rows[1].ID, rows[2].ID}, fu.GetString("contact")) {
			continue
		}
		c, err := app.FindRecordById("contacts", fu.GetString("contact"))
		if err != nil {
			t.Fatalf("follow-up %s lost its contact: %v", fu.Id, err)
		}
		reasons := fu.GetStringSlice("reasons")
		if fu.GetString("status") != "open" || len(reasons) != 1 || reasons[0] != "assessment_"+c.GetString("assessment") || fu.GetString("due_on") == "" {
			t.Errorf("follow-up %s: %v", fu.Id, fu.FieldsData())
		}
		for _, f := range []string{"occurred_on", "daypart", "area", "age_band", "role", "assessment"} {
			if fu.GetString(f) != c.GetString(f) {
				t.Errorf("follow-up %s: copy of %s %q, contact %q", fu.Id, f, fu.GetString(f), c.GetString(f))
			}
		}
	}

	// The old cascade is gone: deleting a contact keeps its follow-up.
	c, _ := app.FindRecordById("contacts", fus[0].GetString("contact"))
	if err := app.Delete(c); err != nil {
		t.Fatal(err)
	}
	kept, err := app.FindRecordById("follow_ups", fus[0].Id)
	if err != nil || kept.GetString("contact") != "" || kept.GetString("age_band") == "" {
		t.Fatalf("follow-up after its contact's deletion: %v %v", kept, err)
	}

	// The first start of this release stores the existing key's fingerprint.
	h, err := up.Hasher()
	if err != nil {
		t.Fatal(err)
	}
	key, err := privacy.ReadKey(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := app.DB().NewQuery("SELECT value FROM _uppsok_meta WHERE key = 'person_key_fingerprint'").Row(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != privacy.Fingerprint(key) || stored != h.Fingerprint() {
		t.Errorf("stored fingerprint %q, want the existing key's", stored)
	}
}
