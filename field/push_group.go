package field

import (
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Group commit.
//
// SQLite has one writer, so in a burst of tablets the pushes wait for each
// other, and each paid the fixed costs of a transaction alone: BEGIN and
// the COMMIT that syncs the write-ahead log (the largest of them), the
// idempotency lookup, the cursor update, preparing its statements. The
// writer applies the pushes that are already waiting when it takes the
// next one in one transaction, a group, so those costs are paid once per
// group. A push that finds no one waiting is applied at once and alone, as
// before: nothing waits for company.
//
// Every push keeps its own semantics. The pushes of a group are applied in
// the order they came, each sees the ones before it as if they had
// committed (their records, cursor values and idempotency keys: a key used
// twice in one group is a replay) and reserves its own block of cursor
// values. A push that ends before it writes anything (a conflict, a
// replayed key, a locked-out device) is answered and the group goes on
// without it.
//
// A push that fails after it has begun to write cannot be taken out of the
// shared transaction on its own. PocketBase schedules the after-success
// and after-error hooks of every save on the transaction (TxAppInfo.
// OnComplete), those of the saves that hooks make included (the child
// rule's follow-up, whose JS hook mails the lead), so a push rolled back to
// a savepoint would still announce its records. The whole group is rolled
// back instead (the after-error hooks of its saves fire, as for any save
// that is rolled back) and each of its pushes is applied again alone, in a
// transaction of its own, and gets exactly the answer it gets alone.

// DefaultGroupPushes is the most pushes one write transaction applies.
// DefaultPushQueue (gate.go) bounds the pushes waiting anyway.
const DefaultGroupPushes = 8

// DefaultGroupRecords bounds the records of a group: the pushes waiting
// are taken in order while their records stay within it (a larger push is
// applied alone), so that one transaction holds the writer for no more
// than about one full push.
const DefaultGroupRecords = 2000

// pushJob is a decoded push waiting for the writer, and its answer.
type pushJob struct {
	p         principal
	plan      *pushPlan
	version   int
	key, hash string

	// respBody is the reply; replayed the stored reply of a repeated
	// idempotency key; err the push's failure (or the error of one of
	// its after-success hooks, as apply returns it for a lone push).
	respBody []byte
	replayed *storedResponse
	err      error
	// done is closed when the answer is set.
	done chan struct{}
}

// writeQueue is the queue of pushes waiting for the writer. A goroutine
// applies them while there are any, group by group, and ends when the
// queue is empty; the next push starts another.
type writeQueue struct {
	mu      sync.Mutex
	pending []*pushJob
	running bool
	// limit is the most pushes of a group (DefaultGroupPushes when 0;
	// the benchmarks compare with 1).
	limit int
	// transactions and pushes count the write transactions the writer
	// ran and the pushes they applied (a group that was rolled back
	// applied none); the tests read them.
	transactions, pushes atomic.Int64
	// busy is the writer's time applying pushes (nanoseconds): in a burst
	// the critical path (the benchmarks report it per push).
	busy atomic.Int64
}

// submit queues j; its done channel is closed when it is answered.
func (q *writeQueue) submit(s *Service, j *pushJob) {
	q.mu.Lock()
	q.pending = append(q.pending, j)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		go q.run(s)
	}
}

// run applies the queued pushes until none is left.
func (q *writeQueue) run(s *Service) {
	for {
		group := q.next()
		if group == nil {
			return
		}
		start := time.Now()
		s.applyGroup(group)
		q.busy.Add(int64(time.Since(start)))
		for _, j := range group {
			close(j.done)
		}
	}
}

// next takes the pushes waiting, in order, up to DefaultGroupPushes and
// DefaultGroupRecords (at least one); nil when none is left, and then the
// queue has no writer running.
func (q *writeQueue) next() []*pushJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		q.running = false
		return nil
	}
	limit := q.limit
	if limit <= 0 {
		limit = DefaultGroupPushes
	}
	n, records := 1, q.pending[0].plan.count
	for n < len(q.pending) && n < limit && records+q.pending[n].plan.count <= DefaultGroupRecords {
		records += q.pending[n].plan.count
		n++
	}
	group := slices.Clone(q.pending[:n])
	rest := copy(q.pending, q.pending[n:])
	clear(q.pending[rest:])
	q.pending = q.pending[:rest]
	return group
}

// queued is how many pushes wait for the writer (not counting those it
// is applying).
func (q *writeQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// applyGroup answers every push of group: together in one transaction
// when there are several and that transaction commits, else each alone.
func (s *Service) applyGroup(group []*pushJob) {
	if len(group) > 1 && s.applyTogether(group) {
		return
	}
	for _, j := range group {
		s.applyAlone(j)
	}
}

// applyAlone applies one push in a transaction of its own.
func (s *Service) applyAlone(j *pushJob) {
	defer func() {
		if r := recover(); r != nil {
			// Answered as the router answers a handler's panic: 500.
			j.respBody, j.replayed = nil, nil
			j.err = fmt.Errorf("push panicked: %v\n%s", r, debug.Stack())
		}
	}()
	s.writer.transactions.Add(1)
	s.writer.pushes.Add(1)
	err := s.app.RunInTransaction(func(txApp core.App) error {
		w := newPushWriter(txApp, s.app, s.warmCache(1))
		defer w.close()
		_, err := s.applyIn(txApp, w, j)
		return err
	})
	if j.replayed != nil {
		j.respBody, j.err = nil, nil
		return
	}
	j.err = err
}

// applyTogether applies the pushes of group in one transaction and
// reports whether it committed. When it did not, every push of the group
// is as it was before (nothing of it stored, its reply as decoded) and
// must be applied alone.
func (s *Service) applyTogether(group []*pushJob) (committed bool) {
	// What an attempt changes outside the transaction, kept to be put
	// back: the reply the push fills in, and a device's record, whose
	// last_seen touchLastSeen sets when it writes it.
	replies := make([]pushResponse, len(group))
	devices := make([]*core.Record, len(group))
	for i, j := range group {
		replies[i] = j.plan.resp.clone()
		if j.p.device {
			devices[i] = j.p.record
			j.p.record = j.p.record.Clone()
		}
	}
	defer func() {
		if r := recover(); r != nil {
			if committed {
				// Stored: a push with no answer yet is answered 500 (its
				// retry gets the stored reply).
				for _, j := range group {
					if j.err == nil && j.replayed == nil {
						j.err = fmt.Errorf("push group panicked after its commit: %v\n%s", r, debug.Stack())
					}
				}
				return
			}
			s.app.Logger().Error("push group panicked; its pushes are applied alone", "panic", fmt.Sprint(r))
		}
		if !committed {
			for i, j := range group {
				j.plan.resp = replies[i]
				if devices[i] != nil {
					j.p.record = devices[i]
				}
				j.respBody, j.replayed, j.err = nil, nil, nil
			}
		}
	}()

	s.writer.transactions.Add(1)
	var (
		completed bool
		txErr     error
	)
	err := s.app.RunInTransaction(func(txApp core.App) error {
		w := newPushWriter(txApp, s.app, s.warmCache(len(group)))
		defer w.close()
		info := txApp.TxInfo()
		for i, j := range group {
			// The after hooks of push i's saves are scheduled after this
			// mark and before the next (see splitAfterErrors).
			info.OnComplete(func(err error) error {
				if i == 0 {
					completed, txErr = true, err
				}
				return groupMark(i)
			})
			wrote, err := s.applyIn(txApp, w, j)
			var apiErr *router.ApiError
			switch {
			case err == nil:
			case errors.Is(err, errReplayed):
				// j.replayed holds the stored reply.
			case !wrote && errors.As(err, &apiErr):
				// A conflict or a locked-out device: answered, nothing written.
				j.err = err
			default:
				return fmt.Errorf("push %d of a group of %d: %w", i+1, len(group), err)
			}
		}
		return nil
	})
	if !completed || txErr != nil {
		return false
	}
	committed = true
	s.writer.pushes.Add(int64(len(group)))
	if err == nil {
		return true
	}
	perPush, ok := splitAfterErrors(err, len(group))
	for i, j := range group {
		errs := perPush[i]
		if !ok {
			errs = []error{err}
		}
		if len(errs) > 0 && j.replayed == nil {
			j.err = fmt.Errorf("after hooks: %w", errors.Join(append(errs, j.err)...))
		}
	}
	return true
}

// groupMark is the error the mark of push i of a group returns among the
// transaction's after hooks: PocketBase runs those hooks in the order they
// were scheduled and joins their errors in that order, so the errors
// between mark i and mark i+1 are those of push i's hooks.
type groupMark int

func (m groupMark) Error() string { return fmt.Sprintf("(push %d of the group)", int(m)+1) }

// splitAfterErrors finds, in what RunInTransaction returned, the joined
// errors of the transaction's after hooks and splits them by push (n
// pushes). ok is false when the marks are not all there in order.
func splitAfterErrors(err error, n int) (perPush [][]error, ok bool) {
	list := markedList(err)
	if list == nil {
		return nil, false
	}
	perPush = make([][]error, n)
	cur := -1
	for _, e := range list {
		if m, isMark := e.(groupMark); isMark {
			if int(m) != cur+1 {
				return nil, false
			}
			cur = int(m)
			continue
		}
		if cur < 0 {
			return nil, false
		}
		perPush[cur] = append(perPush[cur], e)
	}
	return perPush, cur == n-1
}

// markedList returns the first list of joined errors in err's tree that
// holds a groupMark.
func markedList(err error) []error {
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		list := u.Unwrap()
		for _, e := range list {
			if _, isMark := e.(groupMark); isMark {
				return list
			}
		}
		for _, e := range list {
			if l := markedList(e); l != nil {
				return l
			}
		}
	case interface{ Unwrap() error }:
		return markedList(u.Unwrap())
	}
	return nil
}

// clone returns a copy of r that shares nothing that a push changes.
func (r pushResponse) clone() pushResponse {
	c := r
	c.Rejected = cloneLists(r.Rejected)
	c.FollowupsRaised = cloneLists(r.FollowupsRaised)
	if r.RejectedReasons != nil {
		c.RejectedReasons = make(map[string]map[string]string, len(r.RejectedReasons))
		for k, v := range r.RejectedReasons {
			c.RejectedReasons[k] = maps.Clone(v)
		}
	}
	if r.Sanitized != nil {
		c.Sanitized = make(map[string]map[string][]string, len(r.Sanitized))
		for k, v := range r.Sanitized {
			c.Sanitized[k] = cloneLists(v)
		}
	}
	if r.KeptAsNew != nil {
		c.KeptAsNew = make(map[string]map[string]string, len(r.KeptAsNew))
		for k, v := range r.KeptAsNew {
			c.KeptAsNew[k] = maps.Clone(v)
		}
	}
	return c
}

// cloneLists copies a map of string lists, lists included.
func cloneLists(m map[string][]string) map[string][]string {
	if m == nil {
		return nil
	}
	c := make(map[string][]string, len(m))
	for k, v := range m {
		c[k] = slices.Clone(v)
	}
	return c
}
