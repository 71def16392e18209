package field

import (
	"fmt"
	"testing"
)

// TestWindowListsAreBounded: the kept window lists stay within their
// count and rows, keep one first day per table and team, never go back to
// an older cursor value, and a window over windowListMax rows is not kept.
func TestWindowListsAreBounded(t *testing.T) {
	w := newWindowLists()
	list := func(team, since string, to int64, n int) *windowList {
		rows := make([]windowRow, n)
		for i := range rows {
			rows[i] = windowRow{id: fmt.Sprint(i), seq: int64(i + 1)}
		}
		return &windowList{key: windowKey{"contacts", team, since}, to: to, rows: rows}
	}
	w.put(list("a", "2026-09-29", 10, 5))
	w.put(list("a", "2026-09-29", 9, 7)) // older: refused
	if l := w.get(windowKey{"contacts", "a", "2026-09-29"}); l == nil || l.to != 10 {
		t.Fatalf("kept %+v, want the list at 10", l)
	}
	w.put(list("a", "2026-09-30", 11, 5)) // a new first day
	if w.get(windowKey{"contacts", "a", "2026-09-29"}) != nil {
		t.Error("yesterday's list of the team is still kept")
	}
	w.put(list("b", "2026-09-30", 12, windowListMax+1))
	if w.get(windowKey{"contacts", "b", "2026-09-30"}) != nil {
		t.Error("a list over windowListMax rows was kept")
	}
	for i := 0; i < 2*windowListsMax; i++ {
		w.put(list(fmt.Sprint("t", i), "2026-09-30", int64(20+i), windowRowsMax/windowListsMax*2))
		if w.lru.Len() > windowListsMax || w.rows > windowRowsMax || w.rows < 0 {
			t.Fatalf("after %d puts: %d lists, %d rows kept", i+1, w.lru.Len(), w.rows)
		}
	}
	n := 0
	for el := w.lru.Front(); el != nil; el = el.Next() {
		n += len(el.Value.(*windowList).rows)
	}
	if n != w.rows {
		t.Errorf("%d rows counted, %d kept", w.rows, n)
	}
}
