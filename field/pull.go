package field

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/compress"
	"uppsok/taxonomy"
)

// DefaultPullBuffer is how much of a pull reply is held before it goes on
// the wire. Errors found before the first buffer is sent still get a clean
// 500; a reply is never held whole (a first sync of a big team's window
// would cost the server its size in memory).
const DefaultPullBuffer = 64 << 10

// migrationSpec is WatermelonDB's migration sync request.
type migrationSpec struct {
	From    int      `json:"from"`
	Tables  []string `json:"tables"`
	Columns []struct {
		Table   string   `json:"table"`
		Columns []string `json:"columns"`
	} `json:"columns"`
}

// parseCursor reads last_pulled_at. first is true for a first sync; future
// is true for an integer too large to be a cursor of this server.
func parseCursor(raw string) (cursor int64, first, future bool, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" || raw == "0" {
		return 0, true, false, nil
	}
	for _, r := range raw {
		if r < '0' || r > '9' {
			return 0, false, false, fmt.Errorf("not a non-negative integer")
		}
	}
	n, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil {
		return 0, false, true, nil // all digits but beyond int64: from the future
	}
	if n == 0 {
		return 0, true, false, nil
	}
	return n, false, false, nil
}

// parseSchemaVersion reads schema_version; absent means the newest.
func parseSchemaVersion(raw string) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return MaxSchemaVersion, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < 0 {
		return 0, apis.NewBadRequestError("schema_version måste vara ett heltal. / schema_version must be an integer.", nil)
	}
	if v < MinSchemaVersion {
		return 0, apiError(http.StatusUpgradeRequired,
			"Appen är för gammal och måste uppdateras. / The app is too old and must be updated.",
			map[string]any{"min_schema_version": MinSchemaVersion, "max_schema_version": MaxSchemaVersion})
	}
	if v > MaxSchemaVersion {
		v = MaxSchemaVersion
	}
	return v, nil
}

func (s *Service) handlePull(e *core.RequestEvent) error {
	p, err := fieldPrincipal(e)
	if err != nil {
		return err
	}
	q := e.Request.URL.Query()
	version, err := parseSchemaVersion(q.Get("schema_version"))
	if err != nil {
		return err
	}
	cursor, first, future, err := parseCursor(q.Get("last_pulled_at"))
	if err != nil {
		return apis.NewBadRequestError("last_pulled_at måste vara ett icke-negativt heltal. / last_pulled_at must be a non-negative integer.", nil)
	}
	var mig *migrationSpec
	if raw := q.Get("migration"); raw != "" && raw != "null" {
		mig = &migrationSpec{}
		if err := json.Unmarshal([]byte(raw), mig); err != nil {
			return apis.NewBadRequestError("migration är inte giltig JSON. / migration is not valid JSON.", nil)
		}
	}

	// The reply is streamed: rows go on the wire as they are read, and
	// compressed here (not by a middleware) so that reading and
	// compressing run inside a slot of the CPU gate (gate.go).
	h := e.Response.Header()
	h.Set("Content-Type", "application/json")
	h.Add("Vary", "Accept-Encoding")
	sent := &sentWriter{w: e.Response, gate: s.gate}
	// A pull takes its turn for one of the pool's connections before it
	// waits for a slot of the gate: a pull waiting for a connection then
	// holds no slot, so the pulls that hold connections (and give their
	// slots back around each network write) always get a slot again. The
	// connection itself is taken inside the slot (few open at once).
	release, err := s.pulls.turn(e.Request.Context())
	if err != nil {
		return err // the client went
	}
	defer release()
	err = func() error {
		busy := s.gate.enter()
		defer s.gate.leave() // also on a panic: a lost slot would stay lost
		var (
			out io.Writer = sent
			cw  *bufio.Writer
			gz  *compress.Chunked
		)
		if compress.AcceptsGzip(e.Request) {
			h.Set("Content-Encoding", "gzip")
			level := compress.QuietLevel
			if busy {
				level = compress.BusyLevel
			}
			// Compressed bytes are held too: cached chunks are copied in
			// between the stream's own small blocks.
			cw = bufio.NewWriterSize(sent, DefaultPullBuffer)
			var err error
			if gz, err = compress.NewChunked(cw, level); err != nil {
				return err
			}
			out = gz
		}
		bw := bufio.NewWriterSize(out, DefaultPullBuffer)
		tx, err := s.beginPull()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		err = s.pull(tx, bw, gz, busy, p, version, cursor, first, future, mig)
		if err == nil {
			err = bw.Flush()
		}
		if gz != nil {
			if cerr := gz.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = cw.Flush()
			}
		}
		return err
	}()
	if err != nil {
		if !sent.any {
			h.Del("Content-Encoding")
			return s.internalError(e, "pull", err)
		}
		// Part of the reply is on the wire: the client sees a reply that
		// does not parse, keeps its cursor and pulls again.
		s.app.Logger().Error("pull failed while streaming", "error", err)
		return nil
	}
	if p.device {
		if err := touchLastSeen(s.app, p.record, s.cfg.Now()); err != nil {
			s.app.Logger().Warn("update device last_seen", "error", err)
		}
	}
	return nil
}

// sentWriter remembers whether anything reached the client, and leaves the
// CPU gate while it writes to the network (a slow link must not hold a
// slot).
type sentWriter struct {
	w    io.Writer
	any  bool
	gate *cpuGate
}

func (s *sentWriter) Write(b []byte) (int, error) {
	if len(b) > 0 {
		s.any = true
	}
	s.gate.leave()
	defer s.gate.enter()
	return s.w.Write(b)
}

// pull writes a pull reply to w, read inside one read transaction so that
// the cursor and the changes come from the same snapshot. The reply is
// written as it is read:
//
//	{"changes":{TABLE:{"created":[],"updated":[ROW...],"deleted":[ID...]}...},
//	 "timestamp":T[,"experimentalStrategy":"replacement"]}
//
// gz is the gzip stream under w when the reply is compressed (nil when
// plain): rows of writable tables then go into it as cached chunks; busy
// says that other pulls waited for CPU as this one started.
func (s *Service) pull(tx *dbx.Tx, w *bufio.Writer, gz *compress.Chunked, busy bool, p principal, version int, cursor int64, first, future bool, mig *migrationSpec) error {
	// Read before the first query of tx, where SQLite takes the snapshot
	// (the transaction is deferred): a pull that read rows before gallring
	// cleared notes in place sees the epoch move and caches nothing after.
	epoch := s.cacheEpoch.Load()
	current, horizon, err := CurrentCursor(tx)
	if err != nil {
		return err
	}
	if s.afterSnapshot != nil {
		s.afterSnapshot()
	}
	strategy := ""
	if !first && (future || cursor > current || cursor < horizon) {
		first = true
		strategy = "replacement"
	}
	enc := newRowEncoder(w)
	enc.gz, enc.busy, enc.epoch = gz, busy, epoch

	since := s.cfg.Now().In(s.loc).AddDate(0, 0, -s.cfg.WindowDays).Format(time.DateOnly)
	w.WriteString(`{"changes":{`)
	for i, t := range tablesFor(version) {
		if i > 0 {
			w.WriteByte(',')
		}
		enc.raw(t.name)
		w.WriteString(`:{"created":[],"updated":[`)
		enc.first = true

		// A migration pull (WatermelonDB's migration sync) resends a table
		// that is new since `from`, or has columns new since `from` (the
		// server's own list, or the client's), as a first sync would, plus
		// every change since the cursor; its deletes still arrive.
		resend := false
		if mig != nil && mig.From < version && !first {
			resend = t.since > mig.From
			for _, c := range t.columns {
				if c.since > mig.From && c.in(version) {
					resend = true
				}
			}
			for _, c := range mig.Columns {
				if c.Table == t.name {
					resend = true
				}
			}
		}

		if t.writable {
			var where dbx.Expression
			params := dbx.Params{"team": p.team, "to": current}
			switch {
			case first:
				where = dbx.NewExp("team = {:team} AND seq <= {:to} AND "+t.dateField+" >= {:since}", dbx.Params{"since": since})
			case resend:
				where = dbx.NewExp("team = {:team} AND seq <= {:to} AND ("+t.dateField+" >= {:since} OR seq > {:from})", dbx.Params{"since": since, "from": cursor})
			default:
				where = dbx.NewExp("team = {:team} AND seq > {:from} AND seq <= {:to}", dbx.Params{"from": cursor})
			}
			if expr, ok := rowJSONExpr(t, version); ok {
				var win *windowKey
				if first {
					win = &windowKey{collection: t.collection, team: p.team, since: since}
				}
				err = s.cachedRows(tx, t, version, p.team, expr, where, params, enc, win, current)
			} else {
				err = syncedRows(tx, t, version, where, params, enc.row)
			}
		} else {
			// Small reference tables: sent whole on every pull.
			err = s.referenceRows(tx, t, p, version, enc.row)
		}
		if err != nil {
			return err
		}
		deleted, err := tombstonesSince(tx, t.collection, p.team, cursor, current, first)
		if err != nil {
			return err
		}
		w.WriteString(`],"deleted":`)
		enc.raw(deleted)
		w.WriteByte('}')
		if enc.err != nil {
			return enc.err
		}
	}
	w.WriteString(`},"timestamp":`)
	w.WriteString(strconv.FormatInt(current, 10))
	if strategy != "" {
		w.WriteString(`,"experimentalStrategy":`)
		enc.raw(strategy)
	}
	w.WriteByte('}')
	return enc.err
}

// rowEncoder writes rows of a JSON list one by one.
type rowEncoder struct {
	w     *bufio.Writer
	first bool
	err   error
	// keys are the sorted keys of the last row (the rows of a table share
	// theirs); buf is the row being encoded.
	keys []string
	buf  []byte
	// gz, when the reply is gzip, takes compressed chunks of rows
	// (pull_chunks.go) after what w holds.
	gz *compress.Chunked
	// busy is true when other pulls waited for CPU as this one started.
	busy bool
	// epoch is Service.cacheEpoch when the pull's snapshot began.
	epoch uint64
}

func newRowEncoder(w *bufio.Writer) *rowEncoder { return &rowEncoder{w: w, first: true} }

// row writes one record of the current list.
func (e *rowEncoder) row(rec map[string]any) error {
	if !e.first {
		e.w.WriteByte(',')
	}
	e.first = false
	if e.err != nil {
		return e.err
	}
	b, err := e.appendRow(e.buf[:0], rec)
	if err != nil {
		e.err = fmt.Errorf("encode pull: %w", err)
		return e.err
	}
	e.buf = b
	if _, err := e.w.Write(b); err != nil {
		e.err = err
	}
	return e.err
}

// rawRow writes one row already encoded as a JSON object.
func (e *rowEncoder) rawRow(b []byte) error {
	if !e.first {
		e.w.WriteByte(',')
	}
	e.first = false
	if e.err != nil {
		return e.err
	}
	if _, err := e.w.Write(b); err != nil {
		e.err = err
	}
	return e.err
}

// chunk writes a compressed chunk of rows of the current list (rows
// joined by commas, as rawRow would write them one by one).
func (e *rowEncoder) chunk(c *compress.Chunk) error {
	if !e.first {
		e.w.WriteByte(',')
	}
	e.first = false
	if e.err != nil {
		return e.err
	}
	if err := e.w.Flush(); err != nil {
		e.err = err
		return err
	}
	if err := e.gz.WriteChunk(c); err != nil {
		e.err = err
	}
	return e.err
}

// appendRow appends rec as json.Marshal encodes a map (keys sorted, the
// same escaping: jsonenc.go), without its reflection and per-row sort: a
// pull is mostly this.
func (e *rowEncoder) appendRow(b []byte, rec map[string]any) ([]byte, error) {
	same := len(e.keys) == len(rec)
	if same {
		for _, k := range e.keys {
			if _, ok := rec[k]; !ok {
				same = false
				break
			}
		}
	}
	if !same {
		e.keys = e.keys[:0]
		for k := range rec {
			e.keys = append(e.keys, k)
		}
		sort.Strings(e.keys)
	}
	b = append(b, '{')
	for i, k := range e.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendJSONValue(b, rec[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// raw writes v as JSON (without the newline json.Encoder would add).
func (e *rowEncoder) raw(v any) {
	if e.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		e.err = fmt.Errorf("encode pull: %w", err)
		return
	}
	if _, err := e.w.Write(b); err != nil {
		e.err = err
	}
}

// syncedRows reads the wire form of a writable table's records.
func syncedRows(tx *dbx.Tx, t *table, version int, where dbx.Expression, params dbx.Params, emit func(map[string]any) error) error {
	return wireRows(tx, t, version, func(q *dbx.SelectQuery) *dbx.SelectQuery {
		return q.Where(where).OrderBy(cursorField).Bind(params)
	}, emit)
}

// wireRows reads t's records in their wire form for a client of schema
// version version: id, created_at, updated_at, team_id (writable tables)
// and the columns of t its schema has, each encoded by its kind; legacy
// columns are mapped down from the schema-3 fields (legacy.go). query adds
// the condition and order; emit receives each record as it is read.
func wireRows(tx *dbx.Tx, t *table, version int, query func(*dbx.SelectQuery) *dbx.SelectQuery, emit func(map[string]any) error) error {
	cols := []string{"id", "created", "updated"}
	if t.writable {
		cols = append(cols, "team")
	}
	first := len(cols)
	var stored []column // the columns with a record field, in cols order from first
	for _, c := range t.columns {
		if !c.legacy() {
			cols = append(cols, c.field)
			stored = append(stored, c)
		}
	}
	rows, err := query(tx.Select(cols...).From(t.collection)).Rows()
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()

	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	byField := func(field string) string {
		for i, c := range stored {
			if c.field == field {
				return asString(vals[first+i])
			}
		}
		return ""
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("scan %s: %w", t.name, err)
		}
		rec := make(map[string]any, len(cols))
		rec["id"] = asString(vals[0])
		rec["created_at"] = millis(asString(vals[1]))
		rec["updated_at"] = millis(asString(vals[2]))
		if t.writable {
			rec["team_id"] = asString(vals[3])
		}
		for i, c := range stored {
			if !c.in(version) {
				continue
			}
			v := vals[first+i]
			switch c.kind {
			case kindSet:
				s := asString(v)
				if s == "" || s == "null" {
					s = "[]"
				}
				rec[c.wire] = s
			case kindBool:
				rec[c.wire] = asInt(v) != 0
			case kindInt:
				rec[c.wire] = asInt(v)
			case kindSelect:
				s := asString(v)
				if s == "" {
					s = taxonomy.Unknown // a field added later, left empty by a non-sync save
				}
				rec[c.wire] = s
			default:
				rec[c.wire] = asString(v)
			}
		}
		for _, c := range t.columns {
			if c.legacy() && c.in(version) {
				rec[c.wire] = legacyValue(c, byField)
			}
		}
		if err := emit(rec); err != nil {
			return err
		}
	}
	return rows.Err()
}

// tombstonesSince lists the ids of the team's records of a collection deleted
// in (from, to]; a full (first) sync lists none.
func tombstonesSince(tx *dbx.Tx, collection, team string, from, to int64, full bool) ([]string, error) {
	out := []string{}
	if full {
		return out, nil
	}
	var ids []string
	err := tx.NewQuery(`SELECT id FROM _uppsok_tombstones WHERE tbl = {:tbl} AND (team = {:team} OR team = '') AND seq > {:from} AND seq <= {:to} ORDER BY seq`).
		Bind(dbx.Params{"tbl": collection, "team": team, "from": from, "to": to}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("read tombstones: %w", err)
	}
	return append(out, ids...), nil
}

// referenceRows reads a whole pull-only reference table: the rows of the
// caller's scope, or what the table's own reader returns.
func (s *Service) referenceRows(tx *dbx.Tx, t *table, p principal, version int, emit func(map[string]any) error) error {
	if t.rows != nil {
		recs, err := t.rows(s, tx, p)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}
	return wireRows(tx, t, version, func(q *dbx.SelectQuery) *dbx.SelectQuery {
		if t.scope != "" {
			q = q.Where(dbx.NewExp(t.scope, dbx.Params{"team": p.team}))
		}
		if t.orderBy != "" {
			q = q.OrderBy(t.orderBy)
		}
		return q
	}, emit)
}

func asString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	default:
		return fmt.Sprint(x)
	}
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case bool:
		if x {
			return 1
		}
		return 0
	case string:
		n, _ := strconv.ParseFloat(x, 64)
		return int64(n)
	case []byte:
		n, _ := strconv.ParseFloat(string(x), 64)
		return int64(n)
	}
	return 0
}

// millis converts a PocketBase datetime text to Unix milliseconds.
func millis(s string) int64 {
	ms, _ := parseMillis(s)
	return ms
}

// parseMillis is a PocketBase datetime text ("2006-01-02 15:04:05.000Z")
// as Unix milliseconds, 0 when empty; false when it is neither.
func parseMillis(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	t, err := time.Parse("2006-01-02 15:04:05.000Z", s)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}
