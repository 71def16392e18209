package field

import (
	"github.com/pocketbase/pocketbase/core"
)

// Building records before the write transaction.
//
// A push's records are written one push at a time (SQLite has one writer),
// so in a burst of tablets every microsecond inside the write transaction
// is paid once per push in the queue. Sanitising a pushed record and
// setting it on a new core.Record reads no database, so for the records a
// tablet lists under created (new on the tablet, and almost always new on
// the server) it is done while the push waits for the writer, in the
// push's own goroutine. Inside the transaction a prebuilt record is used
// only when the server turns out not to hold its id; the relation checks,
// which must see the transaction, and the hook chain run there as for any
// record. A record whose id the server holds, or has tombstoned, is built
// in the transaction as before and its prebuilt twin is dropped.

// prebuilt is a pushed record built before its push waited for the writer:
// the new record with its id, team, device, sanitised values and person
// hash, and what sanitising it found.
type prebuilt struct {
	rec   *core.Record
	clean *cleanRecord
	// used is set when the transaction took the record (or dropped it).
	used bool
}

// recordBuilder builds the records of one push: everything of an upsert
// that reads no database.
type recordBuilder struct {
	s       *Service
	p       principal
	version int
	// today is the push's date (pushPlan.today), the same before and in
	// the transaction.
	today string
}

// build sanitises pr and sets it on a record: on stored, the record the
// server holds, or on a new record of col with the pushed id, the caller's
// team and device when stored is nil. Relations are left to the caller
// (teamRefs, in the transaction); clean.relations holds them.
func (b recordBuilder) build(t *table, col *core.Collection, set fieldSetters, pr pushedRecord, stored *core.Record) (*core.Record, *cleanRecord) {
	var (
		clean *cleanRecord
		rec   = stored
	)
	if stored == nil {
		clean = sanitizeRecord(t, pr.raw, b.version, nil, b.today)
		rec = core.NewRecord(col)
		set.set(rec, "id", pr.id)
		set.set(rec, "team", b.p.team)
		if b.p.device {
			set.set(rec, "device", b.p.record.Id)
		}
	} else {
		clean = sanitizeRecord(t, pr.raw, b.version, stored, b.today)
	}
	for f, v := range clean.values {
		set.set(rec, f, v)
	}
	if clean.personCode != "" && t.personCode {
		if h := b.s.cfg.Hasher().Hash(clean.personCode); h != "" {
			set.set(rec, "person_key", h)
		}
	}
	return rec, clean
}

// date returns the push's date (Stockholm), taken once per push: by
// prebuild, or here when the push was not prebuilt.
func (plan *pushPlan) date(s *Service) string {
	if plan.today == "" {
		plan.today = s.today()
	}
	return plan.today
}

// prebuild takes the push's date and builds, for every record the tablet
// listed under created, the record to store if the server lacks its id
// (pushedRecord.pre). It runs outside the write transaction; a table
// whose collection cannot be found is left to the transaction.
func (s *Service) prebuild(p principal, plan *pushPlan, version int) {
	b := recordBuilder{s: s, p: p, version: version, today: plan.date(s)}
	for _, t := range pushOrder {
		prs := plan.upserts[t]
		created := 0
		for _, pr := range prs {
			if pr.created {
				created++
			}
		}
		if created == 0 {
			continue
		}
		col, err := s.app.FindCachedCollectionByNameOrId(t.collection)
		if err != nil {
			continue // the transaction finds (or fails on) it as before
		}
		set := newFieldSetters(col)
		for i := range prs {
			if prs[i].created {
				rec, clean := b.build(t, col, set, prs[i], nil)
				prs[i].pre = &prebuilt{rec: rec, clean: clean}
			}
		}
	}
}

// prebuiltFor returns the prebuilt record of pr when it may be stored as
// it is: the server lacks the id (isNew), the record was built for this id
// and collection, and it was not handed out before. Otherwise nil: the
// caller builds the record. A prebuilt record is handed out once: saving
// it changes it (relations, cursor, no longer new), so a transaction run
// again for the same plan builds its records afresh.
func prebuiltFor(pr pushedRecord, col *core.Collection, isNew bool) *prebuilt {
	pre := pr.pre
	if pre == nil || pre.used {
		return nil
	}
	pre.used = true
	if !isNew || pre.rec.Id != pr.id || pre.rec.Collection() != col {
		return nil
	}
	return pre
}
