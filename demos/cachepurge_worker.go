package demos

// The Worker code of the cache-purge demo: a page served from the Cache
// API, filled from the origin on a miss, and two ways to publish a new
// version of it: purge the cached copy, or bump a version stamp in KV that
// every cache key includes.

import (
	"strings"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// pageWorker serves one page through the Cache API.
type pageWorker struct {
	cache    edge.CacheBinding  // caches.default
	origin   edge.OriginBinding // fetch() to the origin server
	kv       edge.KVBinding     // env.SITE, holding the version stamp
	maxAge   time.Duration      // Cache-Control: max-age of the cached page
	cacheTTL time.Duration      // cacheTtl of the stamp read
}

// servePage answers GET /pricing with the URL as the cache key, so only a
// purge or the copy's expiry lets a new version of the page in.
func (p *pageWorker) servePage(r *edge.Request) {
	p.serveCached(r, r.Path)
}

// serveStamped answers GET /pricing with the version stamp from KV in the
// cache key: a new stamp is a key no PoP has cached, so every PoP misses
// and fetches the new page as soon as it reads the new stamp.
func (p *pageWorker) serveStamped(r *edge.Request) {
	p.kv.Get(r, "page-version", edge.GetOptions{CacheTTL: p.cacheTTL}, func(stamp edge.GetResult) { // step: read-stamp
		p.serveCached(r, r.Path+"?v="+stamp.Value)
	})
}

// serveCached answers from this PoP's cache; on a miss it fetches the
// origin, answers, and keeps the page under key for max-age in the
// background (ctx.waitUntil), so the visitor does not wait for the put.
func (p *pageWorker) serveCached(r *edge.Request, key string) {
	p.cache.Match(r, key, func(hit edge.CacheMatch) { // step: cache-match
		if hit.Hit {
			r.Respond(200, hit.Response.Body) // step: answer-cached
			return
		}
		p.origin.Fetch(r, r.Path, func(res edge.OriginResponse) { // step: origin-fetch
			page := edge.CachedResponse{Status: res.Status, Body: res.Body, Version: res.Version, MaxAge: p.maxAge}
			r.WaitUntil(func(done func()) {
				p.cache.Put(r, key, page, func(bool) { done() }) // step: cache-put
			})
			r.Respond(res.Status, res.Body) // step: answer-fetched
		})
	})
}

// purgePage handles POST /purge/pricing after a deploy: it deletes the
// page from the cache of the PoP that runs it, and no other.
func (p *pageWorker) purgePage(r *edge.Request) {
	page := strings.TrimPrefix(r.Path, "/purge")
	p.cache.Delete(r, page, func(deleted bool) { // step: cache-delete
		if !deleted {
			r.Respond(200, "not cached here") // step: answer-not-cached
			return
		}
		r.Respond(200, "purged") // step: answer-purged
	})
}

// purgeEverywhere handles POST /purge-all/pricing after a deploy: a call
// to the zone purge API, which removes the URL from every PoP's cache.
func (p *pageWorker) purgeEverywhere(r *edge.Request) {
	page := strings.TrimPrefix(r.Path, "/purge-all")
	p.cache.PurgeEverywhere(r, page, func() { // step: zone-purge
		r.Respond(200, "purged everywhere") // step: answer-zone-purged
	})
}

// bumpStamp handles POST /publish?v=N after a deploy: one KV write of the
// new stamp, from the PoP that runs it.
func (p *pageWorker) bumpStamp(r *edge.Request) {
	stamp := strings.TrimPrefix(r.Path, "/publish?v=")
	p.kv.Put(r, "page-version", stamp, edge.PutOptions{}, func(err error) { // step: write-stamp
		if err != nil {
			r.Respond(500, err.Error()) // step: answer-stamp-failed
			return
		}
		r.Respond(200, "published") // step: answer-stamp-published
	})
}
