package field

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pocketbase/dbx"

	"uppsok/internal/compress"
	"uppsok/taxonomy"
)

// The pull's rows of a writable table, encoded as JSON by SQLite itself
// (json_object), one text value per row: reading a row's thirty columns
// one by one into Go values was most of a first sync's CPU. The values are
// those of wireRows, which stays the reader for clients of older schemas
// (their legacy columns are mapped in Go) and for the reference tables;
// TestSQLRowsMatchGoRows holds the two to the same values. The JSON of a
// row is cached (pull_cache.go).

// rowJSONExpr returns the SQL expression that encodes one of t's rows for
// a client of schema version version, and false when the Go reader must
// be used (a legacy column is in the client's schema). The expressions are
// built once, at start (rowExprs), not per pull.
func rowJSONExpr(t *table, version int) (string, bool) {
	expr, ok := rowExprs[rowExprKey{t, version}]
	return expr, ok
}

type rowExprKey struct {
	t       *table
	version int
}

// rowExprs holds the SQL row expression of every writable table for every
// schema version that has one.
var rowExprs = func() map[rowExprKey]string {
	out := map[rowExprKey]string{}
	for _, t := range tables {
		for v := MinSchemaVersion; v <= MaxSchemaVersion; v++ {
			if expr, ok := buildRowJSONExpr(t, v); ok {
				out[rowExprKey{t, v}] = expr
			}
		}
	}
	return out
}()

// jsonCol is one key of a row's pull JSON: a column of the record (field,
// kind), or one of the keys every synced row has (fixed: "id", "created",
// "updated" or "team", the record's column of the same name).
type jsonCol struct {
	key   string // the wire name
	field string
	kind  colKind
	fixed string
}

// rowJSONCols lists the keys of t's pull JSON for a client of schema
// version version, in the order encoding/json writes a map's (sorted), as
// both the SQL expression (buildRowJSONExpr) and the push's Go encoding
// (pull_prewarm.go) write them. It returns false when the Go reader must
// be used (a legacy column is in the client's schema).
func rowJSONCols(t *table, version int) ([]jsonCol, bool) {
	if !t.writable {
		return nil, false
	}
	cols := []jsonCol{
		{key: "id", fixed: "id"},
		{key: "created_at", fixed: "created"},
		{key: "updated_at", fixed: "updated"},
		{key: "team_id", fixed: "team"},
	}
	for _, c := range t.columns {
		if !c.in(version) {
			continue
		}
		if c.legacy() {
			return nil, false
		}
		cols = append(cols, jsonCol{key: c.wire, field: c.field, kind: c.kind})
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].key < cols[j].key })
	return cols, true
}

// buildRowJSONExpr builds rowJSONExpr's expression.
func buildRowJSONExpr(t *table, version int) (string, bool) {
	cols, ok := rowJSONCols(t, version)
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.WriteString("json_object(")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		var e string
		col := quoteIdent(c.field)
		switch {
		case c.fixed == "created" || c.fixed == "updated":
			e = millisSQL(c.fixed)
		case c.fixed != "":
			e = c.fixed
		case c.kind == kindSet:
			e = fmt.Sprintf("CASE WHEN %[1]s IS NULL OR %[1]s IN ('', 'null') THEN '[]' ELSE CAST(%[1]s AS TEXT) END", col)
		case c.kind == kindBool:
			e = fmt.Sprintf("json(CASE WHEN %s THEN 'true' ELSE 'false' END)", col)
		case c.kind == kindInt:
			e = fmt.Sprintf("COALESCE(CAST(%s AS INTEGER), 0)", col)
		case c.kind == kindSelect:
			e = fmt.Sprintf("CASE WHEN %[1]s IS NULL OR %[1]s = '' THEN '%[2]s' ELSE CAST(%[1]s AS TEXT) END", col, taxonomy.Unknown)
		default:
			e = fmt.Sprintf("COALESCE(CAST(%s AS TEXT), '')", col)
		}
		fmt.Fprintf(&b, "'%s', %s", c.key, e)
	}
	b.WriteString(")")
	return b.String(), true
}

// millisSQL is millis() in SQL: a PocketBase datetime text
// ("2006-01-02 15:04:05.000Z") as Unix milliseconds, 0 when empty.
func millisSQL(col string) string {
	return fmt.Sprintf("COALESCE(unixepoch(%[1]s) * 1000 + CAST(substr(%[1]s, 21, 3) AS INTEGER), 0)", col)
}

// cachedRows reads t's rows matching where, in cursor order, each as one
// JSON object (expr), and writes them with enc. The ids and cursor values
// are read first, a batch (a chunk) at a time; the JSON of a row comes from
// the row cache when it holds the row at that cursor value, else from
// SQLite (and is cached). When the reply is gzip (enc.gz), a batch is
// written as one compressed chunk, from the chunk cache when it holds the
// batch's rows (pull_chunks.go): then the rows are not read at all. A
// short last batch of a busy pull is written row by row. win, for a first
// pull, names its window (where selects it, at cursor value to): its ids
// and cursor values then come from a kept window list when one serves
// (pull_window.go), and a window read whole is kept.
func (s *Service) cachedRows(tx *dbx.Tx, t *table, version int, team, expr string, where dbx.Expression, params dbx.Params, enc *rowEncoder, win *windowKey, to int64) error {
	batch := make([]pullRow, 0, pullBatch)
	var (
		missing []string
		keyBuf  []byte
		raw     []byte
	)
	// The query for rows missing from the cache is prepared once per
	// connection (fetchStmt): parsing its json_object was most of a small
	// pull's misses.
	var fetch *sql.Stmt
	sameEpoch := func() bool { return s.cacheEpoch.Load() == enc.epoch }
	readable := func() bool { return s.cachePaused.Load() == 0 }
	defer func() {
		if fetch != nil {
			fetch.Close() // the transaction's handle only
		}
	}()
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		defer func() { batch = batch[:0] }()
		// A short last chunk changes with every row a team adds: while
		// pulls wait for CPU its rows are compressed with the reply, not
		// at the chunk level, and it is not cached.
		chunked := enc.gz != nil && s.chunks != nil && !(enc.busy && len(batch) < pullBatch)
		var key chunkKey
		if chunked {
			key, keyBuf = keyOf(keyBuf, version, t.collection, batch)
			if readable() {
				if c, ok := s.chunks.get(key); ok {
					return enc.chunk(c)
				}
			}
		}
		var err error
		missing = missing[:0]
		read := readable()
		for i := range batch {
			if !read {
				missing = append(missing, batch[i].id)
			} else if j, ok := s.rows.get(t.collection, batch[i].id, version, batch[i].seq); ok {
				batch[i].json = j
			} else {
				missing = append(missing, batch[i].id)
			}
		}
		if len(missing) > 0 {
			if fetch == nil {
				if fetch, err = s.fetchStmt(tx, t, version, expr); err != nil {
					return err
				}
			}
			got, err := s.readRowJSON(fetch, t, version, missing, sameEpoch)
			if err != nil {
				return err
			}
			for i := range batch {
				if batch[i].json == nil {
					batch[i].json = got[batch[i].id]
				}
			}
		}
		for _, it := range batch {
			if it.json == nil {
				return fmt.Errorf("read %s: row %s left the snapshot", t.name, it.id)
			}
		}
		if !chunked {
			for _, it := range batch {
				if err := enc.rawRow(it.json); err != nil {
					return err
				}
			}
			return nil
		}
		raw = raw[:0]
		for i, it := range batch {
			if i > 0 {
				raw = append(raw, ',')
			}
			raw = append(raw, it.json...)
		}
		c, err := compress.NewChunk(raw, s.chunks.level)
		if err != nil {
			return fmt.Errorf("compress %s: %w", t.name, err)
		}
		s.chunks.putIf(sameEpoch, key, t.collection, team, c)
		return enc.chunk(c)
	}
	if win != nil {
		kept, ok, err := s.windowRows(tx, t, *win, to)
		if err != nil {
			return err
		}
		if ok {
			for _, it := range kept {
				batch = append(batch, pullRow{id: it.id, seq: it.seq})
				if len(batch) == pullBatch {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			return flush()
		}
	}
	rows, err := tx.Select("id", cursorField).From(t.collection).Where(where).OrderBy(cursorField).Bind(params).Rows()
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	// A first pull's window, read whole, is kept (up to windowListMax rows).
	var read []windowRow
	keep := win != nil && s.windows != nil
	for rows.Next() {
		var it pullRow
		if err := rows.Scan(&it.id, &it.seq); err != nil {
			return fmt.Errorf("scan %s: %w", t.name, err)
		}
		if keep {
			if len(read) < windowListMax {
				read = append(read, windowRow{id: it.id, seq: it.seq})
			} else {
				keep, read = false, nil
			}
		}
		batch = append(batch, it)
		if len(batch) == pullBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	if keep {
		s.windows.put(&windowList{key: *win, to: to, rows: read})
	}
	return nil
}

// pullRow is a row of cachedRows: its id and cursor value, then its JSON.
type pullRow struct {
	id   string
	seq  int64
	json []byte
}

// pullBatch is how many rows a pull looks up in the row cache at once, and
// the rows of a compressed chunk.
const pullBatch = 256

// readRowJSON reads the JSON of the rows with the given ids with fetch
// (id, cursor value and JSON of the rows whose id is in the JSON list
// given) and caches each at its cursor value when cache holds (checked
// under the cache's lock).
func (s *Service) readRowJSON(fetch *sql.Stmt, t *table, version int, ids []string, cache func() bool) (map[string][]byte, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := fetch.Query(string(list))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	out := make(map[string][]byte, len(ids))
	for rows.Next() {
		var (
			id  string
			seq int64
			raw sql.RawBytes
		)
		if err := rows.Scan(&id, &seq, &raw); err != nil {
			return nil, fmt.Errorf("scan %s: %w", t.name, err)
		}
		row := append([]byte(nil), raw...)
		out[id] = row
		s.rowsEncoded.Add(1)
		s.rows.putIf(cache, t.collection, id, version, seq, row)
	}
	return out, rows.Err()
}

// fetchStmts holds, per table and schema version, the statement that reads
// rows' JSON by id, prepared on the read pool: database/sql then prepares
// it once on each connection and reuses it in every transaction there.
type fetchStmts struct {
	mu sync.Mutex
	db *sql.DB
	m  map[rowExprKey]*sql.Stmt
}

// fetchStmt returns tx's handle of the statement that reads t's rows'
// JSON (expr) for schema version version by a JSON list of ids.
func (s *Service) fetchStmt(tx *dbx.Tx, t *table, version int, expr string) (*sql.Stmt, error) {
	b, ok := tx.Builder.(interface {
		Executor() dbx.Executor
		DB() *dbx.DB
	})
	if !ok {
		return nil, fmt.Errorf("unexpected read builder type %T", tx.Builder)
	}
	stx, ok := b.Executor().(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("unexpected read transaction type %T", b.Executor())
	}
	db := b.DB().DB()
	f := &s.fetch
	f.mu.Lock()
	if f.db != db { // a new pool (tests reopen apps): the old statements are gone
		f.db, f.m = db, map[rowExprKey]*sql.Stmt{}
	}
	st, ok := f.m[rowExprKey{t, version}]
	if !ok {
		var err error
		st, err = db.Prepare("SELECT id, " + cursorField + ", " + expr + " FROM " + quoteIdent(t.collection) +
			" WHERE id IN (SELECT value FROM json_each(?))")
		if err != nil {
			f.mu.Unlock()
			return nil, fmt.Errorf("prepare read of %s: %w", t.name, err)
		}
		f.m[rowExprKey{t, version}] = st
	}
	f.mu.Unlock()
	return stx.Stmt(st), nil
}
