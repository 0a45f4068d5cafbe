package demos

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// coalesceInterval is one row of the per-interval table.
type coalesceInterval struct {
	pops, misses, fetches, putsOK, puts429 int
}

func coalesceIntervals(t *testing.T, r *Result) []coalesceInterval {
	t.Helper()
	var out []coalesceInterval
	for _, row := range r.Tables[0].Rows {
		n := func(i int) int {
			v, err := strconv.Atoi(row[i])
			if err != nil {
				t.Fatalf("interval row %v: column %d is not a number", row, i)
			}
			return v
		}
		out = append(out, coalesceInterval{pops: n(2), misses: n(3), fetches: n(4), putsOK: n(5), puts429: n(6)})
	}
	return out
}

// eventTimes returns when events of kind (and outcome, if given) happened.
func eventTimes(r *Result, kind edge.EventKind, outcome string) []time.Duration {
	var ts []time.Duration
	for _, e := range r.Trace {
		if e.Kind == kind && (outcome == "" || e.Outcome == outcome) {
			ts = append(ts, e.At)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts
}

// coalescingSets are the parameter sets both variants are checked with:
// the defaults, more PoPs and a slow origin, a longer negative cache.
var coalescingSets = []map[string]string{
	nil,
	{"pops": "10", "origin_latency": "2s", "read_every": "5s"},
	{"cache_ttl": "60s", "value_ttl": "90s", "intervals": "2", "update_every": "10s"},
}

func TestCoalescingStampedeFetchesTheOriginForEveryMissAndTripsTheWriteLimit(t *testing.T) {
	for _, set := range coalescingSets {
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "coalescing", "stampede", seed, set)
			misses, fetches := metric(t, r, "misses"), metric(t, r, "origin fetches")
			ok, refused := metric(t, r, "KV writes accepted"), metric(t, r, "KV writes refused with 429")
			if fetches != misses {
				t.Errorf("%v seed %d: %v misses but %v origin fetches; want one fetch per miss", set, seed, misses, fetches)
			}
			if ok+refused != misses {
				t.Errorf("%v seed %d: %v writes for %v misses; want one write per miss", set, seed, ok+refused, misses)
			}
			if refused == 0 {
				t.Errorf("%v seed %d: no 429 although %v PoPs wrote the key at once", set, seed, set["pops"])
			}
			// The limit the 429s enforce: writes that arrive at least 1 s
			// apart, less the slack the model forgives for network jitter;
			// each then takes the store's write time before it is applied.
			kv := kvDefaults(t)
			commits := eventTimes(r, edge.EvKVCommit, "")
			for i := 1; i < len(commits); i++ {
				if commits[i]-commits[i-1] < kv.WriteInterval-kv.WriteSlack-(kv.StoreWriteMax-kv.StoreWriteMin) {
					t.Errorf("%v seed %d: KV accepted writes %v apart", set, seed, commits[i]-commits[i-1])
				}
			}
			for i, iv := range coalesceIntervals(t, r) {
				// Every PoP's visit misses once the page is gone, and every
				// interval costs more origin fetches than a refresh needs.
				if iv.pops < 2 || iv.fetches < 2 || iv.puts429 == 0 {
					t.Errorf("%v seed %d: interval %d: %+v; want a stampede (several PoPs, fetches and 429s)", set, seed, i+1, iv)
				}
			}
			if set == nil && r.Verdict.Linearizable {
				t.Errorf("seed %d: every visitor saw the newest fetched edition, yet %v isolates each fetched their own", seed, fetches)
			}
		}
	}
}

func TestCoalescingCoordinatorFetchesAndWritesOncePerRefreshInterval(t *testing.T) {
	for _, set := range coalescingSets {
		life := 60 * time.Second
		if v, ok := set["value_ttl"]; ok {
			life, _ = time.ParseDuration(v)
		}
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "coalescing", "coordinator", seed, set)
			ivs := coalesceIntervals(t, r)
			if len(ivs) < 2 {
				t.Errorf("%v seed %d: %d refresh intervals; the run should span several", set, seed, len(ivs))
			}
			missing := 0
			for i, iv := range ivs {
				if iv.fetches != 1 || iv.putsOK != 1 || iv.puts429 != 0 {
					t.Errorf("%v seed %d: interval %d: %+v; want exactly one origin fetch and one accepted write", set, seed, i+1, iv)
				}
				missing = max(missing, iv.pops)
			}
			if missing < 2 {
				t.Errorf("%v seed %d: at most %d PoP missed per interval; want several at once", set, seed, missing)
			}
			if n := metric(t, r, "origin fetches"); n != float64(len(ivs)) || metric(t, r, "KV writes accepted") != n {
				t.Errorf("%v seed %d: %v fetches, %v writes for %d intervals", set, seed, n, metric(t, r, "KV writes accepted"), len(ivs))
			}
			if metric(t, r, "KV writes refused with 429") != 0 {
				t.Errorf("%v seed %d: a write was refused", set, seed)
			}
			if metric(t, r, "Durable Object requests") != metric(t, r, "misses") {
				t.Errorf("%v seed %d: %v misses but %v DO requests; every miss must go to the object",
					set, seed, metric(t, r, "misses"), metric(t, r, "Durable Object requests"))
			}
			fetches := eventTimes(r, edge.EvOriginFetch, "")
			for i := 1; i < len(fetches); i++ {
				if fetches[i]-fetches[i-1] < life {
					t.Errorf("%v seed %d: origin fetches %v apart, within one value lifetime (%v)", set, seed, fetches[i]-fetches[i-1], life)
				}
			}
			if !r.Verdict.Linearizable {
				t.Errorf("%v seed %d: %s", set, seed, r.Verdict.Explanation)
			}
			if !strings.Contains(r.Outcome, "exactly one of each per interval") {
				t.Errorf("%v seed %d: outcome %q", set, seed, r.Outcome)
			}
		}
	}
}

func TestCoalescingCoordinatorSharesOneFetchAmongConcurrentMisses(t *testing.T) {
	// With a slow origin, the PoPs of the first wave all reach the object
	// while its fetch is out: they wait on that one fetch, and all get
	// their answer when it comes back.
	for seed := uint64(1); seed <= seeds; seed++ {
		r := run(t, "coalescing", "coordinator", seed, map[string]string{"origin_latency": "2s"})
		starts, fetches := 0, 0
		finishes := map[time.Duration]int{}
		for _, e := range r.Trace {
			if e.At >= 10*time.Second {
				break
			}
			switch {
			case e.Kind == edge.EvDOStart && e.Op == "fetch":
				starts++
			case e.Kind == edge.EvOriginFetch:
				fetches++
			case e.Kind == edge.EvDOFinish:
				finishes[e.At]++
			}
		}
		if starts != 6 || fetches != 1 || len(finishes) != 1 {
			t.Errorf("seed %d: first wave: %d requests at the object, %d origin fetches, answers at %d moments; want 6 requests sharing 1 fetch, answered together", seed, starts, fetches, len(finishes))
		}
	}
}

func TestCoalescingMissesCostLessThroughTheCoordinator(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		st := run(t, "coalescing", "stampede", seed, nil)
		co := run(t, "coalescing", "coordinator", seed, nil)
		if metric(t, co, "origin fetches") >= metric(t, st, "origin fetches") {
			t.Errorf("seed %d: the coordinator fetched the origin %v times, the stampede %v", seed, metric(t, co, "origin fetches"), metric(t, st, "origin fetches"))
		}
		// Most coordinated misses are answered from the object's memory,
		// without waiting for the origin.
		if p50s, p50c := metric(t, st, "missing read latency, p50"), metric(t, co, "missing read latency, p50"); p50c >= p50s {
			t.Errorf("seed %d: median miss %v ms through the object, %v ms alone", seed, p50c, p50s)
		}
	}
}

func TestCoalescingRejectsARunTooLongToWatch(t *testing.T) {
	d, _ := Get("coalescing")
	_, err := d.Run(RunConfig{Seed: 1, Topology: testTopology(), Set: map[string]string{"read_every": "1s", "value_ttl": "10m"}})
	if err == nil || !strings.Contains(err.Error(), "read_every") || !strings.Contains(err.Error(), "at most 2000") {
		t.Errorf("read_every=1s with value_ttl=10m gave %v; want an error naming read_every and the bound", err)
	}
}

// kvDefaults is the KV model's configuration with every default filled in.
func kvDefaults(t testing.TB) edge.KVConfig {
	t.Helper()
	w, err := edge.New(edge.Config{Topology: testTopology()})
	if err != nil {
		t.Fatal(err)
	}
	return w.Config().KV
}
