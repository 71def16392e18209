package field

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/followups"
)

// existing is what the server holds for a pushed id.
type existing struct {
	record     *core.Record
	tombstoned bool
}

// pushTx is one push being applied inside its transaction.
type pushTx struct {
	s     *Service
	tx    core.App
	p     principal
	plan  *pushPlan
	today string
	// version is the client's schema version (wire.go).
	version int
	ctx     context.Context
	known   map[*table]map[string]*existing
	refs    *teamRefs
	// lastWord marks the conflicting records ("table/id") of a returned
	// device's last push, which are applied rather than refused.
	lastWord map[string]bool
	// final is the device record when this is a returned device's last
	// push (nil otherwise).
	final *core.Record
	// w writes the records through their hook chains with prepared
	// statements (push_fast.go).
	w *pushWriter
}

// errReplayed ends the transaction of a push whose idempotency key was
// already used: nothing is applied and the stored response is answered.
var errReplayed = errors.New("idempotency key already used")

// apply applies a push and returns the response body, or the stored
// response when key was already used. Either every accepted record is
// stored, the cursor advanced and the idempotency key recorded, or nothing
// is. The push waits for the writer, which may apply it in one transaction
// with other pushes that were waiting too (push_group.go).
func (s *Service) apply(p principal, plan *pushPlan, version int, key, hash string) (respBody []byte, replayed *storedResponse, err error) {
	j := &pushJob{p: p, plan: plan, version: version, key: key, hash: hash, done: make(chan struct{})}
	s.writer.submit(s, j)
	<-j.done
	return j.respBody, j.replayed, j.err
}

// applyIn applies the push of j inside the transaction of txApp, writing
// its records with w, and sets j's response body (or its stored response:
// then it returns errReplayed). wrote reports whether the push had begun to
// write when it returned: an error before that (a conflict, a replay, a
// locked-out device) leaves the transaction as it found it.
//
// A push may be applied more than once: when a transaction it shared with
// other pushes is rolled back, it is applied again alone. Everything it
// changes outside the transaction is therefore made anew by each attempt
// (the reply is restored from a copy by the writer, see pushJob.attempt).
func (s *Service) applyIn(txApp core.App, w *pushWriter, j *pushJob) (wrote bool, err error) {
	p, plan, key := j.p, j.plan, j.key
	if key != "" {
		stored, err := findIdempotent(txApp.DB(), p.key(), key, s.cfg.Now())
		if err != nil {
			return false, err
		}
		if stored != nil {
			j.replayed = stored
			return false, errReplayed
		}
	}
	pt := &pushTx{s: s, tx: txApp, p: p, plan: plan, today: plan.date(s), version: j.version,
		refs: newTeamRefs(txApp, p.team), w: w}
	if p.device && isRevoked(p.record) {
		// The last push of a returned device: checked again inside the
		// transaction, so that two racing pushes cannot both be it.
		dev, err := txApp.FindRecordById("devices", p.record.Id)
		if err != nil {
			return false, fmt.Errorf("reload device: %w", err)
		}
		if !pushFirstOpen(dev, s.cfg.Now()) {
			return false, wipeError()
		}
		pt.final = dev
	}
	if err := pt.loadAndCheckConflicts(); err != nil {
		return false, err
	}
	total := int64(0)
	for _, t := range pushOrder {
		total += int64(len(plan.upserts[t]) + len(plan.deletes[t]))
	}
	block, err := reserveSeq(txApp, total)
	if err != nil {
		return true, err
	}
	raised := &followups.Raised{}
	pt.ctx = followups.WithRaised(withSeqBlock(context.WithValue(context.Background(), pushSaveKey{}, true), block), raised)
	for _, t := range pushOrder {
		if err := pt.upsertAll(t); err != nil {
			return true, err
		}
	}
	// Deletes after upserts; a record before the records it points at.
	for i := len(pushOrder) - 1; i >= 0; i-- {
		if err := pt.deleteAll(pushOrder[i]); err != nil {
			return true, err
		}
	}
	if pt.final != nil {
		// Pushed: the device wipes after this reply and is locked out.
		now := s.cfg.Now().UTC()
		pt.final.Set("final_push_at", now)
		pt.final.Set("last_seen", now.Truncate(time.Minute))
		pt.final.RefreshTokenKey()
		if err := txApp.Save(pt.final); err != nil {
			return true, fmt.Errorf("lock out returned device: %w", err)
		}
		plan.resp.Wipe = true
	} else if p.device {
		if err := touchLastSeen(txApp, p.record, s.cfg.Now()); err != nil {
			return true, fmt.Errorf("update last_seen: %w", err)
		}
	}
	if len(raised.IDs) > 0 {
		plan.resp.FollowupsRaised = map[string][]string{childRuleTable.name: raised.IDs}
	}
	j.respBody, err = json.Marshal(plan.resp)
	if err != nil {
		return true, fmt.Errorf("encode push response: %w", err)
	}
	if key != "" {
		return true, storeIdempotent(txApp, p.key(), key, j.hash, http.StatusOK, j.respBody, s.cfg.Now())
	}
	return true, nil
}

// loadAndCheckConflicts loads what the server holds for every pushed id
// and fails the push with 409 when any of the team's records changed after
// the client's last pull.
func (pt *pushTx) loadAndCheckConflicts() error {
	pt.known = map[*table]map[string]*existing{}
	conflicts := map[string][]string{}
	for _, t := range pushOrder {
		ids := make([]string, 0, len(pt.plan.upserts[t])+len(pt.plan.deletes[t]))
		for _, r := range pt.plan.upserts[t] {
			ids = append(ids, r.id)
		}
		ids = append(ids, pt.plan.deletes[t]...)
		ex, err := loadExisting(pt.tx, t, ids)
		if err != nil {
			return err
		}
		pt.known[t] = ex
		for _, id := range ids {
			x := ex[id]
			if x == nil || x.record == nil {
				continue
			}
			if x.record.GetString("team") == pt.p.team && int64(x.record.GetInt("seq")) > pt.plan.lastPulledAt {
				conflicts[t.name] = append(conflicts[t.name], id)
			}
		}
	}
	if len(conflicts) > 0 && pt.final != nil {
		// A returned device cannot pull to merge, and it wipes after this
		// push: its conflicting records are applied as WatermelonDB's
		// pull-merge-push would (the columns it changed win), or kept as new
		// records when it does not say which columns it changed (upsert).
		pt.lastWord = map[string]bool{}
		for name, ids := range conflicts {
			for _, id := range ids {
				pt.lastWord[name+"/"+id] = true
			}
		}
		return nil
	}
	if len(conflicts) > 0 {
		return apiError(http.StatusConflict,
			"Posten har ändrats på servern sedan senaste hämtningen; hämta och försök igen. / Records changed on the server since the last pull; pull and push again.",
			map[string]any{"conflicts": conflicts})
	}
	return nil
}

// upsertAll stores the pushed creates and updates of t.
func (pt *pushTx) upsertAll(t *table) error {
	col, err := pt.tx.FindCachedCollectionByNameOrId(t.collection)
	if err != nil {
		return fmt.Errorf("find %s: %w", t.collection, err)
	}
	set := newFieldSetters(col)
	for _, pr := range pt.plan.upserts[t] {
		if err := pt.upsert(t, col, set, pr); err != nil {
			return err
		}
	}
	return nil
}

func (pt *pushTx) upsert(t *table, col *core.Collection, set fieldSetters, pr pushedRecord) error {
	p, resp := pt.p, &pt.plan.resp
	x := pt.known[t][pr.id]
	if x != nil && x.tombstoned {
		if pt.final != nil {
			// A colleague deleted it, and the tablet erases itself after
			// this push: its edit is kept as a new record, never lost.
			return pt.keepAsNew(t, col, set, pr)
		}
		resp.reject(t.name, pr.id, RejectDeleted)
		return nil
	}
	if x != nil && x.record != nil && x.record.GetString("team") != p.team {
		resp.reject(t.name, pr.id, RejectOtherTeam)
		return nil
	}
	isNew := x == nil || x.record == nil
	if !isNew && pt.lastWord[t.name+"/"+pr.id] {
		changed := changedColumns(pr.raw)
		if len(changed) == 0 {
			return pt.keepAsNew(t, col, set, pr)
		}
		pr.raw = onlyColumns(pr.raw, changed)
	}
	var (
		rec   *core.Record
		clean *cleanRecord
	)
	if pre := prebuiltFor(pr, col, isNew, pt.s.builderWaiting); pre != nil {
		rec, clean = pre.rec, pre.clean
	} else {
		var stored *core.Record
		if !isNew {
			stored = x.record
		}
		b := recordBuilder{s: pt.s, p: p, version: pt.version, today: pt.today}
		rec, clean = b.build(t, col, set, pr, stored)
	}
	for _, c := range t.columns {
		if c.kind != kindRelation {
			continue
		}
		if id, pushed := clean.relations[c.field]; pushed {
			v, accepted, err := pt.refs.resolve(c, id, p)
			if err != nil {
				return err
			}
			if !accepted {
				clean.sanitized = append(clean.sanitized, c.wire)
			}
			set.set(rec, c.field, v)
		}
		if isNew && c.self && rec.GetString(c.field) == "" && p.workerID() != "" {
			set.set(rec, c.field, p.workerID())
		}
	}
	// The sanitiser has already made every value valid (its fuzz test
	// proves it) and relations were checked against the team above, so
	// PocketBase's per-field validation, which costs a query per record for
	// the id alone, is skipped; every record hook still runs (push_fast.go).
	if err := pt.w.save(pt.ctx, rec); err != nil {
		return fmt.Errorf("save %s %s: %w", t.name, pr.id, err)
	}
	pt.refs.add(t, pr.id, true)
	if len(clean.sanitized) > 0 {
		if resp.Sanitized[t.name] == nil {
			resp.Sanitized[t.name] = map[string][]string{}
		}
		resp.Sanitized[t.name][pr.id] = clean.sanitized
	}
	return nil
}

// keepAsNew stores a returned device's record that cannot be applied to
// its own id (deleted on the server, or changed there with no list of the
// columns the tablet changed) as a new record with a new id, and says so in
// the reply's kept_as_new.
func (pt *pushTx) keepAsNew(t *table, col *core.Collection, set fieldSetters, pr pushedRecord) error {
	newID := uuid.NewString()
	if err := pt.upsert(t, col, set, pushedRecord{id: newID, raw: pr.raw}); err != nil {
		return err
	}
	resp := &pt.plan.resp
	if resp.KeptAsNew == nil {
		resp.KeptAsNew = map[string]map[string]string{}
	}
	if resp.KeptAsNew[t.name] == nil {
		resp.KeptAsNew[t.name] = map[string]string{}
	}
	resp.KeptAsNew[t.name][pr.id] = newID
	return nil
}

// changedColumns reads WatermelonDB's _changed (comma-separated column
// names) of a pushed record.
func changedColumns(raw map[string]json.RawMessage) []string {
	s, ok := jsonString(raw["_changed"])
	if !ok {
		return nil
	}
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// onlyColumns keeps the id and the named columns of a pushed record.
func onlyColumns(raw map[string]json.RawMessage, cols []string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{"id": raw["id"]}
	for _, c := range cols {
		if v, ok := raw[c]; ok {
			out[c] = v
		}
	}
	return out
}

// deleteAll turns the pushed deletes of t into tombstones (through the
// delete hooks); ids the server never had, or already deleted, are ignored.
func (pt *pushTx) deleteAll(t *table) error {
	for _, id := range pt.plan.deletes[t] {
		x := pt.known[t][id]
		if x == nil || x.tombstoned {
			continue
		}
		if x.record.GetString("team") != pt.p.team {
			pt.plan.resp.reject(t.name, id, RejectOtherTeam)
			continue
		}
		if err := pt.tx.DeleteWithContext(pt.ctx, x.record); err != nil {
			return fmt.Errorf("delete %s %s: %w", t.name, id, err)
		}
	}
	return nil
}

// fieldSetters are the setters of a collection's fields by name, found once
// per push instead of once per value: core.Record.Set looks its setter up
// by asking every field of the collection (building modifier names such as
// "field+" each time), which was a large share of a push's time. A cached
// setter is the very function Record.Set would call, so the stored value
// is normalised exactly as before.
type fieldSetters map[string]fieldSetter

// fieldSetter sets one field: raw stores a value the sanitiser made that
// is already in the form the field's setter stores (rawSetter), or reports
// false; set is the field's own setter.
type fieldSetter struct {
	raw func(*core.Record, any) bool
	set func(*core.Record, any)
}

func newFieldSetters(col *core.Collection) fieldSetters {
	out := fieldSetters{}
	for _, f := range col.Fields {
		name := f.GetName()
		if _, done := out[name]; done {
			continue
		}
		fs := fieldSetter{raw: rawSetter(f)}
		if sf, ok := f.(core.SetterFinder); ok {
			if setter := sf.FindSetter(name); setter != nil {
				fs.set = setter
				out[name] = fs
				continue
			}
		}
		fs.set = func(r *core.Record, v any) {
			v, _ = f.PrepareValue(r, v)
			r.SetRaw(name, v)
		}
		out[name] = fs
	}
	return out
}

// rawSetter returns, for the kinds of field the sanitiser fills, a
// function that stores a value with SetRaw when the field's setter would
// store that very value (PocketBase v0.39: a text field stores
// cast.ToString, a number cast.ToFloat64, a bool cast.ToBool, a select
// list.ToUniqueStringSlice, its last element when single), and reports
// false for any other value, which then goes through the setter.
// TestRawSettersMatchPocketBase compares the two for every kind.
func rawSetter(f core.Field) func(*core.Record, any) bool {
	name := f.GetName()
	switch f := f.(type) {
	case *core.TextField:
		if name == core.FieldNameId {
			return nil
		}
		return func(r *core.Record, v any) bool {
			s, ok := v.(string)
			if ok {
				r.SetRaw(name, s)
			}
			return ok
		}
	case *core.NumberField:
		return func(r *core.Record, v any) bool {
			n, ok := v.(int)
			if ok {
				r.SetRaw(name, float64(n))
			}
			return ok
		}
	case *core.BoolField:
		return func(r *core.Record, v any) bool {
			b, ok := v.(bool)
			if ok {
				r.SetRaw(name, b)
			}
			return ok
		}
	case *core.SelectField:
		multiple := f.IsMultiple()
		return func(r *core.Record, v any) bool {
			switch v := v.(type) {
			case string:
				// A string with "[" would be read as a JSON list.
				if multiple || strings.Contains(v, "[") {
					return false
				}
				r.SetRaw(name, v)
				return true
			case []string:
				if !multiple || v == nil || !nonzeroUnique(v) {
					return false
				}
				r.SetRaw(name, v)
				return true
			}
			return false
		}
	}
	return nil
}

// nonzeroUnique reports whether a list has no empty and no repeated string
// (list.NonzeroUniques would return it unchanged).
func nonzeroUnique(v []string) bool {
	for i, s := range v {
		if s == "" {
			return false
		}
		for _, o := range v[:i] {
			if o == s {
				return false
			}
		}
	}
	return true
}

// set stores value in the record's field key as Record.Set does.
func (s fieldSetters) set(r *core.Record, key string, value any) {
	fs, ok := s[key]
	if !ok {
		r.Set(key, value)
		return
	}
	if fs.raw != nil && fs.raw(r, value) {
		return
	}
	fs.set(r, value)
}
