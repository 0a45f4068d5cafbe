package edge

import (
	"fmt"
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
//
// The object's life is an explicit state machine (DOPhase): every change
// of phase goes through one of the named transitions below, each records
// a trace event carrying the new phase, and a move the table does not
// allow panics, because it is a bug in the simulator, not in a scenario.

// DOPhase is where an object is in its life.
type DOPhase string

// Durable Object phases.
const (
	// PhaseCold: no instance has ever been constructed.
	PhaseCold DOPhase = "cold"
	// PhaseConstructing: the constructor runs for the event that woke the
	// object (its CPU time is being spent).
	PhaseConstructing DOPhase = "constructing"
	// PhaseReady: in memory, its thread free, its input gate open.
	PhaseReady DOPhase = "ready"
	// PhaseRunning: its thread is spending an event's CPU time, then runs
	// its code.
	PhaseRunning DOPhase = "running"
	// PhaseStorageWait: its code has returned but a storage read is
	// pending: the input gate is closed to everything but the result.
	PhaseStorageWait DOPhase = "waiting-on-storage"
	// PhaseBlocking: inside blockConcurrencyWhile: only the block's own
	// events run.
	PhaseBlocking DOPhase = "blocking"
	// PhaseHibernated: idle, it met the hibernation conditions and was
	// removed from memory; storage stays, the next event constructs it.
	PhaseHibernated DOPhase = "hibernated"
	// PhaseEvicted: removed from memory after a long idle spell, a reset
	// or its maximum lifetime; storage stays.
	PhaseEvicted DOPhase = "evicted"
)

// InMemory reports whether an object in this phase has an instance.
func (p DOPhase) InMemory() bool {
	switch p {
	case PhaseCold, PhaseHibernated, PhaseEvicted:
		return false
	}
	return true
}

// doMoves lists, for each phase, the phases an object may move to.
var doMoves = map[DOPhase][]DOPhase{
	PhaseCold:         {PhaseConstructing},
	PhaseHibernated:   {PhaseConstructing},
	PhaseEvicted:      {PhaseConstructing},
	PhaseConstructing: {PhaseRunning, PhaseBlocking, PhaseStorageWait, PhaseEvicted},
	PhaseReady:        {PhaseRunning, PhaseHibernated, PhaseEvicted},
	PhaseRunning:      {PhaseReady, PhaseStorageWait, PhaseBlocking, PhaseEvicted},
	PhaseStorageWait:  {PhaseRunning, PhaseEvicted},
	PhaseBlocking:     {PhaseRunning, PhaseReady, PhaseStorageWait, PhaseEvicted},
}

// DOPhaseError is the panic value of an impossible move.
type DOPhaseError struct {
	Object   string
	From, To DOPhase
}

func (e *DOPhaseError) Error() string {
	return fmt.Sprintf("edge: Durable Object %s cannot go from %s to %s", e.Object, e.From, e.To)
}

// become moves the object to phase to, or panics with a DOPhaseError.
func (o *doObject) become(to DOPhase) {
	for _, p := range doMoves[o.phase] {
		if p == to {
			o.phase = to
			return
		}
	}
	panic(&DOPhaseError{Object: o.actor, From: o.phase, To: to})
}

// settled is the phase a thread that is not running is in: blocking
// inside blockConcurrencyWhile, waiting on a storage read, or ready.
func (o *doObject) settled() DOPhase {
	switch {
	case o.blocking:
		return PhaseBlocking
	case o.storagePending > 0:
		return PhaseStorageWait
	}
	return PhaseReady
}

// doVal is one stored value; version numbers writes for the history.
type doVal struct {
	value   string
	version int64
	found   bool
}

type doWrite struct {
	key   string
	val   doVal
	call  time.Duration
	req   int
	alarm bool // setAlarm or deleteAlarm: a write of the alarm, not of a key
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

// awaitKind is what a resumption awaited; a byte, not a string, so a
// queued task stays small.
type awaitKind uint8

const (
	awaitKVGet awaitKind = iota
	awaitKVPut
	awaitFetch
	awaitOrigin
	awaitTimer
)

var awaitOps = [...]ResumeOp{awaitKVGet: ResumeKVGet, awaitKVPut: ResumeKVPut, awaitFetch: ResumeFetch,
	awaitOrigin: ResumeOrigin, awaitTimer: ResumeTimer}

// doTask is one event waiting for the object's thread.
type doTask struct {
	kind    doTaskKind
	awaited awaitKind // for taskResume
	bcw     bool      // created inside blockConcurrencyWhile: may run while it blocks
	gen     uint32    // incarnation that created it; older ones are dropped
	req     int
	retry   int
	seq     uint64 // alarm generation
	at      time.Duration
	r       *DORequest
	fn      func()
}

// doObject is one object: its placement, its phase, its thread, its
// gates and its storage. Storage outlives the in-memory instance.
type doObject struct {
	ns     *DONamespace
	ord    int // its place in ns.order, for snapshots
	id     DOID
	actor  string
	pop    PoPID
	placed bool
	hint   string
	phase  DOPhase
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
	released   []doHeld // commit's scratch list, reused

	alarmAt  time.Duration
	alarmSet bool
	alarmSeq uint64

	lastBusy    time.Duration
	lastRequest time.Duration // when a request was last in flight
	idleArmed   bool          // a check on leaving memory is due at idleDue
	idleDue     time.Duration
	idleTimer   uint64        // the armed check, withdrawn when an earlier one replaces it
	idleFor     time.Duration // the current idle spell's length (0: not drawn)

	runFn, commitFn, readFn func() // bound once: scheduling them does not allocate
}

// emit records an event of the object, stamped with its phase.
func (o *doObject) emit(e Event) {
	if !o.ns.w.cfg.Trace {
		return
	}
	e.Actor, e.ActorKind, e.Phase = o.actor, ActorObject, o.phase
	o.ns.w.emitting = o // for the state log: the object this event is about
	o.ns.w.emit(e)
}

func (o *doObject) place(from PoPID, site string) {
	w := o.ns.w
	o.placed = true
	how, detail := "nearest", "nearest host to the first caller at "+w.pops[from].Code
	o.pop = w.Nearest(from, o.ns.hosts)
	hint := ""
	if o.hint != "" {
		// Best effort: a hint the topology does not serve falls back to
		// the first caller.
		code, ok := w.cfg.Topology.LocationHints[o.hint]
		if !ok && strings.HasPrefix(o.hint, "apac-") {
			code, ok = w.cfg.Topology.LocationHints["apac"] // the narrower hints fall back to Asia-Pacific
		}
		if ok {
			o.pop, how, detail, hint = w.popIdx[code], "hint", "location hint "+o.hint, o.hint
		}
	}
	o.emit(Event{Kind: EvDOPlace, From: w.pops[from].Code, To: w.pops[o.pop].Code, Outcome: how, Value: hint, Detail: detail, Site: site})
}

func (o *doObject) arrive(r *DORequest) {
	w, ns := o.ns.w, o.ns
	if o.queued >= ns.cfg.MaxQueue {
		ns.mOver.Add(1)
		r.done = true
		o.emit(Event{Kind: EvDOOverload, Req: r.ID, Outcome: "503", Queue: o.queued, Detail: ErrDOOverloaded.Msg, Site: r.site})
		ns.reply(o, r, Response{Status: 503, Body: ErrDOOverloaded.Msg, Err: ErrDOOverloaded})
		return
	}
	o.queued++
	o.push(doTask{kind: taskFetch, req: r.ID, r: r, at: w.now})
	if o.running || o.storagePending > 0 || o.blocking || o.queued > 1 {
		o.emit(Event{Kind: EvDOQueue, Req: r.ID, Queue: o.queued, Path: r.Path, Site: r.site})
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
// blockConcurrencyWhile's own events while it blocks. The continuation
// of an incarnation that is gone is dropped: it costs nothing.
func (o *doObject) next() (doTask, bool) {
	if len(o.storageQ) > 0 {
		t := o.storageQ[0]
		o.storageQ = shift(o.storageQ)
		return t, true
	}
	for {
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
		if t.kind == taskResume && t.gen != o.gen {
			continue
		}
		return t, true
	}
}

// pump starts the next event on the object's thread, if it is free: the
// constructor first when the object has no instance.
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
	if o.inst == nil {
		o.startConstructing(t)
	} else {
		o.startRunning(t)
	}
	w.After(o.ns.cfg.CPUPerEvent, o.runFn)
}

// startConstructing is the transition cold|hibernated|evicted ->
// constructing: an event wakes an object that has no instance.
func (o *doObject) startConstructing(t doTask) {
	o.become(PhaseConstructing)
	o.emit(Event{Kind: EvDOConstruct, Req: t.req, Value: o.ns.class.Name})
}

// startRunning is the transition to running: the thread takes an event.
// A request counts as being handled, and an alarm as no longer pending,
// from this moment.
func (o *doObject) startRunning(t doTask) {
	o.become(PhaseRunning)
	o.idleFor = 0 // a new idle spell starts when it next falls idle
	switch t.kind {
	case taskFetch:
		r := t.r
		r.gen, r.started = o.gen, o.ns.w.now
		o.open++
		o.live = append(o.live, r)
		o.lastRequest = o.ns.w.now
	case taskAlarm:
		if t.seq == o.alarmSeq {
			o.alarmSet = false
		}
	}
	if !o.ns.w.cfg.Trace {
		return
	}
	switch t.kind {
	case taskFetch:
		o.emit(Event{Kind: EvDOStart, Req: t.req, Op: "fetch", Path: t.r.Path, Site: t.r.site})
	case taskAlarm:
		o.emit(Event{Kind: EvDOStart, Op: "alarm", Count: t.retry + 1})
	case taskStorage:
		o.emit(Event{Kind: EvDOResume, Req: t.req, Op: ResumeStorage})
	default:
		o.emit(Event{Kind: EvDOResume, Req: t.req, Op: awaitOps[t.awaited]})
	}
}

// yield is the transition running -> ready|waiting-on-storage|blocking:
// the event's code has returned to the event loop.
func (o *doObject) yield() {
	o.become(o.settled())
	o.emit(Event{Kind: EvDOYield, Req: o.curReq})
}

// runCur runs the current event's code once its CPU time has passed.
func (o *doObject) runCur() {
	t := o.cur
	o.cur = doTask{}
	if t.kind == taskStorage && t.gen != o.gen {
		o.finish()
		return
	}
	o.curReq, o.curBCW = t.req, t.bcw
	if o.phase == PhaseConstructing {
		o.construct()
		if o.inst == nil {
			o.finish() // the constructor failed and reset the object
			return
		}
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
		o.startRunning(t)
	}
	switch t.kind {
	case taskFetch:
		o.inst.Fetch(o.ctx, t.r)
	case taskAlarm:
		o.runAlarm(t)
	case taskResume:
		o.outstanding--
		t.fn()
	case taskStorage:
		t.fn()
		o.storagePending--
		if o.storagePending == 0 && t.gen == o.gen {
			o.emit(Event{Kind: EvDOGate, Req: t.req, Outcome: "input-open", Op: ResumeStorage})
		}
	}
	o.finish()
}

// finish ends a callback: its writes start to flush as one batch, and
// the thread takes the next event.
func (o *doObject) finish() {
	o.flush()
	o.running = false
	if o.inst != nil {
		o.yield()
	}
	o.curReq, o.curBCW = 0, false
	o.lastBusy = o.ns.w.now
	o.pump()
}

func (o *doObject) construct() {
	o.ns.mNew.Add(1)
	o.inst = o.ns.class.New(o.ctx)
}

// resume wraps the continuation of an await: when the awaited result
// arrives, fn is queued as an event for the object's thread, like any
// other. The input gate stays open meanwhile.
func (o *doObject) resume(what awaitKind, fn func()) func() {
	gen, req, bcw := o.gen, o.curReq, o.curBCW
	o.outstanding++
	return func() {
		if gen != o.gen {
			return
		}
		o.push(doTask{kind: taskResume, awaited: what, gen: gen, req: req, bcw: bcw, fn: fn})
		o.pump()
	}
}

// quiet reports that no request is in flight or waiting and the thread
// is free, with nothing on its way to disk: only awaits (timers, I/O)
// may still be pending.
func (o *doObject) quiet() bool {
	return o.phase == PhaseReady && o.head == len(o.inbox) && len(o.storageQ) == 0 && o.open == 0 &&
		len(o.held) == 0 && len(o.inflight) == 0 && len(o.batch) == 0 && len(o.reads) == 0
}

// idle reports that the object is quiet with no await pending either:
// it meets the hibernation conditions, unless its class cannot hibernate.
func (o *doObject) idle() bool { return o.quiet() && o.outstanding == 0 }

// dueToLeave is when the object leaves memory if nothing happens first:
// an idle one after its idle spell (10 s to hibernation, or 70-140 s to
// eviction for a class that cannot hibernate), a quiet one with timers
// or I/O pending PendingLimit after its last request.
func (o *doObject) dueToLeave() (time.Duration, bool) {
	cfg := o.ns.cfg
	switch {
	case o.idle():
		if o.idleFor == 0 { // drawn once per idle spell
			o.idleFor = cfg.HibernateAfter
			if o.ns.class.NotHibernatable {
				o.idleFor = cfg.IdleEvictMin + time.Duration(o.ns.rnd.Int64N(int64(cfg.IdleEvictMax-cfg.IdleEvictMin)+1))
			}
		}
		return o.lastBusy + o.idleFor, true
	case o.quiet():
		return o.lastRequest + cfg.PendingLimit, true
	}
	return 0, false
}

// maybeIdle arms the check that takes the object out of memory. One
// check at a time, which re-checks when it fires rather than being
// re-armed by every request; but a due time that moves earlier replaces
// it: an object quiet with I/O pending (due 15 minutes after its last
// request) that becomes idle when the I/O returns is due 10 s later.
func (o *doObject) maybeIdle() {
	due, ok := o.dueToLeave()
	if !ok || (o.idleArmed && o.idleDue <= due) {
		return
	}
	o.armIdle(due)
}

func (o *doObject) armIdle(due time.Duration) {
	if o.idleArmed {
		o.ns.w.cancel(o.idleTimer) // replaced by an earlier check
	}
	o.idleArmed, o.idleDue = true, due
	o.idleTimer = o.ns.w.timer(due, o.idleCheck)
}

func (o *doObject) idleCheck() {
	w := o.ns.w
	o.idleArmed = false
	due, ok := o.dueToLeave()
	if !ok {
		return // armed again when it next falls quiet
	}
	if w.now < due {
		o.armIdle(due)
		return
	}
	switch {
	case !o.idle():
		o.evict("pending-limit", "timers or I/O pending too long after its last request: memory dropped, storage kept", w.now-o.lastRequest)
	case o.ns.class.NotHibernatable:
		o.evict("idle", "idle and not hibernatable: memory dropped, storage kept", w.now-o.lastBusy)
	default:
		o.hibernate()
	}
}

// hibernate is the transition ready -> hibernated: an idle object that
// meets the hibernation conditions leaves memory; storage stays.
func (o *doObject) hibernate() {
	w := o.ns.w
	o.ns.mHibernate.Add(1)
	o.become(PhaseHibernated)
	o.drop()
	o.emit(Event{Kind: EvDOHibernate, Latency: w.now - o.lastBusy, Detail: "idle: hibernated, memory dropped, storage kept"})
}

// evict is the transition ready -> evicted: a long idle spell, or timers
// and I/O pending past the limit (their continuations are lost).
func (o *doObject) evict(outcome, why string, idle time.Duration) {
	o.ns.mEvict.Add(1)
	o.become(PhaseEvicted)
	o.drop()
	o.emit(Event{Kind: EvDOEvict, Outcome: outcome, Latency: idle, Detail: why})
}

// drop ends the in-memory incarnation; storage stays.
func (o *doObject) drop() {
	o.gen++
	o.inst = nil
	o.live, o.liveDone = o.live[:0], 0
	o.outstanding = 0
}

// reset restarts a broken object: unflushed writes are discarded, requests
// in flight or queued fail, the alarm (if running) counts as failed. It is
// the transition from any in-memory phase to evicted.
func (o *doObject) reset(reason string) {
	w, ns := o.ns.w, o.ns
	ns.mReset.Add(1)
	o.become(PhaseEvicted)
	// Every change first, then the event, then the failed replies: the
	// state the event records is the state after the reset.
	var failed []*DORequest
	fail := func(r *DORequest) {
		if !r.done {
			r.done = true
			failed = append(failed, r)
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
	o.lastBusy = w.now
	o.emit(Event{Kind: EvDOEvict, Outcome: "reset", Detail: reason})
	for _, r := range failed {
		ns.reply(o, r, Response{Status: 500, Body: ErrDOReset.Msg, Err: ErrDOReset})
	}
	if a != nil {
		a.fail(ErrDOReset)
	}
}

// DORequest is one request delivered to an object.
type DORequest struct {
	o         *doObject
	ID        int    // the calling Worker request, for the trace
	Path      string // e.g. "/increment"
	Body      string
	From      PoPID // the caller's PoP
	fromActor string
	sent      time.Duration
	started   time.Duration
	site      string
	gen       uint32
	done      bool
	cb        func(Response)
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
	o.lastRequest = w.now
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
	o.emit(Event{Kind: EvDOFinish, Req: r.ID, Value: body, Outcome: statusText(status), Latency: w.now - r.started, Site: site})
	o.output(doHeld{req: r.ID, site: site, r: r, res: Response{Status: status, Body: body}})
}
