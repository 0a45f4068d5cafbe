package demos

import (
	"reflect"
	"testing"
)

// The state log is exact: at every position of every run (each demo and
// variant, several seeds), the state it gives equals the snapshot a
// re-run of the scenario takes as that event is recorded.
// stateLogSeeds is how many seeds the state log is checked over.
const stateLogSeeds = 5

func TestTheStateLogEqualsAReRunAtEveryPosition(t *testing.T) {
	eachRun(t, stateLogSeeds, func(t *testing.T, r *Result) {
		if r.states == nil || r.states.Len() != len(r.Trace) {
			t.Fatalf("seed %d: the run kept no state log for its %d events", r.Seed, len(r.Trace))
		}
		p := NewReplayer(r)
		for i := range r.Trace {
			want, err := p.rerunAt(i)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.StateAt(i)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d: at event %d (%s %s) the log says\n%s", r.Seed, i, r.Trace[i].Actor, r.Trace[i].Kind, firstDiff(got, want))
			}
		}
	})
}

// A run that keeps no state log (a printed one) still gives the state at
// any position, by re-running the scenario, and the same one.
func TestARunWithoutAStateLogGivesTheSameStates(t *testing.T) {
	d, _ := Get("config-fanout")
	with := run(t, d.ID, "", 3, nil)
	without, err := d.Run(RunConfig{Seed: 3, Topology: testTopology(), SkipStates: true})
	if err != nil {
		t.Fatal(err)
	}
	if without.states != nil {
		t.Fatal("SkipStates kept a state log")
	}
	for _, i := range []int{0, len(with.Trace) / 2, len(with.Trace) - 1} {
		a, err := with.StateAt(i)
		if err != nil {
			t.Fatal(err)
		}
		b, err := without.StateAt(i)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("at %d the states differ:\n%s", i, firstDiff(a, b))
		}
	}
}
