package edge

import "time"

// Handler is the "Worker code" run for one request at a PoP.
type Handler func(r *Request)

// Request is one Worker invocation at a PoP. Its methods mirror the Workers
// runtime: bindings for KV, Durable Objects, the Cache API and fetch, plus
// Respond and WaitUntil.
type Request struct {
	w       *World
	ID      int
	PoP     PoPID
	Start   time.Duration
	Path    string
	done    bool
	pending int // waitUntil tasks still running
	onDone  func(status int, body string)
}

// Response is what a Worker (or a Durable Object) answered.
type Response struct {
	Status int
	Body   string
	Err    error
}

// Request schedules a Worker invocation of h at PoP pop at virtual time at.
// onDone, if not nil, receives the response when the Worker responds.
func (w *World) Request(at time.Duration, pop PoPID, path string, h Handler, onDone func(status int, body string)) *Request {
	w.nextReq++
	r := &Request{w: w, ID: w.nextReq, PoP: pop, Path: path, onDone: onDone}
	w.At(at, func() {
		r.Start = w.now
		w.emit(Event{Kind: EvRequestStart, Actor: w.pops[pop].Code, Req: r.ID, Detail: path})
		h(r)
	})
	return r
}

// World returns the World the request runs in.
func (r *Request) World() *World { return r.w }

// Respond ends the request. A second call is ignored, as the runtime
// ignores a second response.
func (r *Request) Respond(status int, body string) {
	if r.done {
		return
	}
	r.done = true
	lat := r.w.now - r.Start
	r.w.metrics.Histogram("request.latency").Record(lat)
	r.w.emit(Event{Kind: EvRequestEnd, Actor: r.w.pops[r.PoP].Code, Req: r.ID, Value: body,
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
