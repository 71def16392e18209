package field

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"

	"uppsok/internal/compress"
)

// The pull's chunk cache. When the tablets of a team sync at the same time,
// each first pull sends the team's whole window, rows that were just sent,
// identically, to the team's other tablets; compressing them again was
// most of what a pull cost besides reading them. A compressed pull cuts a
// table's rows into chunks of pullBatch rows, counted from the first row of
// the table's list; a chunk's bytes (its rows' JSON joined by commas) are
// fixed by the schema version, the collection and the rows' (id, cursor
// value) list, as the row cache's are by one row's (pull_cache.go). A chunk
// is cached compressed (compress.Chunk), keyed by a SHA-256 of that list,
// and copied into the gzip reply as it is (compress.Chunked); on a hit the
// pull reads only ids and cursor values.
//
// Privacy, as the row cache: memory only, bounded by DefaultChunkCacheBytes,
// chunks not pulled for rowCacheTTL are swept each minute, and a change or
// delete of a record drops every chunk of its team and collection (a chunk
// does not list its rows).

// DefaultChunkCacheBytes bounds the compressed chunks the pull's chunk
// cache holds (at about 45 bytes a contact, some 180,000 contacts).
const DefaultChunkCacheBytes = 8 << 20

// DefaultChunkLevel is the flate level of a cached chunk. A chunk is
// compressed once and sent many times, so it gets a tighter level than a
// busy server gives a reply it compresses as it goes (docs/sync.md,
// "Transfer", has the figures).
const DefaultChunkLevel = 6

// chunkKey is the SHA-256 of a chunk's schema version, collection and rows.
type chunkKey [sha256.Size]byte

// chunkScope is what a record's change invalidates.
type chunkScope struct{ collection, team string }

type chunkEntry struct {
	key    chunkKey
	scope  chunkScope
	chunk  *compress.Chunk
	used   time.Time
	cached time.Time // when it was put: the age bound
}

// chunkOverhead approximates an entry's memory besides its deflate bytes.
const chunkOverhead = 256

// chunkCache is an LRU of compressed chunks.
type chunkCache struct {
	mu      sync.Mutex
	budget  int
	used    int
	byKey   map[chunkKey]*list.Element
	byScope map[chunkScope]map[chunkKey]struct{}
	lru     list.List // front: most recently used
	now     func() time.Time
	// level is the flate level chunks are compressed at.
	level int
}

func newChunkCache(budget int, now func() time.Time) *chunkCache {
	return &chunkCache{budget: budget, level: DefaultChunkLevel, byKey: map[chunkKey]*list.Element{},
		byScope: map[chunkScope]map[chunkKey]struct{}{}, now: now}
}

// keyOf hashes a chunk's rows. buf is reused between calls.
func keyOf(buf []byte, version int, collection string, rows []pullRow) (chunkKey, []byte) {
	buf = binary.AppendUvarint(buf[:0], uint64(version))
	buf = append(buf, collection...)
	buf = append(buf, 0)
	for _, r := range rows {
		buf = append(buf, r.id...)
		buf = append(buf, 0)
		buf = binary.BigEndian.AppendUint64(buf, uint64(r.seq))
	}
	return sha256.Sum256(buf), buf
}

// get returns a cached chunk; the chunk is shared and never changed.
func (c *chunkCache) get(k chunkKey) (*compress.Chunk, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	e := el.Value.(*chunkEntry)
	e.used = c.now()
	return e.chunk, true
}

// put caches a chunk of the team's rows of a collection and evicts the
// least recently used chunks beyond the budget.
func (c *chunkCache) put(k chunkKey, collection, team string, ch *compress.Chunk) {
	c.putIf(func() bool { return true }, k, collection, team, ch)
}

// putIf is put when ok, called under the cache's lock, holds.
func (c *chunkCache) putIf(ok func() bool, k chunkKey, collection, team string, ch *compress.Chunk) {
	size := len(ch.Deflate) + chunkOverhead
	if size > c.budget/8 {
		return // a huge chunk would push out many others
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !ok() {
		return
	}
	if el, ok := c.byKey[k]; ok {
		c.remove(el)
	}
	sc := chunkScope{collection, team}
	now := c.now()
	c.byKey[k] = c.lru.PushFront(&chunkEntry{key: k, scope: sc, chunk: ch, used: now, cached: now})
	if c.byScope[sc] == nil {
		c.byScope[sc] = map[chunkKey]struct{}{}
	}
	c.byScope[sc][k] = struct{}{}
	c.used += size
	for c.used > c.budget {
		c.remove(c.lru.Back())
	}
}

// drop forgets every chunk of the team's rows of a collection.
func (c *chunkCache) drop(collection, team string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.byScope[chunkScope{collection, team}] {
		c.remove(c.byKey[k])
	}
}

// sweep drops the chunks not pulled since before ttl ago, and the chunks
// cached before ttl ago (the age bound of the row cache, pull_cache.go).
func (c *chunkCache) sweep(ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cutoff := c.now().Add(-ttl)
	removeStale(&c.lru, func(e *chunkEntry) bool { return e.used.Before(cutoff) || e.cached.Before(cutoff) }, c.remove)
}

// clear forgets every chunk.
func (c *chunkCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
}

// clearLocked is clear with c.mu held.
func (c *chunkCache) clearLocked() {
	c.byKey = map[chunkKey]*list.Element{}
	c.byScope = map[chunkScope]map[chunkKey]struct{}{}
	c.lru.Init()
	c.used = 0
}

// stats reports how many chunks are cached and their accounted bytes.
func (c *chunkCache) stats() (n, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey), c.used
}

func (c *chunkCache) remove(el *list.Element) {
	e := el.Value.(*chunkEntry)
	c.lru.Remove(el)
	delete(c.byKey, e.key)
	if set := c.byScope[e.scope]; set != nil {
		delete(set, e.key)
		if len(set) == 0 {
			delete(c.byScope, e.scope)
		}
	}
	c.used -= len(e.chunk.Deflate) + chunkOverhead
}
