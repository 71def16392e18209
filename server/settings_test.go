package server_test

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"uppsok/exports"
	"uppsok/internal/testenv"
	"uppsok/pb_migrations"
	"uppsok/privacy"
	"uppsok/server"
	"uppsok/settings"
)

func TestPrivacySettingsDefaults(t *testing.T) {
	env := testenv.NewWith(t, testenv.Options{RateLimits: true})
	s := env.App.Settings()
	if s.Logs.LogIP {
		t.Error("request logs keep client IPs")
	}
	if s.Logs.LogAuthId {
		t.Error("request logs keep auth ids")
	}
	if !s.RateLimits.Enabled || len(s.RateLimits.Rules) == 0 {
		t.Error("rate limits off")
	}
	if s.Backups.Cron == "" || s.Backups.CronMaxKeep != 7 {
		t.Errorf("backups %q keep %d, want daily keeping 7", s.Backups.Cron, s.Backups.CronMaxKeep)
	}
	if s.Batch.Enabled {
		t.Error("/api/batch enabled")
	}
	for _, name := range []string{"users", "devices", core.CollectionNameSuperusers} {
		c, err := env.App.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		if c.AuthAlert.Enabled {
			t.Errorf("%s: auth-origin alerts on (they store a hash of IP and user agent)", name)
		}
	}
	dev, _ := env.App.FindCollectionByNameOrId("devices")
	if dev.AuthToken.Duration != pb_migrations.DeviceTokenSeconds {
		t.Errorf("device token %ds, want 30 days", dev.AuthToken.Duration)
	}
}

func TestRequestLogsHoldNoIP(t *testing.T) {
	env := testenv.NewWith(t, testenv.Options{RequestLogs: true})
	_, tok := env.Device(t, env.TeamID(t, "mika"), "Platta")
	env.Do(t, "GET", "/api/field/sync?last_pulled_at=0", tok, nil, map[string]string{"X-Forwarded-For": "203.0.113.9"})
	env.Do(t, "GET", "/api/collections/contacts/records", "", nil, nil)

	// Logs are written in batches every few seconds: wait, bounded.
	var rows []struct {
		Data string `db:"data"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		rows = rows[:0]
		err := env.App.AuxDB().Select("data").From("_logs").Where(dbx.Like("message", "/api/")).All(&rows)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) >= 2 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(rows) < 2 {
		t.Fatalf("only %d request log rows written", len(rows))
	}
	for _, r := range rows {
		for _, ip := range []string{"127.0.0.1", "203.0.113.9", "userIP", "remoteIP"} {
			if strings.Contains(r.Data, ip) {
				t.Errorf("log row holds %q: %s", ip, r.Data)
			}
		}
	}
}

func TestBackupsLeaveThePersonKeyOut(t *testing.T) {
	env := testenv.New(t)
	if _, err := env.Uppsok.Hasher(); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(env.Core.DataDir(), privacy.KeyFileName)
	if _, err := os.Stat(keyPath); err != nil {
		t.Fatalf("no key file: %v", err)
	}
	if err := env.Core.CreateBackup(context.Background(), "b1.zip"); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(env.Core.DataDir(), core.LocalBackupsDirName, "b1.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := []string{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		if strings.Contains(f.Name, privacy.KeyFileName) {
			t.Errorf("backup holds %s", f.Name)
		}
	}
	if !slices.Contains(names, "data.db") {
		t.Errorf("backup lacks the database: %v", names)
	}
}

func TestBadSettingsStopTheStart(t *testing.T) {
	scenarios := []struct{ name, value string }{
		{"UPPSOK_LAGESBILD_K", "fem"},
		{"UPPSOK_LAGESBILD_K", "2"}, // below the minimum k
		{"UPPSOK_FIELD_WINDOW_DAYS", "30d"},
		{"UPPSOK_FIELD_WINDOW_DAYS", "0"}, // was silently replaced by the default
		{"UPPSOK_TOMBSTONE_DAYS", "90"},   // below the minimum retention
		{"UPPSOK_QUICK_EXIT_URL", "www.google.com"},
		{"UPPSOK_PERSON_KEY", "not-hex"},
		{"UPPSOK_DEBUG_ERRORS", "kanske"},
	}
	for _, s := range scenarios {
		t.Run(s.name+"="+s.value, func(t *testing.T) {
			t.Setenv(s.name, s.value)
			app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env"})
			if err != nil {
				t.Fatal(err)
			}
			defer app.Cleanup()
			_, err = server.Register(app, server.Options{HooksDir: filepath.Join(testenv.RepoRoot(), "pb_hooks")})
			if err == nil {
				t.Fatal("started with a bad setting")
			}
			if !strings.Contains(err.Error(), s.name) {
				t.Errorf("error %q does not name %s", err, s.name)
			}
		})
	}
}

// TestSettingsReachThePackages: a setting read at start is the value the
// packages use (the lägesbild API's k, the pages' quick exit).
func TestSettingsReachThePackages(t *testing.T) {
	if exports.DefaultK != settings.DefaultLagesbildK || exports.MinK != settings.MinLagesbildK {
		t.Errorf("exports k %d (min %d), settings %d (min %d)", exports.DefaultK, exports.MinK, settings.DefaultLagesbildK, settings.MinLagesbildK)
	}
	t.Setenv("UPPSOK_QUICK_EXIT_URL", "https://www.svt.se/")
	t.Setenv("UPPSOK_LAGESBILD_K", "7")
	env := testenv.New(t)
	if got := env.Uppsok.Settings; got.QuickExitURL != "https://www.svt.se/" || got.LagesbildK != 7 {
		t.Fatalf("settings %+v", got)
	}
	_, body, _ := env.Do(t, "GET", "/info/sv/young", "", nil, nil)
	if !strings.Contains(string(body), "https://www.svt.se/") {
		t.Error("the information page does not leave to UPPSOK_QUICK_EXIT_URL")
	}
	analyst := func() string { _, tok := env.User(t, "a@example.se", "analyst", ""); return tok }()
	var rep struct {
		K int `json:"k"`
	}
	env.MustJSON(t, "GET", "/api/lagesbild/audit?year=2026", analyst, nil, 200, &rep)
	if rep.K != 7 {
		t.Errorf("lägesbild audit ran with k = %d, want 7", rep.K)
	}
}
