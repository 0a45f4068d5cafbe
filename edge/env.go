package edge

import "time"

// What a Worker's code sees, and nothing more: its bindings (KV
// namespaces, Durable Object namespaces, the Cache API, fetch to the
// origin), the request it handles, the clock, setTimeout and console.log.
// A binding's methods take the request they run for, where JavaScript
// reads it from the invocation: the binding knows from it which PoP's
// cache to use and which request to charge and to trace. The simulator's
// kernel (scheduling, notes, the trace) stays out of reach; scenario code
// uses World directly, handler code does not.

// KVBinding is a KV namespace bound to a Worker: env.NAME.
type KVBinding struct{ ns *KVNamespace }

// Binding is the namespace as a Worker binds it.
func (ns *KVNamespace) Binding() KVBinding { return KVBinding{ns} }

// Get reads key: env.NAME.get(key, {cacheTtl}).
func (b KVBinding) Get(r *Request, key string, opt GetOptions, cb func(GetResult)) {
	b.ns.get(r.PoP, key, opt, r.ID, b.ns.w.callSite(1), false, cb)
}

// GetBulk reads up to 100 keys in one operation: env.NAME.get([keys]).
func (b KVBinding) GetBulk(r *Request, keys []string, opt GetOptions, cb func([]GetResult, error)) {
	b.ns.GetBulk(r.PoP, keys, opt, r.ID, cb)
}

// Put writes key: env.NAME.put(key, value, options). cb receives nil once
// a central store accepted it, or the error it failed with (check it with
// errors.Is(err, ErrTooManyRequests)).
func (b KVBinding) Put(r *Request, key, value string, opt PutOptions, cb func(error)) {
	b.ns.write(r.PoP, key, value, true, opt, r.ID, b.ns.w.callSite(1), cb)
}

// Delete removes key: env.NAME.delete(key).
func (b KVBinding) Delete(r *Request, key string, cb func(error)) {
	b.ns.write(r.PoP, key, "", false, PutOptions{}, r.ID, b.ns.w.callSite(1), cb)
}

// Name is the binding's name.
func (b KVBinding) Name() string { return b.ns.name }

// CacheBinding is caches.default as a Worker sees it.
type CacheBinding struct{ c *CacheAPI }

// Binding is the Cache API as a Worker sees it.
func (c *CacheAPI) Binding() CacheBinding { return CacheBinding{c} }

// Match looks url up in this PoP's cache: caches.default.match(url).
func (b CacheBinding) Match(r *Request, url string, cb func(CacheMatch)) {
	b.c.match(r.PoP, url, r.ID, b.c.w.callSite(1), cb)
}

// Put stores resp under url in this PoP's cache: caches.default.put.
func (b CacheBinding) Put(r *Request, url string, resp CachedResponse, cb func(stored bool)) {
	b.c.put(r.PoP, url, resp, r.ID, b.c.w.callSite(1), cb)
}

// Delete removes url from this PoP's cache only: caches.default.delete.
func (b CacheBinding) Delete(r *Request, url string, cb func(deleted bool)) {
	b.c.del(r.PoP, url, r.ID, b.c.w.callSite(1), cb)
}

// PurgeEverywhere is a call to the zone purge API for url: it removes the
// URL from every PoP's cache. cb runs once every PoP has purged. Like the
// API's answer, it says only that the purge succeeded, not how many copies
// it removed: the cache.purge events of the trace say that.
func (b CacheBinding) PurgeEverywhere(r *Request, url string, cb func()) {
	b.c.purge(r.PoP, url, r.ID, b.c.w.callSite(1), func(int) {
		if cb != nil {
			cb()
		}
	})
}

// OriginBinding is fetch() to the customer's origin.
type OriginBinding struct{ o *Origin }

// Binding is the origin as a Worker fetches it.
func (o *Origin) Binding() OriginBinding { return OriginBinding{o} }

// Fetch requests path from the origin: fetch(origin + path).
func (b OriginBinding) Fetch(r *Request, path string, cb func(OriginResponse)) {
	b.o.fetch(r.PoP, "", path, r.ID, b.o.w.callSite(1), cb)
}

// DOBinding is a Durable Object namespace bound to a Worker.
type DOBinding struct{ ns *DONamespace }

// Binding is the namespace as a Worker binds it.
func (ns *DONamespace) Binding() DOBinding { return DOBinding{ns} }

// GetByName returns the stub of the object called name:
// env.NAME.get(env.NAME.idFromName(name)).
func (b DOBinding) GetByName(name string) *DOStub { return b.ns.GetByName(name) }

// Get returns a stub for id, with options (a location hint).
func (b DOBinding) Get(id DOID, opt DOGetOptions) (*DOStub, error) { return b.ns.Get(id, opt) }

// IDFromName derives the id of the object called name.
func (b DOBinding) IDFromName(name string) DOID { return b.ns.IDFromName(name) }

// Call sends a request to the object for Worker request r: await
// stub.fetch(...). The object answers with a Response, or the call fails
// with an error the caller sees, as the runtime throws one: overload
// (ErrDOOverloaded, not to be retried) or a reset (ErrDOReset).
func (s *DOStub) Call(r *Request, path, body string, cb func(Response, error)) {
	s.ns.fetch(s.o, r.PoP, "", path, body, r.ID, s.ns.w.callSite(1), func(res Response) { cb(res, res.Err) })
}

// Now is the virtual time: Date.now() for the Worker.
func (r *Request) Now() time.Duration { return r.w.now }

// SetTimeout runs fn after d: setTimeout(fn, d). The invocation stays
// alive meanwhile.
func (r *Request) SetTimeout(d time.Duration, fn func()) { r.w.After(d, fn) }

// Log is console.log: the line goes to the trace (console.log events),
// tied to the request and the handler line that logged it.
func (r *Request) Log(line string) {
	r.w.emit(Event{Kind: EvLog, Actor: r.w.pops[r.PoP].Code, Req: r.ID, Detail: line, Site: r.w.callSite(1)})
}

// Now is the virtual time, as the object's code reads it.
func (c *DOContext) Now() time.Duration { return c.o.ns.w.now }

// Log is console.log inside the object.
func (c *DOContext) Log(line string) {
	o := c.o
	o.emit(Event{Kind: EvLog, Req: o.curReq, Detail: line, Site: o.ns.w.callSite(1)})
}
