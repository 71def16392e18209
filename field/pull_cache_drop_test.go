package field

import (
	"testing"
	"time"

	"uppsok/internal/compress"
)

// TestRowsCachedAfterACommitSkipADrop: rows a push encodes after its
// commit are not cached when a row was dropped (a record changed or
// deleted) since the commit, and are when none was.
func TestRowsCachedAfterACommitSkipADrop(t *testing.T) {
	c := newRowCache(1<<20, time.Now)
	since := c.dropCount()
	c.putUnlessDropped(since, "contacts", "a", 3, 7, []byte(`{"id":"a"}`))
	if _, ok := c.get("contacts", "a", 3, 7); !ok {
		t.Fatal("a row with no drop since was not cached")
	}
	since = c.dropCount()
	c.drop("contacts", "b")
	c.putUnlessDropped(since, "contacts", "b", 3, 8, []byte(`{"id":"b","notes":"old"}`))
	if _, ok := c.get("contacts", "b", 3, 8); ok {
		t.Fatal("a row dropped after the commit was cached again")
	}
}

// TestCachedRowsHaveAnAgeBound: a row or chunk pulled every minute still
// leaves the cache rowCacheTTL after it was cached, so text changed in
// place by another process (gallring run by hand) is not served for longer;
// clear forgets all, and a row encoded after a commit before the clear is
// not put afterwards.
func TestCachedRowsHaveAnAgeBound(t *testing.T) {
	now := time.Date(2026, 11, 28, 3, 40, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	rows := newRowCache(1<<20, clock)
	chunks := newChunkCache(1<<20, clock)
	rows.put("contacts", "a", 3, 7, []byte(`{"id":"a","notes":"gammal"}`))
	k := chunkKey{1}
	chunks.put(k, "contacts", "mika", &compress.Chunk{Deflate: []byte{1}})
	for m := 1; m < 10; m++ {
		now = now.Add(time.Minute)
		if _, ok := rows.get("contacts", "a", 3, 7); !ok {
			t.Fatalf("minute %d: the row left the cache early", m)
		}
		if _, ok := chunks.get(k); !ok {
			t.Fatalf("minute %d: the chunk left the cache early", m)
		}
		rows.sweep(rowCacheTTL)
		chunks.sweep(rowCacheTTL)
	}
	now = now.Add(time.Minute + time.Second)
	rows.get("contacts", "a", 3, 7)
	chunks.get(k)
	rows.sweep(rowCacheTTL)
	chunks.sweep(rowCacheTTL)
	if _, ok := rows.get("contacts", "a", 3, 7); ok {
		t.Error("a row pulled every minute stayed cached past the age bound")
	}
	if _, ok := chunks.get(k); ok {
		t.Error("a chunk pulled every minute stayed cached past the age bound")
	}

	rows.put("contacts", "b", 3, 8, []byte(`{"id":"b"}`))
	chunks.put(k, "contacts", "mika", &compress.Chunk{Deflate: []byte{1}})
	since := rows.dropCount()
	rows.clear()
	chunks.clear()
	if rows.len() != 0 {
		t.Error("clear left rows")
	}
	if n, _ := chunks.stats(); n != 0 {
		t.Error("clear left chunks")
	}
	rows.putUnlessDropped(since, "contacts", "c", 3, 9, []byte(`{"id":"c"}`))
	if rows.len() != 0 {
		t.Error("a row encoded after a commit before the clear was put after it")
	}
}
