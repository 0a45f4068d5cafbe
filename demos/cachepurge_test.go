package demos

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// purgeRow is one PoP's line of the cache-purge table.
type purgeRow struct {
	code     string
	purger   bool
	stale    int
	newAfter float64 // seconds from publishing to the first new page; -1: never
	fetches  int
}

func purgeRows(t *testing.T, r *Result) []purgeRow {
	t.Helper()
	var rows []purgeRow
	for _, row := range r.Tables[0].Rows {
		code, role, _ := strings.Cut(row[0], " ")
		p := purgeRow{code: code, purger: role != "", newAfter: -1}
		p.stale, _ = strconv.Atoi(row[2])
		if row[3] != "never" {
			p.newAfter, _ = strconv.ParseFloat(strings.TrimSuffix(row[3], " s"), 64)
		}
		p.fetches, _ = strconv.Atoi(row[4])
		rows = append(rows, p)
	}
	return rows
}

func TestCachePurgeReachesOnlyThePurgingPoP(t *testing.T) {
	for _, set := range []map[string]string{nil, {"purge_at": "2", "pops": "5", "max_age": "10m"}} {
		maxAge, publishAt, every := 300.0, 30.0, 20.0
		if set != nil {
			maxAge = 600
		}
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "cache-purge", "purge", seed, set)
			rows := purgeRows(t, r)
			for i, p := range rows {
				if p.purger != (i == purgeAt(set)) {
					t.Fatalf("seed %d: row %d (%s) purger=%v; want the purge at index %d", seed, i, p.code, p.purger, purgeAt(set))
				}
				if p.purger {
					// The next view after the purge misses and fetches v2.
					if p.stale != 0 || p.newAfter < 0 || p.newAfter > every+1 {
						t.Errorf("seed %d: the purging PoP %s served %d old views, new page after %v s; want none, at its next view", seed, p.code, p.stale, p.newAfter)
					}
					continue
				}
				// Everyone else keeps its copy until max-age: it was stored
				// about 1-2 s into the run, the purge came at publish_at.
				if p.stale == 0 || p.newAfter < maxAge-publishAt-1 || p.newAfter > maxAge-publishAt+every+4 {
					t.Errorf("seed %d: %s served %d old views and the new page after %v s; want old views until its max-age (%v s) ran out",
						seed, p.code, p.stale, p.newAfter, maxAge)
				}
				if p.fetches != 2 {
					t.Errorf("seed %d: %s fetched the origin %d times; want 2 (fill, then refill after expiry)", seed, p.code, p.fetches)
				}
			}
			if got, want := metric(t, r, "PoPs stale after publishing"), float64(len(rows)-1); got != want {
				t.Errorf("seed %d: %v PoPs served the old page; want %v (all but the purging one)", seed, got, want)
			}
			if metric(t, r, "copies purged") != 1 {
				t.Errorf("seed %d: %v copies purged; want exactly one", seed, metric(t, r, "copies purged"))
			}
			if r.Verdict.Linearizable {
				t.Errorf("seed %d: porcupine accepts views of v1 after the purge completed", seed)
			}
		}
	}
}

func purgeAt(set map[string]string) int {
	if v, ok := set["purge_at"]; ok {
		n, _ := strconv.Atoi(v)
		return n
	}
	return 0
}

func TestCachePurgeVersionStampReachesEveryPoPWithinCacheTTL(t *testing.T) {
	for _, ttl := range []time.Duration{30 * time.Second, 60 * time.Second} {
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "cache-purge", "version-stamp", seed, map[string]string{"cache_ttl": ttl.String()})
			stamp := metric(t, r, "longest wait for the new page")
			purge := metric(t, run(t, "cache-purge", "purge", seed, nil), "longest wait for the new page")
			for _, p := range purgeRows(t, r) {
				// A PoP reads the new stamp at most cacheTtl after it cached
				// the old one, and serves the new page at its next view.
				if p.newAfter < 0 || p.newAfter > secs(ttl)+20+2 {
					t.Errorf("ttl %v seed %d: %s served the new page after %v s; want within cacheTtl plus one view", ttl, seed, p.code, p.newAfter)
				}
				if p.fetches != 2 {
					t.Errorf("ttl %v seed %d: %s fetched the origin %d times; want 2 (old page, then new)", ttl, seed, p.code, p.fetches)
				}
			}
			if stamp >= purge {
				t.Errorf("ttl %v seed %d: the stamp took %v s to reach every PoP, the purge %v s; want the stamp faster", ttl, seed, stamp, purge)
			}
			if !strings.Contains(r.Outcome, "reached every PoP") {
				t.Errorf("ttl %v seed %d: outcome %q", ttl, seed, r.Outcome)
			}
		}
	}
}

func TestCachePurgeVersionStampIsNotSeenWhileOldStampsAreCached(t *testing.T) {
	// Every PoP's first view caches the stamp for cacheTtl (60 s); a bump
	// 10 s in leaves it about 50 s of old stamp, several views' worth.
	stale := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		r := run(t, "cache-purge", "version-stamp", seed, map[string]string{"publish_at": "10s", "view_every": "5s"})
		stale += int(metric(t, r, "PoPs stale after publishing"))
	}
	if stale < int(seeds)*2 {
		t.Errorf("only %d PoP-runs served the old page after the stamp bump; KV's cached stamps should delay most PoPs", stale)
	}
}

func TestCachePurgeRejectsAPurgingPoPBeyondPops(t *testing.T) {
	d, _ := Get("cache-purge")
	if _, err := d.Run(RunConfig{Seed: 1, Topology: testTopology(), Set: map[string]string{"pops": "3", "purge_at": "3"}}); err == nil ||
		!strings.Contains(err.Error(), "purge_at") {
		t.Errorf("purge_at=3 with pops=3 gave %v; want an error naming purge_at", err)
	}
}
