package edge

// An object's storage and its two gates: writes are buffered per callback
// and flushed as one atomic batch; the output gate holds outgoing messages
// until the writes before them are durable; storage reads close the input
// gate until their result is delivered.

func (o *doObject) hkey(key string) string { return o.actor + "/" + key }

func (o *doObject) write(key, value string, found bool, site string) {
	w, ns := o.ns.w, o.ns
	ns.nextV++
	v := doVal{value: value, version: ns.nextV, found: found}
	o.data[key] = v
	o.batch = append(o.batch, doWrite{key: key, val: v, call: w.now, req: o.curReq})
	o.batchSite = site
	op := "put"
	if found {
		ns.mPut.Add(1)
	} else {
		ns.mDel.Add(1)
		op = "delete"
	}
	o.emit(Event{Kind: EvDOStorage, Req: o.curReq, Key: key, Value: value, Version: v.version, Op: op, Site: site})
}

// flush sends the current callback's writes to disk as one atomic batch.
func (o *doObject) flush() {
	if len(o.batch) == 0 {
		return
	}
	o.flushSeq++
	o.inflight = append(o.inflight, doBatch{seq: o.flushSeq, writes: o.batch, site: o.batchSite})
	o.batch, o.batchSite, o.spare = o.spare, "", nil
	o.ns.w.After(o.ns.cfg.FlushLatency, o.commitFn)
}

// commit makes the oldest in-flight batch durable and releases the
// outgoing messages that waited for it.
func (o *doObject) commit() {
	w := o.ns.w
	b := o.inflight[0]
	o.inflight = shift(o.inflight)
	for _, x := range b.writes {
		if x.alarm {
			continue // the alarm's own record; its time is already set
		}
		o.durable[x.key] = x.val
		if w.cfg.History {
			w.recordOp(Op{Client: x.req, Kind: OpPut, Key: o.hkey(x.key), Value: x.val.version, Found: x.val.found,
				Call: x.call, Return: w.now, Label: "put in " + o.actor})
		}
	}
	o.durableSeq = b.seq
	o.ns.mCommit.Add(1)
	o.emit(Event{Kind: EvDOCommit, Req: b.writes[0].req, Key: b.writes[0].key, Version: b.writes[len(b.writes)-1].val.version,
		Count: len(b.writes), Latency: o.ns.cfg.FlushLatency, Site: b.site})
	// Take the released messages off the gate first, so that the trace
	// records each release with the gate's state after it.
	rel := o.released[:0]
	n := 0
	for _, h := range o.held {
		if h.need > o.durableSeq {
			o.held[n] = h
			n++
			continue
		}
		rel = append(rel, h)
	}
	clear(o.held[n:])
	o.held = o.held[:n]
	for _, h := range rel {
		o.emit(Event{Kind: EvDOGate, Req: h.req, Outcome: "output-released", Site: h.site})
		if h.r != nil {
			o.ns.reply(o, h.r, h.res)
		} else {
			h.fn()
		}
	}
	clear(rel)
	o.released = rel[:0]
	if o.spare == nil {
		clear(b.writes)
		o.spare = b.writes[:0] // recycled: a busy object allocates no batch per callback
	}
	o.lastBusy = w.now
	if !o.running {
		o.maybeIdle()
	}
}

// output sends an outgoing message through the output gate: held while
// any write made before it is not yet durable. h.need is filled in here.
func (o *doObject) output(h doHeld) {
	h.need = o.flushSeq
	if len(o.batch) > 0 {
		h.need++
	}
	if h.need <= o.durableSeq {
		if h.r != nil {
			o.ns.reply(o, h.r, h.res)
		} else {
			h.fn()
		}
		return
	}
	o.held = append(o.held, h)
	o.emit(Event{Kind: EvDOGate, Req: h.req, Outcome: "output-held", Site: h.site})
}

func (o *doObject) closeInput(site string) {
	o.storagePending++
	if o.storagePending == 1 {
		o.emit(Event{Kind: EvDOGate, Req: o.curReq, Outcome: "input-closed", Op: ResumeStorage, Site: site})
	}
}

// storageDone delivers a storage result after the read time, through the
// input gate's side door. Every read takes the same time, so results
// arrive in issue order and one bound callback serves them all.
func (o *doObject) storageDone(fn func()) {
	o.reads = append(o.reads, doTask{kind: taskStorage, gen: o.gen, req: o.curReq, bcw: o.curBCW, fn: fn})
	o.ns.w.After(o.ns.cfg.StorageRead, o.readFn)
}

func (o *doObject) readDone() {
	t := o.reads[0]
	o.reads = shift(o.reads)
	if t.gen != o.gen {
		return // issued by an incarnation that was reset
	}
	o.storageQ = append(o.storageQ, t)
	o.pump()
}

type DOStorage struct{ o *doObject }

// Get reads key; cb runs before any other event reaches the object.
func (s *DOStorage) Get(key string, cb func(value string, found bool)) {
	o := s.o
	w := o.ns.w
	site := w.callSite(1)
	o.ns.mGet.Add(1)
	o.closeInput(site)
	v, start, req := o.data[key], w.now, o.curReq
	o.emit(Event{Kind: EvDOStorage, Req: req, Key: key, Value: v.value, Version: v.version, Outcome: foundText(v.found), Op: "get", Site: site})
	o.storageDone(func() {
		if w.cfg.History {
			w.recordOp(Op{Client: req, Kind: OpGet, Key: o.hkey(key), Value: v.version, Found: v.found,
				Call: start, Return: w.now, Label: "get in " + o.actor})
		}
		cb(v.value, v.found)
	})
}

// Put writes key; no await needed: the output gate holds the response
// until the write is durable.
func (s *DOStorage) Put(key, value string) { s.o.write(key, value, true, s.o.ns.w.callSite(1)) }

// Delete removes key, buffered like Put.
func (s *DOStorage) Delete(key string) { s.o.write(key, "", false, s.o.ns.w.callSite(1)) }

// DOTxn is the view a transaction's body reads and writes.
type DOTxn struct {
	o      *doObject
	writes []doWrite
	reads  []doWrite
}

// Get reads key as the transaction sees it.
func (t *DOTxn) Get(key string) (string, bool) {
	for i := len(t.writes) - 1; i >= 0; i-- {
		if t.writes[i].key == key {
			v := t.writes[i].val
			return v.value, v.found
		}
	}
	v := t.o.data[key]
	t.reads = append(t.reads, doWrite{key: key, val: v})
	return v.value, v.found
}

// Put writes key if the transaction commits.
func (t *DOTxn) Put(key, value string) {
	t.writes = append(t.writes, doWrite{key: key, val: doVal{value: value, found: true}})
}

// Delete removes key if the transaction commits.
func (t *DOTxn) Delete(key string) { t.writes = append(t.writes, doWrite{key: key}) }

// Transaction runs fn atomically with the input gate closed: if fn returns
// an error nothing it wrote is applied. cb receives fn's error once the
// transaction is done.
func (s *DOStorage) Transaction(fn func(tx *DOTxn) error, cb func(error)) {
	o := s.o
	w := o.ns.w
	site := w.callSite(1)
	o.ns.mTxn.Add(1)
	o.closeInput(site)
	tx := &DOTxn{o: o}
	err := fn(tx)
	outcome := "committed"
	if err != nil {
		outcome = "rolled-back"
	} else {
		for _, x := range tx.writes {
			o.write(x.key, x.val.value, x.val.found, site)
		}
	}
	o.emit(Event{Kind: EvDOStorage, Req: o.curReq, Outcome: outcome, Op: "transaction", Count: len(tx.writes), Site: site})
	start, req := w.now, o.curReq
	o.storageDone(func() {
		for _, x := range tx.reads {
			w.recordOp(Op{Client: req, Kind: OpGet, Key: o.hkey(x.key), Value: x.val.version, Found: x.val.found,
				Call: start, Return: w.now, Label: "transaction get in " + o.actor})
		}
		if cb != nil {
			cb(err)
		}
	})
}

// SetAlarm sets the object's one alarm to fire at virtual time at,
// replacing any earlier one. Alarms survive eviction.
