// Package gallring clears what can point toward a person once it is no
// longer needed (gallring: the Swedish archive term for weeding out). Anonymised
// codes stay for the statistics; notes, person hashes, finished follow-ups and
// spent enrollment codes go after the periods of Config.
//
// Changes to records inside the field window are saved through PocketBase, so
// they take a cursor value and reach the team's tablets at their next pull.
// Older records, which no tablet holds, are changed in place without a cursor
// value, so that a nightly run does not wake every tablet's next pull.
package gallring

import (
	"context"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

const (
	// DefaultWindowDays is the field window when Config leaves it 0 (the
	// field service's own default).
	DefaultWindowDays = 30
	// Cron is when the daily run starts (server time).
	Cron = "40 3 * * *"
	// RunsCollection records each run: date and counts only.
	RunsCollection = "gallring_runs"
)

// Config holds the retention periods (from the settings package, where
// their defaults and environment variables live) and the clock.
type Config struct {
	// NotesMonths: notes of contacts and sessions are cleared this many
	// months after the day they concern.
	NotesMonths int
	// PersonKeyYears: person hashes are cleared this many years after the
	// contact (the distinct-person counts of those years live on in the
	// frozen lägesbild releases).
	PersonKeyYears int
	// FollowUpYears: follow-ups are deleted this many years after they
	// were decided (done).
	FollowUpYears int
	// EnrollmentDays: used or expired enrollment codes are deleted this
	// many days after use or expiry.
	EnrollmentDays int
	// WindowDays is the field window (how far back a tablet holds records).
	WindowDays int
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// PauseCaches, when set, is called before a run's (or the
	// screening's) transaction, and the resume it returns once the
	// transaction is over, whatever its outcome: the field service keeps
	// its pulls from reading their cached rows in between and empties the
	// caches at both ends. Notes cleared in place keep their cursor
	// values, so a cached row would still match and hold the old note.
	PauseCaches func() (resume func())
}

func (c Config) validate() error {
	if c.NotesMonths < 1 || c.PersonKeyYears < 1 || c.FollowUpYears < 1 || c.EnrollmentDays < 1 {
		return fmt.Errorf("gallring: every retention period must be at least 1 (%+v)", c)
	}
	return nil
}

// Result counts what one run cleared (or, dry, would clear).
type Result struct {
	Date         string `json:"date"`
	ContactNotes int    `json:"contact_notes_cleared"`
	SessionNotes int    `json:"session_notes_cleared"`
	PersonKeys   int    `json:"person_keys_cleared"`
	FollowUps    int    `json:"follow_ups_deleted"`
	Enrollments  int    `json:"enrollments_deleted"`
	InWindow     int    `json:"in_window"` // of the notes: records tablets may hold
	DryRun       bool   `json:"dry_run"`
}

// stockholm is the time zone of "the day a record concerns".
var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Run applies the retention rules once, in one transaction. With dry it
// changes nothing and only counts. A real run is recorded in RunsCollection.
func Run(ctx context.Context, app core.App, cfg Config, dry bool) (Result, error) {
	if cfg.WindowDays <= 0 {
		cfg.WindowDays = DefaultWindowDays
	}
	if err := cfg.validate(); err != nil {
		return Result{}, err
	}
	now := cfg.now()
	today := now.In(stockholm)
	res := Result{Date: today.Format(time.DateOnly), DryRun: dry}
	notesCut := today.AddDate(0, -cfg.NotesMonths, 0).Format(time.DateOnly)
	keyCut := today.AddDate(-cfg.PersonKeyYears, 0, 0).Format(time.DateOnly)
	followCut := today.AddDate(-cfg.FollowUpYears, 0, 0).Format(time.DateOnly)
	enrollCut := now.UTC().AddDate(0, 0, -cfg.EnrollmentDays).Format("2006-01-02 15:04:05.000Z")
	window := today.AddDate(0, 0, -cfg.WindowDays).Format(time.DateOnly)
	stamp := now.UTC().Format("2006-01-02 15:04:05.000Z")

	if !dry && cfg.PauseCaches != nil {
		resume := cfg.PauseCaches()
		defer resume()
	}
	err := app.RunInTransaction(func(tx core.App) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if res.ContactNotes, err = clearOld(tx, "contacts", "occurred_on", "notes", notesCut, window, stamp, dry, &res.InWindow); err != nil {
			return err
		}
		if res.SessionNotes, err = clearOld(tx, "outreach_sessions", "started_on", "notes", notesCut, window, stamp, dry, &res.InWindow); err != nil {
			return err
		}
		// Person hashes never travel to tablets: always in place.
		if res.PersonKeys, err = clearOld(tx, "contacts", "occurred_on", "person_key", keyCut, "", stamp, dry, nil); err != nil {
			return err
		}
		if res.FollowUps, err = deleteFollowUps(tx, followCut, dry); err != nil {
			return err
		}
		if res.Enrollments, err = deleteRecords(tx, "enrollments",
			dbx.NewExp("(used_at != '' AND used_at < {:cut}) OR (expires_at != '' AND expires_at < {:cut})", dbx.Params{"cut": enrollCut}), dry); err != nil {
			return err
		}
		if dry {
			return nil
		}
		return record(tx, res)
	})
	return res, err
}

// clearOld empties field on the records of collection whose dateField is
// before cut. Records on or after window (tablets may hold them) are saved
// through PocketBase and take a cursor value; older ones are updated in
// place. window "" means no tablet holds the field: all in place.
func clearOld(tx core.App, collection, dateField, field, cut, window, stamp string, dry bool, inWindow *int) (int, error) {
	where := dbx.NewExp(dateField+" < {:cut} AND "+field+" != ''", dbx.Params{"cut": cut})
	var total int
	if err := tx.DB().Select("COUNT(*)").From(collection).Where(where).Row(&total); err != nil {
		return 0, fmt.Errorf("count %s %s: %w", collection, field, err)
	}
	if total == 0 {
		return 0, nil
	}
	var recent []*core.Record
	if window != "" && cut > window {
		var err error
		recent, err = tx.FindRecordsByFilter(collection, dateField+" < {:cut} && "+dateField+" >= {:window} && "+field+" != ''",
			"", 0, 0, dbx.Params{"cut": cut, "window": window})
		if err != nil {
			return 0, fmt.Errorf("find recent %s: %w", collection, err)
		}
		if inWindow != nil {
			*inWindow += len(recent)
		}
	}
	if dry {
		return total, nil
	}
	for _, r := range recent {
		r.Set(field, "")
		if err := tx.Save(r); err != nil {
			return 0, fmt.Errorf("clear %s of %s %s: %w", field, collection, r.Id, err)
		}
	}
	old := where
	if window != "" {
		old = dbx.And(where, dbx.NewExp(dateField+" < {:window}", dbx.Params{"window": window}))
	}
	_, err := tx.DB().Update(collection, dbx.Params{field: "", "updated": stamp}, old).Execute()
	if err != nil {
		return 0, fmt.Errorf("clear old %s of %s: %w", field, collection, err)
	}
	return total, nil
}

// deleteFollowUps deletes follow-ups decided (done) before cut. It keys on
// status/decided_on (the follow-up workflow) and the last update, since a
// lead may give a decision date long past when marking one done today; it
// falls back to the older done flag with the last update when the workflow
// fields are not there yet.
func deleteFollowUps(tx core.App, cut string, dry bool) (int, error) {
	col, err := tx.FindCollectionByNameOrId("follow_ups")
	if err != nil {
		return 0, fmt.Errorf("find follow_ups: %w", err)
	}
	var where dbx.Expression
	switch {
	case col.Fields.GetByName("status") != nil && col.Fields.GetByName("decided_on") != nil:
		where = dbx.NewExp("status = 'done' AND decided_on != '' AND substr(decided_on, 1, 10) < {:cut} AND substr(updated, 1, 10) < {:cut}", dbx.Params{"cut": cut})
	case col.Fields.GetByName("done") != nil:
		where = dbx.NewExp("done = 1 AND substr(updated, 1, 10) < {:cut}", dbx.Params{"cut": cut})
	default:
		return 0, nil
	}
	return deleteRecords(tx, "follow_ups", where, dry)
}

// deleteRecords deletes the records of collection matching where through
// PocketBase (its hooks and relation clean-up run), or only counts them.
func deleteRecords(tx core.App, collection string, where dbx.Expression, dry bool) (int, error) {
	var ids []string
	if err := tx.DB().Select("id").From(collection).Where(where).Column(&ids); err != nil {
		return 0, fmt.Errorf("find %s: %w", collection, err)
	}
	if dry {
		return len(ids), nil
	}
	for _, id := range ids {
		r, err := tx.FindRecordById(collection, id)
		if err != nil {
			return 0, fmt.Errorf("find %s %s: %w", collection, id, err)
		}
		if err := tx.Delete(r); err != nil {
			return 0, fmt.Errorf("delete %s %s: %w", collection, id, err)
		}
	}
	return len(ids), nil
}

// record stores one run's date and counts.
func record(tx core.App, res Result) error {
	col, err := tx.FindCollectionByNameOrId(RunsCollection)
	if err != nil {
		return fmt.Errorf("find %s: %w", RunsCollection, err)
	}
	r := core.NewRecord(col)
	r.Set("ran_on", res.Date)
	r.Set("contact_notes_cleared", res.ContactNotes)
	r.Set("session_notes_cleared", res.SessionNotes)
	r.Set("person_keys_cleared", res.PersonKeys)
	r.Set("follow_ups_deleted", res.FollowUps)
	r.Set("enrollments_deleted", res.Enrollments)
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	return nil
}
