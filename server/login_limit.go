package server

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Per-account sign-in limits. PocketBase's own rate limits count per client
// address, and a whole office signs in from one address; these count per
// account instead. The pause is always short: a permanent lock would let
// anyone lock a worker out by typing wrong passwords for their e-mail.
const (
	// DefaultLoginFailures is how many failed sign-ins for one account
	// within DefaultLoginWindow pause that account.
	DefaultLoginFailures = 10
	// DefaultLoginWindow is the window failed sign-ins are counted in.
	DefaultLoginWindow = 10 * time.Minute
	// DefaultLoginPause is how long a paused account gets 429.
	DefaultLoginPause = 10 * time.Minute
	// maxLoginEntries bounds the limiter's memory; when full, entries whose
	// window and pause are over are dropped first, then the oldest.
	maxLoginEntries = 50000
)

// loginLimiter counts failed password sign-ins per account (collection and
// identity, as typed, in lower case; whether the account exists or not, so
// the answer tells nothing about which accounts exist).
type loginLimiter struct {
	now      func() time.Time
	failures int
	window   time.Duration
	pause    time.Duration

	mu      sync.Mutex
	entries map[string]*loginEntry
}

type loginEntry struct {
	fails  []time.Time // failed attempts inside the window, oldest first
	paused time.Time   // 429 until this moment
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{
		now:      now,
		failures: DefaultLoginFailures,
		window:   DefaultLoginWindow,
		pause:    DefaultLoginPause,
		entries:  map[string]*loginEntry{},
	}
}

func loginKey(collection, identity string) string {
	return collection + "\x00" + strings.ToLower(strings.TrimSpace(identity))
}

// paused reports whether key is paused now.
func (l *loginLimiter) paused(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	en := l.entries[key]
	return en != nil && l.now().Before(en.paused)
}

// fail records a failed sign-in for key and pauses it at the limit.
func (l *loginLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	en := l.entries[key]
	if en == nil {
		if len(l.entries) >= maxLoginEntries {
			l.evict(now)
		}
		en = &loginEntry{}
		l.entries[key] = en
	}
	cut := 0
	for cut < len(en.fails) && now.Sub(en.fails[cut]) >= l.window {
		cut++
	}
	en.fails = append(en.fails[cut:], now)
	if len(en.fails) >= l.failures {
		en.paused = now.Add(l.pause)
		en.fails = nil
	}
}

// succeed forgets key's failures.
func (l *loginLimiter) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.entries, key)
}

// evict drops entries that no longer matter; if none, the one whose last
// failure is oldest. Called with mu held.
func (l *loginLimiter) evict(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k, en := range l.entries {
		last := en.paused
		if n := len(en.fails); n > 0 && en.fails[n-1].After(last) {
			last = en.fails[n-1]
		}
		if now.Sub(last) >= l.window && !now.Before(en.paused) {
			delete(l.entries, k)
			continue
		}
		if oldestKey == "" || last.Before(oldest) {
			oldestKey, oldest = k, last
		}
	}
	if len(l.entries) >= maxLoginEntries && oldestKey != "" {
		delete(l.entries, oldestKey)
	}
}

// registerLoginLimit pauses an account's password sign-ins after too many
// failures (429 with a plain message), for every auth collection.
func registerLoginLimit(app core.App, now func() time.Time) {
	l := newLoginLimiter(now)
	app.OnRecordAuthWithPasswordRequest().BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		key := loginKey(e.Collection.Id, e.Identity)
		if l.paused(key) {
			return apis.NewTooManyRequestsError(
				"För många misslyckade inloggningar för kontot. Försök igen om 10 minuter. / Too many failed sign-ins for this account. Try again in 10 minutes.", nil)
		}
		err := e.Next()
		if err != nil {
			var apiErr *router.ApiError
			if errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest {
				l.fail(key)
			}
			return err
		}
		l.succeed(key)
		return nil
	})
}
