package field

import (
	"container/list"
	"fmt"
	"sync"

	"github.com/pocketbase/dbx"
)

// The window lists of first pulls.
//
// A first pull (and a replacement sync) sends a team's whole window: the
// rows of the team whose date is in the window and whose cursor value is
// at most the pull's current cursor value (`to`). Reading which rows those
// are, in cursor order, was the largest part of such a pull once the rows'
// JSON came from the caches: SQLite walks the (team, seq) index and looks
// up every row for its date and id. When a shift's tablets sync at once,
// each of them read the same few thousand rows of its team again.
//
// The ids and cursor values of the last first pull of a team are kept
// here, at the cursor value they were read at. Every change of a synced
// record takes a new cursor value in its transaction (cursor.go), every
// delete leaves a tombstone with one, a record's team never changes, and
// the cursor is one sequence committed with the change. So the window at
// a later cursor value is the kept list without the ids changed or deleted
// since, followed by the rows changed since that are in the window, in
// cursor order: what one read of the index range (team, seq > from) and
// of the tombstones since gives. That read is small when the kept list is
// recent; when it is far behind (windowDeltaMax), the window is read whole
// again. Gallring's clearing of old notes in place changes no id, cursor
// value or date, so it changes no window list.
//
// Only ids and cursor values are kept (no record's content), in memory:
// at most windowListsMax windows and windowRowsMax rows in all (about 15
// MiB), a window's list only for its latest first day; a window of more
// than windowListMax rows is read (and streamed) every time.

const (
	// windowListMax is the most rows a kept window list holds.
	windowListMax = 50000
	// windowListsMax is how many window lists are kept, and windowRowsMax
	// how many rows in all (least recently used dropped first).
	windowListsMax = 32
	windowRowsMax  = 200000
	// windowDeltaMax is how far (in cursor values) a kept list may lag a
	// pull's cursor value and still be brought up to it.
	windowDeltaMax = 4096
)

// windowKey names a window: a synced collection, a team, the window's
// first day.
type windowKey struct{ collection, team, since string }

// windowList is a window's rows (id and cursor value, in cursor order) at
// cursor value to. rows is shared and never changed.
type windowList struct {
	key  windowKey
	to   int64
	rows []windowRow
}

// windowRow is a row of a window list.
type windowRow struct {
	id  string
	seq int64
}

// windowLists keeps window lists, least recently used dropped first.
type windowLists struct {
	mu    sync.Mutex
	byKey map[windowKey]*list.Element
	lru   list.List // front: most recently used
	rows  int       // rows of all lists kept
}

func newWindowLists() *windowLists {
	return &windowLists{byKey: map[windowKey]*list.Element{}}
}

func (w *windowLists) get(k windowKey) *windowList {
	w.mu.Lock()
	defer w.mu.Unlock()
	el, ok := w.byKey[k]
	if !ok {
		return nil
	}
	w.lru.MoveToFront(el)
	return el.Value.(*windowList)
}

// put keeps l unless a list of the same window at a later cursor value is
// kept already.
func (w *windowLists) put(l *windowList) {
	if len(l.rows) > windowListMax {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if el, ok := w.byKey[l.key]; ok {
		if el.Value.(*windowList).to > l.to {
			return
		}
		w.remove(el)
	}
	// The same table and team's list for another first day (yesterday's)
	// serves no pull of today.
	for k, el := range w.byKey {
		if k.collection == l.key.collection && k.team == l.key.team && k.since != l.key.since {
			w.remove(el)
		}
	}
	w.byKey[l.key] = w.lru.PushFront(l)
	w.rows += len(l.rows)
	for w.lru.Len() > windowListsMax || w.rows > windowRowsMax {
		w.remove(w.lru.Back())
	}
}

func (w *windowLists) remove(el *list.Element) {
	l := el.Value.(*windowList)
	w.lru.Remove(el)
	delete(w.byKey, l.key)
	w.rows -= len(l.rows)
}

// windowRows returns the rows of t's window k at cursor value to, read in
// tx (whose current cursor value is to), from a kept list brought up to
// to; ok is false when no kept list serves (none, or one too far behind or
// ahead of to): the caller reads the window whole.
func (s *Service) windowRows(tx *dbx.Tx, t *table, k windowKey, to int64) (rows []windowRow, ok bool, err error) {
	if s.windows == nil {
		return nil, false, nil
	}
	l := s.windows.get(k)
	if l == nil || l.to > to || to-l.to > windowDeltaMax {
		return nil, false, nil
	}
	s.windowServed.Add(1)
	if l.to == to {
		return l.rows, true, nil
	}
	var changed []struct {
		ID     string `db:"id"`
		Seq    int64  `db:"seq"`
		Window bool   `db:"in_window"`
	}
	err = tx.NewQuery("SELECT id, " + cursorField + ", (" + t.dateField + " >= {:since}) AS in_window FROM " + t.collection +
		" WHERE team = {:team} AND " + cursorField + " > {:from} AND " + cursorField + " <= {:to} ORDER BY " + cursorField).
		Bind(dbx.Params{"since": k.since, "team": k.team, "from": l.to, "to": to}).All(&changed)
	if err != nil {
		return nil, false, fmt.Errorf("read %s changed since %d: %w", t.name, l.to, err)
	}
	var deleted []string
	err = tx.NewQuery(`SELECT id FROM _uppsok_tombstones WHERE tbl = {:tbl} AND (team = {:team} OR team = '') AND seq > {:from} AND seq <= {:to}`).
		Bind(dbx.Params{"tbl": t.collection, "team": k.team, "from": l.to, "to": to}).Column(&deleted)
	if err != nil {
		return nil, false, fmt.Errorf("read tombstones since %d: %w", l.to, err)
	}
	gone := make(map[string]struct{}, len(changed)+len(deleted))
	for _, c := range changed {
		gone[c.ID] = struct{}{}
	}
	for _, id := range deleted {
		gone[id] = struct{}{}
	}
	rows = make([]windowRow, 0, len(l.rows)+len(changed))
	for _, r := range l.rows {
		if _, ok := gone[r.id]; !ok {
			rows = append(rows, r)
		}
	}
	for _, c := range changed {
		if c.Window {
			rows = append(rows, windowRow{id: c.ID, seq: c.Seq})
		}
	}
	s.windows.put(&windowList{key: k, to: to, rows: rows})
	return rows, true, nil
}
