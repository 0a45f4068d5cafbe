package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// How an object runs. Every id has one object, placed at the first caller's
// nearest hosting PoP (or its location hint) for good. Its code runs on
// one simulated thread: each event (a request, an alarm, the result of an
// await) waits in the object's queue, then costs CPUPerEvent before its
// callback runs. Two gates decide what may run and leave:
//   - input gate: while a storage read or transaction is pending, only
//     storage results are delivered, so read-modify-write on storage is
//     atomic. Awaiting KV, a fetch or a timer leaves it open: other events
//     run in between, which is how a DO that keeps state in KV loses updates.
//   - output gate: writes are buffered and flushed as one batch when the
//     callback returns; responses and subrequests issued after a write wait
//     until it is durable.
// Storage outlives the in-memory instance: eviction and reset drop the
// instance, and the next event constructs a new one.

// DOConfig holds the Durable Object model's parameters. Zero fields take
// the defaults below (FACTS.md, checked 2026-11-22). Production and local
// mode share them: wrangler dev runs objects on workerd, gates and all.
type DOConfig struct {
	// CPUPerEvent is the time the object's single thread spends on each
	// event delivered to it (a request, an alarm, the resumption of an
	// await). 1 ms makes the documented soft limit of about 1,000
	// requests/s per object, and ~500/s for a read-then-write handler,
	// inside the documented 200-500/s with storage work.
	CPUPerEvent time.Duration
	// MaxQueue is how many requests may wait for the object before new
	// ones fail with ErrDOOverloaded. Cloudflare does not publish the
	// bound; 1,000 (one second of work at the soft limit) is this model's
	// assumption: a burst is absorbed, a sustained excess fails.
	MaxQueue int
	// StorageRead is an in-process storage read (SQLite in the object's
	// own thread): sub-millisecond.
	StorageRead time.Duration
	// FlushLatency is the time for buffered writes to become durable.
	// 16 ms is a third-party measurement (~16 ms per warm storage
	// transaction including the output-gate flush), not a Cloudflare figure.
	FlushLatency time.Duration
	// IdleEvictMin and IdleEvictMax bound the idle time after which a
	// non-hibernatable object is evicted (70-140 s); each idle spell
	// draws its own length from the namespace's seeded stream.
	IdleEvictMin, IdleEvictMax time.Duration
	// BlockTimeout is how long blockConcurrencyWhile may block before the
	// object is reset: 30 s.
	BlockTimeout time.Duration
	// AlarmRetryBase is the first alarm retry delay (2 s, doubling) and
	// AlarmMaxRetries how many retries follow a failed alarm (6).
	AlarmRetryBase  time.Duration
	AlarmMaxRetries int
}

func (c DOConfig) withDefaults() DOConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.CPUPerEvent, time.Millisecond)
	def(&c.StorageRead, 100*time.Microsecond)
	def(&c.FlushLatency, 16*time.Millisecond)
	def(&c.IdleEvictMin, 70*time.Second)
	def(&c.IdleEvictMax, 140*time.Second)
	def(&c.BlockTimeout, 30*time.Second)
	def(&c.AlarmRetryBase, 2*time.Second)
	if c.MaxQueue == 0 {
		c.MaxQueue = 1000
	}
	if c.AlarmMaxRetries == 0 {
		c.AlarmMaxRetries = 6
	}
	return c
}

// DOError is an error the Durable Objects runtime throws. Overloaded
// errors must not be retried (retrying deepens the overload); Retryable
// ones may be, with backoff, if the request is idempotent.
type DOError struct {
	Code       string // "overloaded", "reset", "bad-hint"
	Msg        string
	Overloaded bool
	Retryable  bool
}

func (e *DOError) Error() string { return e.Msg }

// ErrDOOverloaded is what a request fails with when too many requests are
// already queued for the object.
var ErrDOOverloaded = &DOError{Code: "overloaded", Overloaded: true,
	Msg: "Durable Object is overloaded. Too many requests queued."}

// ErrDOReset is what requests in flight fail with when the object is reset
// (blockConcurrencyWhile failed or timed out).
var ErrDOReset = &DOError{Code: "reset", Retryable: true,
	Msg: "Durable Object reset because its code failed or blocked for too long."}

// IsDOError reports whether err is a DOError with the given code.
func IsDOError(err error, code string) bool {
	de, ok := err.(*DOError)
	return ok && de.Code == code
}

// locationHints are the hints Cloudflare accepts on a first get.
var locationHints = []string{"wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"}

// DOInstance is the in-memory object a class constructs: its fields are
// the object's memory, lost on eviction.
type DOInstance interface {
	Fetch(o *DOContext, r *DORequest)
}

// DOAlarmHandler is implemented by instances that handle alarms. The
// handler must end with a.Done() or a.Fail(err).
type DOAlarmHandler interface {
	Alarm(o *DOContext, a *DOAlarm)
}

// DOClass is a Durable Object class: New is its constructor, run when the
// object first receives an event and again after each eviction.
type DOClass struct {
	Name string
	New  func(o *DOContext) DOInstance
}

// DOID identifies one object of a namespace.
type DOID struct {
	hex  string
	name string
}

// String is the id's 64-hex-digit form.
func (id DOID) String() string { return id.hex }

// Name is the name given to IDFromName ("" for a unique id).
func (id DOID) Name() string { return id.name }

// DOGetOptions are the options of a namespace's get.
type DOGetOptions struct {
	// LocationHint asks for the object to be created in a region (wnam,
	// enam, sam, weur, eeur, apac, oc, afr, me). Best effort, and only the
	// first get of an id that has no object yet counts.
	LocationHint string
}

// DONamespace is a Durable Object namespace bound to a class.
type DONamespace struct {
	w       *World
	binding string
	class   DOClass
	cfg     DOConfig
	rnd     *rand.Rand // eviction draws
	idRnd   *rand.Rand // newUniqueId
	objects map[string]*doObject
	hosts   []PoPID
	nextV   int64

	mReq, mOver, mGet, mPut, mDel, mTxn, mCommit, mEvict, mReset, mNew *Counter
	mAlarmOK, mAlarmRetry, mAlarmGaveUp                                *Counter
	hLat, hQueue                                                       *Histogram
}

// DurableObjects returns the namespace bound as binding, creating it for
// class on first use.
func (w *World) DurableObjects(binding string, class DOClass) *DONamespace {
	if ns, ok := w.do[binding]; ok {
		return ns
	}
	if class.New == nil {
		panic("edge: DOClass " + class.Name + " has no constructor")
	}
	ns := &DONamespace{w: w, binding: binding, class: class, cfg: w.cfg.DO,
		rnd: w.Rand("do:" + binding), idRnd: w.Rand("do:" + binding + ":ids"),
		objects: map[string]*doObject{}}
	for i, p := range w.pops {
		if p.DOHost {
			ns.hosts = append(ns.hosts, PoPID(i))
		}
	}
	if len(ns.hosts) == 0 {
		for i := range w.pops {
			ns.hosts = append(ns.hosts, PoPID(i))
		}
	}
	m, p := w.metrics, "do."+binding+"."
	ns.mReq, ns.mOver = m.Counter(p+"requests"), m.Counter(p+"overloaded")
	ns.mGet, ns.mPut, ns.mDel, ns.mTxn = m.Counter(p+"storage.get"), m.Counter(p+"storage.put"), m.Counter(p+"storage.delete"), m.Counter(p+"storage.transaction")
	ns.mCommit, ns.mEvict, ns.mReset, ns.mNew = m.Counter(p+"commits"), m.Counter(p+"evictions"), m.Counter(p+"resets"), m.Counter(p+"constructed")
	ns.mAlarmOK, ns.mAlarmRetry, ns.mAlarmGaveUp = m.Counter(p+"alarm.ok"), m.Counter(p+"alarm.retry"), m.Counter(p+"alarm.gave-up")
	ns.hLat, ns.hQueue = m.Histogram(p+"request.latency"), m.Histogram(p+"queue.wait")
	w.do[binding] = ns
	return ns
}

// IDFromName derives the id of the object called name: the same name
// gives the same id in every run and every World.
func (ns *DONamespace) IDFromName(name string) DOID {
	sum := sha256.Sum256([]byte(ns.binding + "\x00" + name))
	return DOID{hex: hex.EncodeToString(sum[:]), name: name}
}

// NewUniqueID returns a fresh random id from the namespace's seeded
// stream; as with the real API, the caller must keep it to reach the
// object again.
func (ns *DONamespace) NewUniqueID() DOID {
	var b [32]byte
	for i := 0; i < 32; i += 8 {
		u := ns.idRnd.Uint64()
		for j := range 8 {
			b[i+j] = byte(u >> (8 * j))
		}
	}
	return DOID{hex: hex.EncodeToString(b[:])}
}

// Get returns a stub for id. An unknown location hint is an error.
func (ns *DONamespace) Get(id DOID, opt DOGetOptions) (*DOStub, error) {
	if opt.LocationHint != "" && !validHint(opt.LocationHint) {
		return nil, &DOError{Code: "bad-hint", Msg: fmt.Sprintf("location hint %q: expected one of %s",
			opt.LocationHint, strings.Join(locationHints, ", "))}
	}
	o := ns.objects[id.hex]
	if o == nil {
		o = ns.newObject(id)
		o.hint = opt.LocationHint // only the first get's hint counts
	}
	return &DOStub{ns: ns, o: o}, nil
}

// GetByName is Get(IDFromName(name)) without a hint.
func (ns *DONamespace) GetByName(name string) *DOStub {
	s, _ := ns.Get(ns.IDFromName(name), DOGetOptions{})
	return s
}

// Placement is where the object with id lives (false: not created yet).
func (ns *DONamespace) Placement(id DOID) (PoPID, bool) {
	o := ns.objects[id.hex]
	if o == nil || !o.placed {
		return 0, false
	}
	return o.pop, true
}

// Stored returns key's durable value in id's storage, as a check after a
// run would read it.
func (ns *DONamespace) Stored(id DOID, key string) (string, bool) {
	o := ns.objects[id.hex]
	if o == nil {
		return "", false
	}
	v := o.durable[key]
	return v.value, v.found
}

func validHint(h string) bool {
	for _, x := range locationHints {
		if x == h {
			return true
		}
	}
	return false
}

func (ns *DONamespace) newObject(id DOID) *doObject {
	name := id.name
	if name == "" {
		name = id.hex[:8]
	}
	o := &doObject{ns: ns, id: id, actor: "do:" + name, data: map[string]doVal{}, durable: map[string]doVal{}}
	o.ctx = &DOContext{o: o}
	o.ctx.storage = DOStorage{o: o}
	o.runFn, o.commitFn, o.idleFn, o.readFn = o.runCur, o.commit, o.idleCheck, o.readDone
	ns.objects[id.hex] = o
	return o
}

// DOStub sends requests to one object, wherever it lives.
type DOStub struct {
	ns *DONamespace
	o  *doObject
}

// ID is the stub's object id.
func (s *DOStub) ID() DOID { return s.o.id }

// Fetch sends a request from PoP from to the object; the first request
// ever creates it. cb receives the response once it is back at from:
// callers far from the object pay the round trip. req is the calling
// Worker request's id, for the trace.
func (s *DOStub) Fetch(from PoPID, path, body string, req int, cb func(Response)) {
	s.ns.fetch(s.o, from, path, body, req, s.ns.w.callSite(1), cb)
}

func (ns *DONamespace) fetch(o *doObject, from PoPID, path, body string, req int, site string, cb func(Response)) {
	w := ns.w
	if !o.placed {
		o.place(from, site)
	}
	ns.mReq.Add(1)
	r := &DORequest{o: o, ID: req, Path: path, Body: body, From: from, sent: w.now, site: site, cb: cb}
	what := "do fetch"
	if w.cfg.Trace {
		what += " " + path
	}
	w.send(from, o.pop, what, req, site, func() { o.arrive(r) })
}

// reply carries a response back to the caller's PoP.
func (ns *DONamespace) reply(o *doObject, r *DORequest, res Response) {
	w := ns.w
	w.send(o.pop, r.From, "do response", r.ID, r.site, func() {
		ns.hLat.Record(w.now - r.sent)
		if r.cb != nil {
			r.cb(res)
		}
	})
}

// doVal is one stored value; version numbers writes for the history.
type doVal struct {
	value   string
	version int64
	found   bool
}

type doWrite struct {
	key  string
	val  doVal
	call time.Duration
	req  int
}

type doBatch struct {
	seq    uint64
	writes []doWrite
	site   string
}

// doHeld is an outgoing message waiting at the output gate: a response
// (r, res) or, for a subrequest, fn.
type doHeld struct {
	need uint64 // the batch that must be durable first
	req  int
	site string
	r    *DORequest
	res  Response
	fn   func()
}

type doTaskKind uint8

const (
	taskFetch   doTaskKind = iota // a request from a stub
	taskResume                    // an await (KV, fetch, timer, blockConcurrencyWhile body) completes
	taskStorage                   // a storage read completes: passes the input gate
	taskAlarm                     // the alarm fires
)

// doTask is one event waiting for the object's thread.
type doTask struct {
	kind  doTaskKind
	bcw   bool   // created inside blockConcurrencyWhile: may run while it blocks
	gen   uint32 // incarnation that created it; older ones are dropped
	req   int
	retry int
	seq   uint64 // alarm generation
	at    time.Duration
	r     *DORequest
	fn    func()
}

// doObject is one object: its placement, its thread, its gates and its
// storage. Storage outlives the in-memory instance.
type doObject struct {
	ns     *DONamespace
	id     DOID
	actor  string
	pop    PoPID
	placed bool
	hint   string
	gen    uint32
	inst   DOInstance
	ctx    *DOContext

	inbox    []doTask // requests and resumptions, FIFO from head
	head     int
	storageQ []doTask // storage completions: delivered even with the input gate closed
	reads    []doTask // storage reads in progress, in issue order
	cur      doTask
	running  bool
	queued   int // requests in the inbox
	// storagePending counts storage reads not yet delivered: while > 0 the
	// input gate is closed.
	storagePending int
	blocking       bool // inside blockConcurrencyWhile
	bcwSeq         uint64
	curReq         int
	curBCW         bool
	outstanding    int // awaits whose result has not come back
	open           int // requests not yet answered, alarms not yet done
	live           []*DORequest
	liveDone       int
	alarm          *DOAlarm // the alarm being handled

	data       map[string]doVal // what reads see: durable plus unflushed writes
	durable    map[string]doVal
	batch      []doWrite // writes of the current callback
	spare      []doWrite // a committed batch's buffer, for the next one
	batchSite  string
	inflight   []doBatch
	flushSeq   uint64
	durableSeq uint64
	held       []doHeld

	alarmAt  time.Duration
	alarmSet bool
	alarmSeq uint64

	lastBusy  time.Duration
	idleArmed bool
	idleFor   time.Duration

	runFn, commitFn, idleFn, readFn func() // bound once: scheduling them does not allocate
}

func (o *doObject) emit(e Event) {
	e.Actor = o.actor
	o.ns.w.emit(e)
}

func (o *doObject) place(from PoPID, site string) {
	w := o.ns.w
	o.placed = true
	how, detail := "nearest", "nearest host to the first caller at "+w.pops[from].Code
	o.pop = w.Nearest(from, o.ns.hosts)
	if o.hint != "" {
		// Best effort: a hint the topology does not serve falls back to
		// the first caller.
		if code, ok := w.cfg.Topology.LocationHints[o.hint]; ok {
			o.pop, how, detail = w.popIdx[code], "hint", "location hint "+o.hint
		}
	}
	o.emit(Event{Kind: EvDOPlace, To: w.pops[o.pop].Code, Outcome: how, Detail: detail, Site: site})
}

func (o *doObject) arrive(r *DORequest) {
	w, ns := o.ns.w, o.ns
	if o.queued >= ns.cfg.MaxQueue {
		ns.mOver.Add(1)
		r.done = true
		o.emit(Event{Kind: EvDOOverload, Req: r.ID, Outcome: "503", Detail: ErrDOOverloaded.Msg, Site: r.site})
		ns.reply(o, r, Response{Status: 503, Body: ErrDOOverloaded.Msg, Err: ErrDOOverloaded})
		return
	}
	o.queued++
	o.push(doTask{kind: taskFetch, req: r.ID, r: r, at: w.now})
	if w.cfg.Trace && (o.running || o.storagePending > 0 || o.blocking || o.queued > 1) {
		o.emit(Event{Kind: EvDOQueue, Req: r.ID, Detail: strconv.Itoa(o.queued) + " queued", Site: r.site})
	}
	o.pump()
}

// shift drops a short queue's first element in place. Re-slicing with
// q[1:] would shed capacity and make the next append allocate, once per
// storage read and per commit on the hottest path.
func shift[T any](q []T) []T {
	n := copy(q, q[1:])
	var zero T
	q[n] = zero
	return q[:n]
}

func (o *doObject) push(t doTask) {
	if o.head > 1024 && o.head*2 > len(o.inbox) {
		n := copy(o.inbox, o.inbox[o.head:])
		clear(o.inbox[n:])
		o.inbox, o.head = o.inbox[:n], 0
	}
	o.inbox = append(o.inbox, t)
}

// next picks the event the object may run now: storage completions
// always; nothing else while the input gate is closed; only
// blockConcurrencyWhile's own events while it blocks.
func (o *doObject) next() (doTask, bool) {
	if len(o.storageQ) > 0 {
		t := o.storageQ[0]
		o.storageQ = shift(o.storageQ)
		return t, true
	}
	if o.storagePending > 0 || o.head == len(o.inbox) {
		return doTask{}, false
	}
	i := o.head
	if o.blocking {
		for i < len(o.inbox) && !o.inbox[i].bcw {
			i++
		}
		if i == len(o.inbox) {
			return doTask{}, false
		}
	}
	t := o.inbox[i]
	copy(o.inbox[o.head+1:i+1], o.inbox[o.head:i])
	o.inbox[o.head] = doTask{}
	o.head++
	if o.head == len(o.inbox) {
		o.inbox, o.head = o.inbox[:0], 0
	}
	if t.kind == taskFetch {
		o.queued--
	}
	return t, true
}

// pump starts the next event on the object's thread, if it is free.
func (o *doObject) pump() {
	if o.running {
		return
	}
	t, ok := o.next()
	if !ok {
		o.maybeIdle()
		return
	}
	w := o.ns.w
	o.running = true
	o.cur = t
	if t.kind == taskFetch {
		o.ns.hQueue.Record(w.now - t.at)
	}
	if w.cfg.Trace {
		e := Event{Kind: EvDOStart, Req: t.req}
		switch t.kind {
		case taskFetch:
			e.Detail, e.Site = "fetch "+t.r.Path, t.r.site
		case taskAlarm:
			e.Detail = "alarm"
		case taskStorage:
			e.Detail = "storage result"
		default:
			e.Detail = "resume"
		}
		o.emit(e)
	}
	w.After(o.ns.cfg.CPUPerEvent, o.runFn)
}

// runCur runs the current event's code once its CPU time has passed.
func (o *doObject) runCur() {
	t := o.cur
	o.cur = doTask{}
	if (t.kind == taskResume || t.kind == taskStorage) && t.gen != o.gen {
		o.finish()
		return
	}
	o.curReq, o.curBCW = t.req, t.bcw
	if o.inst == nil {
		o.construct()
		if o.blocking && !t.bcw {
			// The constructor blocked: this event waits until it is done.
			o.inbox = append(o.inbox, doTask{})
			copy(o.inbox[o.head+1:], o.inbox[o.head:])
			o.inbox[o.head] = t
			if t.kind == taskFetch {
				o.queued++
			}
			o.finish()
			return
		}
	}
	switch t.kind {
	case taskFetch:
		r := t.r
		r.gen, r.started = o.gen, o.ns.w.now
		o.open++
		o.live = append(o.live, r)
		o.inst.Fetch(o.ctx, r)
	case taskAlarm:
		o.runAlarm(t)
	case taskResume:
		o.outstanding--
		t.fn()
	case taskStorage:
		t.fn()
		o.storagePending--
		if o.storagePending == 0 && t.gen == o.gen {
			o.emit(Event{Kind: EvDOGate, Req: t.req, Outcome: "input-open"})
		}
	}
	o.finish()
}

// finish ends a callback: its writes start to flush as one batch, and
// the thread takes the next event.
func (o *doObject) finish() {
	o.flush()
	o.running = false
	o.curReq, o.curBCW = 0, false
	o.lastBusy = o.ns.w.now
	o.pump()
}

func (o *doObject) construct() {
	o.ns.mNew.Add(1)
	if o.ns.w.cfg.Trace {
		o.emit(Event{Kind: EvDOStart, Req: o.curReq, Detail: "new " + o.ns.class.Name})
	}
	o.inst = o.ns.class.New(o.ctx)
}

// resume wraps the continuation of an await: when the awaited result
// arrives, fn is queued as an event for the object's thread, like any
// other. The input gate stays open meanwhile.
func (o *doObject) resume(fn func()) func() {
	gen, req, bcw := o.gen, o.curReq, o.curBCW
	o.outstanding++
	return func() {
		if gen != o.gen {
			return
		}
		o.push(doTask{kind: taskResume, gen: gen, req: req, bcw: bcw, fn: fn})
		o.pump()
	}
}

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
	if w.cfg.Trace {
		o.emit(Event{Kind: EvDOStorage, Req: o.curReq, Key: key, Value: value, Version: v.version, Detail: op, Site: site})
	}
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
		o.durable[x.key] = x.val
		if w.cfg.History {
			w.recordOp(Op{Client: x.req, Kind: OpPut, Key: o.hkey(x.key), Value: x.val.version, Found: x.val.found,
				Call: x.call, Return: w.now, Label: "put in " + o.actor})
		}
	}
	o.durableSeq = b.seq
	o.ns.mCommit.Add(1)
	if w.cfg.Trace {
		o.emit(Event{Kind: EvDOCommit, Req: b.writes[0].req, Key: b.writes[0].key, Version: b.writes[len(b.writes)-1].val.version,
			Latency: o.ns.cfg.FlushLatency, Detail: plural(len(b.writes), "write") + " durable", Site: b.site})
	}
	n := 0
	for _, h := range o.held {
		if h.need > o.durableSeq {
			o.held[n] = h
			n++
			continue
		}
		o.emit(Event{Kind: EvDOGate, Req: h.req, Outcome: "output-released", Site: h.site})
		if h.r != nil {
			o.ns.reply(o, h.r, h.res)
		} else {
			h.fn()
		}
	}
	clear(o.held[n:])
	o.held = o.held[:n]
	if o.spare == nil {
		clear(b.writes)
		o.spare = b.writes[:0] // recycled: a busy object allocates no batch per callback
	}
	o.lastBusy = w.now
	if !o.running {
		o.maybeIdle()
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
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
		o.emit(Event{Kind: EvDOGate, Req: o.curReq, Outcome: "input-closed", Site: site})
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

func (o *doObject) idle() bool {
	return o.inst != nil && !o.running && o.head == len(o.inbox) && len(o.storageQ) == 0 &&
		o.storagePending == 0 && o.open == 0 && o.outstanding == 0 && len(o.held) == 0 &&
		len(o.inflight) == 0 && len(o.batch) == 0 && len(o.reads) == 0 && !o.blocking
}

// maybeIdle arms the eviction timer when the object has nothing to do.
// One timer at a time: it re-checks when it fires rather than being
// re-armed by every request.
func (o *doObject) maybeIdle() {
	if o.idleArmed || !o.idle() {
		return
	}
	cfg := o.ns.cfg
	o.idleArmed = true
	o.idleFor = cfg.IdleEvictMin + time.Duration(o.ns.rnd.Int64N(int64(cfg.IdleEvictMax-cfg.IdleEvictMin)+1))
	o.ns.w.At(o.lastBusy+o.idleFor, o.idleFn)
}

func (o *doObject) idleCheck() {
	w := o.ns.w
	o.idleArmed = false
	if !o.idle() {
		return // armed again when it next falls idle
	}
	if due := o.lastBusy + o.idleFor; w.now < due {
		o.idleArmed = true
		w.At(due, o.idleFn)
		return
	}
	o.ns.mEvict.Add(1)
	o.emit(Event{Kind: EvDOEvict, Outcome: "idle", Detail: fmt.Sprintf("idle for %v: memory dropped, storage kept", w.now-o.lastBusy)})
	o.drop()
}

// drop ends the in-memory incarnation; storage stays.
func (o *doObject) drop() {
	o.gen++
	o.inst = nil
	o.live, o.liveDone = o.live[:0], 0
	o.outstanding = 0
}

// reset restarts a broken object: unflushed writes are discarded, requests
// in flight or queued fail, the alarm (if running) counts as failed.
func (o *doObject) reset(reason string) {
	w, ns := o.ns.w, o.ns
	ns.mReset.Add(1)
	o.emit(Event{Kind: EvDOEvict, Outcome: "reset", Detail: reason})
	fail := func(r *DORequest) {
		if !r.done {
			r.done = true
			ns.reply(o, r, Response{Status: 500, Body: ErrDOReset.Msg, Err: ErrDOReset})
		}
	}
	for _, r := range o.live {
		fail(r)
	}
	n := o.head
	for _, t := range o.inbox[o.head:] {
		if t.kind == taskFetch {
			fail(t.r)
			continue
		}
		if t.kind == taskAlarm {
			o.inbox[n] = t
			n++
		}
	}
	clear(o.inbox[n:])
	o.inbox, o.queued = o.inbox[:n], 0
	a := o.alarm
	o.drop()
	o.blocking, o.storagePending, o.storageQ, o.held, o.open = false, 0, nil, nil, 0
	o.batch, o.batchSite = nil, ""
	o.data = make(map[string]doVal, len(o.durable))
	for k, v := range o.durable {
		o.data[k] = v
	}
	for _, b := range o.inflight {
		for _, x := range b.writes {
			o.data[x.key] = x.val
		}
	}
	if a != nil {
		a.fail(ErrDOReset)
	}
	o.lastBusy = w.now
}

// DORequest is one request delivered to an object.
type DORequest struct {
	o       *doObject
	ID      int    // the calling Worker request, for the trace
	Path    string // e.g. "/increment"
	Body    string
	From    PoPID // the caller's PoP
	sent    time.Duration
	started time.Duration
	site    string
	gen     uint32
	done    bool
	cb      func(Response)
}

// Respond answers the request. The response leaves through the output
// gate: if the object has writes not yet durable, it waits for them.
func (r *DORequest) Respond(status int, body string) {
	if r.done {
		return
	}
	r.done = true
	o := r.o
	w := o.ns.w
	site := w.callSite(1)
	if r.gen != o.gen {
		return // the incarnation that got it is gone; the caller was told
	}
	o.open--
	if o.liveDone++; o.liveDone > 32 && o.liveDone*2 > len(o.live) {
		n := 0
		for _, x := range o.live {
			if !x.done {
				o.live[n] = x
				n++
			}
		}
		clear(o.live[n:])
		o.live, o.liveDone = o.live[:n], 0
	}
	if w.cfg.Trace {
		o.emit(Event{Kind: EvDOFinish, Req: r.ID, Value: body, Outcome: statusText(status), Latency: w.now - r.started, Site: site})
	}
	o.output(doHeld{req: r.ID, site: site, r: r, res: Response{Status: status, Body: body}})
}

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

// World is the simulation the object runs in.
func (c *DOContext) World() *World { return c.o.ns.w }

// Storage is the object's transactional storage.
func (c *DOContext) Storage() *DOStorage { return &c.storage }

// KV binds a KV namespace for use inside the object, at its PoP. Its
// awaits do not close the input gate: other events can run before the
// result comes back.
func (c *DOContext) KV(binding string) DOKV {
	return DOKV{o: c.o, ns: c.o.ns.w.KV(binding)}
}

// Sleep runs fn after d (setTimeout): the input gate stays open meanwhile.
func (c *DOContext) Sleep(d time.Duration, fn func()) {
	c.o.ns.w.After(d, c.o.resume(fn))
}

// Fetch sends a request to another object. It leaves through the output
// gate, and awaiting it leaves the input gate open.
func (c *DOContext) Fetch(stub *DOStub, path, body string, cb func(Response)) {
	o := c.o
	site := o.ns.w.callSite(1)
	var res Response
	wake := o.resume(func() { cb(res) })
	req := o.curReq
	o.output(doHeld{req: req, site: site, fn: func() {
		stub.ns.fetch(stub.o, o.pop, path, body, req, site, func(r Response) { res = r; wake() })
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
	o.emit(Event{Kind: EvDOGate, Req: o.curReq, Outcome: "input-closed", Detail: "blockConcurrencyWhile", Site: site})
	w.After(o.ns.cfg.BlockTimeout, func() {
		if o.gen == gen && o.blocking && o.bcwSeq == seq {
			o.reset(fmt.Sprintf("blockConcurrencyWhile did not finish within %v", o.ns.cfg.BlockTimeout))
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
			o.emit(Event{Kind: EvDOGate, Req: o.curReq, Outcome: "input-open", Detail: "blockConcurrencyWhile done"})
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
	wake := o.resume(func() { cb(got) })
	k.ns.get(o.pop, key, opt, o.curReq, o.ns.w.callSite(1), func(g GetResult) { got = g; wake() })
}

// Put writes key to KV from the object's PoP; cb runs as a new event on
// the object's thread. The write is an outgoing message, so it leaves
// through the output gate: it waits until the object's own earlier
// storage writes are durable, and KV never gets state a crash could undo.
func (k DOKV) Put(key, value string, opt PutOptions, cb func(error)) {
	o := k.o
	var res error
	wake := o.resume(func() { cb(res) })
	req, site := o.curReq, o.ns.w.callSite(1)
	o.output(doHeld{req: req, site: site, fn: func() {
		k.ns.write(o.pop, key, value, true, opt, req, site, func(err error) { res = err; wake() })
	}})
}

// DOStorage is an object's storage. Reads close the input gate until they
// return; writes are buffered, visible to the object's own reads at once,
// and flushed together when the current callback returns.
type DOStorage struct{ o *doObject }

// Get reads key; cb runs before any other event reaches the object.
func (s *DOStorage) Get(key string, cb func(value string, found bool)) {
	o := s.o
	w := o.ns.w
	site := w.callSite(1)
	o.ns.mGet.Add(1)
	o.closeInput(site)
	v, start, req := o.data[key], w.now, o.curReq
	if w.cfg.Trace {
		o.emit(Event{Kind: EvDOStorage, Req: req, Key: key, Value: v.value, Version: v.version, Outcome: foundText(v.found), Detail: "get", Site: site})
	}
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
	if w.cfg.Trace {
		o.emit(Event{Kind: EvDOStorage, Req: o.curReq, Outcome: outcome, Detail: "transaction", Site: site})
	}
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
func (s *DOStorage) SetAlarm(at time.Duration) {
	o := s.o
	w := o.ns.w
	o.alarmSeq++
	o.alarmAt, o.alarmSet = at, true
	seq := o.alarmSeq
	w.At(at, func() { o.fireAlarm(seq, 0) })
	if w.cfg.Trace {
		o.emit(Event{Kind: EvDOStorage, Req: o.curReq, Detail: "setAlarm", Value: at.String(), Site: w.callSite(1)})
	}
}

// DeleteAlarm cancels the alarm.
func (s *DOStorage) DeleteAlarm() {
	s.o.alarmSeq++
	s.o.alarmSet = false
}

// GetAlarm returns when the alarm will fire (false: none set).
func (s *DOStorage) GetAlarm() (time.Duration, bool) { return s.o.alarmAt, s.o.alarmSet }

func (o *doObject) fireAlarm(seq uint64, retry int) {
	if o.alarmSeq != seq || !o.alarmSet {
		return
	}
	o.push(doTask{kind: taskAlarm, seq: seq, retry: retry, gen: o.gen})
	o.pump()
}

// DOAlarm is one attempt at running the alarm handler.
type DOAlarm struct {
	o     *doObject
	seq   uint64
	Retry int // 0 on the first attempt
	done  bool
}

func (o *doObject) runAlarm(t doTask) {
	if t.seq != o.alarmSeq {
		return // replaced or deleted while queued
	}
	o.alarmSet = false
	a := &DOAlarm{o: o, seq: t.seq, Retry: t.retry}
	h, ok := o.inst.(DOAlarmHandler)
	if !ok {
		a.done = true
		return
	}
	o.open++
	o.alarm = a
	h.Alarm(o.ctx, a)
}

// Done reports that the alarm handler succeeded.
func (a *DOAlarm) Done() {
	if a.done {
		return
	}
	a.done = true
	o := a.o
	o.open--
	o.alarm = nil
	o.ns.mAlarmOK.Add(1)
	o.emit(Event{Kind: EvDOAlarm, Outcome: "ok", Detail: "attempt " + strconv.Itoa(a.Retry+1), Site: o.ns.w.callSite(1)})
}

// Fail reports that the alarm handler threw: the alarm is retried with
// exponential backoff, up to the retry limit, unless a new one was set.
func (a *DOAlarm) Fail(err error) {
	if a.done {
		return
	}
	a.o.open--
	a.fail(err)
}

func (a *DOAlarm) fail(err error) {
	a.done = true
	o := a.o
	w, cfg := o.ns.w, o.ns.cfg
	o.alarm = nil
	if o.alarmSeq != a.seq {
		// The handler set a new alarm before failing: that one stands.
		o.emit(Event{Kind: EvDOAlarm, Outcome: "replaced", Detail: err.Error()})
		return
	}
	if a.Retry >= cfg.AlarmMaxRetries {
		o.ns.mAlarmGaveUp.Add(1)
		o.emit(Event{Kind: EvDOAlarm, Outcome: "gave-up", Detail: err.Error()})
		return
	}
	delay := cfg.AlarmRetryBase << a.Retry
	o.ns.mAlarmRetry.Add(1)
	o.alarmAt, o.alarmSet = w.now+delay, true
	if w.cfg.Trace {
		o.emit(Event{Kind: EvDOAlarm, Outcome: "retry", Detail: fmt.Sprintf("%v; retry %d in %v", err, a.Retry+1, delay)})
	}
	seq, retry := a.seq, a.Retry+1
	w.After(delay, func() { o.fireAlarm(seq, retry) })
}
