package field

import (
	"runtime"
	"sync"
)

// The push writes are one at a time (SQLite has one writer), so in a burst
// of tablets the pushes queue for the write lock, and every push's wait is
// the sum of the pushes before it. The pulls can run side by side, but on
// a small server they took the writer's CPU: with a
// hundred pulls compressing at once, the goroutine holding the write lock
// got a hundredth of the machine, and the queue of pushes grew for
// seconds. cpuGate keeps a core for the writer: pulls (reading rows and
// compressing them) take a slot of the gate, and while a
// push is waiting for or holding the write lock, one slot fewer is open.
// A slot is never held while a reply waits on the network (sentWriter lets
// go of it around each write), so a slow link holds no one up. Push
// decoding is bounded by the push queue instead (DefaultPushQueue).

// DefaultPushQueue is how many pushes may be decoded and waiting for the
// writer at once (push.go); the writer needs only the next few ready.
const DefaultPushQueue = 8

// cpuGate bounds the CPU-bound work that runs beside the push writer.
type cpuGate struct {
	mu      sync.Mutex
	cond    *sync.Cond
	slots   int // slots when no push is writing
	active  int
	writers int // pushes waiting for or holding the write lock
}

// newCPUGate returns a gate of n slots (at least 1).
func newCPUGate(n int) *cpuGate {
	g := &cpuGate{slots: max(1, n)}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// defaultGateSlots is one slot per CPU the Go runtime uses.
func defaultGateSlots() int { return runtime.GOMAXPROCS(0) }

// open is how many slots may be taken now (under mu).
func (g *cpuGate) open() int {
	if g.writers > 0 && g.slots > 1 {
		return g.slots - 1
	}
	return g.slots
}

// enter waits for a slot. It reports whether it had to wait: the server
// is short of CPU.
func (g *cpuGate) enter() (waited bool) {
	g.mu.Lock()
	for g.active >= g.open() {
		waited = true
		g.cond.Wait()
	}
	g.active++
	g.mu.Unlock()
	return waited
}

// leave gives a slot back.
func (g *cpuGate) leave() {
	g.mu.Lock()
	g.active--
	g.mu.Unlock()
	g.cond.Signal()
}

// writing runs fn, a push that waits for and holds the write lock, with
// one slot fewer open meanwhile (given back also when fn panics).
func (g *cpuGate) writing(fn func()) {
	g.mu.Lock()
	g.writers++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.writers--
		g.mu.Unlock()
		g.cond.Broadcast()
	}()
	fn()
}
