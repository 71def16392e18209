package testenv

import (
	"sync"
	"time"
)

// Clock is a server clock a test moves by hand. The app reads it from its
// own goroutines too: request handlers, and PocketBase's cron, which runs
// the daily jobs (gallring at 03:40) by the wall clock even inside a test.
// A plain captured time.Time that the test reassigns is then a data race
// (CI's race detector caught one when its run crossed 03:40).
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time; pass it as Options.Now.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
