package demos

import (
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seeds is how many seeds each outcome is asserted over: an outcome that
// held for one lucky seed proves nothing. Under -short (CI's pass with the
// race detector, which makes a run ten times slower) the sweeps take their
// first few seeds; CI runs the full sweeps without it.
var seeds uint64 = 50

// shortSeeds is the seeds a sweep takes under -short.
const shortSeeds = 3

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		seeds = shortSeeds
	}
	os.Exit(m.Run())
}

func TestRaceKVFromIsolatesLosesUpdatesOnEverySeed(t *testing.T) {
	for seed := uint64(1); seed <= seeds; seed++ {
		r := run(t, "race", "kv-from-isolates", seed, nil)
		acked, final := metric(t, r, "increments acknowledged"), metric(t, r, "final count")
		if final >= acked {
			t.Errorf("seed %d: %v increments acknowledged, counter %v: want updates lost", seed, acked, final)
		}
		if r.Verdict.Linearizable {
			t.Errorf("seed %d: porcupine calls the counter history linearizable, yet %v updates were lost", seed, acked-final)
		}
	}
}

func TestLocalVsProdPassesLocallyAndLosesUpdatesInProduction(t *testing.T) {
	for seed := uint64(1); seed <= seeds; seed++ {
		local := run(t, "local-vs-prod", "local", seed, nil)
		if lost, rej := metric(t, local, "updates lost"), metric(t, local, "puts rejected with 429"); lost != 0 || rej != 0 {
			t.Errorf("seed %d, local: %v lost, %v rejected; Miniflare's KV loses none and never says 429", seed, lost, rej)
		}
		if metric(t, local, "final count") != 10 || !local.Verdict.Linearizable {
			t.Errorf("seed %d, local: %s (verdict %+v); want all 10 counted, linearizable", seed, local.Outcome, local.Verdict)
		}
		prod := run(t, "local-vs-prod", "production", seed, nil)
		if metric(t, prod, "updates lost") <= 0 || prod.Verdict.Linearizable {
			t.Errorf("seed %d, production: %s (verdict %+v); want updates lost, not linearizable", seed, prod.Outcome, prod.Verdict)
		}
		if metric(t, prod, "puts rejected with 429") == 0 {
			t.Errorf("seed %d, production: no 429 for %d writes 50 ms apart", seed, 10)
		}
	}
}

// propagationRows returns the per-PoP table: stale reads after the write
// and the seconds until the new value was read (-1: never).
func propagationRows(t *testing.T, r *Result) (stale []int, after []float64) {
	t.Helper()
	for _, row := range r.Tables[0].Rows {
		n, _ := strconv.Atoi(row[3])
		stale = append(stale, n)
		a := -1.0
		if row[4] != "never" {
			a, _ = strconv.ParseFloat(strings.TrimSuffix(row[4], " s"), 64)
		}
		after = append(after, a)
	}
	return stale, after
}

func TestPropagationWriterSeesItAtOnceOthersUntilTheirCopyExpires(t *testing.T) {
	for _, ttl := range []time.Duration{30 * time.Second, 60 * time.Second} {
		atOnce := 0
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "propagation", "", seed, map[string]string{"cache_ttl": ttl.String()})
			stale, after := propagationRows(t, r)
			if stale[0] == 0 {
				atOnce++
			}
			for i := 1; i < len(stale); i++ {
				if stale[i] == 0 {
					t.Errorf("ttl %v seed %d: PoP %d cached the old value before the write yet never read it stale", ttl, seed, i)
				}
			}
			for i, a := range after {
				if a < 0 || a > secs(ttl)+15 {
					t.Errorf("ttl %v seed %d: PoP %d read the new value after %v s; want within cacheTtl (+ one read interval)", ttl, seed, i, a)
				}
			}
			if metric(t, r, "cold read, median") <= 5*metric(t, r, "warm read, median") {
				t.Errorf("seed %d: cold reads (%v ms) not clearly slower than warm ones (%v ms)", seed, metric(t, r, "cold read, median"), metric(t, r, "warm read, median"))
			}
		}
		if atOnce < int(seeds)*9/10 {
			t.Errorf("ttl %v: the writer saw its write at once in %d of %d runs; want nearly all", ttl, atOnce, seeds)
		}
	}
}

func TestPropagationNegativeLookupKeepsMissingTheNewKey(t *testing.T) {
	for seed := uint64(1); seed <= seeds; seed++ {
		r := run(t, "propagation", "", seed, map[string]string{"key_exists": "false"})
		stale, after := propagationRows(t, r)
		for i := 1; i < len(stale); i++ {
			if stale[i] == 0 || after[i] < 10 {
				t.Errorf("seed %d: PoP %d had cached \"not found\" but found the new key after %v s (%d misses)", seed, i, after[i], stale[i])
			}
		}
	}
}

func TestPropagationWithoutPriorReadsHasNoStaleReads(t *testing.T) {
	r := run(t, "propagation", "", 1, map[string]string{"prior_read": "false"})
	if n := metric(t, r, "stale reads"); n != 0 {
		t.Errorf("no PoP had a cached copy, yet %v reads were stale", n)
	}
}
