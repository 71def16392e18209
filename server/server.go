// Package server wires uppsok together: migrations, the JS hooks, the
// person-code key, privacy hooks, and the field, exports and cards
// services. main and the tests both call Register, so tests run the same
// app as production.
package server

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/jsvm"

	"uppsok/cards"
	"uppsok/console"
	"uppsok/exports"
	"uppsok/field"
	fieldapp "uppsok/field/app"
	"uppsok/followups"
	"uppsok/gallring"
	"uppsok/internal/apierr"
	_ "uppsok/pb_migrations" // registers the Go migrations
	"uppsok/privacy"
	"uppsok/settings"
)

// Options configures Register.
type Options struct {
	// Settings are the start-up settings; nil reads and validates them
	// from the environment (settings.FromEnv), as `uppsok serve` does.
	Settings *settings.Settings
	// HooksDir is the pb_hooks directory ("" = Settings.HooksDir).
	HooksDir string
	// HooksPoolSize is the number of prewarmed JS runtimes (0 = 4).
	HooksPoolSize int
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// StartLog receives the start messages meant for whoever runs the
	// service, such as which JS hooks were loaded (nil = os.Stderr).
	StartLog io.Writer
}

// App holds the services Register wired, for commands and tests.
type App struct {
	Field   *field.Service
	Cards   *cards.Service
	Console *console.Service
	// Settings are the start-up settings Register was given or read.
	Settings settings.Settings
	// Gallring is the retention configuration (for the gallring command).
	Gallring gallring.Config

	hasherOnce sync.Once
	hasher     *privacy.Hasher
	hasherErr  error
	core       core.App
}

// Hasher returns the person-code hasher, loading (or, while no person
// hashes exist, creating) its key in the data directory on first use and
// checking it against the fingerprint in the database (loadCheckedHasher).
// Call it only after the migrations ran.
func (a *App) Hasher() (*privacy.Hasher, error) {
	a.hasherOnce.Do(func() {
		a.hasher, a.hasherErr = loadCheckedHasher(a.core, a.Settings.PersonKey)
	})
	return a.hasher, a.hasherErr
}

// Register wires every part of uppsok into app. Call it before app.Start
// (or, in tests, before triggering OnServe).
func Register(app core.App, opts Options) (*App, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Settings == nil {
		s, err := settings.FromEnv(os.Getenv)
		if err != nil {
			return nil, err
		}
		opts.Settings = &s
	}
	set := *opts.Settings
	a := &App{core: app, Settings: set}

	// Client faults 400 with a plain message, internal failures 500 with no
	// detail and logged, on every route.
	apierr.Register(app, set.DebugErrors, os.Stderr)

	hooksDir := opts.HooksDir
	if hooksDir == "" {
		hooksDir = set.HooksDir
	}
	pool := opts.HooksPoolSize
	if pool == 0 {
		pool = 4
	}
	jsCfg := jsvm.Config{
		HooksDir:      hooksDir,
		HooksPoolSize: pool,
		// JS migrations are not used (migrations are Go, in pb_migrations):
		// point the loader at a directory that does not exist, not at
		// pb_migrations or pb_hooks, whose files are no JS migrations.
		MigrationsDir: filepath.Join(os.TempDir(), "uppsok-no-js-migrations"),
	}
	if err := jsvm.Register(app, jsCfg); err != nil {
		return nil, fmt.Errorf("register js hooks: %w", err)
	}
	if hooksDir == "" {
		hooksDir = filepath.Join(app.DataDir(), "../pb_hooks") // jsvm's default
	}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		w := opts.StartLog
		if w == nil {
			w = os.Stderr
		}
		logHooks(se.App, hooksDir, w)
		return se.Next()
	})

	// The child rule: compiled in, always active, in the contact's
	// transaction; the JS hooks may only widen it.
	followups.Register(app, opts.Now)

	// serve checks the person-code key before it listens (the migrations
	// have run by then); seed-demo does so through Hasher.
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if _, err := a.Hasher(); err != nil {
			return fmt.Errorf("person-code key: %w", err)
		}
		return se.Next()
	})

	registerPrivacyHooks(app, a)
	registerLoginLimit(app, opts.Now)

	// The person-code key never goes into a backup (a backup must not hold
	// both the hashes and the key), and a restore keeps the key in place.
	keepKeyOut := func(e *core.BackupEvent) error {
		e.Exclude = append(e.Exclude, privacy.KeyFileName)
		return e.Next()
	}
	app.OnBackupCreate().BindFunc(keepKeyOut)
	app.OnBackupRestore().BindFunc(keepKeyOut)

	a.Cards = cards.Register(app, cards.Config{Now: opts.Now, QuickExitURL: set.QuickExitURL})
	fieldapp.Register(app)
	a.Console = console.Register(app, console.Config{Now: opts.Now, StartLog: opts.StartLog})

	fieldCfg := field.Config{
		WindowDays:    set.FieldWindowDays,
		TombstoneDays: set.TombstoneDays,
		DebugErrors:   set.DebugErrors,
		Now:           opts.Now,
		CardRows:      cards.CardRows(a.Cards.PublicURL),
		Hasher: func() *privacy.Hasher {
			h, err := a.Hasher()
			if err != nil {
				panic(fmt.Sprintf("person-code key unavailable: %v", err))
			}
			return h
		},
	}
	fs, err := field.Register(app, fieldCfg)
	if err != nil {
		return nil, err
	}
	a.Field = fs

	if err := exports.Register(app, exports.Config{K: set.LagesbildK, Now: opts.Now}); err != nil {
		return nil, err
	}

	gcfg := gallring.Config{
		NotesMonths:    set.GallringNotesMonths,
		PersonKeyYears: set.GallringPersonKeyYears,
		FollowUpYears:  set.GallringFollowUpYears,
		EnrollmentDays: set.GallringEnrollmentDays,
		WindowDays:     set.FieldWindowDays,
		Now:            opts.Now,
		PauseCaches:    fs.PauseCachedRows,
	}
	a.Gallring = gcfg
	gallring.Register(app, gcfg)
	return a, nil
}
