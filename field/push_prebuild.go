package field

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

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
	// ready, when the record is built beside the transaction (a large
	// lone push), is closed once rec and clean are set, or their builder
	// gave up (rec nil); nil when the record was built before the push
	// went to the writer.
	ready chan struct{}
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
// whose collection cannot be found is left to the transaction. A large
// push on an otherwise quiet server is built on every core (buildWorkers).
func (s *Service) prebuild(p principal, plan *pushPlan, version int) {
	workers := s.buildWorkers(plan)
	s.prebuildWith(p, plan, version, workers, buildChunk, workers > 1)
}

// Building a push on several cores: a tablet back online after a week of
// night shifts pushes hundreds of contacts, and building them was a fifth
// of such a push's time, on one core while the other waited. The records
// are built in chunks of buildChunk by up to GOMAXPROCS goroutines, each
// into its own record's slot. It is done only for a push of at least
// parallelBuildMin created records that is the only push decoding or
// waiting for the writer: in a burst of tablets the other cores are busy
// with the other tablets, and more goroutines would only take CPU from the
// writer.
const (
	parallelBuildMin = 128
	buildChunk       = 64
)

// buildWorkers is how many goroutines build plan's created records.
func (s *Service) buildWorkers(plan *pushPlan) int {
	created := 0
	for _, prs := range plan.upserts {
		for _, pr := range prs {
			if pr.created {
				created++
			}
		}
	}
	if created < parallelBuildMin || len(s.queue) > 1 {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), created/buildChunk))
}

// Building beside the transaction. A large lone push used to be built
// whole before it went to the writer, so its transaction waited for the
// last record. With beside, the builders start and prebuildWith returns at
// once: the push goes to the writer, and the transaction takes each record
// when its chunk is built (prebuilt.ready), while the builders go on with
// the next chunks. Chunks are handed out in order, the order the
// transaction takes them in. A builder that panics logs it and leaves the
// rest of its chunk unbuilt (closed, rec nil): the transaction builds those
// records itself, as for any record not built ahead. Once the push is
// answered (a 409 or an error can end its transaction early) the builders
// stop.

// prebuildWith is prebuild with workers goroutines taking chunk records at
// a time; with beside (and more than one chunk), it returns as soon as the
// builders have started.
func (s *Service) prebuildWith(p principal, plan *pushPlan, version, workers, chunk int, beside bool) {
	b := recordBuilder{s: s, p: p, version: version, today: plan.date(s)}
	for _, t := range pushOrder {
		prs := plan.upserts[t]
		var created []int
		for i, pr := range prs {
			if pr.created {
				created = append(created, i)
			}
		}
		if len(created) == 0 {
			continue
		}
		col, err := s.app.FindCachedCollectionByNameOrId(t.collection)
		if err != nil {
			continue // the transaction finds (or fails on) it as before
		}
		set := newFieldSetters(col)
		build := func(i int) {
			rec, clean := b.build(t, col, set, prs[i], nil)
			prs[i].pre = &prebuilt{rec: rec, clean: clean}
		}
		if workers <= 1 || len(created) <= chunk {
			for _, i := range created {
				build(i)
			}
			continue
		}
		if beside {
			s.buildBeside(b, t, col, set, prs, created, workers, chunk, plan)
			continue
		}
		var (
			next     atomic.Int64
			wg       sync.WaitGroup
			panicked atomic.Value
		)
		work := func() {
			for {
				from := int(next.Add(1)-1) * chunk
				if from >= len(created) {
					return
				}
				for _, i := range created[from:min(from+chunk, len(created))] {
					build(i)
				}
			}
		}
		// A panic (in any builder) is raised again in the push's goroutine
		// once every builder has stopped, where the router's recovery
		// answers it with a 500; the stack goes with it.
		guarded := func() {
			defer func() {
				if r := recover(); r != nil {
					panicked.CompareAndSwap(nil, panicValue{v: r, stack: string(debug.Stack())})
				}
			}()
			work()
		}
		for w := 1; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				guarded()
			}()
		}
		guarded()
		wg.Wait()
		if r := panicked.Load(); r != nil {
			pv := r.(panicValue)
			panic(fmt.Sprintf("%v\nin a builder of the push:\n%s", pv.v, pv.stack))
		}
	}
}

// panicValue boxes a recovered value for atomic.Value (which needs one
// concrete type).
type panicValue struct {
	v     any
	stack string
}

// prebuiltFor returns the prebuilt record of pr when it may be stored as
// it is: the server lacks the id (isNew), the record was built for this id
// and collection, and it was not handed out before. Otherwise nil: the
// caller builds the record. A prebuilt record is handed out once: saving
// it changes it (relations, cursor, no longer new), so a transaction run
// again for the same plan builds its records afresh.
//
// waiting, when set (tests only), is called when the record's builder has
// not finished yet, before the wait.
func prebuiltFor(pr pushedRecord, col *core.Collection, isNew bool, waiting func()) *prebuilt {
	pre := pr.pre
	if pre == nil || pre.used {
		return nil
	}
	pre.used = true
	if !isNew {
		return nil // not waited for: its builder may still be at it
	}
	if pre.ready != nil {
		select {
		case <-pre.ready:
		default:
			if waiting != nil {
				waiting()
			}
			<-pre.ready
		}
	}
	if pre.rec == nil || pre.rec.Id != pr.id || pre.rec.Collection() != col {
		return nil
	}
	return pre
}

// buildBeside starts workers goroutines that build the created records of
// prs (indexes created) chunk records at a time, each record's prebuilt
// set before they start and ready when its chunk is done (see "Building
// beside the transaction"). plan.building counts the running builders.
func (s *Service) buildBeside(b recordBuilder, t *table, col *core.Collection, set fieldSetters, prs []pushedRecord, created []int, workers, chunk int, plan *pushPlan) {
	chunks := (len(created) + chunk - 1) / chunk
	ready := make([]chan struct{}, chunks)
	for k := range ready {
		ready[k] = make(chan struct{})
		for _, i := range created[k*chunk : min((k+1)*chunk, len(created))] {
			prs[i].pre = &prebuilt{ready: ready[k]}
		}
	}
	var next atomic.Int64
	// one builds chunk k; its records stay unbuilt (rec nil) if it panics.
	one := func(k int) {
		defer close(ready[k])
		defer func() {
			if r := recover(); r != nil {
				s.app.Logger().Error("a builder of the push panicked; the transaction builds its records",
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}()
		for _, i := range created[k*chunk : min((k+1)*chunk, len(created))] {
			if plan.answered.Load() {
				return // nobody waits for these any more
			}
			rec, clean := b.build(t, col, set, prs[i], nil)
			pre := prs[i].pre
			pre.rec, pre.clean = rec, clean
		}
	}
	if plan.building == nil {
		plan.building = new(sync.WaitGroup)
	}
	hold := s.holdBuilders
	for w := 0; w < min(workers, chunks); w++ {
		plan.building.Add(1)
		go func() {
			defer plan.building.Done()
			if hold != nil {
				<-hold
			}
			for {
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				one(k)
			}
		}()
	}
}
