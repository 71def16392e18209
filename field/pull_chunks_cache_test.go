package field

import (
	"testing"
	"time"

	"uppsok/internal/compress"
)

// TestChunkCacheIsBounded: the chunk cache keeps within its budget by
// dropping the least recently pulled chunks, refuses a chunk that would
// push out many, sweeps chunks nobody pulled for the TTL, and drops a
// team's chunks of a collection (and only those) when asked.
func TestChunkCacheIsBounded(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	const budget = 64 << 10
	c := newChunkCache(budget, func() time.Time { return now })
	key := func(i int) chunkKey {
		k, _ := keyOf(nil, 3, "contacts", []pullRow{{id: "row", seq: int64(i)}})
		return k
	}
	chunk := func(n int) *compress.Chunk { return &compress.Chunk{Deflate: make([]byte, n), Size: int64(n)} }

	if key(1) == key(2) {
		t.Fatal("two row lists share a key")
	}
	if k, _ := keyOf(nil, 2, "contacts", []pullRow{{id: "row", seq: 1}}); k == key(1) {
		t.Fatal("two schema versions share a key")
	}

	for i := 0; i < 100; i++ {
		c.put(key(i), "contacts", "team-a", chunk(4000))
		if i == 1 {
			if _, ok := c.get(key(0)); !ok { // recently used: kept below
				t.Fatal("a chunk just put is not cached")
			}
		}
		if n, used := c.stats(); used > budget {
			t.Fatalf("after %d puts the cache accounts %d bytes (%d chunks), over its budget %d", i+1, used, n, budget)
		}
	}
	n, _ := c.stats()
	if n == 0 || n >= 100 {
		t.Fatalf("%d chunks cached of 100 put", n)
	}
	if _, ok := c.get(key(1)); ok {
		t.Error("the least recently pulled chunk stays cached beyond the budget")
	}
	if _, ok := c.get(key(99)); !ok {
		t.Error("the newest chunk was evicted")
	}
	c.put(key(1000), "contacts", "team-a", chunk(budget/4))
	if _, ok := c.get(key(1000)); ok {
		t.Error("a chunk of a quarter of the budget was cached")
	}

	// Another team's chunks, and sessions, survive team-a's contacts' drop.
	c.put(key(2000), "contacts", "team-b", chunk(100))
	c.put(key(2001), "outreach_sessions", "team-a", chunk(100))
	c.drop("contacts", "team-a")
	if n, _ := c.stats(); n != 2 {
		t.Fatalf("%d chunks left after dropping team-a's contacts, want 2", n)
	}
	if _, ok := c.get(key(99)); ok {
		t.Error("a dropped chunk is served")
	}

	// The sweep drops what was not pulled within the TTL (and what was
	// cached before it: TestCachedRowsHaveAnAgeBound).
	now = now.Add(rowCacheTTL / 2)
	c.put(key(2000), "contacts", "team-b", chunk(100))
	now = now.Add(rowCacheTTL/2 + time.Second)
	c.sweep(rowCacheTTL)
	if _, ok := c.get(key(2000)); !ok {
		t.Error("a chunk cached within the TTL was swept")
	}
	if _, ok := c.get(key(2001)); ok {
		t.Error("a chunk not pulled for the TTL stays cached")
	}
	if n, used := c.stats(); n != 1 || used != 100+chunkOverhead {
		t.Errorf("after the sweep: %d chunks, %d bytes accounted", n, used)
	}
}
