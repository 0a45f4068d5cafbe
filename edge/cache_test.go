package edge

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

func newCacheWorld(t testing.TB, seed uint64, trace bool) *World {
	t.Helper()
	w, err := New(Config{Seed: seed, Topology: kvTopology(), Trace: trace})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// matchAt looks url up at pop at virtual time at; the result is filled in
// once the world has run past the lookup.
func matchAt(w *World, pop, url string, at time.Duration) *CacheMatch {
	res := new(CacheMatch)
	p := w.MustPoP(pop)
	w.At(at, func() { w.Cache().Match(p, url, 0, func(m CacheMatch) { *res = m }) })
	return res
}

// putAtPoP stores resp at pop at virtual time at; *stored is set when the
// put completes.
func putAtPoP(w *World, pop, url string, resp CachedResponse, at time.Duration) *bool {
	stored := new(bool)
	p := w.MustPoP(pop)
	w.At(at, func() { w.Cache().Put(p, url, resp, 0, func(ok bool) { *stored = ok }) })
	return stored
}

var page = CachedResponse{Status: 200, Body: "hello", Version: 1, MaxAge: 300 * time.Second}

func TestCacheAPIIsInvisibleAcrossPoPs(t *testing.T) {
	w := newCacheWorld(t, 1, false)
	stored := putAtPoP(w, "LHR", "/p", page, 0)
	here := matchAt(w, "LHR", "/p", time.Second)
	var elsewhere []*CacheMatch
	for _, p := range w.PoPs() {
		if p.Code != "LHR" {
			elsewhere = append(elsewhere, matchAt(w, p.Code, "/p", time.Second))
		}
	}
	w.Run()
	if !*stored || !here.Hit || here.Response.Body != "hello" {
		t.Fatalf("LHR put then matched /p: stored %v, %+v; want a hit on its own copy", *stored, *here)
	}
	for i, m := range elsewhere {
		if m.Hit {
			t.Errorf("match %d at another PoP hit LHR's copy: the Cache API is per data center", i)
		}
	}
	if got := w.Metrics().Counter("cache.match.miss").Value(); got != int64(len(elsewhere)) {
		t.Errorf("cache.match.miss = %d, want %d", got, len(elsewhere))
	}
}

func TestCacheDeletePurgesOnePoPOnly(t *testing.T) {
	w := newCacheWorld(t, 2, false)
	for _, p := range []string{"LHR", "FRA", "NRT"} {
		putAtPoP(w, p, "/p", page, 0)
	}
	var deleted, again bool
	w.At(time.Second, func() {
		w.Cache().Delete(w.MustPoP("FRA"), "/p", 0, func(ok bool) { deleted = ok })
	})
	w.At(2*time.Second, func() {
		w.Cache().Delete(w.MustPoP("FRA"), "/p", 0, func(ok bool) { again = ok })
	})
	fra := matchAt(w, "FRA", "/p", 3*time.Second)
	lhr := matchAt(w, "LHR", "/p", 3*time.Second)
	nrt := matchAt(w, "NRT", "/p", 3*time.Second)
	w.Run()
	if !deleted || again {
		t.Errorf("delete returned %v then %v; want true for the copy, false once it is gone", deleted, again)
	}
	if fra.Hit {
		t.Errorf("FRA still serves /p after deleting it")
	}
	if !lhr.Hit || !nrt.Hit {
		t.Errorf("a delete at FRA removed other PoPs' copies: LHR hit %v, NRT hit %v", lhr.Hit, nrt.Hit)
	}
}

func TestCacheMaxAgeExpiryMakesAMiss(t *testing.T) {
	w := newCacheWorld(t, 3, false)
	resp := page
	resp.MaxAge = 30 * time.Second
	putAtPoP(w, "SYD", "/p", resp, 0)
	before := matchAt(w, "SYD", "/p", 29*time.Second)
	after := matchAt(w, "SYD", "/p", 31*time.Second)
	w.Run()
	if !before.Hit || before.Age < 28*time.Second {
		t.Errorf("a 29 s old copy with max-age 30 s: %+v; want a hit aged about 29 s", *before)
	}
	if after.Hit {
		t.Errorf("a copy past its max-age was served: the Cache API has no stale-while-revalidate")
	}
	if _, ok := w.Cache().Holds(w.MustPoP("SYD"), "/p"); ok {
		t.Errorf("Holds reports an expired copy")
	}
	// Cache-Control: no-store is never kept.
	resp.NoStore = true
	stored := putAtPoP(w, "SYD", "/q", resp, 40*time.Second)
	q := matchAt(w, "SYD", "/q", 41*time.Second)
	w.Run()
	if *stored || q.Hit {
		t.Errorf("a no-store response was stored (%v) or served (%v)", *stored, q.Hit)
	}
}

// Fact cache-default-edge-ttl (cache/how-to/configure-cache-status-code,
// checked 2026-11-30): a response with no Cache-Control gets the default
// edge TTL of its status code instead of being dropped.
func TestCacheResponseWithoutCacheControlGetsTheDefaultEdgeTTLOfItsStatus(t *testing.T) {
	cases := []struct {
		status int
		ttl    time.Duration
	}{{200, 120 * time.Minute}, {301, 120 * time.Minute}, {302, 20 * time.Minute}, {404, 3 * time.Minute}, {500, 0}}
	for _, c := range cases {
		t.Run(strconv.Itoa(c.status), func(t *testing.T) {
			w := newCacheWorld(t, 1, false)
			resp := CachedResponse{Status: c.status, Body: "x"} // no Cache-Control
			stored := putAtPoP(w, "LHR", "/p", resp, 0)
			before := matchAt(w, "LHR", "/p", c.ttl-time.Second)
			after := matchAt(w, "LHR", "/p", c.ttl+time.Second)
			w.Run()
			if c.ttl == 0 {
				if *stored {
					t.Fatalf("status %d without Cache-Control was stored; it has no default edge TTL", c.status)
				}
				return
			}
			if !*stored || !before.Hit || after.Hit {
				t.Errorf("status %d: stored %v, hit just before %v %v, hit just after %v %v; want kept for %v",
					c.status, *stored, c.ttl-time.Second, before.Hit, c.ttl+time.Second, after.Hit, c.ttl)
			}
		})
	}
}

// Fact cache-zone-purge (cache/how-to/purge-cache, checked 2026-11-30):
// the zone purge API removes a URL from every location, cache.delete from
// one only.
func TestCacheZonePurgeReachesEveryPoPWhereCacheDeleteReachesOne(t *testing.T) {
	w := newCacheWorld(t, 5, true)
	pops := []string{"LHR", "NRT", "SYD", "IAD"}
	for _, p := range pops {
		putAtPoP(w, p, "/p", page, 0)
	}
	w.At(time.Second, func() { w.Cache().Delete(w.MustPoP("LHR"), "/p", 0, nil) })
	w.RunUntil(2 * time.Second)
	for _, p := range pops {
		if _, ok := w.Cache().Holds(w.MustPoP(p), "/p"); ok != (p != "LHR") {
			t.Errorf("after cache.delete at LHR, %s holds a copy: %v", p, ok)
		}
	}
	purged := -1
	w.At(3*time.Second, func() { w.Cache().PurgeEverywhere(w.MustPoP("LHR"), "/p", 0, func(n int) { purged = n }) })
	w.RunUntil(5 * time.Second)
	for _, p := range pops {
		if _, ok := w.Cache().Holds(w.MustPoP(p), "/p"); ok {
			t.Errorf("after the zone purge, %s still holds a copy", p)
		}
	}
	if purged != len(pops)-1 {
		t.Errorf("the purge removed %d copies; want %d (LHR's was already gone)", purged, len(pops)-1)
	}
}

func TestCacheNeverStoresSetCookieResponses(t *testing.T) {
	w := newCacheWorld(t, 4, true)
	resp := page
	resp.SetCookie = "session=abc"
	stored := putAtPoP(w, "IAD", "/account", resp, 0)
	m := matchAt(w, "IAD", "/account", time.Second)
	w.Run()
	if *stored || m.Hit {
		t.Fatalf("a Set-Cookie response was stored (%v) or served (%v)", *stored, m.Hit)
	}
	if got := w.Metrics().Counter("cache.put.skipped").Value(); got != 1 {
		t.Errorf("cache.put.skipped = %d, want 1", got)
	}
	var put *Event
	for i, ev := range w.Trace() {
		if ev.Kind == EvCachePut {
			put = &w.Trace()[i]
		}
	}
	if put == nil || put.Outcome != "skipped" || put.Site == "" {
		t.Errorf("the put's trace event is %+v; want outcome skipped with a site", put)
	}
}

func TestOriginCountsFetchesAndServesTheLatestVersion(t *testing.T) {
	w := newCacheWorld(t, 5, true)
	o := w.Origin()
	if v := o.SetContent("/p", "one"); v != 1 {
		t.Fatalf("first SetContent gave version %d, want 1", v)
	}
	var first, second, missing OriginResponse
	syd := w.MustPoP("SYD")
	w.At(0, func() { o.Fetch(syd, "/p", 0, func(r OriginResponse) { first = r }) })
	w.At(time.Second, func() { o.SetContent("/p", "two") })
	w.At(2*time.Second, func() {
		o.Fetch(syd, "/p", 0, func(r OriginResponse) { second = r })
		o.Fetch(syd, "/nothing", 0, func(r OriginResponse) { missing = r })
	})
	w.Run()
	if first.Body != "one" || first.Version != 1 || second.Body != "two" || second.Version != 2 {
		t.Errorf("fetches returned %q v%d then %q v%d; want one v1, then two v2", first.Body, first.Version, second.Body, second.Version)
	}
	if missing.Status != 404 || missing.Version != 0 {
		t.Errorf("a path never published gave %+v; want 404", missing)
	}
	if o.Fetches() != 3 || w.Metrics().Counter("origin.fetch").Value() != 3 {
		t.Errorf("origin counted %d fetches, want 3", o.Fetches())
	}
	// Sydney to the origin beside Ashburn and back is well over 100 ms of
	// fibre, on top of the origin's own 20-60 ms.
	if first.Latency < 150*time.Millisecond {
		t.Errorf("a fetch from SYD took %v; want the round trip to IAD plus the serve time", first.Latency)
	}
	var fetches, sends int
	for _, ev := range w.Trace() {
		switch ev.Kind {
		case EvOriginFetch:
			fetches++
			if ev.Site == "" || (ev.Key == "/p" && ev.Version == 0) {
				t.Errorf("origin event %+v lacks its site or version", ev)
			}
		case EvSend:
			sends++
		}
	}
	if fetches != 3 || sends != 6 {
		t.Errorf("trace has %d origin.fetch and %d net.send events; want 3 and 6 (request and response each)", fetches, sends)
	}
}

func TestOriginSitsAtTheConfiguredPoP(t *testing.T) {
	w, err := New(Config{Seed: 1, Topology: kvTopology(), Origin: OriginConfig{PoP: "NRT"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Code(w.Origin().PoP()); got != "NRT" {
		t.Errorf("origin at %s, want NRT", got)
	}
	if _, err := New(Config{Seed: 1, Topology: kvTopology(), Origin: OriginConfig{PoP: "XXX"}}); err == nil {
		t.Errorf("an origin at an unknown PoP was accepted")
	}
}

// cacheScenario drives the Cache API and the origin from several PoPs
// and returns the JSON trace.
func cacheScenario(t *testing.T, seed uint64) []byte {
	w := newCacheWorld(t, seed, true)
	o := w.Origin()
	o.SetContent("/p", "v1")
	for i := range w.PoPs() {
		id := PoPID(i)
		w.At(time.Duration(i)*time.Millisecond, func() {
			w.Cache().Match(id, "/p", i, func(m CacheMatch) {
				if m.Hit {
					return
				}
				o.Fetch(id, "/p", i, func(r OriginResponse) {
					w.Cache().Put(id, "/p", CachedResponse{Status: r.Status, Body: r.Body, Version: r.Version, MaxAge: time.Minute}, i, nil)
				})
			})
		})
	}
	w.At(time.Second, func() { o.SetContent("/p", "v2"); w.Cache().Delete(0, "/p", 0, nil) })
	w.Run()
	b, err := json.Marshal(w.Trace())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCacheAndOriginAreDeterministic(t *testing.T) {
	a, b := cacheScenario(t, 9), cacheScenario(t, 9)
	if !bytes.Equal(a, b) {
		t.Fatalf("two runs with seed 9 gave different traces")
	}
	if bytes.Equal(a, cacheScenario(t, 10)) {
		t.Errorf("seeds 9 and 10 gave the same trace; latencies should be seeded")
	}
}
