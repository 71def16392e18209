package gallring

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/privacy"
)

// RescreenJob names the one-time screening of stored notes with the wider
// screen of issue 13. A later change of the screen that should reach stored
// notes adds a job with a new name.
const RescreenJob = "notes_rescreen_2026_11"

// RescreenOnce screens every stored note of contacts and sessions again,
// once per data directory (remembered in _uppsok_jobs). Notes inside the
// field window are saved through PocketBase (a cursor value: tablets get the
// screened text at their next pull); older notes are updated in place. It
// returns how many notes changed and whether the job ran now.
func RescreenOnce(app core.App, cfg Config) (changed int, ran bool, err error) {
	if cfg.WindowDays <= 0 {
		cfg.WindowDays = DefaultWindowDays
	}
	now := cfg.now()
	window := now.In(stockholm).AddDate(0, 0, -cfg.WindowDays).Format(time.DateOnly)
	stamp := now.UTC().Format("2006-01-02 15:04:05.000Z")
	if cfg.PauseCaches != nil {
		resume := cfg.PauseCaches()
		defer resume()
	}
	err = app.RunInTransaction(func(tx core.App) error {
		var done int
		if err := tx.DB().NewQuery("SELECT COUNT(*) FROM _uppsok_jobs WHERE name = {:name}").
			Bind(dbx.Params{"name": RescreenJob}).Row(&done); err != nil {
			return fmt.Errorf("read jobs: %w", err)
		}
		if done > 0 {
			return nil
		}
		ran = true
		for _, t := range []struct{ collection, dateField string }{
			{"contacts", "occurred_on"}, {"outreach_sessions", "started_on"},
		} {
			n, err := rescreen(tx, t.collection, t.dateField, window, stamp)
			if err != nil {
				return err
			}
			changed += n
		}
		_, err := tx.DB().NewQuery("INSERT INTO _uppsok_jobs (name, done_at, count) VALUES ({:name}, {:at}, {:n})").
			Bind(dbx.Params{"name": RescreenJob, "at": stamp, "n": changed}).Execute()
		if err != nil {
			return fmt.Errorf("record job: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return changed, ran, nil
}

func rescreen(tx core.App, collection, dateField, window, stamp string) (int, error) {
	rows := []struct {
		ID    string `db:"id"`
		Notes string `db:"notes"`
		Date  string `db:"d"`
	}{}
	err := tx.DB().Select("id", "notes", dateField+" AS d").From(collection).
		Where(dbx.NewExp("notes != ''")).All(&rows)
	if err != nil {
		return 0, fmt.Errorf("read %s notes: %w", collection, err)
	}
	changed := 0
	for _, r := range rows {
		screened, kinds := privacy.Screen(r.Notes)
		if len(kinds) == 0 {
			continue
		}
		changed++
		if r.Date >= window {
			rec, err := tx.FindRecordById(collection, r.ID)
			if err != nil {
				return 0, fmt.Errorf("find %s %s: %w", collection, r.ID, err)
			}
			rec.Set("notes", screened)
			// Only the note changes, to a screened text; an old record
			// that no longer passes today's validation must not stop the
			// server from starting (the push path saves the same way).
			if err := tx.SaveNoValidate(rec); err != nil {
				return 0, fmt.Errorf("save %s %s: %w", collection, r.ID, err)
			}
			continue
		}
		_, err := tx.DB().Update(collection, dbx.Params{"notes": screened, "updated": stamp}, dbx.HashExp{"id": r.ID}).Execute()
		if err != nil {
			return 0, fmt.Errorf("update %s %s: %w", collection, r.ID, err)
		}
	}
	return changed, nil
}
