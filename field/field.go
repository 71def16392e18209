// Package field is the offline sync service for outreach tablets: pull and
// push over the WatermelonDB-style contract of docs/sync-protocol.md, the
// global change cursor and tombstones, idempotent pushes, sanitising and
// personal-data screening, and device enrollment and revocation.
package field

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"uppsok/privacy"
	"uppsok/settings"
)

// Tunables.
const (
	// MaxPushRecords is the most records one push may hold.
	MaxPushRecords = 2000
	// MaxPushBytes is the largest push body.
	MaxPushBytes = 5 << 20
	// drainLimit bounds how much of an oversized push is read before the
	// 413 is sent.
	drainLimit = 32 << 20
	// IdempotencyTTL is how long a push response is kept for replay.
	IdempotencyTTL = 24 * time.Hour
	// EnrollmentTTL is how long an enrollment code is valid.
	EnrollmentTTL = 15 * time.Minute
	// lastSeenGranularity bounds how often a pull writes last_seen.
	lastSeenGranularity = time.Minute
)

// Config configures the field service.
type Config struct {
	// WindowDays is the first sync's window (settings.DefaultFieldWindowDays
	// if 0).
	WindowDays int
	// TombstoneDays is the tombstone retention (settings.DefaultTombstoneDays
	// if 0; at least settings.MinTombstoneDays).
	TombstoneDays int
	// Hasher turns person codes into keyed hashes. Required.
	Hasher func() *privacy.Hasher
	// CardRows returns the info cards in their wire form (code, language,
	// audience, title, url); nil leaves the info_cards table empty.
	CardRows func(db dbx.Builder) ([]map[string]any, error)
	// DebugErrors also prints unexpected sync errors to stderr (they always
	// go to the app log).
	DebugErrors bool
	// Now is the clock (time.Now if nil); tests set it.
	Now func() time.Time
}

// Service serves the field routes.
type Service struct {
	app core.App
	cfg Config
	loc *time.Location
	// gate bounds the pulls and push decoding that run beside the push
	// writer (gate.go).
	gate *cpuGate
	// queue holds a slot for each push decoded and waiting for the
	// writer (push.go).
	queue chan struct{}
	// writer applies the pushes, several waiting ones in one transaction
	// (push_group.go).
	writer writeQueue
	// rows caches the pull's encoded rows (pull_cache.go).
	rows *rowCache
	// chunks caches the compressed pull's chunks of rows (pull_chunks.go);
	// nil compresses every row with its reply (tests and benchmarks).
	chunks *chunkCache
	// fetch holds the pull's prepared reads of rows' JSON (pull_sql.go).
	fetch fetchStmts
	// pulls is the pulls' own read pool (readpool.go).
	pulls pullPool
	// warmAlways has every push cache its rows (tests; pull_prewarm.go).
	warmAlways bool
	// rowsEncoded counts the rows the pulls had SQLite encode (cache
	// misses; pull_sql.go).
	rowsEncoded atomic.Int64
	// cacheEpoch counts the caches' pauses and resumes (PauseCachedRows):
	// a pull puts rows and chunks into the caches only if none came since
	// it began (pull_cache.go). cachePaused is how many pauses are on:
	// while any is, the pulls read neither cache.
	cacheEpoch  atomic.Uint64
	cachePaused atomic.Int32
	// afterSnapshot, when set (tests only), runs in each pull once its
	// snapshot is taken, before it reads any row.
	afterSnapshot func()
	// holdBuilders, when set (tests only), holds the builders of a push
	// built beside its transaction until it is closed (push_prebuild.go).
	holdBuilders chan struct{}
	// builderWaiting, when set (tests only), is called when a push's
	// transaction is about to wait for a record's builder.
	builderWaiting func()
	// windows keeps first pulls' window lists (pull_window.go); nil: off.
	windows *windowLists
	// windowServed counts first pulls served from a kept window list.
	windowServed atomic.Int64
}

// Register wires the field service into app: cursor hooks, the revoked
// device check, the sync, enrollment and revocation routes, and the daily
// clean-up job.
func Register(app core.App, cfg Config) (*Service, error) {
	if cfg.WindowDays == 0 {
		cfg.WindowDays = settings.DefaultFieldWindowDays
	}
	if cfg.WindowDays < settings.MinFieldWindowDays {
		return nil, fmt.Errorf("field: window %d days is below the minimum %d", cfg.WindowDays, settings.MinFieldWindowDays)
	}
	if cfg.TombstoneDays == 0 {
		cfg.TombstoneDays = settings.DefaultTombstoneDays
	}
	if cfg.TombstoneDays < settings.MinTombstoneDays {
		return nil, fmt.Errorf("field: tombstone retention %d days is below the minimum %d", cfg.TombstoneDays, settings.MinTombstoneDays)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Hasher == nil {
		return nil, fmt.Errorf("field: a person-code hasher is required")
	}
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	s := &Service{app: app, cfg: cfg, loc: loc, gate: newCPUGate(defaultGateSlots()),
		rows: newRowCache(DefaultRowCacheBytes, time.Now), chunks: newChunkCache(DefaultChunkCacheBytes, time.Now), queue: make(chan struct{}, DefaultPushQueue), windows: newWindowLists()}
	s.registerRowCacheHooks(app)
	s.registerReadPools(app)

	registerCursorHooks(app, cfg.Now)
	registerPushValidated(app)
	registerPushAutodates(app)
	registerDeviceDeletions(app, cfg.Now)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(s.revokedDeviceMiddleware())
		s.routes(se.Router)
		return se.Next()
	})

	app.Cron().MustAdd("uppsok_field_cleanup", "17 4 * * *", func() {
		now := cfg.Now()
		if _, err := PruneTombstones(app, now, time.Duration(cfg.TombstoneDays)*24*time.Hour); err != nil {
			app.Logger().Error("prune tombstones", "error", err)
		}
		if err := pruneIdempotency(app, now); err != nil {
			app.Logger().Error("prune idempotency keys", "error", err)
		}
	})
	return s, nil
}

func (s *Service) routes(r *router.Router[*core.RequestEvent]) {
	g := r.Group("/api/field")
	g.GET("/sync", s.handlePull) // compressed by the handler itself (pull.go)
	g.POST("/sync", s.handlePush)
	g.POST("/enrollments", s.handleCreateEnrollment)
	g.GET("/enrollments/{id}/qr.png", s.handleEnrollmentQR).Bind(apis.SkipSuccessActivityLog())
	g.POST("/enroll", s.handleEnroll)
	g.POST("/devices/{id}/revoke", s.handleRevoke)
}

// today returns the current date in Stockholm (YYYY-MM-DD).
func (s *Service) today() string {
	return s.cfg.Now().In(s.loc).Format(time.DateOnly)
}
