package edge

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Behaviours brought in line with Cloudflare's documentation as checked
// on 2026-11-30. Each test names the fact of content/facts.yaml it
// follows.

// Fact kv-replication-median-s and kv-replication-p95-s (Cloudflare's KV
// post of 2026-10-01): replication across storage backends has a median
// under 1 s and a p95 of about 4.4 s, and no hard cap.
func TestKVReplicationBetweenCentralStoresHasAMedianUnderOneSecondAndALongTail(t *testing.T) {
	w := newKVWorld(t, Production, 1, false)
	ns := w.KV("K")
	var ds []time.Duration
	for range 20_000 {
		ds = append(ds, ns.replicationDelay())
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[int(p*float64(len(ds)))] }
	if m := q(0.5); m >= time.Second || m < 500*time.Millisecond {
		t.Errorf("median replication delay %v; want under 1 s (about 0.8 s)", m)
	}
	if p := q(0.95); p < 4*time.Second || p > 4800*time.Millisecond {
		t.Errorf("p95 replication delay %v; want about 4.4 s", p)
	}
	if m := ds[len(ds)-1]; m < 15*time.Second {
		t.Errorf("slowest of 20,000 replications took %v; the tail has no hard cap near a few seconds", m)
	}
	// And in a run: the other store applies the write that much later.
	tw := newKVWorld(t, Production, 3, true)
	tns := tw.KV("K")
	putAt(tw, tns, "LHR", "k", "v", 0)
	tw.Run()
	var commit, replicate time.Duration = -1, -1
	for _, e := range tw.Trace() {
		switch e.Kind {
		case EvKVCommit:
			commit = e.At
		case EvKVReplicate:
			replicate = e.At
		}
	}
	if commit < 0 || replicate-commit < 100*time.Millisecond {
		t.Errorf("committed at %v, replicated at %v: want at least the distribution's 100 ms floor between them", commit, replicate)
	}
}

// Fact kv-tier-revalidated-on-write (kv/api/read-key-value-pairs): the
// regional and central caching layers are revalidated with a new value on
// a write, so a location that never read the key gets the new value.
func TestKVRegionalTierIsRevalidatedOnWriteForPoPsThatNeverReadTheKey(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		w := newKVWorld(t, Production, seed, false)
		ns := w.KV("K")
		ns.Seed("k", "v1")
		// SIN's tier hub is NRT: SIN's miss fills NRT's tier copy with v1.
		readAt(w, ns, "SIN", "k", 0, GetOptions{})
		putAt(w, ns, "LHR", "k", "v2", 2*time.Second)
		// SYD (hub NRT too) has never read the key: after the write was
		// accepted it must not get v1 from the tier.
		late := readAt(w, ns, "SYD", "k", 4*time.Second, GetOptions{})
		w.Run()
		if late.Value != "v2" || late.Stale {
			t.Errorf("seed %d: SYD, never having read the key, got %q (stale %v, served by %s) after the write; want v2", seed, late.Value, late.Stale, late.Outcome)
		}
	}
}

// Fact kv-store-write-ms (kvdo's assumption: Cloudflare publishes no write
// time): a write is accepted only once a central store has made it
// durable, even from the PoP that hosts the store.
func TestKVAWriteIsAcceptedOnlyAfterTheStoresWriteTime(t *testing.T) {
	cfg := KVConfig{}.withDefaults()
	for seed := uint64(1); seed <= 10; seed++ {
		w := newKVWorld(t, Production, seed, false)
		ns := w.KV("K")
		putAt(w, ns, "LHR", "k", "v", 0) // LHR hosts a central store
		w.Run()
		h := w.Metrics().Histogram("kv.K.put.latency")
		if h.Count() != 1 || h.Min() < cfg.StoreWriteMin || h.Max() > cfg.StoreWriteMax+5*time.Millisecond {
			t.Errorf("seed %d: a put at a store's own PoP took %v; want the store's write time, %v to %v", seed, h.Min(), cfg.StoreWriteMin, cfg.StoreWriteMax)
		}
	}
}

// Fact kv-hot-read-ms and kv-hot-read-p99-ms (workers/platform/storage-
// options; Cloudflare's KV post of 2026-10-01): cached reads typically
// take 500 µs to 10 ms, and the 99th percentile is about 160 ms.
func TestKVCachedReadsAreMostlyUnderTenMsWithAP99NearOneSixtyMs(t *testing.T) {
	w := newKVWorld(t, Production, 1, false)
	ns := w.KV("K")
	var ds []time.Duration
	for range 50_000 {
		ds = append(ds, ns.hotLatency())
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[int(p*float64(len(ds)))] }
	if m := q(0.5); m < time.Millisecond || m > 7*time.Millisecond {
		t.Errorf("median cached read %v; want a few milliseconds", m)
	}
	if p := q(0.95); p > 10*time.Millisecond {
		t.Errorf("p95 cached read %v; want under 10 ms", p)
	}
	if p := q(0.99); p < 140*time.Millisecond || p > 180*time.Millisecond {
		t.Errorf("p99 cached read %v; want about 160 ms", p)
	}
	if ds[0] < 500*time.Microsecond {
		t.Errorf("fastest cached read %v; want at least 500 µs", ds[0])
	}
}

// Fact kv-instant-beta (kv/platform/limits, October 2026): KV Instant
// replicates a write to every location fast (p99 about 256 ms).
func TestKVInstantPushesAWriteToEveryPoPWithinAQuarterSecond(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		w := newKVWorld(t, Production, seed, true)
		ns := w.KVInstant("I")
		ns.Seed("k", "v1")
		for _, p := range w.PoPs() {
			readAt(w, ns, p.Code, "k", 0, GetOptions{})
		}
		var accepted time.Duration
		p := w.MustPoP("LHR")
		w.At(2*time.Second, func() {
			ns.Put(p, "k", "v2", PutOptions{}, 0, func(error) { accepted = w.Now() })
		})
		var reads []*GetResult
		for _, q := range w.PoPs() {
			reads = append(reads, readAt(w, ns, q.Code, "k", 2*time.Second+350*time.Millisecond, GetOptions{}))
		}
		w.Run()
		for i, r := range reads {
			if r.Value != "v2" {
				t.Errorf("seed %d: %s read %q 350 ms after the write, accepted at %v; KV Instant pushes it everywhere", seed, w.PoPs()[i].Code, r.Value, accepted)
			}
		}
		var last time.Duration
		for _, e := range w.Trace() {
			if e.Kind == EvKVFill && e.Op == "push" {
				last = max(last, e.At)
			}
		}
		if last == 0 || last-2*time.Second > 300*time.Millisecond {
			t.Errorf("seed %d: the last push arrived %v after the write was issued; want within about 256 ms of acceptance", seed, last-2*time.Second)
		}
	}
}

// Fact kv-instant-beta: one write per second per namespace, not per key;
// no metadata; keys up to 300 bytes; list without pagination.
func TestKVInstantLimitsWritesPerNamespaceRefusesMetadataAndListsInOnePage(t *testing.T) {
	w := newKVWorld(t, Production, 1, false)
	ns := w.KVInstant("I")
	a := putAt(w, ns, "LHR", "a", "1", 0)
	b := putAt(w, ns, "LHR", "b", "1", 200*time.Millisecond) // another key, same namespace
	var meta, long error
	p := w.MustPoP("LHR")
	w.At(5*time.Second, func() {
		ns.Put(p, "c", "1", PutOptions{Metadata: `{"x":1}`}, 0, func(err error) { meta = err })
		ns.Put(p, string(make([]byte, 301)), "1", PutOptions{}, 0, func(err error) { long = err })
	})
	w.Run()
	if *a != nil || !IsKVError(*b, "429") {
		t.Errorf("two keys of one KV Instant namespace 200 ms apart: %v, %v; want the second refused with 429", *a, *b)
	}
	if !IsKVError(meta, "no-metadata") || !IsKVError(long, "key-too-large") {
		t.Errorf("metadata: %v; a 301-byte key: %v; want both refused", meta, long)
	}
	// A classic namespace takes both keys.
	cw := newKVWorld(t, Production, 1, false)
	cns := cw.KV("C")
	ca, cb := putAt(cw, cns, "LHR", "a", "1", 0), putAt(cw, cns, "LHR", "b", "1", 200*time.Millisecond)
	cw.Run()
	if *ca != nil || *cb != nil {
		t.Errorf("classic KV, two keys 200 ms apart: %v, %v; the limit is per key there", *ca, *cb)
	}
	// List: everything in one page.
	lw := newKVWorld(t, Production, 1, false)
	lns := lw.KVInstant("L")
	for i := range 1500 {
		lns.Seed("k"+strconv.Itoa(i), "v")
	}
	var page ListResult
	lw.At(0, func() { lns.List(lw.MustPoP("IAD"), "k", 0, "", 0, func(r ListResult) { page = r }) })
	lw.Run()
	if len(page.Keys) != 1500 || !page.Complete {
		t.Errorf("KV Instant list of 1,500 keys: %d keys, complete %v; want all in one page", len(page.Keys), page.Complete)
	}
}

// Fact kv-ops-per-invocation (kv/platform/limits): an invocation may make
// at most 1,000 operations; a list counts as one, and so does a bulk read
// of up to 100 keys.
func TestKVListAndBulkReadCountAsOneOperationEach(t *testing.T) {
	w := newKVWorld(t, Production, 1, false)
	ns := w.KV("K")
	for i := range 100 {
		ns.Seed("k"+strconv.Itoa(i), "v")
	}
	var keys []string
	for i := range 100 {
		keys = append(keys, "k"+strconv.Itoa(i))
	}
	p := w.MustPoP("LHR")
	var bulks, lists int
	var lastErr error
	w.At(0, func() {
		for range 600 {
			ns.GetBulk(p, keys, GetOptions{}, 1, func(_ []GetResult, err error) {
				if err == nil {
					bulks++
				} else {
					lastErr = err
				}
			})
		}
		for range 500 {
			ns.List(p, "k", 0, "", 1, func(r ListResult) {
				if r.Err == nil {
					lists++
				} else {
					lastErr = r.Err
				}
			})
		}
	})
	w.Run()
	if bulks != 600 || lists != 400 || !IsKVError(lastErr, "too-many-ops") {
		t.Errorf("600 bulk reads of 100 keys and 500 lists in one invocation: %d and %d succeeded (%v); want 600 and 400, the 1,001st operation refused", bulks, lists, lastErr)
	}
	var tooMany error
	w.At(w.Now()+time.Second, func() {
		ns.GetBulk(p, append(keys, "one-more"), GetOptions{}, 2, func(_ []GetResult, err error) { tooMany = err })
	})
	w.Run()
	if !IsKVError(tooMany, "bad-bulk") {
		t.Errorf("a bulk read of 101 keys: %v; want it refused", tooMany)
	}
}

// alarmSetter sets an alarm and answers at once.
type alarmSetter struct{}

func (alarmSetter) Fetch(o *DOContext, r *DORequest) {
	o.Storage().SetAlarm(o.Now() + time.Hour)
	r.Respond(200, "set")
}

// Fact do-setalarm-is-a-write (durable-objects/api/alarms): setting an
// alarm is a storage write, so the answer that follows it waits at the
// output gate until it is durable.
func TestDOSetAlarmIsAStorageWriteBehindTheOutputGate(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	stub := w.DurableObjects("A", DOClass{Name: "Alarm", New: func(*DOContext) DOInstance { return alarmSetter{} }}).GetByName("a")
	callAt(w, stub, "LHR", "/", 0)
	w.RunUntil(time.Second)
	var held, commit, released time.Duration = -1, -1, -1
	for _, e := range w.Trace() {
		switch {
		case e.Kind == EvDOGate && e.Outcome == "output-held":
			held = e.At
		case e.Kind == EvDOCommit:
			commit = e.At
		case e.Kind == EvDOGate && e.Outcome == "output-released":
			released = e.At
		}
	}
	if held < 0 || commit < 0 || released != commit || commit-held < 15*time.Millisecond {
		t.Errorf("held at %v, committed at %v, released at %v; want the answer held until the alarm write is durable", held, commit, released)
	}
}

// flakyAlarm writes to storage in its alarm, then fails the first time.
type flakyAlarm struct{}

func (flakyAlarm) Fetch(o *DOContext, r *DORequest) {
	o.Storage().SetAlarm(o.Now() + time.Second)
	r.Respond(200, "ok")
}

func (flakyAlarm) Alarm(o *DOContext, a *DOAlarm) {
	st := o.Storage()
	st.Get("runs", func(v string, _ bool) {
		n, _ := strconv.Atoi(v)
		st.Put("runs", strconv.Itoa(n+1))
		if a.Retry == 0 {
			a.Fail(errFlaky)
			return
		}
		a.Done()
	})
}

var errFlaky = &KVError{Code: "flaky", Msg: "the handler threw"}

// Fact do-alarm-retries (durable-objects/api/alarms): an alarm runs at
// least once; a handler that fails after doing its work is retried, so
// that work can happen twice.
func TestDOAlarmIsAtLeastOnceSoItsWorkCanRunTwice(t *testing.T) {
	w := newDOWorld(t, Production, 1, true)
	ns := w.DurableObjects("F", DOClass{Name: "Flaky", New: func(*DOContext) DOInstance { return flakyAlarm{} }})
	stub := ns.GetByName("f")
	callAt(w, stub, "LHR", "/", 0)
	w.RunUntil(time.Minute)
	if v, _ := ns.Stored(stub.ID(), "runs"); v != "2" {
		t.Errorf("the alarm's work ran %q times; want 2: at least once means it may run again", v)
	}
	var outcomes []string
	for _, e := range w.Trace() {
		if e.Kind == EvDOAlarm {
			outcomes = append(outcomes, e.Outcome)
		}
	}
	if len(outcomes) != 2 || outcomes[0] != "retry" || outcomes[1] != "ok" {
		t.Errorf("alarm outcomes %v; want retry, ok", outcomes)
	}
}

// Fact do-placement (durable-objects/reference/data-location, and the
// runtime's DurableObjectLocationHint type): the hints include apac-ne and
// apac-se besides the nine regions.
func TestDOLocationHintsIncludeTheNarrowerAsiaPacificOnes(t *testing.T) {
	topo := kvTopology()
	topo.LocationHints["apac-se"] = "SIN"
	w, err := New(Config{Seed: 1, Topology: topo, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	ns := w.DurableObjects("H", counterClass)
	for hint, want := range map[string]string{"apac-se": "SIN", "apac-ne": "NRT"} {
		stub, err := ns.Get(ns.IDFromName(hint), DOGetOptions{LocationHint: hint})
		if err != nil {
			t.Fatalf("hint %s refused: %v", hint, err)
		}
		callAt(w, stub, "LHR", "/hits", 0)
		w.RunUntil(time.Second)
		if p, _ := ns.Placement(stub.ID()); w.Code(p) != want {
			t.Errorf("hint %s placed the object at %s; want %s (apac-ne falls back to apac's PoP when the topology has none)", hint, w.Code(p), want)
		}
	}
	if _, err := ns.Get(ns.IDFromName("x"), DOGetOptions{LocationHint: "apac-sw"}); err == nil {
		t.Errorf("an unknown hint was accepted")
	}
}

// Fact do-overload-error (durable-objects/platform/limits): a request to
// an overloaded object fails with an error the calling Worker sees, one
// errors.Is recognises as overload, so it is not retried.
func TestDOOverloadIsAnErrorTheCallingWorkerSees(t *testing.T) {
	w, err := New(Config{Seed: 1, Topology: kvTopology(), DO: DOConfig{MaxQueue: 5}})
	if err != nil {
		t.Fatal(err)
	}
	stub := w.DurableObjects("HOT", counterClass).Binding().GetByName("hot")
	var overloaded, other int
	for i := range 50 {
		w.Request(time.Duration(i)*10*time.Microsecond, w.MustPoP("LHR"), "/increment", func(r *Request) {
			stub.Call(r, r.Path, "", func(res Response, err error) {
				switch {
				case errors.Is(err, ErrDOOverloaded):
					overloaded++
					r.Respond(503, err.Error())
				case err != nil:
					other++
					r.Respond(500, err.Error())
				default:
					r.Respond(res.Status, res.Body)
				}
			})
		}, nil)
	}
	w.Run()
	if overloaded == 0 || other != 0 {
		t.Errorf("50 requests at once to an object that queues 5: %d overload errors, %d other errors; want overload errors only", overloaded, other)
	}
}
