package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Privacy and safety defaults. Documented in docs/settings.md; an admin may
// change them in the dashboard, and a later migration never silently undoes
// such a change (this one runs once).
const (
	// DefaultLogDays keeps request logs briefly: long enough to debug an
	// incident reported the same week, short enough to hold little.
	DefaultLogDays = 3
	// DefaultBackupCron takes a backup every night at 03:00 server time.
	DefaultBackupCron = "0 3 * * *"
	// DefaultBackupKeep keeps a week of nightly backups.
	DefaultBackupKeep = 7
)

// DefaultRateLimits suit many tablets behind one address (a team's office
// NAT): limits are per client IP, so sync routes are generous while the
// unauthenticated enrollment and password logins are tight.
var DefaultRateLimits = []core.RateLimitRule{
	{Label: "POST /api/field/enroll", MaxRequests: 10, Duration: 60},
	{Label: "*:auth", MaxRequests: 20, Duration: 60},
	{Label: "/api/field/", MaxRequests: 600, Duration: 60},
	{Label: "/k/", MaxRequests: 300, Duration: 60},
	{Label: "/api/", MaxRequests: 1200, Duration: 60},
}

func init() {
	m.Register(applySettings, nil)
}

func applySettings(app core.App) error {
	s := app.Settings()
	s.Meta.AppName = "uppsok"
	s.Logs.LogIP = false
	s.Logs.LogAuthId = false
	s.Logs.MaxDays = DefaultLogDays
	s.RateLimits.Enabled = true
	s.RateLimits.Rules = append([]core.RateLimitRule(nil), DefaultRateLimits...)
	s.Backups.Cron = DefaultBackupCron
	s.Backups.CronMaxKeep = DefaultBackupKeep
	// /api/batch stays off: field sync has its own transactional route.
	s.Batch.Enabled = false
	if err := app.Save(s); err != nil {
		return fmt.Errorf("privacy settings: %w", err)
	}

	// No auth-origin tracking (it stores a hash of IP and user agent).
	su, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return fmt.Errorf("find superusers: %w", err)
	}
	su.AuthAlert.Enabled = false
	if err := app.Save(su); err != nil {
		return fmt.Errorf("superusers auth alert: %w", err)
	}
	return nil
}
