package field

import (
	"io"
	"testing"
	"time"
)

// entered reports whether enter returns within d.
func entered(g *cpuGate, d time.Duration) bool {
	done := make(chan struct{})
	go func() { g.enter(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// TestGateKeepsACoreForThePushWriter: on a 2-slot gate, two pulls may
// compress at once; while a push waits for or holds the write lock only
// one may, and the second goes on as soon as the push is done.
func TestGateKeepsACoreForThePushWriter(t *testing.T) {
	g := newCPUGate(2)
	if g.enter() {
		t.Fatal("the first pull waited on an idle gate")
	}
	if !entered(g, 5*time.Second) {
		t.Fatal("a second pull could not enter a 2-slot gate")
	}
	g.leave()
	g.leave()

	writing, finish := make(chan struct{}), make(chan struct{})
	go g.writing(func() { close(writing); <-finish })
	<-writing
	if g.enter() {
		t.Fatal("a pull waited with a slot open beside the writer")
	}
	second := make(chan bool, 1)
	go func() { second <- g.enter() }()
	select {
	case <-second:
		t.Fatal("a second pull entered while a push was writing: the writer has no core of its own")
	case <-time.After(200 * time.Millisecond):
	}
	close(finish)
	select {
	case waited := <-second:
		if !waited {
			t.Error("the second pull did not report that it waited (the pull uses it to compress less)")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second pull did not enter after the push was done")
	}
}

// TestSlowLinkHoldsNoSlot: a pull whose client reads slowly lets go of its
// slot while it waits on the network, so that the next pull goes on.
func TestSlowLinkHoldsNoSlot(t *testing.T) {
	g := newCPUGate(1)
	pr, pw := io.Pipe() // nobody reads: a write blocks like a full socket
	w := &sentWriter{w: pw, gate: g}
	g.enter()
	wrote := make(chan struct{})
	go func() {
		w.Write([]byte("rows the client is slow to take"))
		g.leave()
		close(wrote)
	}()
	if !entered(g, 10*time.Second) {
		t.Fatal("a pull waiting on a slow client holds its slot")
	}
	g.leave()
	pr.Close() // the client goes away: the write returns and the pull ends
	select {
	case <-wrote:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow pull did not get its slot back after the write")
	}
}

// TestGateSurvivesAPanic: a pull or push that panics (PocketBase answers
// 500 and goes on) gives its slot back; otherwise the server would stop
// serving pulls after a few such requests.
func TestGateSurvivesAPanic(t *testing.T) {
	g := newCPUGate(1)
	for i := 0; i < 3; i++ {
		func() {
			defer func() { recover() }()
			g.enter()
			defer g.leave()
			panic("pull failed")
		}()
		func() {
			defer func() { recover() }()
			g.writing(func() { panic("push failed") })
		}()
	}
	if !entered(g, 5*time.Second) {
		t.Fatal("a panicking request kept its slot")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.writers != 0 {
		t.Fatalf("%d writers left counted after panics", g.writers)
	}
}
