package edge

import (
	"time"
)

// DOContext is what an object's code sees of its runtime (ctx and env in
// JavaScript): its id, its storage, bindings and the concurrency controls.
type DOContext struct {
	o       *doObject
	storage DOStorage
}

// ID is the object's id.
func (c *DOContext) ID() DOID { return c.o.id }

// PoP is where the object lives.
func (c *DOContext) PoP() PoPID { return c.o.pop }

// Storage is the object's transactional storage.
func (c *DOContext) Storage() *DOStorage { return &c.storage }

// KV binds a KV namespace for use inside the object, at its PoP. Its
// awaits do not close the input gate: other events can run before the
// result comes back.
func (c *DOContext) KV(binding string) DOKV {
	return DOKV{o: c.o, ns: c.o.ns.w.KV(binding)}
}

// SetTimeout runs fn after d (setTimeout): the input gate stays open
// meanwhile, so other events may run on the object before fn does.
func (c *DOContext) SetTimeout(d time.Duration, fn func()) {
	c.o.ns.w.After(d, c.o.resume(awaitTimer, fn))
}

// Fetch sends a request to another object. It leaves through the output
// gate, and awaiting it leaves the input gate open. cb gets the response,
// or the error the call failed with (overload, reset).
func (c *DOContext) Fetch(stub *DOStub, path, body string, cb func(Response, error)) {
	o := c.o
	site := o.ns.w.callSite(1)
	var res Response
	wake := o.resume(awaitFetch, func() { cb(res, res.Err) })
	req := o.curReq
	o.output(doHeld{req: req, site: site, fn: func() {
		stub.ns.fetch(stub.o, o.pop, o.actor, path, body, req, site, func(r Response) { res = r; wake() })
	}})
}

// BlockConcurrencyWhile runs fn and delivers no other event to the object
// until fn calls done. done with an error, or no done within 30 s, resets
// the object.
func (c *DOContext) BlockConcurrencyWhile(fn func(done func(error))) {
	o := c.o
	w := o.ns.w
	site := w.callSite(1)
	o.bcwSeq++
	seq, gen := o.bcwSeq, o.gen
	o.blocking = true
	o.emit(Event{Kind: EvDOGate, Req: o.curReq, Outcome: "input-closed", Op: "blockConcurrencyWhile", Site: site})
	w.After(o.ns.cfg.BlockTimeout, func() {
		if o.gen == gen && o.blocking && o.bcwSeq == seq {
			o.reset("blockConcurrencyWhile did not finish in time")
			o.pump()
		}
	})
	prev := o.curBCW
	o.curBCW = true
	fn(func(err error) {
		if o.gen != gen || o.bcwSeq != seq || !o.blocking {
			return
		}
		if err != nil {
			o.reset("blockConcurrencyWhile failed: " + err.Error())
		} else {
			o.blocking = false
			if !o.running {
				// Done from outside the object's own events: the block
				// ends here rather than when a callback returns.
				o.become(o.settled())
			}
			o.emit(Event{Kind: EvDOGate, Req: o.curReq, Outcome: "input-open", Op: "blockConcurrencyWhile"})
		}
		if !o.running {
			o.pump()
		}
	})
	o.curBCW = prev
}

// DOKV is a KV namespace as seen from inside an object.
type DOKV struct {
	o  *doObject
	ns *KVNamespace
}

// Get reads key from KV at the object's PoP; cb runs as a new event on the
// object's thread.
func (k DOKV) Get(key string, opt GetOptions, cb func(GetResult)) {
	o := k.o
	var got GetResult
	wake := o.resume(awaitKVGet, func() { cb(got) })
	k.ns.get(o.pop, key, opt, o.curReq, o.ns.w.callSite(1), false, func(g GetResult) { got = g; wake() })
}

// Put writes key to KV from the object's PoP; cb runs as a new event on
// the object's thread. The write is an outgoing message, so it leaves
// through the output gate: it waits until the object's own earlier
// storage writes are durable, and KV never gets state a crash could undo.
func (k DOKV) Put(key, value string, opt PutOptions, cb func(error)) {
	o := k.o
	var res error
	wake := o.resume(awaitKVPut, func() { cb(res) })
	req, site := o.curReq, o.ns.w.callSite(1)
	o.output(doHeld{req: req, site: site, fn: func() {
		k.ns.write(o.pop, key, value, true, opt, req, site, func(err error) { res = err; wake() })
	}})
}
