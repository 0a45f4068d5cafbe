package demos

// The Worker code of the coalescing demo: a read-through cache in KV in
// front of a slow origin. On a miss, either every isolate refreshes the
// page itself, or it asks the one Durable Object that owns the key.

import (
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// pageCache serves a page from KV, filled from the origin on a miss. Its
// fields are the Worker's env.
type pageCache struct {
	kv       edge.KVBinding     // env.PAGES
	origin   edge.OriginBinding // fetch() to the origin server
	refresh  edge.DOBinding     // env.REFRESHER, one object per key
	cacheTTL time.Duration      // cacheTtl of every read
	lifetime time.Duration      // expirationTtl of every write: the refresh interval
}

// serveStampede answers GET /scores from KV; on a miss this isolate
// fetches the page and writes it back, whatever other isolates are doing.
func (c *pageCache) serveStampede(r *edge.Request) {
	c.kv.Get(r, r.Path, edge.GetOptions{CacheTTL: c.cacheTTL}, func(got edge.GetResult) { // step: stampede-read
		if got.Found {
			r.Respond(200, got.Value) // step: stampede-hit
			return
		}
		c.origin.Fetch(r, r.Path, func(page edge.OriginResponse) { // step: stampede-origin
			// Write back in the background (ctx.waitUntil). A 429 is
			// dropped: the visitor already has the page.
			r.WaitUntil(func(done func()) {
				c.kv.Put(r, r.Path, page.Body, edge.PutOptions{ExpirationTTL: c.lifetime}, func(error) { done() }) // step: stampede-write-back
			})
			r.Respond(page.Status, page.Body) // step: stampede-answer
		})
	})
}

// serveCoordinated answers GET /scores from KV; on a miss it asks the
// key's Durable Object for the page instead of going to the origin.
func (c *pageCache) serveCoordinated(r *edge.Request) {
	c.kv.Get(r, r.Path, edge.GetOptions{CacheTTL: c.cacheTTL}, func(got edge.GetResult) { // step: coordinated-read
		if got.Found {
			r.Respond(200, got.Value) // step: coordinated-hit
			return
		}
		stub := c.refresh.GetByName(r.Path)                                   // idFromName(key): every PoP reaches the same object
		stub.Call(r, "/refresh", r.Path, func(res edge.Response, err error) { // step: ask-refresher
			if err != nil {
				r.Respond(503, err.Error()) // step: coordinated-error
				return
			}
			r.Respond(res.Status, res.Body) // step: coordinated-answer
		})
	})
}

// refresher is the Durable Object class: it refreshes a key at most once
// per lifetime, however many PoPs ask.
func (c *pageCache) refresher() edge.DOClass {
	return edge.DOClass{Name: "Refresher", New: func(*edge.DOContext) edge.DOInstance {
		return &refresher{lifetime: c.lifetime, inflight: map[string]*pendingRefresh{}}
	}}
}

// refresher's fields are the object's memory, lost when it hibernates
// (after about 10 s idle): only the fetch in flight lives there, since an
// object with I/O pending does not hibernate. What must outlast an idle
// spell, the page it wrote and until when, lives in its storage.
type refresher struct {
	lifetime time.Duration
	inflight map[string]*pendingRefresh // refreshes whose origin fetch is out
}

// pendingRefresh is one origin fetch and the requests waiting for it.
type pendingRefresh struct{ waiting []*edge.DORequest }

// Fetch handles POST /refresh with the key as its body.
func (f *refresher) Fetch(o *edge.DOContext, r *edge.DORequest) {
	key := r.Body
	if p := f.inflight[key]; p != nil {
		// A fetch is already out. The input gate did not stop this request
		// (awaiting fetch() leaves it open); this map entry does.
		p.waiting = append(p.waiting, r)
		o.Log("joins the refresh in flight: " + strconv.Itoa(len(p.waiting)) + " waiting") // step: refresher-join
		return
	}
	st := o.Storage()
	st.Get("page:"+key, func(stored string, found bool) { // step: refresher-read-stored
		// The storage read closed the input gate: no request ran meanwhile.
		if until, status, body, ok := decodePage(stored); found && ok && o.Now() < until {
			// Written during this lifetime: KV has it, but the caller's PoP
			// still caches the "not found" it read before the write.
			r.Respond(status, body) // step: refresher-recent
			return
		}
		p := &pendingRefresh{waiting: []*edge.DORequest{r}}
		f.inflight[key] = p                                 // set before the await, or the next request would fetch too
		o.FetchOrigin(key, func(page edge.OriginResponse) { // step: refresher-origin
			delete(f.inflight, key)
			st.Put("page:"+key, encodePage(o.Now()+f.lifetime, page.Status, page.Body))                     // step: refresher-store-page
			o.KV("PAGES").Put(key, page.Body, edge.PutOptions{ExpirationTTL: f.lifetime}, func(err error) { // step: refresher-write
				if err != nil {
					st.Delete("page:" + key) // step: refresher-forget-page (not in KV after all: the next miss refreshes again)
				}
			})
			for _, w := range p.waiting {
				w.Respond(page.Status, page.Body) // step: refresher-answer (held until the stored page is durable)
			}
		})
	})
}

// encodePage and decodePage keep a page in storage as "until|status|body".
func encodePage(until time.Duration, status int, body string) string {
	return strconv.FormatInt(int64(until), 10) + "|" + strconv.Itoa(status) + "|" + body
}

func decodePage(s string) (until time.Duration, status int, body string, ok bool) {
	u, rest, ok1 := strings.Cut(s, "|")
	st, body, ok2 := strings.Cut(rest, "|")
	n, err1 := strconv.ParseInt(u, 10, 64)
	code, err2 := strconv.Atoi(st)
	if !ok1 || !ok2 || err1 != nil || err2 != nil {
		return 0, 0, "", false
	}
	return time.Duration(n), code, body, true
}
