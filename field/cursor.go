package field

import (
	"context"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/apierr"
)

// The change cursor is one global integer sequence kept in _uppsok_cursor.
// Every create, update and delete of a synced record takes the next value in
// the same transaction as the change, so that a reader that sees cursor T in
// its snapshot also sees every change up to T. Wall-clock timestamps cannot
// do this: PocketBase's `updated` has millisecond resolution, collides, and
// goes backwards when the clock does.

type seqBlockKey struct{}

// seqBlock is a range of cursor values reserved by one push, handed out to
// its saves so that a push of n records costs one cursor update, not n.
type seqBlock struct {
	next, end int64
}

// withSeqBlock returns ctx carrying a block of reserved cursor values.
func withSeqBlock(ctx context.Context, b *seqBlock) context.Context {
	return context.WithValue(ctx, seqBlockKey{}, b)
}

// reserveSeq advances the cursor by n inside the transaction of txApp and
// returns the reserved block (first..last inclusive).
func reserveSeq(txApp core.App, n int64) (*seqBlock, error) {
	if n <= 0 {
		return &seqBlock{next: 1, end: 0}, nil
	}
	var last int64
	err := txApp.DB().NewQuery("UPDATE _uppsok_cursor SET value = value + {:n} WHERE id = 1 RETURNING value").
		Bind(dbx.Params{"n": n}).Row(&last)
	if err != nil {
		return nil, fmt.Errorf("reserve cursor values: %w", err)
	}
	return &seqBlock{next: last - n + 1, end: last}, nil
}

// nextSeq returns the cursor value for one change: from the event's reserved
// block when it has one, else by advancing the cursor.
func nextSeq(app core.App, ctx context.Context) (int64, error) {
	if b, ok := ctx.Value(seqBlockKey{}).(*seqBlock); ok && b.next <= b.end {
		v := b.next
		b.next++
		return v, nil
	}
	b, err := reserveSeq(app, 1)
	if err != nil {
		return 0, err
	}
	return b.end, nil
}

// CurrentCursor returns the server's change cursor as seen by db (at least 1).
func CurrentCursor(db dbx.Builder) (value, horizon int64, err error) {
	err = db.NewQuery("SELECT value, horizon FROM _uppsok_cursor WHERE id = 1").Row(&value, &horizon)
	if err != nil {
		return 0, 0, fmt.Errorf("read cursor: %w", err)
	}
	return value, horizon, nil
}

// inTx runs fn with e.App replaced by a transactional app, so that the
// cursor bump and the change commit together even when the caller (e.g. the
// dashboard) saved outside a transaction.
func inTx(e *core.RecordEvent, fn func() error) error {
	orig := e.App
	err := e.App.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn()
	})
	e.App = orig
	return err
}

// registerCursorHooks makes every change of a writable table's record take
// a cursor value, and every delete of any wire table's record leave a
// tombstone, whoever makes the change. Reference tables are sent whole on
// every pull, so only their deletes need a cursor value (team "" for teams
// and cards: every tablet hears of them). The collections come from the
// table descriptions (wire.go).
func registerCursorHooks(app core.App, now func() time.Time) {
	stamped, tombstoned := cursorCollections()
	stamp := func(e *core.RecordEvent) error {
		return inTx(e, func() error {
			seq, err := nextSeq(e.App, e.Context)
			if err != nil {
				return apierr.Internal(err)
			}
			setCursor(e.Record, seq)
			return e.Next()
		})
	}
	app.OnRecordCreateExecute(stamped...).BindFunc(stamp)
	app.OnRecordUpdateExecute(stamped...).BindFunc(stamp)
	app.OnRecordDeleteExecute(tombstoned...).BindFunc(func(e *core.RecordEvent) error {
		return inTx(e, func() error {
			if err := e.Next(); err != nil {
				return err
			}
			seq, err := nextSeq(e.App, e.Context)
			if err != nil {
				return apierr.Internal(err)
			}
			_, err = e.App.DB().NewQuery(`INSERT INTO _uppsok_tombstones (id, tbl, team, seq, deleted_at)
				VALUES ({:id}, {:tbl}, {:team}, {:seq}, {:at})
				ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, team = excluded.team, tbl = excluded.tbl`).
				Bind(dbx.Params{
					"id":   e.Record.Id,
					"tbl":  e.Record.Collection().Name,
					"team": e.Record.GetString("team"),
					"seq":  seq,
					"at":   now().UTC().Format(time.DateOnly),
				}).Execute()
			if err != nil {
				return apierr.Internal(fmt.Errorf("write tombstone: %w", err))
			}
			return nil
		})
	})
}

// setCursor stores seq in the record's cursor field as Record.Set does,
// with the field's own setter found by name (Record.Set asks every field of
// the collection for a setter, once per saved record).
func setCursor(r *core.Record, seq int64) {
	if f, ok := r.Collection().Fields.GetByName(cursorField).(core.SetterFinder); ok {
		if set := f.FindSetter(cursorField); set != nil {
			set(r, seq)
			return
		}
	}
	r.Set(cursorField, seq)
}

// PruneTombstones removes tombstones older than keep and moves the cursor
// horizon past them: a tablet whose cursor is older than the horizon gets a
// replacement sync, since it could have missed a delete.
func PruneTombstones(app core.App, now time.Time, keep time.Duration) (int64, error) {
	cutoff := now.Add(-keep).UTC().Format(time.DateOnly)
	var removed int64
	err := app.RunInTransaction(func(txApp core.App) error {
		var maxSeq int64
		err := txApp.DB().NewQuery("SELECT COALESCE(MAX(seq), 0) FROM _uppsok_tombstones WHERE deleted_at < {:cutoff}").
			Bind(dbx.Params{"cutoff": cutoff}).Row(&maxSeq)
		if err != nil {
			return fmt.Errorf("find old tombstones: %w", err)
		}
		if maxSeq == 0 {
			return nil
		}
		res, err := txApp.DB().NewQuery("DELETE FROM _uppsok_tombstones WHERE seq <= {:seq}").
			Bind(dbx.Params{"seq": maxSeq}).Execute()
		if err != nil {
			return fmt.Errorf("delete old tombstones: %w", err)
		}
		removed, _ = res.RowsAffected()
		_, err = txApp.DB().NewQuery("UPDATE _uppsok_cursor SET horizon = MAX(horizon, {:seq}) WHERE id = 1").
			Bind(dbx.Params{"seq": maxSeq}).Execute()
		if err != nil {
			return fmt.Errorf("move cursor horizon: %w", err)
		}
		return nil
	})
	return removed, err
}
