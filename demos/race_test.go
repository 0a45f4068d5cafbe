package demos

import (
	"fmt"
	"testing"

	"github.com/kvdo/kvdo/edge"
)

// raceSettings are the parameter sets the race outcomes are asserted
// for: the defaults, two writers with two increments each, and the most
// crowded run.
var raceSettings = []map[string]string{nil, {"writers": "2", "increments": "2"}, {"writers": "8", "increments": "10"}}

func TestRaceKVInsideOneObjectLosesUpdates(t *testing.T) {
	for _, set := range raceSettings {
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "race", "kv-in-do", seed, set)
			acked, final := metric(t, r, "increments acknowledged"), metric(t, r, "final count")
			if final >= acked {
				t.Errorf("%v seed %d: %v increments acknowledged, counter %v: want updates lost", set, seed, acked, final)
			}
			if r.Verdict.Linearizable {
				t.Errorf("%v seed %d: porcupine accepts a counter that lost %v updates", set, seed, acked-final)
			}
		}
	}
}

func TestRaceDOStorageLosesNone(t *testing.T) {
	for _, set := range raceSettings {
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "race", "do-storage", seed, set)
			acked, final := metric(t, r, "increments acknowledged"), metric(t, r, "final count")
			if final != acked || metric(t, r, "updates lost") != 0 || r.Metrics[len(r.Metrics)-1].Name == "requests failed" {
				t.Errorf("%v seed %d: %s; want every increment counted", set, seed, r.Outcome)
			}
			if !r.Verdict.Linearizable {
				t.Errorf("%v seed %d: porcupine rejects the stored counter: %s", set, seed, r.Verdict.Explanation)
			}
			if commits := metric(t, r, "storage writes made durable"); commits != acked {
				t.Errorf("%v seed %d: %v commits for %v increments", set, seed, commits, acked)
			}
		}
	}
}

// TestRaceKVInDoReplaysTheForumInterleaving looks for the overlap the
// forum thread describes: a request in the object reads the count from KV
// while another has read it and its write has not yet been accepted (the
// thread's get, get, put, put, or a get slipping in while the first put
// is on its way), and both then write the same number.
func TestRaceKVInDoReplaysTheForumInterleaving(t *testing.T) {
	for seed := uint64(1); seed <= seeds; seed++ {
		r := run(t, "race", "kv-in-do", seed, nil)
		type incr struct {
			get, put, done int // trace positions: the read, the first write, its acceptance
			value          string
		}
		var order []int
		byReq := map[int]*incr{}
		for _, ev := range r.Trace {
			switch ev.Kind {
			case edge.EvKVGet:
				if byReq[ev.Req] == nil {
					byReq[ev.Req] = &incr{get: ev.Seq, put: -1, done: -1}
					order = append(order, ev.Req)
				}
			case edge.EvKVPut:
				if x := byReq[ev.Req]; x != nil && x.put < 0 {
					x.put, x.value = ev.Seq, ev.Value
				}
			case edge.EvKVPutDone:
				if x := byReq[ev.Req]; x != nil && x.done < 0 && ev.Outcome == "accepted" {
					x.done = ev.Seq
				}
			}
		}
		found := ""
		for _, a := range order {
			for _, b := range order {
				x, y := byReq[a], byReq[b]
				if a != b && x.done >= 0 && y.put >= 0 && x.get < y.get && y.get < x.done && x.value == y.value {
					found = fmt.Sprintf("req %d read before req %d's write was accepted; both wrote %s", b, a, x.value)
				}
			}
			if found != "" {
				break
			}
		}
		if found == "" {
			t.Errorf("seed %d: no two increments read the count from KV before either wrote it back", seed)
		}
	}
}

func TestRaceObjectVariantsCreateOneObject(t *testing.T) {
	for _, v := range []string{"kv-in-do", "do-storage"} {
		for seed := uint64(1); seed <= 10; seed++ {
			r := run(t, "race", v, seed, map[string]string{"writers": "5"})
			places := 0
			for _, ev := range r.Trace {
				if ev.Kind == edge.EvDOPlace {
					places++
				}
			}
			if places != 1 {
				t.Errorf("%s seed %d: %d objects created for five writers; want one", v, seed, places)
			}
		}
	}
}

func TestRaceDefaultVariantIsKVInDO(t *testing.T) {
	if r := run(t, "race", "", 1, nil); r.Variant != "kv-in-do" {
		t.Errorf("default variant %q, want kv-in-do", r.Variant)
	}
}
