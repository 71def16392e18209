package field

import (
	"container/list"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// The pull's row cache. When tablets sync at the same time (a shift ends,
// the morning meeting), every tablet of a team pulls the same rows, and
// encoding a row was most of a pull's CPU. The cache holds a row's JSON
// for the cursor value (seq) it was read at. Every change of a synced
// record takes a new cursor value in the same transaction (cursor.go; the
// sync itself rests on that), so a cached row is exactly the row of any
// snapshot that shows the same cursor value, and a changed row is a miss.
//
// Privacy: the cache holds what the tablets of the team hold anyway, in
// the server's memory only. A row is dropped when its record is updated or
// deleted (so a deleted contact or a note cleared through PocketBase does
// not linger). Gallring clears old notes in place, without a cursor value:
// its run in the server pauses the caches over its transaction
// (PauseCachedRows), and a run by hand in another process is covered by
// the age bound: a sweep each minute drops any row not pulled for
// rowCacheTTL and any row cached more than rowCacheTTL ago, however often
// it is pulled. The cache is bounded by DefaultRowCacheBytes and starts
// empty with each process.

// DefaultRowCacheBytes bounds the JSON the pull's row cache holds (about
// 25,000 contacts).
const DefaultRowCacheBytes = 16 << 20

// rowCacheTTL is how long a row nobody pulls stays cached, and the most
// any row stays cached.
const rowCacheTTL = 10 * time.Minute

// rowCache is an LRU of rows' wire JSON keyed by collection and id.
type rowCache struct {
	mu     sync.Mutex
	budget int
	used   int
	byKey  map[rowKey]*list.Element
	lru    list.List // front: most recently used
	now    func() time.Time
	// drops counts drop calls: rows encoded after a commit are put only if
	// nothing was dropped since (putUnlessDropped).
	drops uint64
}

type rowKey struct{ collection, id string }

type rowEntry struct {
	key     rowKey
	version int
	seq     int64
	json    []byte
	used    time.Time
	cached  time.Time // when it was put: the age bound
}

// entryOverhead approximates an entry's memory besides its JSON.
const entryOverhead = 160

func newRowCache(budget int, now func() time.Time) *rowCache {
	return &rowCache{budget: budget, byKey: map[rowKey]*list.Element{}, now: now}
}

// get returns the cached JSON of the row at cursor value seq for schema
// version version. The slice is shared: callers only write it out.
func (c *rowCache) get(collection, id string, version int, seq int64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[rowKey{collection, id}]
	if !ok {
		return nil, false
	}
	e := el.Value.(*rowEntry)
	if e.seq != seq || e.version != version {
		return nil, false
	}
	c.lru.MoveToFront(el)
	e.used = c.now()
	return e.json, true
}

// put caches a row's JSON (which the cache keeps: callers must not change
// it after) and evicts the least recently used rows beyond the budget.
func (c *rowCache) put(collection, id string, version int, seq int64, json []byte) {
	c.putIf(func() bool { return true }, collection, id, version, seq, json)
}

// dropCount returns how many rows were dropped so far.
func (c *rowCache) dropCount() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.drops
}

// putUnlessDropped puts a row unless a row was dropped since the count
// was since: a record changed or deleted after the rows were written
// must not get its old text back into the cache, even at a cursor value
// no pull asks for (a deleted contact's notes would stay in memory).
func (c *rowCache) putUnlessDropped(since uint64, collection, id string, version int, seq int64, json []byte) {
	c.putIf(func() bool { return c.drops == since }, collection, id, version, seq, json)
}

// putIf is put when ok, called under the cache's lock, holds.
func (c *rowCache) putIf(ok func() bool, collection, id string, version int, seq int64, json []byte) {
	size := len(json) + len(id) + entryOverhead
	if size > c.budget/8 {
		return // a huge row would push out many others
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !ok() {
		return
	}
	k := rowKey{collection, id}
	if el, ok := c.byKey[k]; ok {
		c.remove(el)
	}
	now := c.now()
	el := c.lru.PushFront(&rowEntry{key: k, version: version, seq: seq, json: json, used: now, cached: now})
	c.byKey[k] = el
	c.used += size
	for c.used > c.budget {
		c.remove(c.lru.Back())
	}
}

// drop forgets a record's row.
func (c *rowCache) drop(collection, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drops++
	if el, ok := c.byKey[rowKey{collection, id}]; ok {
		c.remove(el)
	}
}

// sweep drops the rows not pulled since before ttl ago, and the rows
// cached before ttl ago.
func (c *rowCache) sweep(ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cutoff := c.now().Add(-ttl)
	removeStale(&c.lru, func(e *rowEntry) bool { return e.used.Before(cutoff) || e.cached.Before(cutoff) }, c.remove)
}

// removeStale removes, with remove, the elements of l whose value is stale.
func removeStale[E any](l *list.List, stale func(E) bool, remove func(*list.Element)) {
	for el := l.Back(); el != nil; {
		prev := el.Prev()
		if stale(el.Value.(E)) {
			remove(el)
		}
		el = prev
	}
}

// clear forgets every row; rows encoded after a commit before it are not
// put afterwards (it counts as a drop).
func (c *rowCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
}

// clearLocked is clear with c.mu held.
func (c *rowCache) clearLocked() {
	c.drops++
	c.byKey = map[rowKey]*list.Element{}
	c.lru.Init()
	c.used = 0
}

// len reports how many rows are cached.
func (c *rowCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}

func (c *rowCache) remove(el *list.Element) {
	e := el.Value.(*rowEntry)
	c.lru.Remove(el)
	delete(c.byKey, e.key)
	c.used -= len(e.json) + len(e.key.id) + entryOverhead
}

// registerRowCacheHooks drops a synced record's cached row, and the cached
// chunks of its team's rows, when the record changes or is deleted, and
// sweeps both caches each minute.
func (s *Service) registerRowCacheHooks(app core.App) {
	stamped, _ := cursorCollections()
	drop := func(e *core.RecordEvent) error {
		s.rows.drop(e.Record.Collection().Name, e.Record.Id)
		if s.chunks != nil {
			s.chunks.drop(e.Record.Collection().Name, e.Record.GetString("team"))
		}
		return e.Next()
	}
	app.OnRecordAfterUpdateSuccess(stamped...).BindFunc(drop)
	app.OnRecordAfterDeleteSuccess(stamped...).BindFunc(drop)
	app.Cron().MustAdd("uppsok_pull_cache_sweep", "* * * * *", func() {
		s.rows.sweep(rowCacheTTL)
		if s.chunks != nil {
			s.chunks.sweep(rowCacheTTL)
		}
	})
}

// PauseCachedRows empties the pull's row and chunk caches and keeps the
// pulls from reading them until resume is called, which empties them
// again. Gallring holds the pause over its transaction, which clears old
// notes in place, without a cursor value (a cached row would still match
// its record's cursor value and serve the old note): no pull reads a row
// or chunk cached before or during the pause, and a pull that began before
// resume caches nothing after it (the epoch). resume may be called more
// than once; only the first call counts.
func (s *Service) PauseCachedRows() (resume func()) {
	s.forgetCached(1)
	var once sync.Once
	return func() { once.Do(func() { s.forgetCached(-1) }) }
}

// forgetCached empties both caches and moves the epoch on, and the pause
// count by pause, under both caches' locks: a put checks the epoch under
// its cache's lock, so none lands between the move and the clears.
func (s *Service) forgetCached(pause int32) {
	s.rows.mu.Lock()
	defer s.rows.mu.Unlock()
	if s.chunks != nil {
		s.chunks.mu.Lock()
		defer s.chunks.mu.Unlock()
		s.chunks.clearLocked()
	}
	s.cacheEpoch.Add(1)
	s.cachePaused.Add(pause)
	s.rows.clearLocked()
}
