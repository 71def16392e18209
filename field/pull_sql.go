package field

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

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

// buildRowJSONExpr builds rowJSONExpr's expression.
func buildRowJSONExpr(t *table, version int) (string, bool) {
	if !t.writable {
		return "", false
	}
	type pair struct{ key, expr string }
	pairs := []pair{
		{"id", "id"},
		{"created_at", millisSQL("created")},
		{"updated_at", millisSQL("updated")},
		{"team_id", "team"},
	}
	for _, c := range t.columns {
		if !c.in(version) {
			continue
		}
		if c.legacy() {
			return "", false
		}
		col := quoteIdent(c.field)
		var e string
		switch c.kind {
		case kindSet:
			e = fmt.Sprintf("CASE WHEN %[1]s IS NULL OR %[1]s IN ('', 'null') THEN '[]' ELSE CAST(%[1]s AS TEXT) END", col)
		case kindBool:
			e = fmt.Sprintf("json(CASE WHEN %s THEN 'true' ELSE 'false' END)", col)
		case kindInt:
			e = fmt.Sprintf("COALESCE(CAST(%s AS INTEGER), 0)", col)
		case kindSelect:
			e = fmt.Sprintf("CASE WHEN %[1]s IS NULL OR %[1]s = '' THEN '%[2]s' ELSE CAST(%[1]s AS TEXT) END", col, taxonomy.Unknown)
		default:
			e = fmt.Sprintf("COALESCE(CAST(%s AS TEXT), '')", col)
		}
		pairs = append(pairs, pair{c.wire, e})
	}
	// Keys in the order encoding/json writes a map's.
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].key < pairs[j].key })
	var b strings.Builder
	b.WriteString("json_object(")
	for i, p := range pairs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "'%s', %s", p.key, p.expr)
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
// short last batch of a busy pull is written row by row.
func (s *Service) cachedRows(tx *dbx.Tx, t *table, version int, team, expr string, where dbx.Expression, params dbx.Params, enc *rowEncoder) error {
	rows, err := tx.Select("id", cursorField).From(t.collection).Where(where).OrderBy(cursorField).Bind(params).Rows()
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	batch := make([]pullRow, 0, pullBatch)
	var (
		missing []string
		keyBuf  []byte
		raw     []byte
	)
	// The query for rows missing from the cache is prepared once per pull:
	// parsing its json_object was most of a small pull's misses.
	var fetch *dbx.Query
	defer func() {
		if fetch != nil {
			fetch.Close()
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
			if c, ok := s.chunks.get(key); ok {
				return enc.chunk(c)
			}
		}
		missing = missing[:0]
		for i := range batch {
			if j, ok := s.rows.get(t.collection, batch[i].id, version, batch[i].seq); ok {
				batch[i].json = j
			} else {
				missing = append(missing, batch[i].id)
			}
		}
		if len(missing) > 0 {
			if fetch == nil {
				fetch = tx.Select("id", cursorField, expr).From(t.collection).
					Where(dbx.NewExp("id IN (SELECT value FROM json_each({:ids}))")).Build().Prepare()
			}
			got, err := s.readRowJSON(fetch, t, version, missing)
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
		s.chunks.put(key, t.collection, team, c)
		return enc.chunk(c)
	}
	for rows.Next() {
		var it pullRow
		if err := rows.Scan(&it.id, &it.seq); err != nil {
			return fmt.Errorf("scan %s: %w", t.name, err)
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
	return flush()
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
// {:ids}) and caches each at its cursor value.
func (s *Service) readRowJSON(fetch *dbx.Query, t *table, version int, ids []string) (map[string][]byte, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := fetch.Bind(dbx.Params{"ids": string(list)}).Rows()
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
		s.rows.put(t.collection, id, version, seq, row)
	}
	return out, rows.Err()
}
