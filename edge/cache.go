package edge

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// CacheConfig holds the Cache API model's parameters. Zero fields take the
// defaults below.
type CacheConfig struct {
	// OpMin and OpMax bound the time a match, put or delete takes. The
	// cache sits in the same data center as the Worker, so Cloudflare
	// publishes no figure; 0.2-2 ms is this model's assumption.
	OpMin, OpMax time.Duration
}

func (c CacheConfig) withDefaults() CacheConfig {
	defaultSpan(&c.OpMin, &c.OpMax, 200*time.Microsecond, 2*time.Millisecond)
	return c
}

// defaultSpan fills a zero bound of a latency range with its default and
// keeps the range non-empty.
func defaultSpan(lo, hi *time.Duration, dlo, dhi time.Duration) {
	if *lo == 0 {
		*lo = dlo
	}
	if *hi == 0 {
		*hi = dhi
	}
	*hi = max(*hi, *lo)
}

// between draws a duration uniformly from [lo, hi].
func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.Int64N(int64(hi-lo)+1))
}

// CachedResponse is an HTTP response as the Cache API stores it: only the
// parts its caching rules look at.
type CachedResponse struct {
	Status int
	Body   string
	// Version is the origin content version the body came from (0: not
	// from the origin). The runtime knows nothing of it; demos use it to
	// tell an old page from a new one.
	Version int64
	// MaxAge is the response's Cache-Control: max-age. Zero means the
	// response has no Cache-Control (nor Expires) header: it is kept for
	// the default edge TTL of its status code (DefaultEdgeTTL).
	MaxAge time.Duration
	// NoStore is Cache-Control: no-store (or max-age=0): never kept.
	NoStore bool
	// SetCookie is the response's Set-Cookie header, if any. The Cache API
	// never stores a response that sets a cookie.
	SetCookie string
}

// CacheMatch is what a match returns, plus what the simulator knows: how
// old the stored copy is.
type CacheMatch struct {
	URL      string
	Hit      bool           // false: the runtime's undefined
	Response CachedResponse // zero on a miss
	Age      time.Duration  // time since the copy was stored
	Latency  time.Duration
}

// cacheEntry is one stored response in one PoP's cache.
type cacheEntry struct {
	resp     CachedResponse
	storedAt time.Duration
	expires  time.Duration
}

// CacheAPI is the Workers Cache API (caches.default) across the simulated
// network. Every PoP has its own store and an operation touches only the
// store of the PoP it runs at: nothing is shared, nothing replicates, and
// a delete purges one location only (docs/FACTS.md, cache-api-per-location).
type CacheAPI struct {
	w     *World
	cfg   CacheConfig
	rnd   *rand.Rand
	store []map[string]*cacheEntry // indexed by PoP

	mHit, mMiss, mStored, mSkipped, mDeleted *Counter
	hOp                                      *Histogram
}

// Cache returns the Cache API, creating it empty on first use.
func (w *World) Cache() *CacheAPI {
	if w.cache != nil {
		return w.cache
	}
	c := &CacheAPI{w: w, cfg: w.cfg.Cache, rnd: w.Rand("cache"),
		store: make([]map[string]*cacheEntry, len(w.pops))}
	for i := range c.store {
		c.store[i] = map[string]*cacheEntry{}
	}
	m := w.metrics
	c.mHit, c.mMiss = m.Counter("cache.match.hit"), m.Counter("cache.match.miss")
	c.mStored, c.mSkipped = m.Counter("cache.put.stored"), m.Counter("cache.put.skipped")
	c.mDeleted = m.Counter("cache.delete")
	c.hOp = m.Histogram("cache.op.latency")
	w.cache = c
	return c
}

func (c *CacheAPI) latency() time.Duration {
	d := between(c.rnd, c.cfg.OpMin, c.cfg.OpMax)
	c.hOp.Record(d)
	return d
}

// fresh returns the PoP's unexpired entry for url. An expired entry is
// dropped, and the drop recorded: the Cache API has no
// stale-while-revalidate, so past max-age a copy is as good as absent.
func (c *CacheAPI) fresh(pop PoPID, url string, req int, site string) *cacheEntry {
	e := c.store[pop][url]
	if e != nil && c.w.now >= e.expires {
		delete(c.store[pop], url)
		c.w.emit(Event{Kind: EvCacheExpire, Actor: c.w.pops[pop].Code, Req: req, Key: url, Version: e.resp.Version,
			Expires: e.expires, Site: site})
		return nil
	}
	return e
}

// Match looks url up in PoP pop's cache. cb, if not nil, runs after the
// lookup's local latency with Hit false when pop holds no fresh copy,
// whatever other PoPs hold.
func (c *CacheAPI) Match(pop PoPID, url string, req int, cb func(CacheMatch)) {
	c.match(pop, url, req, c.w.callSite(1), cb)
}

func (c *CacheAPI) match(pop PoPID, url string, req int, site string, cb func(CacheMatch)) {
	w := c.w
	res := CacheMatch{URL: url}
	if e := c.fresh(pop, url, req, site); e != nil {
		res.Hit, res.Response, res.Age = true, e.resp, w.now-e.storedAt
		c.mHit.Add(1)
	} else {
		c.mMiss.Add(1)
	}
	if w.cfg.Trace {
		ev := Event{Kind: EvCacheMatch, Actor: w.pops[pop].Code, Req: req, Key: url, Outcome: "miss", Site: site}
		if res.Hit {
			ev.Outcome, ev.Value, ev.Version, ev.Latency = "hit", res.Response.Body, res.Response.Version, res.Age
		}
		w.emit(ev)
	}
	res.Latency = c.latency()
	if cb != nil {
		w.After(res.Latency, func() { cb(res) })
	}
}

// Put stores resp under url in PoP pop's cache, replacing any copy there.
// A response with a Set-Cookie header or without a positive max-age is
// accepted and silently not stored, as the runtime does; cb, if not nil,
// learns which happened. The copy becomes visible when the put completes.
func (c *CacheAPI) Put(pop PoPID, url string, resp CachedResponse, req int, cb func(stored bool)) {
	c.put(pop, url, resp, req, c.w.callSite(1), cb)
}

func (c *CacheAPI) put(pop PoPID, url string, resp CachedResponse, req int, site string, cb func(stored bool)) {
	w := c.w
	why := ""
	life := resp.MaxAge
	if life == 0 {
		life = DefaultEdgeTTL(resp.Status)
	}
	switch {
	case resp.SetCookie != "":
		why = "response sets a cookie: never cached"
	case resp.NoStore || resp.MaxAge < 0:
		why = "Cache-Control: no-store: never cached"
	case life <= 0:
		why = fmt.Sprintf("no Cache-Control, and status %d has no default edge TTL", resp.Status)
	}
	w.After(c.latency(), func() {
		stored := why == ""
		if stored {
			// A copy already there is replaced; one past its max-age is
			// dropped first, as any operation on it would.
			c.fresh(pop, url, req, site)
			c.store[pop][url] = &cacheEntry{resp: resp, storedAt: w.now, expires: w.now + life}
			c.mStored.Add(1)
		} else {
			c.mSkipped.Add(1)
		}
		if w.cfg.Trace {
			ev := Event{Kind: EvCachePut, Actor: w.pops[pop].Code, Req: req, Key: url, Value: resp.Body,
				Version: resp.Version, Outcome: "stored", Site: site, Expires: w.now + life}
			if !stored {
				ev.Outcome, ev.Detail = "skipped", why
			}
			w.emit(ev)
		}
		if cb != nil {
			cb(stored)
		}
	})
}

// Delete removes url from PoP pop's cache only; every other PoP keeps its
// copy until that copy's max-age runs out. cb, if not nil, learns whether
// there was a fresh copy to remove (the runtime's boolean).
func (c *CacheAPI) Delete(pop PoPID, url string, req int, cb func(deleted bool)) {
	c.del(pop, url, req, c.w.callSite(1), cb)
}

func (c *CacheAPI) del(pop PoPID, url string, req int, site string, cb func(deleted bool)) {
	w := c.w
	w.After(c.latency(), func() {
		deleted := c.fresh(pop, url, req, site) != nil
		if deleted {
			delete(c.store[pop], url)
			c.mDeleted.Add(1)
		}
		if w.cfg.Trace {
			out := "absent"
			if deleted {
				out = "deleted"
			}
			w.emit(Event{Kind: EvCacheDelete, Actor: w.pops[pop].Code, Req: req, Key: url, Outcome: out, Site: site})
		}
		if cb != nil {
			cb(deleted)
		}
	})
}

// DefaultEdgeTTL is how long the cache keeps a response that carries no
// Cache-Control or Expires header, by status code: 120 minutes for 200,
// 206 and 301, 20 minutes for 302 and 303, 3 minutes for 404 and 410, and
// nothing for any other status (cache/how-to/configure-cache-status-code,
// checked 2026-11-30).
func DefaultEdgeTTL(status int) time.Duration {
	switch status {
	case 200, 206, 301:
		return 120 * time.Minute
	case 302, 303:
		return 20 * time.Minute
	case 404, 410:
		return 3 * time.Minute
	}
	return 0
}

// PurgeEverywhere is the zone purge API (a single URL; tags, prefixes and
// hostnames purge the same way): unlike cache.delete it removes the URL
// from every PoP's cache. The request leaves from PoP from and reaches
// each PoP after the network hop (kvdo's model of its propagation); done,
// if not nil, runs once every PoP has purged, with how many copies went.
func (c *CacheAPI) PurgeEverywhere(from PoPID, url string, req int, done func(purged int)) {
	c.purge(from, url, req, c.w.callSite(1), done)
}

func (c *CacheAPI) purge(from PoPID, url string, req int, site string, done func(purged int)) {
	w := c.w
	left, purged := len(w.pops), 0
	for p := range w.pops {
		w.send(message{from: from, to: PoPID(p), kind: MsgCachePurge, key: url, req: req, site: site}, func() {
			had := c.store[p][url] != nil && w.now < c.store[p][url].expires
			delete(c.store[p], url)
			out := "absent"
			if had {
				out = "deleted"
				purged++
				c.mDeleted.Add(1)
			}
			w.emit(Event{Kind: EvCachePurge, Actor: w.pops[p].Code, Req: req, Key: url, Outcome: out, Site: site})
			if left--; left == 0 && done != nil {
				done(purged)
			}
		})
	}
}

// Holds reports whether PoP pop holds a fresh copy of url right now, and
// its version: for tests and scenario checks, costs no time, changes
// nothing and leaves no trace.
func (c *CacheAPI) Holds(pop PoPID, url string) (int64, bool) {
	if e := c.store[pop][url]; e != nil && c.w.now < e.expires {
		return e.resp.Version, true
	}
	return 0, false
}
