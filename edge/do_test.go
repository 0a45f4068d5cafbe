package edge

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// counterObject is the Durable Object most tests talk to: an in-memory
// hit count (lost on eviction) and a stored count (kept).
type counterObject struct{ hits int }

func (c *counterObject) Fetch(o *DOContext, r *DORequest) {
	c.hits++
	st := o.Storage()
	switch r.Path {
	case "/hits":
		r.Respond(200, strconv.Itoa(c.hits))
	case "/increment":
		// Read, add one, write: safe here, because the read closes the
		// input gate and no other request can run before the write.
		st.Get("count", func(v string, _ bool) {
			n, _ := strconv.Atoi(v)
			st.Put("count", strconv.Itoa(n+1))
			r.Respond(200, strconv.Itoa(n+1))
		})
	case "/both":
		st.Get("count", func(v string, _ bool) {
			n, _ := strconv.Atoi(v)
			st.Put("count", strconv.Itoa(n+1))
			r.Respond(200, fmt.Sprintf("%d,%d", c.hits, n+1))
		})
	default:
		r.Respond(404, "")
	}
}

var counterClass = DOClass{Name: "Counter", New: func(*DOContext) DOInstance { return &counterObject{} }}

// kvCounterObject keeps its count in KV: each await on KV lets other
// requests in, so two increments can both read the same count.
type kvCounterObject struct{}

func (kvCounterObject) Fetch(o *DOContext, r *DORequest) {
	kv := o.KV("COUNTER")
	kv.Get("count", GetOptions{}, func(got GetResult) {
		n, _ := strconv.Atoi(got.Value)
		next := strconv.Itoa(n + 1)
		var put func()
		put = func() {
			kv.Put("count", next, PutOptions{}, func(err error) {
				if IsKVError(err, "429") {
					o.SetTimeout(1100*time.Millisecond, put) // the documented advice: back off, retry
					return
				}
				r.Respond(200, next)
			})
		}
		put()
	})
}

var kvCounterClass = DOClass{Name: "KVCounter", New: func(*DOContext) DOInstance { return kvCounterObject{} }}

func newDOWorld(t testing.TB, mode Mode, seed uint64, trace bool) *World {
	t.Helper()
	w, err := New(Config{Seed: seed, Mode: mode, Topology: kvTopology(), Trace: trace, History: true})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// doCall is what one Worker request that forwards to an object saw.
type doCall struct {
	id      int
	status  int
	body    string
	done    bool
	latency time.Duration
}

// callAt sends a Worker request at PoP pop and virtual time at; its
// handler forwards to the object, as `env.NS.get(id).fetch(request)` does.
func callAt(w *World, stub *DOStub, pop, path string, at time.Duration) *doCall {
	c := &doCall{}
	r := w.Request(at, w.MustPoP(pop), path, func(r *Request) {
		stub.Fetch(r.PoP, r.Path, "", r.ID, func(res Response) { r.Respond(res.Status, res.Body) })
	}, func(status int, body string) {
		c.status, c.body, c.done, c.latency = status, body, true, w.Now()-at
	})
	r.OnStart(func() { c.id = r.ID })
	return c
}

// incrOps turns acknowledged increments into counter operations.
func incrOps(calls []*doCall, at []time.Duration) []Op {
	var ops []Op
	for i, c := range calls {
		if n, err := strconv.Atoi(c.body); c.status == 200 && err == nil {
			ops = append(ops, Op{Client: c.id, Kind: OpIncr, Key: "count", Value: int64(n), Call: at[i], Return: at[i] + c.latency,
				Label: fmt.Sprintf("req %d", c.id)})
		}
	}
	return ops
}

func TestDOSameIDReachesTheSameInstance(t *testing.T) {
	w := newDOWorld(t, Production, 1, false)
	ns := w.DurableObjects("ROOMS", counterClass)
	a1, a2, b := ns.IDFromName("room-a"), ns.IDFromName("room-a"), ns.IDFromName("room-b")
	if a1 != a2 || a1.String() == b.String() || len(a1.String()) != 64 {
		t.Fatalf("IDFromName: %s, %s, %s; want equal ids for equal names, 64 hex digits", a1, a2, b)
	}
	other := newDOWorld(t, Production, 99, false).DurableObjects("ROOMS", counterClass)
	if other.IDFromName("room-a") != a1 {
		t.Errorf("IDFromName differs between worlds")
	}
	u1, u2 := ns.NewUniqueID(), ns.NewUniqueID()
	if u1 == u2 || u1.Name() != "" {
		t.Errorf("NewUniqueID gave %s twice", u1)
	}
	if again := newDOWorld(t, Production, 1, false).DurableObjects("ROOMS", counterClass).NewUniqueID(); again != u1 {
		t.Errorf("NewUniqueID is not reproducible from the seed: %s vs %s", again, u1)
	}

	stubA1, _ := ns.Get(a1, DOGetOptions{})
	stubA2 := ns.GetByName("room-a")
	stubB := ns.GetByName("room-b")
	calls := []*doCall{
		callAt(w, stubA1, "LHR", "/hits", 0),
		callAt(w, stubA2, "NRT", "/hits", time.Second),
		callAt(w, stubA1, "SJC", "/hits", 2*time.Second),
		callAt(w, stubB, "LHR", "/hits", 3*time.Second),
	}
	w.RunUntil(10 * time.Second)
	got := []string{calls[0].body, calls[1].body, calls[2].body, calls[3].body}
	if strings.Join(got, ",") != "1,2,3,1" {
		t.Errorf("hit counts = %v; want 1,2,3 from one room-a instance and 1 from room-b", got)
	}
	if n := w.Metrics().Counter("do.ROOMS.constructed").Value(); n != 2 {
		t.Errorf("constructed %d instances, want 2", n)
	}
}

func TestDOPlacedNearTheFirstCallerOrAtTheHint(t *testing.T) {
	cases := []struct {
		name, first, hint, want string
	}{
		{"a caller at a hosting PoP gets the object there", "FRA", "", "FRA"},
		{"a caller at a non-hosting PoP gets the nearest host", "GRU", "", "IAD"},
		{"Sydney's nearest host is Singapore", "SYD", "", "SIN"},
		{"a weur hint wins over a Sydney caller", "SYD", "weur", "LHR"},
		{"an oc hint is served from Tokyo", "LHR", "oc", "NRT"},
		{"a valid hint the topology does not serve falls back to the caller", "FRA", "afr", "FRA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newDOWorld(t, Production, 1, true)
			ns := w.DurableObjects("ROOMS", counterClass)
			id := ns.IDFromName("r")
			stub, err := ns.Get(id, DOGetOptions{LocationHint: c.hint})
			if err != nil {
				t.Fatal(err)
			}
			callAt(w, stub, c.first, "/hits", 0)
			// A later caller with another hint does not move it.
			later, _ := ns.Get(id, DOGetOptions{LocationHint: "apac"})
			callAt(w, later, "SJC", "/hits", time.Second)
			w.RunUntil(5 * time.Second)
			pop, ok := ns.Placement(id)
			if !ok || w.Code(pop) != c.want {
				t.Fatalf("placed at %s (%v), want %s", w.Code(pop), ok, c.want)
			}
			var places []Event
			for _, e := range w.Trace() {
				if e.Kind == EvDOPlace {
					places = append(places, e)
				}
			}
			if len(places) != 1 || places[0].To != c.want || places[0].Actor != "do:r" {
				t.Errorf("place events = %+v, want one do:r -> %s", places, c.want)
			}
		})
	}
	w := newDOWorld(t, Production, 1, false)
	ns := w.DurableObjects("ROOMS", counterClass)
	if _, err := ns.Get(ns.IDFromName("r"), DOGetOptions{LocationHint: "mars"}); !IsDOError(err, "bad-hint") {
		t.Errorf("unknown hint: err = %v, want bad-hint", err)
	}
}

func TestDODistantCallersPayTheRoundTrip(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		w := newDOWorld(t, Production, seed, false)
		ns := w.DurableObjects("ROOMS", counterClass)
		stub := ns.GetByName("r")
		near := callAt(w, stub, "LHR", "/hits", 0) // creates it at LHR
		var near2, far []*doCall
		for i := range 10 {
			at := time.Second + time.Duration(i)*time.Second
			near2 = append(near2, callAt(w, stub, "LHR", "/hits", at))
			far = append(far, callAt(w, stub, "SYD", "/hits", at+500*time.Millisecond))
		}
		w.RunUntil(20 * time.Second)
		if !near.done {
			t.Fatal("first call did not complete")
		}
		mean := func(cs []*doCall) time.Duration {
			var s time.Duration
			for _, c := range cs {
				s += c.latency
			}
			return s / time.Duration(len(cs))
		}
		diff := mean(far) - mean(near2)
		rtt := w.BaseRTT(w.MustPoP("SYD"), w.MustPoP("LHR")) - w.BaseRTT(w.MustPoP("LHR"), w.MustPoP("LHR"))
		if diff < rtt*9/10 || diff > rtt*11/10 {
			t.Errorf("seed %d: Sydney pays %v more than London; the base RTT difference is %v", seed, diff, rtt)
		}
	}
}

func TestDOStorageIncrementsNeverLoseAnUpdate(t *testing.T) {
	pops := []string{"LHR", "FRA", "IAD", "SJC", "NRT", "SIN", "SYD", "GRU"}
	for _, mode := range []Mode{Production, Local} {
		for seed := uint64(1); seed <= 4; seed++ {
			t.Run(fmt.Sprintf("%s/seed %d", mode, seed), func(t *testing.T) {
				w := newDOWorld(t, mode, seed, false)
				ns := w.DurableObjects("COUNTER", counterClass)
				stub := ns.GetByName("global")
				rnd := w.Rand("test")
				const n = 60
				var calls []*doCall
				var ats []time.Duration
				for i := range n {
					at := time.Duration(rnd.Int64N(int64(200 * time.Millisecond)))
					ats = append(ats, at)
					calls = append(calls, callAt(w, stub, pops[i%len(pops)], "/increment", at))
				}
				w.RunUntil(10 * time.Second)
				seen := map[string]bool{}
				for _, c := range calls {
					if c.status != 200 || seen[c.body] {
						t.Fatalf("increment answered %d %q (duplicate: %v)", c.status, c.body, seen[c.body])
					}
					seen[c.body] = true
				}
				if v, _ := ns.Stored(ns.IDFromName("global"), "count"); v != strconv.Itoa(n) {
					t.Errorf("stored count = %s, want %d", v, n)
				}
				if v := CheckCounter(incrOps(calls, ats)); !v.Linearizable {
					t.Errorf("counter check: %s", v.Explanation)
				}
				if v := CheckRegister(w.History().Ops()); !v.Linearizable || v.Checked != 2*n {
					t.Errorf("storage history (%d ops): %s", v.Checked, v.Explanation)
				}
				m := w.Metrics()
				if m.Counter("do.COUNTER.requests").Value() != n || m.Histogram("do.COUNTER.request.latency").Count() != n ||
					m.Counter("do.COUNTER.storage.get").Value() != n || m.Counter("do.COUNTER.storage.put").Value() != n {
					t.Errorf("metrics: %+v", m.Snapshot().Counters)
				}
			})
		}
	}
}

// TestDOKVInsideAnObjectCanLoseAnUpdate replays the forum thread's
// interleaving: request 1 and 2 each read the count from KV, then each
// write it back. Awaiting KV leaves the input gate open, so the second
// read runs before the first write.
func TestDOKVInsideAnObjectCanLoseAnUpdate(t *testing.T) {
	for _, mode := range []Mode{Production, Local} {
		for seed := uint64(1); seed <= 4; seed++ {
			t.Run(fmt.Sprintf("%s/seed %d", mode, seed), func(t *testing.T) {
				w := newDOWorld(t, mode, seed, true)
				kv := w.KV("COUNTER")
				kv.Seed("count", "0")
				ns := w.DurableObjects("KVC", kvCounterClass)
				stub := ns.GetByName("global")
				ats := []time.Duration{0, 500 * time.Microsecond}
				calls := []*doCall{callAt(w, stub, "LHR", "/increment", ats[0]), callAt(w, stub, "LHR", "/increment", ats[1])}
				w.RunUntil(10 * time.Second)
				final := readAt(w, kv, "LHR", "count", 80*time.Second, GetOptions{})
				w.RunUntil(90 * time.Second)
				for _, c := range calls {
					if c.status != 200 {
						t.Fatalf("increment failed: %d %s", c.status, c.body)
					}
				}
				if final.Value != "1" {
					t.Errorf("final count = %q after 2 acknowledged increments; want 1 (one update lost)", final.Value)
				}
				if v := CheckCounter(incrOps(calls, ats)); v.Linearizable {
					t.Errorf("the counter check accepted a lost update")
				}
				var order []string
				for _, e := range w.Trace() {
					if (e.Kind == EvKVGet || e.Kind == EvKVPut) && len(order) < 4 {
						order = append(order, fmt.Sprintf("%s %d", strings.TrimPrefix(string(e.Kind), "kv."), e.Req))
					}
				}
				want := fmt.Sprintf("get %d,get %d,put %d,put %d", calls[0].id, calls[1].id, calls[0].id, calls[1].id)
				if strings.Join(order, ",") != want {
					t.Errorf("KV operations in order %v, want %s", order, want)
				}
			})
		}
	}
}

// writerObject writes and answers, to show the output gate.
type writerObject struct{}

func (writerObject) Fetch(o *DOContext, r *DORequest) {
	st := o.Storage()
	switch r.Path {
	case "/write":
		st.Put("a", "1")
		st.Put("b", "2") // no await between them: one atomic batch
		st.Get("a", func(v string, _ bool) { r.Respond(200, v) })
	case "/txn":
		st.Transaction(func(tx *DOTxn) error {
			n, _ := tx.Get("a")
			tx.Put("a", n+"!")
			return nil
		}, func(error) { r.Respond(200, "ok") })
	case "/delete":
		st.Delete("b")
		st.Get("b", func(_ string, found bool) { r.Respond(200, fmt.Sprintf("found=%v", found)) })
	case "/rollback":
		st.Transaction(func(tx *DOTxn) error {
			tx.Put("a", "never")
			return fmt.Errorf("abort")
		}, func(err error) { r.Respond(409, err.Error()) })
	default:
		r.Respond(200, "read-only")
	}
}

func TestDOOutputGateHoldsTheResponseUntilTheWriteIsDurable(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	ns := w.DurableObjects("W", DOClass{Name: "Writer", New: func(*DOContext) DOInstance { return writerObject{} }})
	stub := ns.GetByName("w")
	read := callAt(w, stub, "LHR", "/read", 0)
	write := callAt(w, stub, "LHR", "/write", time.Second)
	txn := callAt(w, stub, "LHR", "/txn", 2*time.Second)
	rollback := callAt(w, stub, "LHR", "/rollback", 3*time.Second)
	deleted := callAt(w, stub, "LHR", "/delete", 4*time.Second)
	w.RunUntil(10 * time.Second)
	flush := w.Config().DO.FlushLatency
	if write.body != "1" {
		t.Errorf("a read after an unflushed write saw %q, want its own write", write.body)
	}
	if write.latency < flush || write.latency-read.latency < flush-2*w.Config().DO.CPUPerEvent {
		t.Errorf("write answered in %v, read in %v; the write's response must wait for the %v flush", write.latency, read.latency, flush)
	}
	if read.latency >= flush {
		t.Errorf("a read-only request took %v; nothing should hold it", read.latency)
	}
	if v, _ := ns.Stored(ns.IDFromName("w"), "a"); v != "1!" || txn.status != 200 || rollback.status != 409 {
		t.Errorf("after a transaction and a rolled-back one: a = %q (%d, %d), want 1!", v, txn.status, rollback.status)
	}
	if _, found := ns.Stored(ns.IDFromName("w"), "b"); found || deleted.body != "found=false" {
		t.Errorf("after delete: stored %v, read %q", found, deleted.body)
	}
	var commit, held, released, sent *Event
	for i, e := range w.Trace() {
		switch {
		case e.Kind == EvDOCommit && commit == nil:
			commit = &w.Trace()[i]
		case e.Kind == EvDOGate && e.Outcome == "output-held" && held == nil:
			held = &w.Trace()[i]
		case e.Kind == EvDOGate && e.Outcome == "output-released" && released == nil:
			released = &w.Trace()[i]
		case e.Kind == EvSend && e.Op == MsgDOResponse && e.Req == write.id && sent == nil:
			sent = &w.Trace()[i]
		}
	}
	if commit == nil || held == nil || released == nil || sent == nil {
		t.Fatalf("trace lacks commit/held/released/send: %v %v %v %v", commit, held, released, sent)
	}
	if commit.Count != 2 {
		t.Errorf("commit of %d writes, want both puts in one batch", commit.Count)
	}
	if sent.At < commit.At || released.At != commit.At || held.At > commit.At {
		t.Errorf("held at %v, committed at %v, released at %v, response sent at %v", held.At, commit.At, released.At, sent.At)
	}
	if !strings.HasPrefix(held.Site, "do_test.go:") || !strings.HasPrefix(commit.Site, "do_test.go:") || commit.Actor != "do:w" {
		t.Errorf("events should name the handler line and the object: held %q, commit %q %q", held.Site, commit.Site, commit.Actor)
	}
	if n := w.Metrics().Counter("do.W.commits").Value(); n != 3 {
		t.Errorf("commits = %d, want 3 (one per batch; the rolled-back transaction writes nothing)", n)
	}
}

// relayObject writes, then calls another object: the call waits for the
// write (output gate) and other requests run while it is out (input gate
// open).
type relayObject struct{ peer *DOStub }

func (x *relayObject) Fetch(o *DOContext, r *DORequest) {
	if r.Path == "/ping" {
		r.Respond(200, "pong")
		return
	}
	o.Storage().Put("last", "relay")
	o.Fetch(x.peer, "/hits", "", func(res Response, _ error) { r.Respond(res.Status, "peer:"+res.Body) })
}

func TestDOFetchFromAnObjectWaitsForItsWritesButNotOthers(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	peer := w.DurableObjects("PEER", counterClass).GetByName("peer")
	stub := w.DurableObjects("RELAY", DOClass{Name: "Relay", New: func(*DOContext) DOInstance { return &relayObject{peer: peer} }}).GetByName("relay")
	relay := callAt(w, stub, "LHR", "/relay", 0)
	ping := callAt(w, stub, "LHR", "/ping", 500*time.Microsecond)
	w.RunUntil(5 * time.Second)
	if relay.body != "peer:1" || ping.body != "pong" {
		t.Fatalf("relay %q, ping %q", relay.body, ping.body)
	}
	var commit, subrequest, pingStart, relayResume time.Duration
	for _, e := range w.Trace() {
		switch {
		case e.Kind == EvDOCommit && e.Actor == "do:relay":
			commit = e.At
		case e.Kind == EvSend && e.Op == MsgDOFetch && e.Path == "/hits":
			subrequest = e.At
		case e.Kind == EvDOStart && e.Req == ping.id && e.Actor == "do:relay":
			pingStart = e.At
		case e.Kind == EvDOResume && e.Req == relay.id && e.Op == ResumeFetch:
			relayResume = e.At
		}
	}
	if subrequest < commit || commit == 0 {
		t.Errorf("the subrequest left at %v, before the write committed at %v", subrequest, commit)
	}
	if pingStart == 0 || pingStart > relayResume {
		t.Errorf("ping started at %v, relay resumed at %v: the ping should run while the relay awaits its subrequest", pingStart, relayResume)
	}
}

// Fact do-hibernate-idle-s (lifecycle page, last updated October 2026,
// checked 2026-11-30): an idle object that meets the hibernation
// conditions leaves memory after about 10 s, HTTP-only objects too.
func TestDOIdleObjectHibernatesAfterTenSecondsLosingMemoryKeepingStorage(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		w := newDOWorld(t, Production, seed, true)
		ns := w.DurableObjects("C", counterClass)
		stub := ns.GetByName("c")
		first := callAt(w, stub, "LHR", "/both", 0)
		second := callAt(w, stub, "LHR", "/both", time.Second)
		stillWarm := callAt(w, stub, "LHR", "/both", 9*time.Second)
		afterSleep := callAt(w, stub, "LHR", "/both", 9*time.Second+12*time.Second)
		w.Run()
		got := []string{first.body, second.body, stillWarm.body, afterSleep.body}
		if strings.Join(got, " ") != "1,1 2,2 3,3 1,4" {
			t.Errorf("seed %d: hits,count = %v; want memory kept within 10 s, lost after hibernation, storage kept", seed, got)
		}
		var naps []Event
		for _, e := range w.Trace() {
			if e.Kind == EvDOHibernate {
				naps = append(naps, e)
			}
		}
		// The third request ends about 9.03 s in; hibernation follows 10 s later.
		if len(naps) < 1 || naps[0].At < 19*time.Second || naps[0].At > 19*time.Second+100*time.Millisecond || naps[0].Phase != PhaseHibernated {
			t.Errorf("seed %d: hibernations %v; want the first about 10 s after the request at 9 s", seed, naps)
		}
		if n := w.Metrics().Counter("do.C.evictions").Value(); n != 0 {
			t.Errorf("seed %d: %d evictions; a hibernatable object hibernates", seed, n)
		}
	}
}

// Fact do-evict-s (lifecycle page, checked 2026-11-30): an object that
// does not meet the hibernation conditions stays in memory 70-140 s.
func TestDONonHibernatableObjectIsEvictedAfter70To140Seconds(t *testing.T) {
	class := counterClass
	class.NotHibernatable = true
	for seed := uint64(1); seed <= 5; seed++ {
		w := newDOWorld(t, Production, seed, true)
		stub := w.DurableObjects("C", class).GetByName("c")
		first := callAt(w, stub, "LHR", "/both", 0)
		second := callAt(w, stub, "LHR", "/both", time.Second)
		stillWarm := callAt(w, stub, "LHR", "/both", 65*time.Second)
		afterEviction := callAt(w, stub, "LHR", "/both", 65*time.Second+150*time.Second)
		w.Run()
		got := []string{first.body, second.body, stillWarm.body, afterEviction.body}
		if strings.Join(got, " ") != "1,1 2,2 3,3 1,4" {
			t.Errorf("seed %d: hits,count = %v; want memory kept within 70 s, lost after eviction, storage kept", seed, got)
		}
		var evicts []time.Duration
		for _, e := range w.Trace() {
			if e.Kind == EvDOEvict && e.Outcome == "idle" {
				evicts = append(evicts, e.At)
			}
		}
		if len(evicts) < 1 || evicts[0] < 65*time.Second+70*time.Second || evicts[0] > 65*time.Second+140*time.Second+50*time.Millisecond {
			t.Errorf("seed %d: evictions at %v; want the first 70-140 s after the request at 65 s", seed, evicts)
		}
	}
}

// sleeperObject answers at once and then waits on a long timer: a
// pending timer with no request in flight.
type sleeperObject struct{ woke *bool }

func (s *sleeperObject) Fetch(o *DOContext, r *DORequest) {
	r.Respond(200, "ok")
	o.SetTimeout(time.Hour, func() { *s.woke = true })
}

// Fact do-pending-limit-min (lifecycle page, checked 2026-11-30): a
// pending timer or I/O keeps an object in memory for at most 15 minutes.
func TestDOPendingTimerKeepsAnObjectAtMostFifteenMinutes(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	woke := false
	stub := w.DurableObjects("S", DOClass{Name: "Sleeper", New: func(*DOContext) DOInstance { return &sleeperObject{woke: &woke} }}).GetByName("s")
	callAt(w, stub, "LHR", "/", 0)
	w.RunUntil(2 * time.Hour)
	var left []Event
	for _, e := range w.Trace() {
		if e.Kind == EvDOEvict || e.Kind == EvDOHibernate {
			left = append(left, e)
		}
	}
	if len(left) != 1 || left[0].Kind != EvDOEvict || left[0].Outcome != "pending-limit" ||
		left[0].At < 15*time.Minute || left[0].At > 15*time.Minute+time.Second {
		t.Fatalf("left memory: %+v; want one eviction for the pending timer 15 minutes after the request", left)
	}
	if woke {
		t.Errorf("the hour-long timer fired in an instance evicted at 15 minutes")
	}
}

// napperObject answers at once, then waits on a short timer: quiet with a
// timer pending, then idle once it fires.
type napperObject struct{ nap time.Duration }

func (s *napperObject) Fetch(o *DOContext, r *DORequest) {
	r.Respond(200, "ok")
	o.SetTimeout(s.nap, func() {})
}

// Facts do-hibernate-idle-s and do-pending-limit-min: the 15 minutes a
// pending timer or I/O may keep an object are a ceiling, not a sentence.
// Once the last await returns the object meets the hibernation
// conditions, and it hibernates about 10 s later.
func TestDOObjectHibernatesTenSecondsAfterItsLastAwaitReturns(t *testing.T) {
	for _, nap := range []time.Duration{100 * time.Millisecond, 5 * time.Second, 3 * time.Minute} {
		w := newDOWorld(t, Production, 1, true)
		stub := w.DurableObjects("N", DOClass{Name: "Napper", New: func(*DOContext) DOInstance { return &napperObject{nap: nap} }}).GetByName("n")
		callAt(w, stub, "LHR", "/", 0)
		w.Run()
		var left []Event
		for _, e := range w.Trace() {
			if e.Kind == EvDOEvict || e.Kind == EvDOHibernate {
				left = append(left, e)
			}
		}
		// The request reaches the object within a few ms; the timer fires
		// nap later; hibernation follows 10 s after that.
		due := nap + 10*time.Second
		if len(left) != 1 || left[0].Kind != EvDOHibernate || left[0].At < due || left[0].At > due+100*time.Millisecond {
			t.Errorf("timer of %v: left memory %+v; want one hibernation about %v in", nap, left, due)
		} else if w.Now() != left[0].At {
			// The 15-minute check armed while the timer was pending was
			// withdrawn: it must not drag the run's clock along.
			t.Errorf("timer of %v: the run ended at %v, after its last event at %v", nap, w.Now(), left[0].At)
		}
	}
}

func TestDOOverloadedPastTheSoftLimit(t *testing.T) {
	run := func(rate float64, d time.Duration) (ok, over int, errs []error) {
		w := newDOWorld(t, Production, 1, false)
		ns := w.DurableObjects("HOT", counterClass)
		stub := ns.GetByName("hot")
		lhr := w.MustPoP("LHR")
		n := int(rate * d.Seconds())
		for i := range n {
			w.At(time.Duration(float64(i)/rate*float64(time.Second)), func() {
				stub.Fetch(lhr, "/hits", "", 0, func(r Response) {
					if r.Status == 200 {
						ok++
					} else {
						over++
						errs = append(errs, r.Err)
					}
				})
			})
		}
		w.RunUntil(d + 10*time.Second)
		if m := w.Metrics().Counter("do.HOT.overloaded").Value(); m != int64(over) {
			t.Errorf("overloaded metric %d, refused %d", m, over)
		}
		return ok, over, errs
	}
	if ok, over, _ := run(800, 3*time.Second); over != 0 || ok != 2400 {
		t.Errorf("800 req/s: %d ok, %d refused; want all served under the soft limit", ok, over)
	}
	ok, over, errs := run(3000, 2*time.Second)
	if over == 0 {
		t.Fatalf("3000 req/s for 2 s: none refused")
	}
	if ok < 2000 || ok > 3200 {
		t.Errorf("3000 req/s for 2 s: %d served; one object serves about 1000/s plus its queue", ok)
	}
	de, isDO := errs[0].(*DOError)
	if !isDO || !de.Overloaded || de.Retryable || !strings.Contains(de.Error(), "Too many requests queued") {
		t.Errorf("refusal error = %v; want an overloaded, non-retryable DOError", errs[0])
	}
}

// alarmObject sets an alarm on request and counts alarm runs in storage;
// failFirst alarm runs fail.
type alarmObject struct {
	failFirst int
	runs      *[]time.Duration
}

func (a *alarmObject) Fetch(o *DOContext, r *DORequest) {
	st := o.Storage()
	st.SetAlarm(o.Now() + 10*time.Second)
	if r.Path == "/cancel" {
		at, set := st.GetAlarm()
		st.DeleteAlarm()
		_, still := st.GetAlarm()
		r.Respond(200, fmt.Sprintf("%v %v %v", at, set, still))
		return
	}
	r.Respond(200, "set")
}

func (a *alarmObject) Alarm(o *DOContext, al *DOAlarm) {
	*a.runs = append(*a.runs, o.Now())
	st := o.Storage()
	st.Get("runs", func(v string, _ bool) {
		n, _ := strconv.Atoi(v)
		st.Put("runs", strconv.Itoa(n+1))
		if n < a.failFirst {
			al.Fail(fmt.Errorf("attempt %d failed", n+1))
			return
		}
		al.Done()
	})
}

func TestDOAlarmIsRetriedWithBackoffAtLeastOnce(t *testing.T) {
	for _, c := range []struct {
		name      string
		failFirst int
		runs      int
		gaveUp    int64
	}{
		{"two failures, then success", 2, 3, 0},
		{"always failing: six retries, then it gives up", 100, 7, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newDOWorld(t, Production, 1, false)
			var runs []time.Duration
			ns := w.DurableObjects("A", DOClass{Name: "Alarmed", New: func(*DOContext) DOInstance {
				return &alarmObject{failFirst: c.failFirst, runs: &runs}
			}})
			callAt(w, ns.GetByName("a"), "LHR", "/", 0)
			w.Run()
			if len(runs) != c.runs {
				t.Fatalf("alarm ran %d times at %v, want %d", len(runs), runs, c.runs)
			}
			if runs[0] < 10*time.Second || runs[0] > 10*time.Second+50*time.Millisecond {
				t.Errorf("first run at %v, want at the 10 s alarm", runs[0])
			}
			for i := 1; i < len(runs); i++ {
				want := 2 * time.Second << (i - 1)
				if gap := runs[i] - runs[i-1]; gap < want || gap > want+20*time.Millisecond {
					t.Errorf("retry %d came %v after the previous run, want %v", i, gap, want)
				}
			}
			if v, _ := ns.Stored(ns.IDFromName("a"), "runs"); v != strconv.Itoa(c.runs) {
				t.Errorf("stored runs = %s: each attempt's writes persist (at-least-once)", v)
			}
			if n := w.Metrics().Counter("do.A.alarm.gave-up").Value(); n != c.gaveUp {
				t.Errorf("gave up %d times, want %d", n, c.gaveUp)
			}
		})
	}
	t.Run("a deleted alarm never runs", func(t *testing.T) {
		w := newDOWorld(t, Production, 1, false)
		var runs []time.Duration
		ns := w.DurableObjects("A", DOClass{Name: "Alarmed", New: func(*DOContext) DOInstance { return &alarmObject{runs: &runs} }})
		c := callAt(w, ns.GetByName("a"), "LHR", "/cancel", 0)
		w.Run()
		if len(runs) != 0 || !strings.HasSuffix(c.body, " true false") {
			t.Errorf("runs %v, getAlarm before/after delete: %q", runs, c.body)
		}
	})
}

// loaderObject loads its config from KV in the constructor, inside
// blockConcurrencyWhile unless unguarded.
type loaderObject struct{ config string }

func newLoader(o *DOContext, guarded, hang bool) DOInstance {
	l := &loaderObject{}
	load := func(done func(error)) {
		o.KV("CONFIG").Get("config", GetOptions{}, func(g GetResult) {
			l.config = g.Value
			if !hang {
				done(nil)
			}
		})
	}
	if guarded {
		o.BlockConcurrencyWhile(load)
	} else {
		load(func(error) {})
	}
	return l
}

func (l *loaderObject) Fetch(o *DOContext, r *DORequest) { r.Respond(200, "config="+l.config) }

func TestDOBlockConcurrencyWhileHoldsOtherRequests(t *testing.T) {
	run := func(guarded, hang bool) ([]*doCall, *World) {
		w := newDOWorld(t, Production, 3, true)
		w.KV("CONFIG").Seed("config", "loaded")
		ns := w.DurableObjects("L", DOClass{Name: "Loader", New: func(o *DOContext) DOInstance { return newLoader(o, guarded, hang) }})
		stub := ns.GetByName("l")
		var calls []*doCall
		for i := range 5 {
			calls = append(calls, callAt(w, stub, "LHR", "/", time.Duration(i)*time.Millisecond))
		}
		w.RunUntil(40 * time.Second)
		return calls, w
	}
	guarded, w := run(true, false)
	var opened time.Duration
	var starts []time.Duration
	for _, e := range w.Trace() {
		if e.Kind == EvDOGate && e.Outcome == "input-open" && e.Op == "blockConcurrencyWhile" {
			opened = e.At
		}
		if e.Kind == EvDOStart && e.Op == "fetch" {
			starts = append(starts, e.At)
		}
	}
	for i, c := range guarded {
		if c.body != "config=loaded" {
			t.Errorf("guarded request %d saw %q, want the loaded config", i, c.body)
		}
	}
	if opened < 10*time.Millisecond {
		t.Fatalf("blockConcurrencyWhile ended at %v; a cold KV read takes longer", opened)
	}
	for _, s := range starts { // the first event constructed the object and was put back
		if s < opened {
			t.Errorf("a request started at %v, before blockConcurrencyWhile ended at %v", s, opened)
		}
	}
	unguarded, _ := run(false, false)
	if unguarded[0].body != "config=" {
		t.Errorf("without blockConcurrencyWhile the first request saw %q; it should run before the load finishes", unguarded[0].body)
	}
	hung, w := run(true, true)
	for i, c := range hung {
		if c.status != 500 || c.latency < 29*time.Second || c.latency > 31*time.Second {
			t.Errorf("request %d behind a hung blockConcurrencyWhile: %d %q after %v; want a reset error after 30 s", i, c.status, c.body, c.latency)
		}
	}
	if n := w.Metrics().Counter("do.L.resets").Value(); n != 1 {
		t.Errorf("resets = %d, want 1", n)
	}
}

func TestDOSameSeedGivesTheSameTraceByteForByte(t *testing.T) {
	run := func() []byte {
		w := newDOWorld(t, Production, 42, true)
		w.KV("COUNTER").Seed("count", "0")
		var runs []time.Duration
		c := w.DurableObjects("C", counterClass).GetByName("c")
		k := w.DurableObjects("K", kvCounterClass).GetByName("k")
		a := w.DurableObjects("A", DOClass{Name: "Alarmed", New: func(*DOContext) DOInstance { return &alarmObject{failFirst: 1, runs: &runs} }}).GetByName("a")
		pops := []string{"LHR", "SYD", "SJC", "NRT"}
		for i := range 40 {
			at := time.Duration(i) * 7 * time.Millisecond
			callAt(w, c, pops[i%4], "/increment", at)
			if i%10 == 0 {
				callAt(w, k, pops[i%4], "/increment", at)
			}
		}
		callAt(w, a, "FRA", "/", 0)
		w.Run()
		b, err := json.Marshal(struct {
			Trace   []Event
			Metrics MetricsSnapshot
			Ops     []Op
		}{w.Trace(), w.Metrics().Snapshot(), w.History().Ops()})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	requireSameBytesTwice(t, run, 20000)
}

// BenchmarkDORequests drives a storage counter: 8 objects, each at 400
// increments/s from its own PoP, for 60 s of virtual time.
func BenchmarkDORequests(b *testing.B) {
	var reqs int64
	for b.Loop() {
		w, err := New(Config{Seed: 1, Topology: kvTopology()})
		if err != nil {
			b.Fatal(err)
		}
		ns := w.DurableObjects("C", counterClass)
		const rate, dur = 400, 60 * time.Second
		for i := range 8 {
			pop := PoPID(i)
			stub := ns.GetByName("c" + strconv.Itoa(i))
			var send func()
			send = func() {
				reqs++
				stub.Fetch(pop, "/increment", "", 0, nil)
				if next := w.Now() + time.Second/rate; next < dur {
					w.At(next, send)
				}
			}
			w.At(0, send)
		}
		w.Run()
		if got := w.Metrics().Counter("do.C.overloaded").Value(); got != 0 {
			b.Fatalf("%d overloaded", got)
		}
	}
	b.ReportMetric(float64(reqs)/b.Elapsed().Seconds(), "requests/s")
}

// visits is a Durable Object class as a demo would write it: JavaScript's
// `await` becomes a callback.
type visits struct{}

func (visits) Fetch(o *DOContext, r *DORequest) {
	st := o.Storage()
	st.Get("n", func(v string, _ bool) { // const n = await this.ctx.storage.get("n")
		n, _ := strconv.Atoi(v)
		st.Put("n", strconv.Itoa(n+1)) // this.ctx.storage.put("n", n + 1): no await needed
		r.Respond(200, strconv.Itoa(n+1))
	})
}

func ExampleDONamespace() {
	w, _ := New(Config{Seed: 1, Topology: kvTopology()})
	ns := w.DurableObjects("VISITS", DOClass{Name: "Visits", New: func(*DOContext) DOInstance { return visits{} }})
	for _, pop := range []string{"LHR", "SYD"} {
		p := w.MustPoP(pop)
		w.Request(0, p, "/", func(r *Request) {
			// env.VISITS.getByName("home").fetch(request)
			ns.GetByName("home").Fetch(r.PoP, r.Path, "", r.ID, func(res Response) { r.Respond(res.Status, res.Body) })
		}, func(status int, body string) {
			fmt.Printf("%s: %d %s after %v\n", pop, status, body, w.Now().Round(time.Millisecond))
		})
	}
	w.Run()
	at, _ := ns.Placement(ns.IDFromName("home"))
	fmt.Println("object at", w.Code(at))
	// Output:
	// LHR: 200 1 after 19ms
	// SYD: 200 2 after 278ms
	// object at LHR
}

// publisherObject stores a value and, in the same callback, copies it to
// KV: the KV write must wait for the storage write to be durable.
type publisherObject struct{}

func (publisherObject) Fetch(o *DOContext, r *DORequest) {
	o.Storage().Put("config", r.Body)
	o.KV("CONFIG").Put("config", r.Body, PutOptions{}, func(err error) {
		if err != nil {
			r.Respond(500, err.Error())
			return
		}
		r.Respond(200, "published")
	})
}

func TestDOKVPutWaitsAtTheOutputGateForPendingStorageWrites(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	stub := w.DurableObjects("P", DOClass{Name: "Publisher", New: func(*DOContext) DOInstance { return publisherObject{} }}).GetByName("p")
	var res Response
	w.Request(0, w.MustPoP("LHR"), "/publish", func(r *Request) {
		stub.Fetch(r.PoP, "/publish", "v1", r.ID, func(x Response) { res = x; r.Respond(x.Status, x.Body) })
	}, nil)
	w.RunUntil(5 * time.Second)
	if res.Status != 200 {
		t.Fatalf("publish answered %d %q", res.Status, res.Body)
	}
	var commit, put *Event
	for i, e := range w.Trace() {
		switch {
		case e.Kind == EvDOCommit && commit == nil:
			commit = &w.Trace()[i]
		case e.Kind == EvKVPut && put == nil:
			put = &w.Trace()[i]
		}
	}
	if commit == nil || put == nil {
		t.Fatalf("trace lacks the commit or the KV put: %v %v", commit, put)
	}
	if put.At < commit.At {
		t.Errorf("the KV put left at %v, before the storage write was durable at %v", put.At, commit.At)
	}
}
