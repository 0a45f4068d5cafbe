package edge

import "time"

// Handler is the "Worker code" run for one request at a PoP.
type Handler func(r *Request)

// Request is one Worker invocation at a PoP. Its methods mirror the Workers
// runtime: bindings for KV, Durable Objects, the Cache API and fetch, plus
// Respond and WaitUntil.
type Request struct {
	w *World
	// ID numbers the request in the order requests start (1, 2, ...); it
	// is 0 until the request starts.
	ID      int
	PoP     PoPID
	Start   time.Duration
	Path    string
	done    bool
	pending int // waitUntil tasks still running
	onStart func()
	onDone  func(status int, body string)
}

// Response is what a Worker (or a Durable Object) answered.
type Response struct {
	Status int
	Body   string
	Err    error
}

// Request schedules a Worker invocation of h at PoP pop at virtual time at.
// onDone, if not nil, receives the response when the Worker responds. The
// request gets its ID when it starts, so ids follow the timeline.
func (w *World) Request(at time.Duration, pop PoPID, path string, h Handler, onDone func(status int, body string)) *Request {
	r := &Request{w: w, PoP: pop, Path: path, onDone: onDone}
	w.At(at, func() {
		w.nextReq++
		r.ID, r.Start = w.nextReq, w.now
		w.emit(Event{Kind: EvRequestStart, Actor: w.pops[pop].Code, Req: r.ID, Path: path})
		if r.onStart != nil {
			r.onStart()
		}
		h(r)
	})
	return r
}

// OnStart runs fn when the request starts, once it has its ID and
// before its handler runs: for scenario code that files requests by id.
func (r *Request) OnStart(fn func()) *Request {
	r.onStart = fn
	return r
}

// Respond ends the request. A second call is ignored, as the runtime
// ignores a second response.
func (r *Request) Respond(status int, body string) {
	if r.done {
		return
	}
	r.done = true
	lat := r.w.now - r.Start
	r.w.metrics.Histogram("request.latency").Record(lat)
	r.w.emit(Event{Kind: EvRequestEnd, Actor: r.w.pops[r.PoP].Code, Req: r.ID, Path: r.Path, Value: body,
		Outcome: statusText(status), Latency: lat, Site: r.w.callSite(1)})
	if r.onDone != nil {
		r.onDone(status, body)
	}
}

// WaitUntil runs fn, which must call its done argument when its background
// work completes; the invocation is kept alive until then, as
// ctx.waitUntil does.
func (r *Request) WaitUntil(fn func(done func())) {
	r.pending++
	fn(func() { r.pending-- })
}

func statusText(status int) string {
	switch {
	case status >= 500:
		return "error"
	case status == 429:
		return "429"
	case status >= 400:
		return "client-error"
	}
	return "ok"
}
