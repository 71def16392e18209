package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Gallring (retention, package gallring): each run's date and counts in
// gallring_runs, readable by admins (and superusers), written only by the
// server; one-time jobs (such as screening stored notes again) remembered
// in _uppsok_jobs, which no API exposes.
func init() {
	m.Register(func(app core.App) error {
		runs := core.NewBaseCollection("gallring_runs")
		admin := `(@request.auth.collectionName = "users" && @request.auth.role = "admin")`
		runs.ListRule = &admin
		runs.ViewRule = &admin
		runs.Fields.Add(
			&core.TextField{Name: "ran_on", Required: true, Pattern: `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`},
			&core.NumberField{Name: "contact_notes_cleared", OnlyInt: true},
			&core.NumberField{Name: "session_notes_cleared", OnlyInt: true},
			&core.NumberField{Name: "person_keys_cleared", OnlyInt: true},
			&core.NumberField{Name: "follow_ups_deleted", OnlyInt: true},
			&core.NumberField{Name: "enrollments_deleted", OnlyInt: true},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		if err := app.Save(runs); err != nil {
			return fmt.Errorf("gallring_runs: %w", err)
		}
		_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS _uppsok_jobs (name TEXT PRIMARY KEY, done_at TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0)`).Execute()
		if err != nil {
			return fmt.Errorf("_uppsok_jobs: %w", err)
		}
		return nil
	}, func(app core.App) error {
		if c, err := app.FindCollectionByNameOrId("gallring_runs"); err == nil {
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		_, err := app.DB().NewQuery("DROP TABLE IF EXISTS _uppsok_jobs").Execute()
		return err
	})
}
