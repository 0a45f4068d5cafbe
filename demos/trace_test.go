package demos

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// The trace contract a player relies on, checked over every demo and
// variant and several seeds: request numbers, message ids, live metrics,
// and the state at any cursor.

// traceSeeds is how many seeds each property is checked over.
const traceSeeds = 20

func eachRun(t *testing.T, seeds int, f func(t *testing.T, r *Result)) {
	if testing.Short() {
		seeds = min(seeds, shortSeeds)
	}
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			f(t, run(t, d.ID, variant, seed, nil))
		}
	})
}

func TestRequestsAreNumberedInTheOrderTheyStart(t *testing.T) {
	eachRun(t, traceSeeds, func(t *testing.T, r *Result) {
		next := 1
		for _, ev := range r.Trace {
			if ev.Kind != edge.EvRequestStart {
				continue
			}
			if ev.Req != next {
				t.Fatalf("seed %d: event %d starts req %d; want req %d, the next in start order", r.Seed, ev.Seq, ev.Req, next)
			}
			next++
		}
		if next == 1 {
			t.Fatalf("seed %d: no request started", r.Seed)
		}
	})
}

func TestEveryMessageArrivesOnceUnderItsID(t *testing.T) {
	eachRun(t, traceSeeds, func(t *testing.T, r *Result) {
		sent := map[int]edge.Event{}
		arrived := map[int]bool{}
		for _, ev := range r.Trace {
			switch ev.Kind {
			case edge.EvSend:
				if _, dup := sent[ev.Msg]; dup || ev.Msg == 0 {
					t.Fatalf("seed %d: event %d sends message %d, already sent or unnumbered", r.Seed, ev.Seq, ev.Msg)
				}
				sent[ev.Msg] = ev
			case edge.EvArrive:
				s, ok := sent[ev.Msg]
				if !ok || arrived[ev.Msg] {
					t.Fatalf("seed %d: event %d: message %d arrives unsent or twice", r.Seed, ev.Seq, ev.Msg)
				}
				arrived[ev.Msg] = true
				if s.Arrive != ev.At || s.From != ev.From || s.To != ev.To || s.Op != ev.Op || ev.Actor != ev.To {
					t.Fatalf("seed %d: message %d sent %+v arrives as %+v", r.Seed, ev.Msg, s, ev)
				}
			}
		}
		for id, s := range sent {
			// A run may end (the scenario stops it) with messages in flight.
			if !arrived[id] && s.Arrive <= r.End {
				t.Errorf("seed %d: message %d (%s %s->%s) due at %v never arrived", r.Seed, id, s.Op, s.From, s.To, s.Arrive)
			}
		}
	})
}

func TestEveryEventNamesAKnownActorOfItsKind(t *testing.T) {
	eachRun(t, 3, func(t *testing.T, r *Result) {
		kinds := map[string]edge.ActorKind{}
		for _, a := range r.Actors {
			if _, dup := kinds[a.ID]; dup {
				t.Fatalf("actor %s listed twice", a.ID)
			}
			kinds[a.ID] = a.Kind
			if a.Kind != edge.ActorScenario && a.PoP == "" {
				t.Errorf("actor %s (%s) has no PoP to draw it at", a.ID, a.Kind)
			}
		}
		for _, ev := range r.Trace {
			k, ok := kinds[ev.Actor]
			if !ok || k != ev.ActorKind {
				t.Fatalf("event %d: actor %q of kind %q; the actor list has %q", ev.Seq, ev.Actor, ev.ActorKind, k)
			}
			for _, id := range []string{ev.From, ev.To} {
				if _, ok := kinds[id]; id != "" && !ok {
					t.Fatalf("event %d names %q, not in the actor list", ev.Seq, id)
				}
			}
		}
	})
}

func TestEveryMetricIsLiveOrFinalAndLiveOnesGrowWithTheCursor(t *testing.T) {
	eachRun(t, traceSeeds, func(t *testing.T, r *Result) {
		last := len(r.Trace) - 1
		for _, m := range r.Metrics {
			if (m.Live == nil) == !m.Final {
				t.Fatalf("metric %q: live %v, final %v; want exactly one", m.Name, m.Live != nil, m.Final)
			}
			if m.Final {
				if _, ok := r.MetricAt(m, last-1); ok {
					t.Errorf("final metric %q has a value before the end", m.Name)
				}
				if v, ok := r.MetricAt(m, last); !ok || v != m.Value {
					t.Errorf("final metric %q at the end = %v, %v; want %v", m.Name, v, ok, m.Value)
				}
				continue
			}
			n, step := 0, max(len(r.Trace)/50, 1)
			for i, ev := range r.Trace {
				if m.Live.Match(ev) {
					n++
				}
				if i%step != 0 && i != last {
					continue
				}
				if v, ok := r.MetricAt(m, i); !ok || v != float64(n) {
					t.Fatalf("seed %d: live metric %q at event %d = %v; its events so far number %d", r.Seed, m.Name, i, v, n)
				}
			}
			if float64(n) != m.Value {
				t.Errorf("seed %d: live metric %q ends at %d; the run reports %v", r.Seed, m.Name, n, m.Value)
			}
		}
	})
}

func TestTheStateAtTheLastEventIsTheFinalState(t *testing.T) {
	eachRun(t, traceSeeds, func(t *testing.T, r *Result) {
		got, err := r.StateAt(len(r.Trace) - 1)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, r.Final) {
			t.Fatalf("seed %d: the state at the last event differs from the final state:\n%s", r.Seed, firstDiff(got, r.Final))
		}
	})
}

func TestTheStateAtACursorIsTheSameWhicheverWayItIsReached(t *testing.T) {
	eachRun(t, traceSeeds, func(t *testing.T, r *Result) {
		n := len(r.Trace)
		for _, i := range []int{n / 3, n - 2} {
			direct, err := NewReplayer(r).At(i)
			if err != nil {
				t.Fatal(err)
			}
			// Further on (past the window a re-run keeps), then back.
			p := NewReplayer(r)
			if _, err := p.At(n - 1); err != nil {
				t.Fatal(err)
			}
			back, err := p.At(i)
			if err != nil {
				t.Fatal(err)
			}
			// Within a window: served from what the last re-run kept.
			near, err := p.At(max(i-1, 0))
			if err != nil {
				t.Fatal(err)
			}
			again, err := p.At(i)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(direct, back) || !reflect.DeepEqual(back, again) {
				t.Fatalf("seed %d: the state at %d differs by route:\n%s", r.Seed, i, firstDiff(direct, back))
			}
			if near.Events != max(i-1, 0)+1 || direct.Events != i+1 || direct.At != r.Trace[i].At {
				t.Fatalf("seed %d: snapshot at %d counts %d events at %v; want %d at %v", r.Seed, i, direct.Events, direct.At, i+1, r.Trace[i].At)
			}
		}
	})
}

// Every change between the states at two consecutive events is one the
// second event records: the trace misses no change a player would draw.
func TestEveryStateChangeIsRecordedByTheEventThatMakesIt(t *testing.T) {
	checked := map[string]int{}
	eachRun(t, 4, func(t *testing.T, r *Result) {
		p := NewReplayer(r)
		prev, err := p.At(0)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(r.Trace); i++ {
			cur, err := p.At(i)
			if err != nil {
				t.Fatal(err)
			}
			ev := r.Trace[i]
			for _, c := range changes(prev, cur) {
				if !c.explainedBy(ev) {
					t.Fatalf("seed %d: event %d (%s %s) does not explain the change of %s:\n  before %s\n  after  %s",
						r.Seed, i, ev.Actor, ev.Kind, c.thing, c.before, c.after)
				}
				checked[c.what]++
			}
			prev = cur
		}
	})
	for _, what := range []string{"kv-key", "kv-central", "kv-cache", "object", "cache", "origin"} {
		if checked[what] == 0 {
			t.Errorf("no %s change was seen in any run: the check covers nothing there (%v)", what, checked)
		}
	}
}

// change is one thing that differs between two snapshots.
type change struct {
	what          string // kv-key, kv-central, kv-local, kv-cache, object, cache, origin
	thing         string
	actor, key    string
	level         string
	before, after string
	phase         edge.DOPhase // object: the phase after
	storage       bool         // object: its durable storage changed
}

// explainedBy reports whether ev is an event that records c.
func (c change) explainedBy(ev edge.Event) bool {
	switch c.what {
	case "kv-key":
		return ev.Kind == edge.EvKVCommit && ev.Key == c.key
	case "kv-central":
		return (ev.Kind == edge.EvKVCommit || ev.Kind == edge.EvKVReplicate) && ev.Actor == c.actor && ev.Key == c.key
	case "kv-local":
		return ev.Kind == edge.EvKVCommit && ev.Tier == "local" && ev.Key == c.key
	case "kv-cache":
		if ev.Actor != c.actor || ev.Key != c.key {
			return false
		}
		switch ev.Kind {
		case edge.EvKVFill, edge.EvKVFillKept, edge.EvKVShorten:
			return ev.Tier == c.level
		case edge.EvKVGet, edge.EvKVRefresh:
			return c.level == "pop"
		}
		return false
	case "object":
		if ev.Actor != c.actor || ev.ActorKind != edge.ActorObject {
			return false
		}
		if c.before == "" { // it comes into being
			return ev.Kind == edge.EvDOPlace
		}
		if c.storage && ev.Kind != edge.EvDOCommit {
			return false
		}
		return ev.Phase == c.phase
	case "cache":
		switch ev.Kind {
		case edge.EvCachePut, edge.EvCacheDelete, edge.EvCacheExpire:
			return ev.Actor == c.actor && ev.Key == c.key
		case edge.EvCachePurge:
			return ev.Key == c.key
		}
		return false
	case "origin":
		return ev.Kind == edge.EvOriginPublish && ev.Path == c.key
	}
	return false
}

// changes lists what differs between a and b in the fields the
// simulator sets (not those derived from the clock, such as whether a
// copy has expired by now).
func changes(a, b edge.Snapshot) []change {
	type item struct {
		c   change
		raw string
	}
	flat := func(s edge.Snapshot) map[string]item {
		m := map[string]item{}
		put := func(c change, raw any) {
			c.thing = c.what + " " + c.actor + " " + c.level + " " + c.key
			m[c.thing] = item{c, fmt.Sprintf("%+v", raw)}
		}
		for _, ns := range s.KV {
			for _, k := range ns.Keys {
				put(change{what: "kv-key", actor: ns.Namespace, key: k.Key}, [3]any{k.Version, k.LastWrite, k.Expires})
			}
			for _, st := range ns.Central {
				for _, e := range st.Entries {
					put(change{what: "kv-central", actor: st.Actor, key: e.Key}, e)
				}
			}
			for _, e := range ns.Local {
				put(change{what: "kv-local", key: e.Key}, e)
			}
			for _, c := range ns.Caches {
				for _, e := range c.Entries {
					e.State, e.Stale = "", false // derived from the clock
					put(change{what: "kv-cache", actor: c.Actor, level: c.Level, key: e.Key}, e)
				}
			}
		}
		for _, o := range s.Objects {
			raw := o
			raw.Storage = nil
			put(change{what: "object", actor: o.Actor, phase: o.Phase}, raw)
			put(change{what: "object", actor: o.Actor, key: "storage", phase: o.Phase, storage: true}, o.Storage)
		}
		for _, c := range s.Cache {
			for _, e := range c.Entries {
				e.Expired = false
				put(change{what: "cache", actor: c.Actor, key: e.URL}, e)
			}
		}
		for _, d := range s.Origin {
			put(change{what: "origin", key: d.Path}, d)
		}
		return m
	}
	fa, fb := flat(a), flat(b)
	var out []change
	for k, y := range fb {
		x, ok := fa[k]
		if !ok || x.raw != y.raw {
			c := y.c
			c.before, c.after = x.raw, y.raw
			out = append(out, c)
		}
	}
	for k, x := range fa {
		if _, ok := fb[k]; !ok {
			c := x.c
			c.before, c.after = x.raw, "(gone)"
			out = append(out, c)
		}
	}
	return out
}

// firstDiff names the first top-level part in which two snapshots differ.
func firstDiff(a, b edge.Snapshot) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	var out []string
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, fmt.Sprintf("%s: %+v\n  vs %+v", va.Type().Field(i).Name, va.Field(i).Interface(), vb.Field(i).Interface()))
		}
	}
	return strings.Join(out, "\n")
}

// largestSet is the parameters that give demo d its longest run: each
// numeric parameter in turn set to whichever of its bounds (or its
// default) records the most events, the others as chosen so far.
func largestSet(tb testing.TB, d Demo) map[string]string {
	tb.Helper()
	set := map[string]string{}
	events := func(set map[string]string) int {
		if _, err := d.Resolve(set); err != nil {
			return -1 // a combination the demo refuses
		}
		r, err := d.Run(RunConfig{Seed: 1, Set: set, Topology: testTopology()})
		if err != nil {
			tb.Fatal(err)
		}
		return len(r.Trace)
	}
	best := events(set)
	for _, p := range d.Params {
		if p.Kind != KindInt && p.Kind != KindDuration && p.Kind != KindFloat {
			continue
		}
		for _, v := range []string{p.Min, p.Max} {
			try := maps.Clone(set)
			try[p.Name] = v
			if n := events(try); n > best {
				best, set = n, try
			}
		}
	}
	return set
}

// BenchmarkSeek measures a seek to a cursor anywhere in a run, as a
// player jumping on its timeline makes one: the simulator's state at that
// trace position (bar: under 5 ms), for each demo at its default
// parameters and at the parameters that give it its longest run.
func BenchmarkSeek(b *testing.B) {
	for _, d := range All() {
		for _, size := range []string{"default", "largest"} {
			b.Run(d.ID+"/"+size, func(b *testing.B) {
				var set map[string]string
				if size == "largest" {
					set = largestSet(b, d)
				}
				r := run(b, d.ID, "", 1, set)
				n := len(r.Trace)
				rnd := rand.New(rand.NewPCG(1, 2))
				var worst time.Duration
				for b.Loop() {
					start := time.Now()
					if _, err := NewReplayer(r).At(rnd.IntN(n)); err != nil {
						b.Fatal(err)
					}
					worst = max(worst, time.Since(start))
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/seek")
				b.ReportMetric(float64(worst.Microseconds()), "worst-µs")
				b.ReportMetric(float64(n), "events")
			})
		}
	}
}

// BenchmarkStep measures stepping one event at a time through a run, as a
// player does, on the coalescing demo's longest run.
func BenchmarkStep(b *testing.B) {
	d, _ := Get("coalescing")
	r := run(b, "coalescing", "", 1, largestSet(b, d))
	p := NewReplayer(r)
	i := 0
	for b.Loop() {
		if _, err := p.At(i % len(r.Trace)); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/step")
}
