package field

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// tableChangesOut is one table of a pull response.
type tableChangesOut struct {
	Created []map[string]any `json:"created"`
	Updated []map[string]any `json:"updated"`
	Deleted []string         `json:"deleted"`
}

// pullResponse is the body of a pull.
type pullResponse struct {
	Changes   map[string]*tableChangesOut `json:"changes"`
	Timestamp int64                       `json:"timestamp"`
	Strategy  string                      `json:"experimentalStrategy,omitempty"`
}

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

	resp, err := s.pull(p, version, cursor, first, future, mig)
	if err != nil {
		return s.internalError(e, "pull", err)
	}
	if p.device {
		if err := touchLastSeen(s.app, p.record, s.cfg.Now()); err != nil {
			s.app.Logger().Warn("update device last_seen", "error", err)
		}
	}
	return e.JSON(http.StatusOK, resp)
}

// pull builds a pull response inside one read transaction, so that the
// cursor and the changes come from the same snapshot.
func (s *Service) pull(p principal, version int, cursor int64, first, future bool, mig *migrationSpec) (*pullResponse, error) {
	db, ok := s.app.ConcurrentDB().(*dbx.DB)
	if !ok {
		return nil, fmt.Errorf("unexpected read db type %T", s.app.ConcurrentDB())
	}
	tx, err := db.Begin()
	if err != nil {
		return nil, fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()

	current, horizon, err := CurrentCursor(tx)
	if err != nil {
		return nil, err
	}
	resp := &pullResponse{Changes: map[string]*tableChangesOut{}, Timestamp: current}
	if !first && (future || cursor > current || cursor < horizon) {
		first = true
		resp.Strategy = "replacement"
	}

	since := s.cfg.Now().In(s.loc).AddDate(0, 0, -s.cfg.WindowDays).Format(time.DateOnly)
	for _, t := range tablesFor(version) {
		out := &tableChangesOut{Created: []map[string]any{}, Updated: []map[string]any{}, Deleted: []string{}}
		resp.Changes[t.name] = out

		full := first
		if mig != nil && mig.From < version {
			full = full || t.since > mig.From
			for _, c := range mig.Columns {
				if c.Table == t.name {
					full = true
				}
			}
		}

		if t.writable {
			var where dbx.Expression
			params := dbx.Params{"team": p.team, "to": current}
			if full {
				where = dbx.NewExp("team = {:team} AND seq <= {:to} AND "+t.dateField+" >= {:since}", dbx.Params{"since": since})
			} else {
				where = dbx.NewExp("team = {:team} AND seq > {:from} AND seq <= {:to}", dbx.Params{"from": cursor})
			}
			out.Updated, err = syncedRows(tx, t, where, params)
		} else {
			// Small reference tables: sent whole on every pull.
			out.Updated, err = s.referenceRows(tx, t, p)
		}
		if err != nil {
			return nil, err
		}
		if out.Deleted, err = tombstonesSince(tx, t.collection, p.team, cursor, current, full); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// syncedRows reads the wire form of a writable table's records.
func syncedRows(tx *dbx.Tx, t *table, where dbx.Expression, params dbx.Params) ([]map[string]any, error) {
	return wireRows(tx, t, func(q *dbx.SelectQuery) *dbx.SelectQuery {
		return q.Where(where).OrderBy(cursorField).Bind(params)
	})
}

// wireRows reads t's records in their wire form: id, created_at,
// updated_at, team_id (writable tables) and t's columns, each encoded by its
// kind. query adds the condition and order.
func wireRows(tx *dbx.Tx, t *table, query func(*dbx.SelectQuery) *dbx.SelectQuery) ([]map[string]any, error) {
	cols := []string{"id", "created", "updated"}
	if t.writable {
		cols = append(cols, "team")
	}
	first := len(cols)
	for _, c := range t.columns {
		cols = append(cols, c.field)
	}
	rows, err := query(tx.Select(cols...).From(t.collection)).Rows()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()

	out := []map[string]any{}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("scan %s: %w", t.name, err)
		}
		rec := make(map[string]any, len(cols))
		rec["id"] = asString(vals[0])
		rec["created_at"] = millis(asString(vals[1]))
		rec["updated_at"] = millis(asString(vals[2]))
		if t.writable {
			rec["team_id"] = asString(vals[3])
		}
		for i, c := range t.columns {
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
			default:
				rec[c.wire] = asString(v)
			}
		}
		out = append(out, rec)
	}
	return out, rows.Err()
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
func (s *Service) referenceRows(tx *dbx.Tx, t *table, p principal) ([]map[string]any, error) {
	if t.rows != nil {
		return t.rows(s, tx, p)
	}
	return wireRows(tx, t, func(q *dbx.SelectQuery) *dbx.SelectQuery {
		if t.scope != "" {
			q = q.Where(dbx.NewExp(t.scope, dbx.Params{"team": p.team}))
		}
		if t.orderBy != "" {
			q = q.OrderBy(t.orderBy)
		}
		return q
	})
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
	if s == "" {
		return 0
	}
	t, err := time.Parse("2006-01-02 15:04:05.000Z", s)
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}
