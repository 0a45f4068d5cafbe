package edge

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// OriginConfig holds the origin server's parameters. Zero fields take the
// defaults below.
type OriginConfig struct {
	// PoP is the code of the PoP nearest the origin server: a fetch pays
	// the network hop from the calling PoP to there and back. "" puts the
	// origin next to the topology's first PoP.
	PoP string
	// ServeMin and ServeMax bound the origin's own time to answer, on top
	// of the network: 20-60 ms, this model's assumption for a dynamic page
	// rendered by an application server.
	ServeMin, ServeMax time.Duration
}

func (c OriginConfig) withDefaults() OriginConfig {
	defaultSpan(&c.ServeMin, &c.ServeMax, 20*time.Millisecond, 60*time.Millisecond)
	return c
}

func (c OriginConfig) validate(t Topology) error {
	if c.PoP == "" {
		return nil
	}
	for _, p := range t.PoPs {
		if p.Code == c.PoP {
			return nil
		}
	}
	return fmt.Errorf("edge: the origin's PoP %s is not in the topology", c.PoP)
}

// OriginResponse is what a fetch from the origin returns.
type OriginResponse struct {
	Path    string
	Status  int    // 200, or 404 for a path with no content
	Body    string // "" on a 404
	Version int64  // the path's content version when the origin answered (0: none)
	Latency time.Duration
}

// originDoc is one path's current content.
type originDoc struct {
	body    string
	version int64
}

// Origin is the customer's origin server behind the edge: versioned
// content per path, served after a network hop and a serve time.
type Origin struct {
	w    *World
	cfg  OriginConfig
	at   PoPID
	rnd  *rand.Rand
	docs map[string]*originDoc

	mFetch *Counter
	hFetch *Histogram
}

// Origin returns the origin server, creating it with no content on first
// use.
func (w *World) Origin() *Origin {
	if w.origin != nil {
		return w.origin
	}
	cfg := w.cfg.Origin
	var at PoPID // New has checked that a configured PoP exists
	if cfg.PoP != "" {
		at = w.popIdx[cfg.PoP]
	}
	w.origin = &Origin{w: w, cfg: cfg, at: at, rnd: w.Rand("origin"), docs: map[string]*originDoc{},
		mFetch: w.metrics.Counter("origin.fetch"), hFetch: w.metrics.Histogram("origin.fetch.latency")}
	return w.origin
}

// PoP is where the origin server sits in the network.
func (o *Origin) PoP() PoPID { return o.at }

// SetContent publishes body at path, at once: the next fetch to reach the
// origin gets it. It returns the path's new version (1 for the first).
func (o *Origin) SetContent(path, body string) int64 {
	d := o.docs[path]
	if d == nil {
		d = &originDoc{}
		o.docs[path] = d
	}
	d.version++
	d.body = body
	o.w.emit(Event{Kind: EvOriginPublish, Actor: originActor, Key: path, Path: path, Value: body, Version: d.version})
	return d.version
}

// Version is path's current content version (0: never published).
func (o *Origin) Version(path string) int64 {
	if d := o.docs[path]; d != nil {
		return d.version
	}
	return 0
}

// Fetches is how many requests the origin has served.
func (o *Origin) Fetches() int64 { return o.mFetch.Value() }

// Fetch requests path from PoP from. The request travels to the origin,
// which answers with the content it holds once it has served the request
// (so a publish during the trip is seen), and the response travels back;
// cb, if not nil, then receives it.
func (o *Origin) Fetch(from PoPID, path string, req int, cb func(OriginResponse)) {
	o.fetch(from, "", path, req, o.w.callSite(1), cb)
}

// FetchOrigin requests path from the origin, from the object's PoP: a
// fetch() in the object's code. As with KV, awaiting it leaves the input
// gate open, so other events may run on the object before the response
// comes back; the request leaves through the output gate.
func (c *DOContext) FetchOrigin(path string, cb func(OriginResponse)) {
	o := c.o
	w := o.ns.w
	site := w.callSite(1)
	var res OriginResponse
	wake := o.resume(awaitOrigin, func() { cb(res) })
	req := o.curReq
	o.output(doHeld{req: req, site: site, fn: func() {
		w.Origin().fetch(o.pop, o.actor, path, req, site, func(r OriginResponse) { res = r; wake() })
	}})
}

// fetch requests path from PoP from; fromActor names the caller in the
// trace when it is not the PoP itself (an object).
func (o *Origin) fetch(from PoPID, fromActor, path string, req int, site string, cb func(OriginResponse)) {
	w := o.w
	start := w.now
	caller := fromActor
	if caller == "" {
		caller = w.pops[from].Code
	}
	w.send(message{from: from, to: o.at, fromActor: fromActor, toActor: originActor, kind: MsgOriginFetch, path: path, req: req, site: site}, func() {
		serve := between(o.rnd, o.cfg.ServeMin, o.cfg.ServeMax)
		w.After(serve, func() {
			res := OriginResponse{Path: path, Status: 404}
			if d := o.docs[path]; d != nil {
				res.Status, res.Body, res.Version = 200, d.body, d.version
			}
			o.mFetch.Add(1)
			w.emit(Event{Kind: EvOriginFetch, Actor: originActor, From: caller, Req: req, Key: path, Path: path, Value: res.Body,
				Version: res.Version, Outcome: statusText(res.Status), Latency: serve, Site: site})
			w.send(message{from: o.at, to: from, fromActor: originActor, toActor: fromActor, kind: MsgOriginReply, path: path, req: req, site: site}, func() {
				res.Latency = w.now - start
				o.hFetch.Record(res.Latency)
				if cb != nil {
					cb(res)
				}
			})
		})
	})
}
