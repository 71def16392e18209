package field

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The read connections. PocketBase's read pool (app.ConcurrentDB) may open
// 120 SQLite connections; in a burst of 200 tablets every request's token
// lookup ran at once, on as many connections, each new one parsing the
// whole schema first, and the queries slowed each other down on two cores.
// With the pool held to AppReadConns open (and kept), the lookups queue
// for a connection instead: in the 200-tablet burst the server's CPU fell
// by about a seventh (README, "Measured").
//
// A pull cannot share a pool that small: it holds its read transaction
// (its snapshot) until the last byte of its reply is on the wire, and a
// tablet on a weak link takes many seconds for a first sync. Sixteen such
// tablets would hold every connection, and every other request of the
// service would wait for them. The pulls therefore read from a pool of
// their own (pullPool), as large as PocketBase's default; they are bounded
// in CPU by the gate (gate.go). A pull waits for its turn at a connection
// before it waits for a slot of the gate, never while it holds a slot
// (handlePull): otherwise pulls waiting for a connection inside their
// slots, and pulls holding connections waiting for a slot, would wait
// for each other for good.

// AppReadConns is how many connections PocketBase's read pool keeps open
// at most (and idle): the token lookups, the console, the exports and
// every other read but the pulls.
const AppReadConns = 16

// Pull pool: at most pullMaxConns open (PocketBase's own default for its
// read pool), pullIdleConns kept between bursts.
const (
	pullMaxConns  = 120
	pullIdleConns = 8
)

// limitAppReads holds app's read pool to AppReadConns connections. It is
// called when the app is bootstrapped (again: tests reopen apps).
func limitAppReads(app core.App) {
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok || db == nil {
		return
	}
	db.DB().SetMaxOpenConns(AppReadConns)
	db.DB().SetMaxIdleConns(AppReadConns)
}

// registerReadPools limits the app's read pool now (if the app is
// bootstrapped) and on every bootstrap, and closes the pulls' pool when
// the app terminates.
func (s *Service) registerReadPools(app core.App) {
	if app.IsBootstrapped() {
		limitAppReads(app)
	}
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		limitAppReads(e.App)
		return nil
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		s.pulls.close()
		return e.Next()
	})
}

// pullPool is the pulls' own read pool on the app's database file, opened
// at the first pull and opened again when the app's database was (a
// restored backup, a test's new app).
type pullPool struct {
	mu     sync.Mutex
	beside *dbx.DB // the app's read pool this one was opened beside
	db     *dbx.DB
	closed bool
	// turns holds a token for each connection a pull may hold (turn).
	once  sync.Once
	turns chan struct{}
}

// get returns the pool for app, opening it when needed.
func (p *pullPool) get(app core.App) (*dbx.DB, error) {
	appDB, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok || appDB == nil {
		return nil, fmt.Errorf("unexpected read db type %T", app.ConcurrentDB())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errors.New("the pulls' read pool is closed (the app is terminating)")
	}
	if p.db != nil && p.beside == appDB {
		return p.db, nil
	}
	if p.db != nil {
		p.db.Close()
		p.db = nil
	}
	// The same connection settings as PocketBase's own pools (WAL, busy
	// timeout, foreign keys, ...); no statement log, whatever the mode.
	db, err := core.DefaultDBConnect(filepath.Join(app.DataDir(), "data.db"))
	if err != nil {
		return nil, fmt.Errorf("open the pulls' read pool: %w", err)
	}
	db.DB().SetMaxOpenConns(pullMaxConns)
	db.DB().SetMaxIdleConns(pullIdleConns)
	db.DB().SetConnMaxIdleTime(3 * time.Minute) // as PocketBase's pools
	p.db, p.beside = db, appDB
	return db, nil
}

// close closes the pool for good (the app is terminating): a pull that
// comes after gets an error.
func (p *pullPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.db != nil {
		p.db.Close()
		p.db, p.beside = nil, nil
	}
}

// turn waits (as long as ctx lives) for one of the pool's connections to
// be the caller's to take; release gives the turn back.
func (p *pullPool) turn(ctx context.Context) (release func(), err error) {
	p.once.Do(func() { p.turns = make(chan struct{}, pullMaxConns) })
	select {
	case p.turns <- struct{}{}:
		return func() { <-p.turns }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// beginPull begins a pull's read transaction on the pulls' pool. The
// caller holds a turn (handlePull), so a connection is free or will be
// at once.
func (s *Service) beginPull() (*dbx.Tx, error) {
	db, err := s.pulls.get(s.app)
	if err != nil {
		return nil, err
	}
	tx, err := db.Begin()
	if err != nil {
		return nil, fmt.Errorf("begin read: %w", err)
	}
	return tx, nil
}
