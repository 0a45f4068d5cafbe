package player

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/kvdo/kvdo/demos"
)

// seeds are the runs every property is checked over.
const seeds = 20

// sampleCursors picks cursor positions to check: the ends and a seeded
// sample in between.
func sampleCursors(rnd *rand.Rand, n, count int) []int {
	out := []int{0, n}
	for range count {
		out = append(out, rnd.IntN(n+1))
	}
	return out
}

func TestLiveMetricsCountTheirTraceEventsUpToTheCursor(t *testing.T) {
	checked := 0
	for _, d := range demos.All() {
		for seed := uint64(1); seed <= seeds; seed++ {
			cfg := testConfig(t, d.ID, RunSpec{Seed: seed})
			res, err := cfg.Run(cfg.Spec)
			if err != nil {
				t.Fatal(err)
			}
			r := newRun(d, res)
			rnd := rand.New(rand.NewPCG(seed, 7))
			for mi, m := range res.Metrics {
				if m.Live == nil {
					continue
				}
				for _, n := range sampleCursors(rnd, len(res.Trace), 8) {
					want := 0
					for _, ev := range res.Trace[:n] {
						if m.Live.Match(ev) {
							want++
						}
					}
					if got := int(r.live[mi][n]); got != want {
						t.Fatalf("%s seed %d: %q after %d events shows %d, the trace has %d", d.ID, seed, m.Name, n, got, want)
					}
					checked++
				}
				if got := float64(r.live[mi][len(res.Trace)]); got != m.Value {
					t.Fatalf("%s seed %d: %q ends at %v, the run reports %v", d.ID, seed, m.Name, got, m.Value)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no live metric was checked")
	}
}

// Frames reached by stepping forward and by stepping back to the same
// cursor are byte for byte the same, in both views and in compare mode.
func TestSteppingBackAndForthDrawsTheSameFrames(t *testing.T) {
	checked := 0
	for _, d := range demos.All() {
		for seed := uint64(1); seed <= seeds; seed++ {
			p := newSeededPlayer(t, d.ID, RunSpec{Seed: seed}, 80, 24, true)
			p.lanes = seed%2 == 0
			if seed%5 == 0 {
				p = press(t, p, "c")
			}
			n := p.tr.len()
			rnd := rand.New(rand.NewPCG(seed, 11))
			targets := map[int]bool{}
			for _, k := range sampleCursors(rnd, n, 6) {
				targets[k] = true
			}
			forward := map[int]string{}
			q := p
			q.c = q.tr.start()
			for k := 0; k <= n; k++ {
				if targets[q.c.k] {
					forward[q.c.k] = q.View()
				}
				q, _ = q.Update(keyMsg("right"))
			}
			q, _ = q.Update(keyMsg("end"))
			for k := n; k >= 0; k-- {
				q, _ = q.Update(keyMsg("left"))
				if want, ok := forward[q.c.k]; ok && q.c.k < n {
					if got := q.View(); got != want {
						t.Fatalf("%s seed %d lanes=%v compare=%v: the frame at event %d differs stepping back", d.ID, seed, p.lanes, p.compare, q.c.k)
					}
					checked++
				}
			}
			// And after stepping back, forward again lands on the frame
			// first seen there.
			for k := range targets {
				r := p
				r.c = r.tr.settle(max(k-1, 0))
				r, _ = r.Update(keyMsg("right"))
				if want, ok := forward[r.c.k]; ok && r.View() != want {
					t.Fatalf("%s seed %d: back then forward to event %d draws another frame", d.ID, seed, r.c.k)
				}
			}
		}
	}
	if checked < len(demos.All())*seeds {
		t.Fatalf("only %d frames compared", checked)
	}
}

func TestMessagesInFlightAreThoseSentAndNotArrived(t *testing.T) {
	for _, d := range demos.All() {
		cfg := testConfig(t, d.ID, RunSpec{Seed: 3})
		res, err := cfg.Run(cfg.Spec)
		if err != nil {
			t.Fatal(err)
		}
		r := newRun(d, res)
		sends := 0
		for _, ev := range res.Trace {
			if ev.Kind == "net.send" {
				sends++
			}
		}
		paired := 0
		for _, m := range r.msgs {
			if m.arrive >= 0 {
				paired++
				a := res.Trace[m.arrive]
				if a.At != m.arriveAt || a.From != m.from || a.To != m.to {
					t.Fatalf("%s: send %d paired with an arrival that is not its own: %+v", d.ID, m.send, a)
				}
			}
		}
		if len(r.msgs) != sends || paired != sends {
			t.Fatalf("%s: %d sends, %d messages, %d paired with their arrival", d.ID, sends, len(r.msgs), paired)
		}
		for n := 0; n <= len(res.Trace); n += max(1, len(res.Trace)/50) {
			fly := 0
			for _, m := range r.msgs {
				if m.inFlight(n, res.Trace[max(n-1, 0)].At) {
					fly++
				}
			}
			if int(r.inFlight[n]) != fly {
				t.Fatalf("%s: after %d events %d in flight by the table, %d by the messages", d.ID, n, r.inFlight[n], fly)
			}
		}
	}
}

func TestCompareStepsThroughBothRunsInTimeOrder(t *testing.T) {
	for _, d := range demos.All() {
		t.Run(d.ID, func(t *testing.T) {
			p := press(t, newTestPlayer(t, d.ID, "", 80, 24, true), "c")
			tr := p.tr
			if len(tr.runs) != 2 {
				t.Fatalf("compare shows %d runs", len(tr.runs))
			}
			want := len(tr.runs[0].trace()) + len(tr.runs[1].trace())
			if tr.len() != want {
				t.Fatalf("the shared track has %d entries, the runs %d", tr.len(), want)
			}
			for k := 1; k < tr.len(); k++ {
				if tr.at[k] < tr.at[k-1] {
					t.Fatalf("entry %d at %v comes after one at %v", k, tr.at[k], tr.at[k-1])
				}
			}
			end := tr.finish()
			for i := range tr.runs {
				if got := tr.n(i, end); got != len(tr.runs[i].trace()) {
					t.Fatalf("run %d: %d of %d events applied at the end", i, got, len(tr.runs[i].trace()))
				}
			}
		})
	}
}

// The state a frame draws at the end of a run, taken from the simulator's
// replay, is the state the run reports as final; and live metrics at a
// cursor agree with demos' own MetricAt.
func TestTheReplayedStateAtTheEndIsTheRunsFinalState(t *testing.T) {
	for _, d := range demos.All() {
		for seed := uint64(1); seed <= seeds; seed++ {
			cfg := testConfig(t, d.ID, RunSpec{Seed: seed})
			res, err := cfg.Run(cfg.Spec)
			if err != nil {
				t.Fatal(err)
			}
			last := len(res.Trace) - 1
			snap, err := res.StateAt(last)
			if err != nil {
				t.Fatalf("%s seed %d: %v", d.ID, seed, err)
			}
			if !reflect.DeepEqual(snap, res.Final) {
				t.Fatalf("%s seed %d: the state replayed at the last event differs from the run's final state", d.ID, seed)
			}
			r := newRun(d, res)
			end := r.state.at(len(res.Trace)) // drawn from Final
			r.state.memo = map[int]stage{}
			replayed := r.state.fromSnapshot(snap)
			if !reflect.DeepEqual(end, replayed) {
				t.Fatalf("%s seed %d: the end frame's state %+v, replayed %+v", d.ID, seed, end, replayed)
			}
			for mi, m := range res.Metrics {
				for _, n := range []int{1, len(res.Trace) / 2, len(res.Trace)} {
					v, ok := res.MetricAt(m, n-1)
					if m.Live != nil && (!ok || int(v) != int(r.live[mi][n])) {
						t.Fatalf("%s seed %d: %q after %d events: player %d, demos %v", d.ID, seed, m.Name, n, r.live[mi][n], v)
					}
					if m.Live == nil && ok != (n == len(res.Trace)) {
						t.Fatalf("%s seed %d: final metric %q has a value after %d of %d events", d.ID, seed, m.Name, n, len(res.Trace))
					}
				}
			}
		}
	}
}
