package field

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/compress"
)

// TableInfo is one wire table's description as the tests see it.
type TableInfo struct {
	Name       string
	Collection string
	Writable   bool
	// Fields are the record fields of the table's columns.
	Fields []string
	// Refs maps a relation column's field to the wire name of its target.
	Refs map[string]string
}

// CursorField is the field of a writable table's collection that holds the
// change cursor.
const CursorField = cursorField

// ServerFields are the fields of a writable table's collection that are no
// wire column.
var ServerFields = serverFields

// Tables returns every wire table's description, in wire order.
func Tables() []TableInfo {
	var out []TableInfo
	for _, t := range tables {
		ti := TableInfo{Name: t.name, Collection: t.collection, Writable: t.writable, Refs: map[string]string{}}
		for _, c := range t.columns {
			if c.legacy() {
				continue // mapped from other fields, no field of its own
			}
			ti.Fields = append(ti.Fields, c.field)
			if c.kind == kindRelation {
				ti.Refs[c.field] = c.ref
			}
		}
		out = append(out, ti)
	}
	return out
}

// PushOrder returns the wire names of the writable tables in the order a
// push applies them.
func PushOrder() []string {
	var out []string
	for _, t := range pushOrder {
		out = append(out, t.name)
	}
	return out
}

// AutodateLastKnownKey is the key under which the push primes a created
// record's autodates (push_fast.go).
const AutodateLastKnownKey = autodateLastKnownKey

// RowsBothWays reads the team's rows of every writable table for a client
// of schema version v twice: with the Go reader the older schemas use
// (wireRows) and with the SQL encoding the current schema's pull uses
// (rowJSONExpr), each decoded, by table wire name in cursor order. ok is
// false when v has no SQL encoding.
func RowsBothWays(app core.App, team string, v int) (goRows, sqlRows map[string][]map[string]any, ok bool, err error) {
	db := app.ConcurrentDB().(*dbx.DB)
	tx, err := db.Begin()
	if err != nil {
		return nil, nil, false, err
	}
	defer tx.Rollback()
	goRows, sqlRows = map[string][]map[string]any{}, map[string][]map[string]any{}
	for _, t := range tables {
		if !t.writable {
			continue
		}
		where := dbx.NewExp("team = {:team}", dbx.Params{"team": team})
		err := wireRows(tx, t, v, func(q *dbx.SelectQuery) *dbx.SelectQuery { return q.Where(where).OrderBy(cursorField) },
			func(rec map[string]any) error {
				b, err := json.Marshal(rec)
				if err != nil {
					return err
				}
				var back map[string]any
				if err := json.Unmarshal(b, &back); err != nil {
					return err
				}
				goRows[t.name] = append(goRows[t.name], back)
				return nil
			})
		if err != nil {
			return nil, nil, false, err
		}
		expr, has := rowJSONExpr(t, v)
		if !has {
			return goRows, nil, false, nil
		}
		var raw []string
		if err := tx.Select(expr).From(t.collection).Where(where).OrderBy(cursorField).Column(&raw); err != nil {
			return nil, nil, false, err
		}
		for _, r := range raw {
			var rec map[string]any
			if err := json.Unmarshal([]byte(r), &rec); err != nil {
				return nil, nil, false, fmt.Errorf("SQL row is not JSON: %w: %s", err, r)
			}
			sqlRows[t.name] = append(sqlRows[t.name], rec)
		}
	}
	return goRows, sqlRows, true, nil
}

// CachedRows reports how many rows the service's pull cache holds.
func CachedRows(s *Service) int { return s.rows.len() }

// CachedRow reports whether the pull cache holds a row of the record.
func CachedRow(s *Service, collection, id string) bool {
	s.rows.mu.Lock()
	defer s.rows.mu.Unlock()
	_, ok := s.rows.byKey[rowKey{collection, id}]
	return ok
}

// PushWrites returns how many write transactions the push writer has run
// and how many pushes it has applied (push_group.go): fewer transactions
// than pushes means pushes shared one.
func (s *Service) PushWrites() (transactions, pushes int64) {
	return s.writer.transactions.Load(), s.writer.pushes.Load()
}

// PushWriterBusy is the push writer's time applying pushes so far.
func PushWriterBusy(s *Service) time.Duration { return time.Duration(s.writer.busy.Load()) }

// SetGroupPushes sets the most pushes one write transaction applies (1:
// every push alone, as before group commit); before any push.
func SetGroupPushes(s *Service, n int) { s.writer.limit = n }

// WaitQueuedPushes waits until at least n pushes wait for the writer, at
// most timeout; it reports whether they did.
func (s *Service) WaitQueuedPushes(n int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for s.writer.queued() < n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// PushSteps applies a push body as the sync route does, without HTTP: the
// body decoded, its created records built ahead by workers goroutines, a
// record at a time, when workers > 0 (the route always builds them ahead;
// 0 builds them in the transaction), with beside while the transaction
// already runs (the builders still at it when between runs), between run when not nil (another
// writer's change after the build, before the push's transaction), and
// the push applied for auth (a device or a field user). It returns the
// reply body, or the error, and the ids whose prebuilt record the
// transaction stored.
func PushSteps(s *Service, auth *core.Record, body []byte, version int, workers int, beside bool, between func()) (reply []byte, storedPrebuilt []string, err error) {
	p, err := fieldPrincipal(&core.RequestEvent{Auth: auth})
	if err != nil {
		return nil, nil, err
	}
	plan, err := decodePush(body)
	if err != nil {
		return nil, nil, err
	}
	if workers > 0 {
		s.prebuildWith(p, plan, version, workers, 1, beside)
	}
	if between != nil {
		between()
	}
	reply, _, err = s.apply(p, plan, version, "", "")
	plan.answered.Store(true)
	if plan.building != nil {
		plan.building.Wait()
	}
	for _, t := range pushOrder {
		for _, pr := range plan.upserts[t] {
			if pr.pre != nil && pr.pre.used && pr.pre.rec != nil && !pr.pre.rec.IsNew() {
				storedPrebuilt = append(storedPrebuilt, pr.id)
			}
		}
	}
	return reply, storedPrebuilt, err
}

// ChunkStats reports how many chunks the pull's chunk cache holds and the
// bytes it accounts for them.
func ChunkStats(s *Service) (n, bytes int) { return s.chunks.stats() }

// PullAs writes the pull reply a principal of team gets, as the handler
// would: gzip when zipped, as a pull that found other pulls waiting for
// CPU when busy (which handlePull cannot be made to see on demand).
func PullAs(s *Service, team string, version int, cursor int64, zipped, busy bool) ([]byte, error) {
	var out bytes.Buffer
	var (
		w  io.Writer = &out
		gz *compress.Chunked
	)
	if zipped {
		var err error
		level := compress.QuietLevel
		if busy {
			level = compress.BusyLevel
		}
		if gz, err = compress.NewChunked(&out, level); err != nil {
			return nil, err
		}
		w = gz
	}
	bw := bufio.NewWriter(w)
	tx, err := s.beginPull()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	err = s.pull(tx, bw, gz, busy, principal{team: team}, version, cursor, cursor == 0, false, nil)
	if err == nil {
		err = bw.Flush()
	}
	if gz != nil {
		if cerr := gz.Close(); err == nil {
			err = cerr
		}
	}
	return out.Bytes(), err
}

// CachedChunks reports how many chunks of a team's rows of a collection
// the pull's chunk cache holds.
func CachedChunks(s *Service, collection, team string) int {
	s.chunks.mu.Lock()
	defer s.chunks.mu.Unlock()
	return len(s.chunks.byScope[chunkScope{collection, team}])
}

// SetChunks turns the pull's chunk cache on (an empty one, whose chunks are
// compressed at level) or off (0: every row is compressed with its reply,
// as before the cache).
func SetChunks(s *Service, level int) {
	if level == 0 {
		s.chunks = nil
		return
	}
	s.chunks = newChunkCache(DefaultChunkCacheBytes, time.Now)
	s.chunks.level = level
}

// PrewarmAlways has every push cache its rows' pull JSON, not only pushes
// in a burst.
func PrewarmAlways(s *Service) { s.warmAlways = true }

// CachedRowJSON returns the row cache's JSON of a record for the current
// schema, at its cursor value seq.
func CachedRowJSON(s *Service, collection, id string, seq int64) ([]byte, bool) {
	return s.rows.get(collection, id, prewarmVersion, seq)
}

// SQLRowJSON returns a record's cursor value and its pull JSON for the
// current schema as SQLite encodes it (the pull's json_object).
func SQLRowJSON(app core.App, collection, id string) (seq int64, json string, err error) {
	for _, t := range tables {
		if t.collection != collection {
			continue
		}
		expr, ok := rowJSONExpr(t, prewarmVersion)
		if !ok {
			return 0, "", fmt.Errorf("%s has no SQL encoding", collection)
		}
		var row struct {
			Seq  int64  `db:"seq"`
			JSON string `db:"j"`
		}
		err := app.DB().NewQuery("SELECT " + cursorField + " AS seq, " + expr + " AS j FROM " + quoteIdent(collection) + " WHERE id = {:id}").
			Bind(dbx.Params{"id": id}).One(&row)
		return row.Seq, row.JSON, err
	}
	return 0, "", fmt.Errorf("no table %s", collection)
}

// SQLiteJSONString quotes s as the row cache's Go encoding does (false:
// left to SQLite).
func SQLiteJSONString(s string) (string, bool) {
	b, ok := appendSQLiteString(nil, s)
	return string(b), ok
}

// PullConnsInUse reports how many connections of the pulls' read pool are
// in use.
func PullConnsInUse(s *Service) int {
	s.pulls.mu.Lock()
	defer s.pulls.mu.Unlock()
	if s.pulls.db == nil {
		return 0
	}
	return s.pulls.db.DB().Stats().InUse
}

// RowsEncodedBySQLite reports how many rows the pulls have had SQLite
// encode (rows not found in the row cache).
func RowsEncodedBySQLite(s *Service) int64 { return s.rowsEncoded.Load() }

// AfterPullSnapshot has every pull call f once its snapshot is taken,
// before it reads any row (nil: nothing).
func AfterPullSnapshot(s *Service, f func()) { s.afterSnapshot = f }

// HoldBuilders holds the builders of pushes built beside their transaction
// until release is called.
func HoldBuilders(s *Service) (release func()) {
	ch := make(chan struct{})
	s.holdBuilders = ch
	var once sync.Once
	return func() { once.Do(func() { s.holdBuilders = nil; close(ch) }) }
}

// OnBuilderWait has f called when a push's transaction is about to wait
// for a record's builder (nil: nothing).
func OnBuilderWait(s *Service, f func()) { s.builderWaiting = f }

// WindowListsOff has the pulls read every window whole until restore is
// called, which brings back the kept lists as they were.
func WindowListsOff(s *Service) (restore func()) {
	w := s.windows
	s.windows = nil
	return func() { s.windows = w }
}

// WindowListsServed counts the first pulls served from a kept window list.
func WindowListsServed(s *Service) int64 { return s.windowServed.Load() }
