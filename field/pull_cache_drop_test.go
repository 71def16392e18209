package field

import (
	"testing"
	"time"
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
