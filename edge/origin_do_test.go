package edge

import (
	"strings"
	"testing"
	"time"
)

// originProxy fetches the origin from inside an object; /write stores a
// value first, so the fetch must wait at the output gate.
type originProxy struct{ started int }

func (p *originProxy) Fetch(o *DOContext, r *DORequest) {
	p.started++
	if r.Path == "/write" {
		o.Storage().Put("k", "v")
	}
	o.FetchOrigin("/page", func(res OriginResponse) {
		r.Respond(res.Status, res.Body)
	})
}

func TestDOFetchOriginLeavesTheInputGateOpen(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	w.Origin().SetContent("/page", "hello")
	proxy := &originProxy{}
	ns := w.DurableObjects("PROXY", DOClass{Name: "Proxy", New: func(*DOContext) DOInstance { return proxy }})
	stub := ns.GetByName("p")
	a := callAt(w, stub, "IAD", "/read", 0)
	b := callAt(w, stub, "IAD", "/read", 5*time.Millisecond)
	w.RunUntil(5 * time.Second)
	if a.body != "hello" || b.body != "hello" {
		t.Fatalf("bodies %q, %q; want the origin's page twice", a.body, b.body)
	}
	if n := w.Origin().Fetches(); n != 2 {
		t.Errorf("%d origin fetches, want 2: nothing coalesces them", n)
	}
	// The second request starts while the first one's fetch is out.
	var firstFetch, secondStart time.Duration = -1, -1
	for _, e := range w.Trace() {
		switch {
		case e.Kind == EvOriginFetch && firstFetch < 0:
			firstFetch = e.At
			mustPlaced(t, ns, stub)
			if !strings.HasPrefix(e.Site, "origin_do_test.go:") || e.From != "do:p" {
				t.Errorf("origin.fetch site %q from %q; want this file's line, for the object", e.Site, e.From)
			}
		case e.Kind == EvDOStart && e.Req == b.id && e.Op == "fetch":
			secondStart = e.At
		}
	}
	if secondStart < 0 || firstFetch < 0 || secondStart > firstFetch {
		t.Errorf("second request started at %v, the first fetch was served at %v; want the input gate open during the await", secondStart, firstFetch)
	}
}

func TestDOFetchOriginWaitsForTheOutputGate(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	w.Origin().SetContent("/page", "hello")
	ns := w.DurableObjects("PROXY", DOClass{Name: "Proxy", New: func(*DOContext) DOInstance { return &originProxy{} }})
	callAt(w, ns.GetByName("p"), "IAD", "/write", 0)
	w.RunUntil(5 * time.Second)
	var commit, sent time.Duration = -1, -1
	for _, e := range w.Trace() {
		switch {
		case e.Kind == EvDOCommit && commit < 0:
			commit = e.At
		case e.Kind == EvSend && e.Op == MsgOriginFetch && e.Path == "/page" && sent < 0:
			sent = e.At
		}
	}
	if commit < 0 || sent < commit {
		t.Errorf("the fetch left at %v, the write was durable at %v; want the fetch held until then", sent, commit)
	}
}

func mustPlaced(t *testing.T, ns *DONamespace, s *DOStub) PoPID {
	t.Helper()
	p, ok := ns.Placement(s.ID())
	if !ok {
		t.Fatal("object not placed")
	}
	return p
}
