package demos

// The Worker code of the coalescing demo: a read-through cache in KV in
// front of a slow origin. On a miss, either every isolate refreshes the
// page itself, or it asks the one Durable Object that owns the key.

import (
	"strconv"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// pageCache serves a page from KV, filled from the origin on a miss.
type pageCache struct {
	kv       *edge.KVNamespace // env.PAGES
	origin   *edge.Origin      // fetch() to the origin server
	refresh  *edge.DONamespace // env.REFRESHER, one object per key
	cacheTTL time.Duration     // cacheTtl of every read
	lifetime time.Duration     // expirationTtl of every write: the refresh interval
}

// serveStampede answers GET /scores from KV; on a miss this isolate
// fetches the page and writes it back, whatever other isolates are doing.
func (c *pageCache) serveStampede(r *edge.Request) {
	c.kv.Get(r.PoP, r.Path, edge.GetOptions{CacheTTL: c.cacheTTL}, r.ID, func(got edge.GetResult) { // step: stampede-read
		if got.Found {
			r.Respond(200, got.Value) // step: stampede-hit
			return
		}
		c.origin.Fetch(r.PoP, r.Path, r.ID, func(page edge.OriginResponse) { // step: stampede-origin
			// Write back in the background (ctx.waitUntil). A 429 is
			// dropped: the visitor already has the page.
			r.WaitUntil(func(done func()) {
				c.kv.Put(r.PoP, r.Path, page.Body, edge.PutOptions{ExpirationTTL: c.lifetime}, r.ID, func(error) { done() }) // step: stampede-write-back
			})
			r.Respond(page.Status, page.Body) // step: stampede-answer
		})
	})
}

// serveCoordinated answers GET /scores from KV; on a miss it asks the
// key's Durable Object for the page instead of going to the origin.
func (c *pageCache) serveCoordinated(r *edge.Request) {
	c.kv.Get(r.PoP, r.Path, edge.GetOptions{CacheTTL: c.cacheTTL}, r.ID, func(got edge.GetResult) { // step: coordinated-read
		if got.Found {
			r.Respond(200, got.Value) // step: coordinated-hit
			return
		}
		stub := c.refresh.GetByName(r.Path)                                   // idFromName(key): every PoP reaches the same object
		stub.Fetch(r.PoP, "/refresh", r.Path, r.ID, func(res edge.Response) { // step: ask-refresher
			r.Respond(res.Status, res.Body) // step: coordinated-answer
		})
	})
}

// refresher is the Durable Object class: it refreshes a key at most once
// per lifetime, however many PoPs ask.
func (c *pageCache) refresher() edge.DOClass {
	return edge.DOClass{Name: "Refresher", New: func(*edge.DOContext) edge.DOInstance {
		return &refresher{lifetime: c.lifetime, inflight: map[string]*pendingRefresh{}, last: map[string]lastRefresh{}}
	}}
}

// refresher's fields are the object's memory.
type refresher struct {
	lifetime time.Duration
	inflight map[string]*pendingRefresh // refreshes whose origin fetch is out
	last     map[string]lastRefresh     // the latest page written per key
}

// pendingRefresh is one origin fetch and the requests waiting for it.
type pendingRefresh struct{ waiting []*edge.DORequest }

// lastRefresh is a page this object wrote, and when KV lets it expire.
type lastRefresh struct {
	status int
	body   string
	until  time.Duration
}

// Fetch handles POST /refresh with the key as its body.
func (f *refresher) Fetch(o *edge.DOContext, r *edge.DORequest) {
	key, now := r.Body, o.World().Now()
	if p, ok := f.last[key]; ok && now < p.until {
		// Written during this lifetime: KV has it, but the caller's PoP
		// still caches the "not found" it read before the write.
		r.Respond(p.status, p.body) // step: refresher-recent
		return
	}
	if p := f.inflight[key]; p != nil {
		// A fetch is already out. The input gate did not stop this request
		// (awaiting fetch() leaves it open); this map entry does.
		p.waiting = append(p.waiting, r)
		o.World().Annotate(edge.Event{Note: "joins-refresh", Actor: "do:" + key, Req: r.ID, Queue: len(p.waiting)},
			"req "+strconv.Itoa(r.ID)+" from "+o.World().Code(r.From)+" joins the refresh in flight ("+strconv.Itoa(len(p.waiting))+" waiting)")
		return
	}
	p := &pendingRefresh{waiting: []*edge.DORequest{r}}
	f.inflight[key] = p                                 // set before the await, or the next request would fetch too
	o.FetchOrigin(key, func(page edge.OriginResponse) { // step: refresher-origin
		f.last[key] = lastRefresh{status: page.Status, body: page.Body, until: o.World().Now() + f.lifetime}
		delete(f.inflight, key)
		o.KV("PAGES").Put(key, page.Body, edge.PutOptions{ExpirationTTL: f.lifetime}, func(err error) { // step: refresher-write
			if err != nil {
				delete(f.last, key) // not in KV after all: the next miss refreshes again
			}
		})
		for _, w := range p.waiting {
			w.Respond(page.Status, page.Body) // step: refresher-answer
		}
	})
}
