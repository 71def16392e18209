package field

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// pushBody is the body of a push.
type pushBody struct {
	Changes      json.RawMessage `json:"changes"`
	LastPulledAt json.RawMessage `json:"last_pulled_at"`
}

// rawTableChanges is one table of a push, kept raw so that one bad record
// cannot fail the decoding of the rest.
type rawTableChanges struct {
	Created []json.RawMessage `json:"created"`
	Updated []json.RawMessage `json:"updated"`
	Deleted []json.RawMessage `json:"deleted"`
	// createdRecs and updatedRecs are the records of Created and Updated
	// split into their columns by the quick decoder (push_decode.go; nil
	// for a record it leaves to encoding/json).
	createdRecs, updatedRecs []map[string]json.RawMessage
}

// pushResponse is the body of a successful push.
type pushResponse struct {
	Rejected map[string][]string `json:"rejected"`
	// RejectedReasons says why each rejected id was rejected (Reject*).
	RejectedReasons map[string]map[string]string   `json:"rejected_reasons"`
	Sanitized       map[string]map[string][]string `json:"sanitized"`
	// FollowupsRaised lists the records of this push that raised a
	// follow-up for the team's lead (the child rule); omitted when none.
	FollowupsRaised map[string][]string `json:"followups_raised,omitempty"`
	// Wipe is true in the reply to a returned device's last push.
	Wipe bool `json:"wipe,omitempty"`
	// KeptAsNew maps, in a returned device's last push, the ids of records
	// that could not be applied to their own id (deleted on the server, or
	// changed there without _changed) to the new records that hold them.
	KeptAsNew map[string]map[string]string `json:"kept_as_new,omitempty"`
}

// Reasons a pushed record is rejected (rejected_reasons in the push reply).
const (
	// RejectDeleted: the record was deleted on the server (a colleague).
	RejectDeleted = "deleted"
	// RejectOtherTeam: the id belongs to another team's record.
	RejectOtherTeam = "other_team"
	// RejectMalformedID: the id is not a lowercase UUID v4 (or the record
	// is not a JSON object).
	RejectMalformedID = "malformed_id"
	// RejectReadOnlyTable: the table cannot be written by a push.
	RejectReadOnlyTable = "read_only_table"
)

// pushedRecord is one upsert of a push after decoding.
type pushedRecord struct {
	id  string
	raw map[string]json.RawMessage
	// created says the tablet listed the record under created (its last
	// upsert of the id, when it pushed the id more than once).
	created bool
	// pre is the record built before the push waited for the writer
	// (push_prebuild.go); nil when it was not built ahead.
	pre *prebuilt
}

// pushPlan is a decoded push, ready to apply.
type pushPlan struct {
	lastPulledAt int64
	upserts      map[*table][]pushedRecord
	deletes      map[*table][]string
	resp         pushResponse
	count        int
	// today is the date (Stockholm) that no pushed date may pass, taken
	// once per push (prebuild); "" until then.
	today string
	// building counts the goroutines still building the push's records
	// beside its transaction (push_prebuild.go); nil when none started.
	// answered is set once the push's transaction is over: they stop.
	building *sync.WaitGroup
	answered atomic.Bool
}

func (r *pushResponse) reject(tbl, id, reason string) {
	r.Rejected[tbl] = append(r.Rejected[tbl], id)
	if r.RejectedReasons[tbl] == nil {
		r.RejectedReasons[tbl] = map[string]string{}
	}
	r.RejectedReasons[tbl][id] = reason
}

func (s *Service) handlePush(e *core.RequestEvent) error {
	p, err := fieldPrincipal(e)
	if err != nil {
		return err
	}
	version, err := parseSchemaVersion(e.Request.URL.Query().Get("schema_version"))
	if err != nil {
		return err
	}
	body, err := readBody(e.Request, MaxPushBytes+1)
	if err != nil {
		return apis.NewBadRequestError("Kunde inte läsa förfrågan. / Could not read the request.", nil)
	}
	if len(body) > MaxPushBytes {
		// Read (and drop) a bounded rest, so that the client gets the 413
		// instead of a connection reset while it is still sending.
		io.Copy(io.Discard, io.LimitReader(e.Request.Body, drainLimit))
		return apiError(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("För stor synk: högst %d MB. / Push too large: at most %d MB.", MaxPushBytes>>20, MaxPushBytes>>20), nil)
	}

	key := strings.TrimSpace(e.Request.Header.Get("Idempotency-Key"))
	if len(key) > 200 {
		return apis.NewBadRequestError("Idempotency-Key är för lång. / Idempotency-Key is too long.", nil)
	}
	// At most DefaultPushQueue pushes are decoded and waiting for the
	// writer at once: the others wait as bytes (a decoded push is several
	// times its body, and in a burst of 200 tablets all of them would wait
	// decoded, pushing the server's memory up for no speed).
	var (
		respBody []byte
		replayed *storedResponse
		hash     string
	)
	err = func() error {
		s.queue <- struct{}{}
		defer func() { <-s.queue }()
		// Not in a slot of the CPU gate: the queue already bounds how many
		// decode at once, and a decode that waited behind the pulls would
		// leave the writer without a next push.
		plan, err := decodePush(body)
		if err != nil {
			return err
		}
		// The created records are built now, beside the writer, so that
		// the write transaction (one at a time) has less to do.
		s.prebuild(p, plan, version)
		// The key is looked up inside the push's write transaction: a retry
		// that raced the first attempt sees its committed response, never
		// applies twice. The body's hash is kept with the key (and compared
		// on a replay); a push without a key needs none.
		if key != "" {
			hash = bodyHash(body)
		}
		s.gate.writing(func() { respBody, replayed, err = s.apply(p, plan, version, key, hash) })
		plan.answered.Store(true)
		return err
	}()
	if replayed != nil {
		return replay(e, replayed, hash)
	}
	if err != nil {
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			return apiErr
		}
		return s.internalError(e, "push", err)
	}
	return e.Blob(http.StatusOK, "application/json", respBody)
}

// readBody reads at most limit bytes of a request's body, into a buffer of
// the announced length when there is one (io.ReadAll grows its buffer
// a dozen times over for a push of 500 records).
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength <= 0 || r.ContentLength >= limit {
		return io.ReadAll(io.LimitReader(r.Body, limit))
	}
	buf := bytes.NewBuffer(make([]byte, 0, r.ContentLength+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r.Body, limit))
	return buf.Bytes(), err
}

// replay answers a repeated idempotency key with the first response, or 422
// when the body differs.
func replay(e *core.RequestEvent, stored *storedResponse, hash string) error {
	if stored.BodyHash != hash {
		return apiError(http.StatusUnprocessableEntity,
			"Idempotency-Key har redan använts för en annan synk. / Idempotency-Key was already used for a different push.", nil)
	}
	e.Response.Header().Set("Idempotent-Replayed", "true")
	return e.Blob(stored.Status, "application/json", stored.Response)
}

// decodePush parses a push body into a plan. Structural errors (not JSON,
// wrong shape) fail the push with 400; problems with single records are
// recorded in the plan's rejected list.
func decodePush(body []byte) (*pushPlan, error) { return decodePushWith(body, true) }

// decodePushWith is decodePush; quick says whether the quick decoder
// (push_decode.go) may read the body, or only encoding/json (for the tests
// that compare the two).
func decodePushWith(body []byte, quick bool) (*pushPlan, error) {
	var pb pushBody
	var changes map[string]json.RawMessage
	var tables map[string]rawTableChanges
	q, ok := quickPush{}, false
	if quick {
		q, ok = quickSplitPush(body)
	}
	if ok {
		pb.Changes, pb.LastPulledAt, tables = q.changes, q.lastPulledAt, q.tables
	} else {
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&pb); err != nil {
			return nil, apis.NewBadRequestError("Ogiltig JSON i synken. / Malformed push JSON.", nil)
		}
		if dec.More() {
			return nil, apis.NewBadRequestError("Oväntat innehåll efter JSON. / Unexpected data after the JSON body.", nil)
		}
		if len(pb.Changes) == 0 || isNull(pb.Changes) {
			return nil, apis.NewBadRequestError("Synken saknar changes. / The push has no changes.", nil)
		}
		// Every table decoded in one pass; when that fails, table by table, to
		// name the table with the wrong shape.
		tables = map[string]rawTableChanges{}
		if json.Unmarshal(pb.Changes, &tables) != nil {
			tables = nil
			if err := json.Unmarshal(pb.Changes, &changes); err != nil {
				return nil, apis.NewBadRequestError("Ogiltig JSON i synken. / Malformed push JSON.", nil)
			}
		}
	}
	plan := &pushPlan{
		upserts: map[*table][]pushedRecord{},
		deletes: map[*table][]string{},
		resp: pushResponse{Rejected: map[string][]string{}, RejectedReasons: map[string]map[string]string{},
			Sanitized: map[string]map[string][]string{}},
	}
	if len(pb.LastPulledAt) > 0 && !isNull(pb.LastPulledAt) {
		var n json.Number
		d := json.NewDecoder(bytes.NewReader(pb.LastPulledAt))
		d.UseNumber()
		if err := d.Decode(&n); err != nil {
			return nil, apis.NewBadRequestError("last_pulled_at måste vara ett icke-negativt heltal. / last_pulled_at must be a non-negative integer.", nil)
		}
		v, err := n.Int64()
		if err != nil || v < 0 {
			return nil, apis.NewBadRequestError("last_pulled_at måste vara ett icke-negativt heltal. / last_pulled_at must be a non-negative integer.", nil)
		}
		plan.lastPulledAt = v
	}

	names := make([]string, 0, len(tables)+len(changes))
	for name := range tables {
		names = append(names, name)
	}
	for name := range changes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		tc, decoded := tables[name]
		if !decoded {
			if err := json.Unmarshal(changes[name], &tc); err != nil {
				return nil, apis.NewBadRequestError(fmt.Sprintf("Tabellen %q har fel form. / Table %q has the wrong shape.", safeColumnName(name), safeColumnName(name)), nil)
			}
		}
		plan.count += len(tc.Created) + len(tc.Updated) + len(tc.Deleted)
		if plan.count > MaxPushRecords {
			return nil, apiError(http.StatusRequestEntityTooLarge,
				fmt.Sprintf("Högst %d poster per synk. / At most %d records per push.", MaxPushRecords, MaxPushRecords), nil)
		}
		t := tableByName(name)
		if t == nil || !t.writable {
			tblName := safeColumnName(name)
			for _, raw := range append(append(tc.Created, tc.Updated...), tc.Deleted...) {
				plan.resp.reject(tblName, rawID(raw), RejectReadOnlyTable)
			}
			continue
		}
		// An id pushed more than once is applied once, from its last
		// upsert; a delete of the same id wins over its upserts.
		seen := map[string]int{}
		split := append(tc.createdRecs, tc.updatedRecs...)
		for i, raw := range append(tc.Created, tc.Updated...) {
			var rec map[string]json.RawMessage
			ok := false
			if len(split) > i && split[i] != nil {
				rec, ok = split[i], true
			} else {
				rec, ok = quickRecord(raw)
			}
			if !ok {
				rec = nil
				if err := json.Unmarshal(raw, &rec); err != nil {
					plan.resp.reject(t.name, rawID(raw), RejectMalformedID)
					continue
				}
			}
			id, ok := jsonString(rec["id"])
			if !ok || !isUUIDv4(id) {
				plan.resp.reject(t.name, rawID(rec["id"]), RejectMalformedID)
				continue
			}
			pr := pushedRecord{id: id, raw: rec, created: i < len(tc.Created)}
			if i, dup := seen[id]; dup {
				plan.upserts[t][i] = pr
				continue
			}
			seen[id] = len(plan.upserts[t])
			plan.upserts[t] = append(plan.upserts[t], pr)
		}
		deleted := map[string]bool{}
		for _, raw := range tc.Deleted {
			id, ok := jsonString(raw)
			if !ok || !isUUIDv4(id) {
				plan.resp.reject(t.name, rawID(raw), RejectMalformedID)
				continue
			}
			if !deleted[id] {
				deleted[id] = true
				plan.deletes[t] = append(plan.deletes[t], id)
			}
		}
		if len(deleted) > 0 {
			kept := plan.upserts[t][:0]
			for _, r := range plan.upserts[t] {
				if !deleted[r.id] {
					kept = append(kept, r)
				}
			}
			plan.upserts[t] = kept
		}
	}
	return plan, nil
}

// rawID renders a pushed id (or record) for the rejected list.
func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return safeColumnName(s)
	}
	var rec map[string]json.RawMessage
	if json.Unmarshal(raw, &rec) == nil {
		if id, ok := rec["id"]; ok {
			return rawID(id)
		}
	}
	return safeColumnName(string(raw))
}

// loadExisting finds the records and tombstones the server holds for ids:
// each with one query that takes the ids as one JSON parameter (a list of
// 500 bound parameters was built, rewritten and parsed again per push).
func loadExisting(txApp core.App, t *table, ids []string) (map[string]*existing, error) {
	out := map[string]*existing{}
	if len(ids) == 0 {
		return out, nil
	}
	col, err := txApp.FindCachedCollectionByNameOrId(t.collection)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", t.collection, err)
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", t.collection, err)
	}
	// Joined to json_each, SQLite walks the ids and looks each one up by
	// its primary key (an IN over the same list first builds a temporary
	// index of it: twice as slow).
	idParams := dbx.Params{"ids": string(idsJSON)}
	var recs []*core.Record
	err = txApp.RecordQuery(col).
		InnerJoin("json_each({:ids}) AS pushed_ids", dbx.NewExp("pushed_ids.value = [["+col.Name+".id]]", idParams)).
		All(&recs)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", t.collection, err)
	}
	for _, r := range recs {
		out[r.Id] = &existing{record: r}
	}
	var tombs []string
	err = txApp.DB().NewQuery("SELECT t.id FROM json_each({:ids}) AS pushed_ids JOIN _uppsok_tombstones AS t ON t.id = pushed_ids.value").
		Bind(idParams).Column(&tombs)
	if err != nil {
		return nil, fmt.Errorf("load tombstones: %w", err)
	}
	for _, id := range tombs {
		out[id] = &existing{tombstoned: true}
	}
	return out, nil
}

// teamRefs checks pushed relation ids: an id must be a row of the
// relation's target table within the caller's scope (the rows the caller's
// tablet sees). Answers are cached for the push, and records the push
// itself stores are added as it goes.
type teamRefs struct {
	app   core.App
	team  string
	known map[*table]map[string]bool
}

func newTeamRefs(app core.App, team string) *teamRefs {
	return &teamRefs{app: app, team: team, known: map[*table]map[string]bool{}}
}

// resolve returns the id to store for relation column c; accepted is false
// when the pushed id was not acceptable and was cleared (or replaced by the
// caller's own id, for a column with self).
func (r *teamRefs) resolve(c column, id string, p principal) (stored string, accepted bool, err error) {
	if id == "" {
		return "", true, nil
	}
	ok, err := r.accepts(tableByName(c.ref), id)
	if err != nil {
		return "", false, err
	}
	if ok {
		return id, true, nil
	}
	if c.self {
		return p.workerID(), false, nil
	}
	return "", false, nil
}

// accepts reports whether id is a row of t within the caller's scope.
func (r *teamRefs) accepts(t *table, id string) (bool, error) {
	if ok, cached := r.known[t][id]; cached {
		return ok, nil
	}
	where := "id = {:id}"
	if t.scope != "" {
		where += " AND (" + t.scope + ")"
	}
	var n int
	err := r.app.DB().Select("COUNT(*)").From(t.collection).
		Where(dbx.NewExp(where, dbx.Params{"id": id, "team": r.team})).Row(&n)
	if err != nil {
		return false, fmt.Errorf("check %s id: %w", t.name, err)
	}
	r.add(t, id, n == 1)
	return n == 1, nil
}

// add records whether id is an acceptable row of t.
func (r *teamRefs) add(t *table, id string, ok bool) {
	if r.known[t] == nil {
		r.known[t] = map[string]bool{}
	}
	r.known[t][id] = ok
}
