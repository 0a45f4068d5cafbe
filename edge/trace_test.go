package edge

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// eventsOf returns the trace events of one kind.
func eventsOf(w *World, k EventKind) []Event {
	var out []Event
	for _, e := range w.Trace() {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

func TestKVALowerCacheTTLShorteningACopyIsRecordedWithItsNewExpiry(t *testing.T) {
	w := newKVWorld(t, Production, 2, true)
	ns := w.KV("K")
	ns.Seed("k", "v1")
	readAt(w, ns, "SYD", "k", 0, GetOptions{CacheTTL: 300 * time.Second})
	readAt(w, ns, "SYD", "k", 10*time.Second, GetOptions{CacheTTL: 30 * time.Second})
	w.Run()
	var fill Event
	for _, e := range eventsOf(w, EvKVFill) {
		if e.Actor == "SYD" && e.Tier == "pop" {
			fill = e
		}
	}
	sh := eventsOf(w, EvKVShorten)
	if len(sh) == 0 || fill.Expires == 0 {
		t.Fatalf("fill %+v, shorten events %+v: want the copy's expiry and its shortening", fill, sh)
	}
	s := sh[len(sh)-1]
	if s.Actor != "SYD" || s.Latency != 30*time.Second || s.Expires >= fill.Expires || s.Expires > 31*time.Second {
		t.Errorf("shorten %+v after fill until %v: want SYD's copy cut to 30 s after it was read", s, fill.Expires)
	}
}

func TestKVAnExpiredCopySkippedByAReadIsRecorded(t *testing.T) {
	w := newKVWorld(t, Production, 1, true)
	ns := w.KV("K")
	ns.Seed("k", "v1")
	readAt(w, ns, "FRA", "k", 0, GetOptions{})
	r := readAt(w, ns, "FRA", "k", 90*time.Second, GetOptions{})
	w.Run()
	ex := eventsOf(w, EvKVExpired)
	if len(ex) != 1 || ex[0].Outcome != "cache-ttl" || ex[0].Actor != "FRA" || ex[0].Version != 1 || ex[0].Expires > 61*time.Second {
		t.Fatalf("expired events %+v: want one for FRA's v1 copy past its 60 s cacheTtl", ex)
	}
	if r.Outcome == "hit" {
		t.Errorf("the read after expiry was a hit")
	}
}

// The writer caches its own write; a read that went to a central store
// before the write returns later with the old value: the newer copy is
// kept, and the trace says so.
func TestKVASlowerFillKeepsTheNewerCopyAndSaysSo(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		w := newKVWorld(t, Production, seed, true)
		ns := w.KV("K")
		ns.Seed("k", "v1")
		// SYD reads (cold, through NRT to a central store) and writes a
		// moment later; the write's ack comes back before the read.
		readAt(w, ns, "SYD", "k", 0, GetOptions{})
		putAt(w, ns, "SYD", "k", "v2", time.Millisecond)
		w.Run()
		for _, e := range eventsOf(w, EvKVFillKept) {
			if e.Actor == "SYD" && e.Version == 2 && e.Prev == 1 {
				return
			}
		}
	}
	t.Fatal("in no seed did the old value's fill arrive after the writer's own copy and get recorded as kept")
}

func TestCacheAPILazyExpiryIsRecordedWhenAnOperationFindsIt(t *testing.T) {
	w := newCacheWorld(t, 1, true)
	short := page
	short.MaxAge = 60 * time.Second
	putAtPoP(w, "LHR", "/p", short, 0)
	m := matchAt(w, "LHR", "/p", 90*time.Second)
	w.Run()
	ex := eventsOf(w, EvCacheExpire)
	if m.Hit || len(ex) != 1 || ex[0].Actor != "LHR" || ex[0].Key != "/p" || ex[0].Expires > 61*time.Second {
		t.Fatalf("match %+v, expire events %+v: want a miss and one recorded expiry at LHR", m, ex)
	}
}

func TestDOResumeIsItsOwnKindAndEveryObjectEventCarriesItsPhase(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	kv := w.KV("COUNTER")
	kv.Seed("count", "0")
	stub := w.DurableObjects("KVC", kvCounterClass).GetByName("c")
	callAt(w, stub, "LHR", "/increment", 0)
	w.RunUntil(10 * time.Second)
	isDO := func(e Event) bool { return e.ActorKind == ActorObject && strings.HasPrefix(string(e.Kind), "do.") }
	var kinds []EventKind
	for _, e := range w.Trace() {
		if !isDO(e) {
			continue
		}
		if e.Phase == "" {
			t.Fatalf("object event %+v has no phase", e)
		}
		kinds = append(kinds, e.Kind)
	}
	want := []EventKind{EvDOPlace, EvDOConstruct, EvDOStart, EvDOYield, EvDOResume, EvDOYield, EvDOResume, EvDOFinish, EvDOYield}
	if len(kinds) != len(want) {
		t.Fatalf("object events %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("object events %v, want %v", kinds, want)
		}
	}
	var phases []DOPhase
	for _, e := range w.Trace() {
		if isDO(e) {
			phases = append(phases, e.Phase)
		}
	}
	if phases[0] != PhaseCold || phases[1] != PhaseConstructing || phases[2] != PhaseRunning || phases[len(phases)-1] != PhaseReady {
		t.Errorf("phases %v: want cold, constructing, running, ..., ready", phases)
	}
	for _, e := range eventsOf(w, EvDOResume) {
		if e.Op != ResumeKVGet && e.Op != ResumeKVPut {
			t.Errorf("resume %+v: want op kv.get or kv.put", e)
		}
	}
}

func TestDOAnImpossibleMoveOfItsLifeFailsLoudly(t *testing.T) {
	cases := []struct{ from, to DOPhase }{
		{PhaseCold, PhaseRunning},
		{PhaseHibernated, PhaseReady},
		{PhaseRunning, PhaseRunning},
		{PhaseReady, PhaseConstructing},
		{PhaseStorageWait, PhaseHibernated},
	}
	for _, c := range cases {
		t.Run(string(c.from)+" to "+string(c.to), func(t *testing.T) {
			o := &doObject{actor: "do:x", phase: c.from}
			defer func() {
				var pe *DOPhaseError
				err, _ := recover().(error)
				if !errors.As(err, &pe) || pe.From != c.from || pe.To != c.to {
					t.Fatalf("recovered %v; want a *DOPhaseError from %s to %s", err, c.from, c.to)
				}
			}()
			o.become(c.to)
		})
	}
}

func TestSnapshotShowsWhichCopiesAreStaleAndWhatTheStoresHold(t *testing.T) {
	w := newKVWorld(t, Production, 1, true)
	ns := w.KV("K")
	ns.Seed("k", "v1")
	readAt(w, ns, "SYD", "k", 0, GetOptions{})
	putAt(w, ns, "LHR", "k", "v2", 5*time.Second)
	w.RunUntil(10 * time.Second)
	s := w.Snapshot()
	if len(s.KV) != 1 || len(s.KV[0].Keys) != 1 || s.KV[0].Keys[0].Version != 2 {
		t.Fatalf("snapshot keys %+v: want k at v2", s.KV)
	}
	for _, st := range s.KV[0].Central {
		if len(st.Entries) != 1 || st.Entries[0].Version != 2 {
			t.Errorf("central store %s holds %+v; want v2 once replicated", st.Actor, st.Entries)
		}
	}
	var syd *KVCacheEntry
	for _, c := range s.KV[0].Caches {
		if c.Actor == "SYD" && c.Level == "pop" {
			syd = &c.Entries[0]
		}
	}
	if syd == nil || syd.Version != 1 || !syd.Stale || syd.State != KVFresh {
		t.Errorf("SYD's copy %+v: want v1, fresh by its cacheTtl, stale against v2", syd)
	}
}

// The queue's order is (time, sequence number) alone: an event that takes
// the slot of the one running (World.step) and a stream event started by
// begin run exactly where the same events scheduled with At would.
func TestStreamEventsRunInTheOrderQueuedOnesWould(t *testing.T) {
	var got []string
	w := newKVWorld(t, Production, 1, false)
	log := func(s string) func() { return func() { got = append(got, s) } }
	w.At(10, func() {
		got = append(got, "a@10")
		w.At(10, log("c@10")) // same time, later sequence: after b
		w.At(5, log("d@10"))  // the past is now
	})
	w.At(10, log("b@10"))
	// A stream event at 10 numbered now comes after a and b, and before
	// what a schedules as it runs (numbered later).
	seq := w.nextSeq()
	w.At(20, log("e@20"))
	if !w.begin(10, seq) {
		t.Fatal("begin refused a stream event")
	}
	got = append(got, "stream@10")
	w.Run()
	want := "a@10 b@10 stream@10 c@10 d@10 e@20"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("order %q, want %q", s, want)
	}
	if w.EventsRun() != 6 {
		t.Errorf("%d events run, want 6 (the stream event counts)", w.EventsRun())
	}
}
