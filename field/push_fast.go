package field

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The push's fast write path.
//
// PocketBase's Save runs a record through its model hook chains
// (OnModelCreate → OnModelCreateExecute, which PocketBase itself proxies to
// OnRecordCreate → OnRecordCreateExecute with the field interceptors, and
// every Go and JS hook bound to them), and at the end of the chain builds an
// INSERT or UPDATE for that one record: a map of every column, SQL text
// rewritten by dbx's regular expressions, parsed again by SQLite. For a push
// of 500 records that end of the chain was most of the time.
//
// pushWriter triggers the very same hook chains, through the app's own hook
// objects, so that every hook registered on the record fires as it does for
// Save (the product's cursor, child rule and tombstone hooks, PocketBase's
// field interceptors and record proxies, any JS hook in pb_hooks, in
// priority order). Only the final function differs: it writes the record
// with a statement prepared once per push and table, inside the push's one
// transaction. The after-success (or after-error) hooks run when that
// transaction completes, as PocketBase schedules them for a Save inside a
// transaction.

// pushWriter writes a push's records inside its transaction.
type pushWriter struct {
	// tx is the push's transactional app.
	tx core.App
	// parent is the app the transaction was started from: after-success
	// hooks see it, as they do after a Save inside a transaction.
	parent core.App
	stmts  map[string]*preparedWrite
	// rows, when not nil, takes the inserted rows' pull JSON once the
	// transaction has committed (pull_prewarm.go); warm holds their
	// values until then.
	rows *rowCache
	warm []warmRow
}

// warmRow is an inserted row's bound values, for the row cache.
type warmRow struct {
	collection string
	// index is the statement's column positions (never changed once
	// prepared), vals the values bound at them.
	index map[string]int
	vals  []any
}

// preparedWrite is one prepared INSERT or UPDATE of a collection's every
// column.
type preparedWrite struct {
	q      *dbx.Query
	cols   []string
	names  []string
	params dbx.Params
	// index is a column's position in cols.
	index map[string]int
}

func newPushWriter(tx, parent core.App, rows *rowCache) *pushWriter {
	return &pushWriter{tx: tx, parent: parent, stmts: map[string]*preparedWrite{}, rows: rows}
}

// prewarm keeps the values of the row just inserted with s; when the
// push's transaction commits, a goroutine of its own encodes the rows and
// caches them for the pulls (pull_prewarm.go), off the writer's path.
func (w *pushWriter) prewarm(collection string, s *preparedWrite) {
	if w.rows == nil {
		return
	}
	if w.warm == nil {
		info := w.tx.TxInfo()
		if info == nil {
			return
		}
		rows := w.rows
		info.OnComplete(func(txErr error) error {
			warm := w.warm
			w.warm = nil
			if txErr == nil {
				go cacheRows(rows, rows.dropCount(), warm)
			}
			return nil
		})
	}
	vals := make([]any, len(s.names))
	for i, n := range s.names {
		vals[i] = s.params[n]
	}
	w.warm = append(w.warm, warmRow{collection: collection, index: s.index, vals: vals})
}

// cacheRows encodes committed rows and puts them in the row cache, unless
// a row was dropped since the commit (drops: the cache's count then). A
// pull that comes first reads them from SQLite, as before.
func cacheRows(rows *rowCache, drops uint64, warm []warmRow) {
	for _, r := range warm {
		json, id, seq, ok := prewarmRow(r.collection, func(column string) any {
			i, ok := r.index[column]
			if !ok {
				return missingColumn{} // the row is left to SQLite
			}
			return r.vals[i]
		})
		if ok {
			rows.putUnlessDropped(drops, r.collection, id, prewarmVersion, seq, json)
		}
	}
}

// close releases the prepared statements.
func (w *pushWriter) close() {
	for _, s := range w.stmts {
		s.q.Close()
	}
	w.stmts = nil
}

// quoteIdent quotes a table or column name for SQLite.
func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

// statement returns the prepared write of the record's collection (kind
// "insert" or "update"), preparing it on first use.
func (w *pushWriter) statement(db dbx.Builder, rec *core.Record, kind string) (*preparedWrite, error) {
	col := rec.Collection()
	key := kind + "\x00" + col.Id
	if s, ok := w.stmts[key]; ok {
		return s, nil
	}
	cols := col.Fields.FieldNames()
	var sb strings.Builder
	if kind == "insert" {
		sb.WriteString("INSERT INTO " + quoteIdent(rec.TableName()) + " (")
		for i, c := range cols {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(quoteIdent(c))
		}
		sb.WriteString(") VALUES (")
		for i := range cols {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "{:p%d}", i)
		}
		sb.WriteString(")")
	} else {
		sb.WriteString("UPDATE " + quoteIdent(rec.TableName()) + " SET ")
		for i, c := range cols {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "%s = {:p%d}", quoteIdent(c), i)
		}
		sb.WriteString(" WHERE `id` = {:pk}")
	}
	q := db.NewQuery(sb.String()).Prepare()
	if q.LastError != nil {
		return nil, fmt.Errorf("prepare %s of %s: %w", kind, col.Name, q.LastError)
	}
	s := &preparedWrite{q: q, cols: cols, names: make([]string, len(cols)), params: make(dbx.Params, len(cols)+1)}
	s.index = make(map[string]int, len(cols))
	for i, c := range cols {
		s.names[i] = fmt.Sprintf("p%d", i)
		s.index[c] = i
	}
	w.stmts[key] = s
	return s, nil
}

// bind fills the statement's parameters from a record's exported columns;
// ok is false when the export does not have exactly the prepared columns
// (then the caller writes the record PocketBase's way).
func (s *preparedWrite) bind(data map[string]any) bool {
	if len(data) != len(s.cols) {
		return false
	}
	for i, c := range s.cols {
		v, ok := data[c]
		if !ok {
			return false
		}
		s.params[s.names[i]] = v
	}
	return true
}

// bindNew fills the statement's parameters with a new record's columns as
// Record.DBExport exports them (for a new record: each field's driver
// value, or its raw value); bound is false when the record's fields are
// not exactly the prepared columns.
func (s *preparedWrite) bindNew(rec *core.Record) (bound bool, err error) {
	fields := rec.Collection().Fields
	if len(fields) != len(s.cols) || fields.GetByName(core.FieldNameId) == nil {
		return false, nil
	}
	for i, f := range fields {
		name := f.GetName()
		if name != s.cols[i] {
			return false, nil
		}
		var v any
		if sf, ok := f.(*core.SelectField); ok {
			v, err = selectDriverValue(sf, rec)
			if err != nil {
				return false, err
			}
		} else if dv, ok := f.(core.DriverValuer); ok {
			if v, err = dv.DriverValue(rec); err != nil {
				return false, err
			}
		} else {
			v = rec.GetRaw(name)
		}
		if name == core.FieldNameId {
			if id, _ := v.(string); id == "" {
				return false, errors.New("empty primary key is not allowed")
			}
		}
		if list, ok := v.(types.JSONArray[string]); ok {
			// A multiple select's column: the text its driver value
			// stores, made without encoding/json for lists of plain codes.
			if v, err = jsonStringList(list); err != nil {
				return false, err
			}
		}
		s.params[s.names[i]] = v
	}
	return true, nil
}

// selectDriverValue returns what a select field's DriverValue returns for
// rec (PocketBase v0.39: the raw value made a list of unique non-empty
// codes, then its last code when single, its JSON text when multiple),
// without the map of uniques DriverValue builds per field and record when
// the raw value is already what the sanitiser stores: one code without
// '[' (single), or a list of distinct non-empty codes (multiple). Any
// other raw value goes to DriverValue. TestSelectDriverValueIsPocketBases
// compares the two.
func selectDriverValue(f *core.SelectField, rec *core.Record) (any, error) {
	raw := rec.GetRaw(f.Name)
	if !f.IsMultiple() {
		if s, ok := raw.(string); ok && strings.IndexByte(s, '[') < 0 {
			return s, nil
		}
		return f.DriverValue(rec)
	}
	if list, ok := raw.([]string); ok && nonzeroUnique(list) {
		return jsonStringList(list)
	}
	return f.DriverValue(rec)
}

// jsonStringList returns the text types.JSONArray[string].Value stores for
// list (encoding/json's, twice over: it encodes the output of its own
// MarshalJSON): for a list of codes made only of ASCII letters, digits,
// '_', '-' and '.', which JSON writes as they are, the quoted codes joined
// with commas; for any other, Value's own text.
// TestJSONStringListIsPocketBases compares the two.
func jsonStringList(list types.JSONArray[string]) (string, error) {
	n := 2
	for _, s := range list {
		for i := 0; i < len(s); i++ {
			if !plainJSONByte(s[i]) {
				v, err := list.Value()
				if err != nil {
					return "", err
				}
				text, _ := v.(string)
				return text, nil
			}
		}
		n += len(s) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, s...)
		b = append(b, '"')
	}
	b = append(b, ']')
	return string(b), nil
}

// plainJSONByte reports whether c is written as it is inside a JSON
// string by encoding/json.
func plainJSONByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// save creates or updates rec through the app's model hook chains, as
// SaveWithContext would (the validate chains included, PocketBase's own
// field validators left out: see validateHooks), writing it with a
// prepared statement.
func (w *pushWriter) save(ctx context.Context, rec *core.Record) error {
	if rec.IsNew() {
		return w.create(ctx, rec)
	}
	return w.update(ctx, rec)
}

func (w *pushWriter) create(ctx context.Context, rec *core.Record) error {
	app := w.tx
	event := new(core.ModelEvent)
	event.App = app
	event.Context = ctx
	event.Type = core.ModelEventTypeCreate
	event.Model = rec

	saveErr := app.OnModelCreate().Trigger(event, func(e *core.ModelEvent) error {
		if err := validateHooks(e); err != nil {
			return err
		}
		return e.App.OnModelCreateExecute().Trigger(event, func(e *core.ModelEvent) error {
			if err := w.write(e, "insert"); err != nil {
				return err
			}
			e.Model.MarkAsNotNew()
			return nil
		})
	})
	if saveErr != nil {
		event.Model.MarkAsNew()
		errEvent := &core.ModelErrorEvent{ModelEvent: *event, Error: saveErr}
		errEvent.App = app
		if hookErr := app.OnModelAfterCreateError().Trigger(errEvent); hookErr != nil {
			return errors.Join(saveErr, hookErr)
		}
		return saveErr
	}
	return w.afterCommit(event, func(txErr error) error {
		if txErr != nil {
			event.Model.MarkAsNew()
			return event.App.OnModelAfterCreateError().Trigger(&core.ModelErrorEvent{ModelEvent: *event, Error: txErr})
		}
		return event.App.OnModelAfterCreateSuccess().Trigger(event)
	})
}

func (w *pushWriter) update(ctx context.Context, rec *core.Record) error {
	app := w.tx
	event := new(core.ModelEvent)
	event.App = app
	event.Context = ctx
	event.Type = core.ModelEventTypeUpdate
	event.Model = rec

	saveErr := app.OnModelUpdate().Trigger(event, func(e *core.ModelEvent) error {
		if err := validateHooks(e); err != nil {
			return err
		}
		return e.App.OnModelUpdateExecute().Trigger(event, func(e *core.ModelEvent) error {
			return w.write(e, "update")
		})
	})
	if saveErr != nil {
		errEvent := &core.ModelErrorEvent{ModelEvent: *event, Error: saveErr}
		errEvent.App = app
		if hookErr := app.OnModelAfterUpdateError().Trigger(errEvent); hookErr != nil {
			return errors.Join(saveErr, hookErr)
		}
		return saveErr
	}
	return w.afterCommit(event, func(txErr error) error {
		if txErr != nil {
			return event.App.OnModelAfterUpdateError().Trigger(&core.ModelErrorEvent{ModelEvent: *event, Error: txErr})
		}
		return event.App.OnModelAfterUpdateSuccess().Trigger(event)
	})
}

// afterCommit runs fn when the push's transaction completes, with the
// event's app set to the app outside the transaction, as PocketBase does
// for a Save inside a transaction.
func (w *pushWriter) afterCommit(event *core.ModelEvent, fn func(txErr error) error) error {
	info := w.tx.TxInfo()
	if info == nil {
		// Not in a transaction (never the case for a push): now.
		return fn(nil)
	}
	info.OnComplete(func(txErr error) error {
		event.App = w.parent
		return fn(txErr)
	})
	return nil
}

// write is the final function of the execute chain: the record's columns
// as PocketBase exports them, written with the push's prepared statement
// on the app the hooks handed down (the push's transaction).
func (w *pushWriter) write(e *core.ModelEvent, kind string) error {
	rec, ok := e.Model.(*core.Record)
	if !ok {
		return fmt.Errorf("push write: not a record: %T", e.Model)
	}
	if kind == "insert" && rec.IsNew() && e.App.NonconcurrentDB() == w.tx.NonconcurrentDB() {
		// A new record's export (Record.DBExport) bound straight to the
		// statement, without building the map of its columns.
		s, err := w.statement(e.App.NonconcurrentDB(), rec, kind)
		if err != nil {
			return err
		}
		bound, err := s.bindNew(rec)
		if err != nil {
			return err
		}
		if bound {
			_, err = s.q.WithContext(e.Context).Bind(s.params).Execute()
			if err == nil {
				w.prewarm(rec.Collection().Name, s)
			}
			return err
		}
	}
	data, err := rec.DBExport(e.App)
	if err != nil {
		return err
	}
	if _, ok := data["id"]; !ok {
		data["id"] = rec.PK()
	}
	db := e.App.NonconcurrentDB()
	if kind == "insert" {
		if id, _ := data["id"].(string); id == "" {
			return errors.New("empty primary key is not allowed")
		}
	} else if data["id"] != rec.LastSavedPK() {
		return errors.New("primary key change is not allowed")
	}
	// The statements belong to the push's transaction; a hook that handed
	// down another app (its own transaction) gets PocketBase's own write.
	if db != w.tx.NonconcurrentDB() {
		return fallbackWrite(e, db, kind, data)
	}
	s, err := w.statement(db, rec, kind)
	if err != nil {
		return err
	}
	if !s.bind(data) {
		return fallbackWrite(e, db, kind, data)
	}
	if kind == "update" {
		s.params["pk"] = rec.LastSavedPK()
	}
	_, err = s.q.WithContext(e.Context).Bind(s.params).Execute()
	return err
}

// fallbackWrite writes data as PocketBase's own save does.
func fallbackWrite(e *core.ModelEvent, db dbx.Builder, kind string, data map[string]any) error {
	if kind == "insert" {
		_, err := db.Insert(e.Model.TableName(), data).WithContext(e.Context).Execute()
		return err
	}
	_, err := db.Update(e.Model.TableName(), data, dbx.HashExp{"id": e.Model.LastSavedPK()}).WithContext(e.Context).Execute()
	return err
}

// pushValidatedKey marks, in a validation's context, the pushed record
// whose values the push has already sanitised (see validateHooks).
type pushValidatedKey struct{}

// validateHooks runs a pushed record through the validate hook chains at
// the point where PocketBase's Save validates (OnModelValidate, and
// OnRecordValidate with the hooks bound to the record's collection, such as
// a municipality's onRecordValidate in pb_hooks), so that every one of them
// sees the record and can refuse it. The push has sanitised the record's
// values already (TestPushedOddValuesPassPocketBaseValidation shows they
// pass PocketBase's validation), so PocketBase's own field validators,
// about five queries a record, are left out: registerPushValidated's
// handler ends the chain just before them, for this record only.
func validateHooks(e *core.ModelEvent) error {
	ctx := context.WithValue(e.Context, pushValidatedKey{}, e.Model)
	return e.App.ValidateWithContext(ctx, e.Model)
}

// registerPushValidated binds the handler that ends a pushed record's
// OnRecordValidate chain before PocketBase's field validators (priority
// 99): hooks bound with a lower priority (every hook bound without one,
// JS hooks included) have run by then. Any other record, such as a
// follow-up the child rule writes during the push, is validated in full.
func registerPushValidated(app core.App) {
	app.OnRecordValidate().Bind(&hook.Handler[*core.RecordEvent]{
		Id:       "uppsokPushValidated",
		Priority: 98,
		Func: func(e *core.RecordEvent) error {
			if m, _ := e.Context.Value(pushValidatedKey{}).(*core.Record); m != nil && m == e.Record {
				return nil
			}
			return e.Next()
		},
	})
}

// pushSaveKey marks the context of a push's own saves (not those its hooks
// make, such as the child rule's follow-ups).
type pushSaveKey struct{}

// autodateLastKnownKey is the record key under which PocketBase's
// AutodateField keeps the date it last set (core/field_autodate.go);
// TestPushAutodateKeyIsPocketBases proves the name.
const autodateLastKnownKey = "@pbInternal_last_autodate_"

// registerPushAutodates binds the handler that, for a record a push
// creates, fills its autodate fields (created, updated) just before
// PocketBase's autodate interceptor runs (priority 99), exactly as that
// interceptor then does: with the time now. Unprimed, the interceptor finds
// a new record's last known date by building a copy of the record
// (Record.Original: a new record with every field's default), once per
// autodate field; for a push of 500 contacts that was a sixth of the
// memory it allocated. A date a hook set by hand is left for the
// interceptor to keep, as before.
func registerPushAutodates(app core.App) {
	app.OnRecordCreateExecute().Bind(&hook.Handler[*core.RecordEvent]{
		Id:       "uppsokPushAutodates",
		Priority: 98,
		Func: func(e *core.RecordEvent) error {
			if e.Context != nil && e.Context.Value(pushSaveKey{}) != nil && e.Record.IsNew() {
				for _, f := range e.Record.Collection().Fields {
					af, ok := f.(*core.AutodateField)
					if !ok || !af.OnCreate || !e.Record.GetDateTime(af.Name).IsZero() {
						continue
					}
					// The interceptor sees the date equal to its last known
					// one, so it sets the time now, as for an unset date.
					now := types.NowDateTime()
					e.Record.SetRaw(af.Name, now)
					e.Record.SetRaw(autodateLastKnownKey+af.Name, now)
				}
			}
			return e.Next()
		},
	})
}
