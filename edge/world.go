// Package edge is a deterministic discrete-event simulation of Cloudflare's
// edge: PoPs joined by a latency model, Workers KV with its tiered caches,
// Durable Objects with their gates, the Cache API and an origin.
//
// Time is virtual (integer nanoseconds). Events run in (time, sequence)
// order from a single goroutine, every random draw comes from a seeded
// stream owned by one component, and nothing observable depends on map
// order, so the same Config gives the same trace, byte for byte.
//
// "Worker code" is written as Go functions in continuation-passing style:
// an operation that would be awaited in JavaScript takes a callback that
// runs when its result arrives in virtual time. Callbacks are cheap (no
// goroutine, no context switch), which is what lets batch runs simulate
// millions of reads per wall-clock second.
package edge

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// Mode selects the fidelity of the simulation.
type Mode int

const (
	// Production follows Cloudflare's documented behaviour: KV caches per
	// PoP, eventual consistency, the per-key write limit.
	Production Mode = iota
	// Local reproduces Miniflare / wrangler dev: one KV store, immediately
	// consistent, cacheTtl ignored, no write limit, size limits enforced.
	Local
)

func (m Mode) String() string {
	if m == Local {
		return "local"
	}
	return "production"
}

// ParseMode turns "production" or "local" into a Mode.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "production", "prod":
		return Production, nil
	case "local":
		return Local, nil
	}
	return Production, fmt.Errorf("mode %q: expected production or local", s)
}

// Config is everything that determines a run. Two Worlds built from equal
// Configs and driven by the same scenario produce identical traces.
type Config struct {
	Seed     uint64
	Mode     Mode
	Topology Topology
	// Trace records every observable event; off for batch runs.
	Trace bool
	// TraceCap, when known (a replay knows the trace it will record),
	// reserves room for that many events at once.
	TraceCap int
	// StateKeyframes, when tracing, keeps a StateLog of the run (see
	// States) with a keyframe of its whole state every StateKeyframes
	// events; 0 keeps none.
	StateKeyframes int
	// History records KV and DO operations for linearizability checks.
	History bool
	// MaxEvents is the run's event budget: once it has executed this many
	// events it stops, and Err says why. 0 takes DefaultEventBudget, or
	// DefaultTracedEventBudget when tracing.
	MaxEvents int64
	KV        KVConfig
	DO        DOConfig
	Cache     CacheConfig
	Origin    OriginConfig
}

// event is one scheduled callback. 24 bytes; the queue holds values, not
// pointers, so scheduling does not allocate beyond the closure itself.
type event struct {
	at  time.Duration
	seq uint64
	fn  func()
}

// World is one simulation run.
type World struct {
	cfg   Config
	now   time.Duration
	seq   uint64
	queue []event
	// topFree says the event at the top of the queue is running and its
	// slot may be reused (see step).
	topFree bool
	events  int64 // events executed
	budget  int64 // events the run may execute
	refused int64 // events refused at or past EndOfTime
	err     error // why the run stopped early (the budget)
	oneWay  [][]time.Duration
	sites   map[uintptr]string // callSite: a program counter's "file.go:LINE"
	// cancelled are timers withdrawn before their time (see cancel).
	cancelled map[uint64]struct{}
	pops      []PoP
	popIdx    map[string]PoPID
	netRand   *rand.Rand

	trace   []Event
	history History
	metrics *Metrics
	// watch, if set, sees every trace event as it is recorded: replays
	// use it to take a snapshot at a trace position.
	watch func(e *Event)
	// states is the run's state log (Config.StateKeyframes); emitting is
	// the object whose event is being recorded, for it.
	states   *StateLog
	emitting *doObject

	nextReq int
	nextMsg int
	kvOps   map[int]int // KV operations per Worker request, for the per-invocation limit
	kv      map[string]*KVNamespace
	kvNames []string // creation order, for deterministic iteration
	do      map[string]*DONamespace
	doNames []string // creation order
	cache   *CacheAPI
	origin  *Origin
	stopped bool
}

// New builds a World from cfg. It fails only on an invalid topology or
// configuration.
func New(cfg Config) (*World, error) {
	if err := cfg.Topology.validate(); err != nil {
		return nil, err
	}
	cfg.KV = cfg.KV.withDefaults()
	cfg.DO = cfg.DO.withDefaults()
	cfg.Cache = cfg.Cache.withDefaults()
	cfg.Origin = cfg.Origin.withDefaults()
	if err := cfg.Origin.validate(cfg.Topology); err != nil {
		return nil, err
	}
	w := &World{
		cfg:     cfg,
		oneWay:  cfg.Topology.oneWayMatrix(),
		pops:    cfg.Topology.PoPs,
		popIdx:  make(map[string]PoPID, len(cfg.Topology.PoPs)),
		metrics: NewMetrics(),
		kv:      map[string]*KVNamespace{},
		do:      map[string]*DONamespace{},
	}
	for i, p := range w.pops {
		w.popIdx[p.Code] = PoPID(i)
	}
	if cfg.Trace && cfg.TraceCap > 0 {
		w.trace = make([]Event, 0, cfg.TraceCap)
	}
	if cfg.Trace && cfg.StateKeyframes > 0 {
		w.states = &StateLog{every: cfg.StateKeyframes, pops: w.pops}
	}
	w.budget = cfg.MaxEvents
	if w.budget <= 0 {
		w.budget = DefaultEventBudget
		if cfg.Trace {
			w.budget = DefaultTracedEventBudget
		}
	}
	w.netRand = w.Rand("net")
	return w, nil
}

// Rand returns a random stream owned by the named component. Streams are
// independent: adding draws to one never shifts another.
func (w *World) Rand(component string) *rand.Rand {
	return rand.New(w.source(component))
}

// source is the generator behind Rand(component), for the hot paths that
// draw from it directly; a rand.Rand made on it draws from the same stream.
func (w *World) source(component string) *pcg {
	return &pcg{hi: w.cfg.Seed, lo: componentHash(component)}
}

// wySource is source's stream for a wyrand generator: the seed and the
// component's hash together are its starting state, so each seed and each
// component has its own stream.
func (w *World) wySource(component string) *wyrand {
	return &wyrand{s: w.cfg.Seed ^ componentHash(component)}
}

// componentHash is the FNV-1a hash of a component's name, the half of a
// stream's seed that tells components apart.
func componentHash(component string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(component))
	return h.Sum64()
}

// Now is the current virtual time since the start of the run.
func (w *World) Now() time.Duration { return w.now }

// Mode is the fidelity mode of the run.
func (w *World) Mode() Mode { return w.cfg.Mode }

// Config returns the configuration the World was built with, defaults filled.
func (w *World) Config() Config { return w.cfg }

// Metrics are the run's counters and latency histograms.
func (w *World) Metrics() *Metrics { return w.metrics }

// Trace returns the recorded events (nil when tracing is off).
func (w *World) Trace() []Event { return w.trace }

// History returns the recorded operations (empty when history is off).
func (w *World) History() *History { return &w.history }

// EventsRun is the number of scheduled events executed so far.
func (w *World) EventsRun() int64 { return w.events }

// PoPs lists the topology's PoPs in their configured order.
func (w *World) PoPs() []PoP { return w.pops }

// PoP resolves a PoP code.
func (w *World) PoP(code string) (PoPID, error) {
	id, ok := w.popIdx[code]
	if !ok {
		return 0, fmt.Errorf("unknown PoP %q", code)
	}
	return id, nil
}

// MustPoP resolves a PoP code and panics on an unknown one: for scenario
// code whose PoP codes are constants.
func (w *World) MustPoP(code string) PoPID {
	id, err := w.PoP(code)
	if err != nil {
		panic(err)
	}
	return id
}

// Code returns the IATA code of a PoP.
func (w *World) Code(p PoPID) string { return w.pops[p].Code }

// EndOfTime is the last instant of virtual time: the largest duration
// there is (about 292 years). An event at or past it is refused, never
// scheduled, so no sum of durations can wrap around to the past and
// freeze the clock.
const EndOfTime = time.Duration(1<<63 - 1)

// At schedules fn at virtual time t (never before now). An event at or
// past EndOfTime is refused: it would never run (see Refused).
func (w *World) At(t time.Duration, fn func()) {
	if t < w.now {
		t = w.now
	}
	if t >= EndOfTime {
		w.refused++
		return
	}
	w.seq++
	w.push(event{at: t, seq: w.seq, fn: fn})
}

// Refused is the number of events refused because they fell at or past
// EndOfTime.
func (w *World) Refused() int64 { return w.refused }

// timer schedules fn at t, as At does, and returns the number by which
// cancel withdraws it.
func (w *World) timer(t time.Duration, fn func()) uint64 {
	w.At(t, fn)
	return w.seq
}

// cancel withdraws a timer that has not run: when its time comes it
// neither runs nor moves the clock, so a run whose last timer was
// withdrawn ends with its last real event.
func (w *World) cancel(seq uint64) {
	if w.cancelled == nil {
		w.cancelled = map[uint64]struct{}{}
	}
	w.cancelled[seq] = struct{}{}
}

// After schedules fn d after now; a delay that would reach EndOfTime is
// refused, as At refuses the time.
func (w *World) After(d time.Duration, fn func()) {
	if d < 0 {
		d = 0
	}
	if d >= EndOfTime-w.now {
		w.refused++
		return
	}
	w.At(w.now+d, fn)
}

// Run executes events until the queue is empty, Stop is called or the
// event budget runs out (see Err).
func (w *World) Run() { w.RunUntil(EndOfTime) }

// RunUntil executes events scheduled at or before t, then sets the clock
// to t (if the queue still has later events). It stops early on Stop, and
// for good once the run has used its event budget (Err says so).
func (w *World) RunUntil(t time.Duration) {
	w.stopped = false
	for !w.stopped && w.err == nil && len(w.queue) > 0 {
		if w.queue[0].at > t {
			w.now = t
			return
		}
		w.step()
	}
}

// step runs the event at the top of the queue, unless it was withdrawn
// or the budget is used up.
func (w *World) step() {
	ev := &w.queue[0]
	if len(w.cancelled) > 0 {
		if _, gone := w.cancelled[ev.seq]; gone {
			delete(w.cancelled, ev.seq)
			w.pop()
			return // withdrawn: it neither runs nor moves the clock
		}
	}
	if w.events >= w.budget {
		w.err = &BudgetError{Events: w.events, At: w.now}
		return
	}
	w.now = ev.at
	w.events++
	// The event stays at the top of the queue while it runs, and the
	// first event it schedules takes its place: one sift instead of a pop
	// and a push. The order of events is the same, since the queue orders
	// by (time, sequence) alone.
	w.topFree = true
	ev.fn()
	if w.topFree {
		w.topFree = false
		w.pop()
	}
}

// A stream is a workload's recurring event kept out of the queue: a
// Poisson stream of reads, where each read schedules the next. Its
// driver takes a sequence number for each event as it schedules it
// (nextSeq, as At would) and, when the event is due, calls begin, which
// first runs every queued event that comes before it in (time,
// sequence) order and then starts it: the run is the same as with every
// event in the queue, without a queue operation per event.

// nextSeq numbers an event of a stream as At would number it.
func (w *World) nextSeq() uint64 {
	w.seq++
	return w.seq
}

// begin runs the queued events that come before the stream event (at,
// seq), then starts that event: the clock moves to at and it counts as
// run. It reports false, having started nothing, when the run has been
// stopped or has used its budget. It is called once per read of a batch
// run, so the common case (nothing queued before the event) is kept small
// enough to be inlined.
func (w *World) begin(at time.Duration, seq uint64) bool {
	if w.events < w.budget && !w.stopped && (len(w.queue) == 0 || w.queue[0].at > at) {
		w.now = at
		w.events++
		return true
	}
	return w.beginSlow(at, seq)
}

// after reports whether queued event e comes after the stream event
// (at, seq).
func (w *World) after(e *event, at time.Duration, seq uint64) bool {
	return e.at > at || (e.at == at && e.seq > seq)
}

func (w *World) beginSlow(at time.Duration, seq uint64) bool {
	for len(w.queue) > 0 && !w.stopped && w.err == nil && !w.after(&w.queue[0], at, seq) {
		w.step()
	}
	if w.stopped || w.err != nil {
		return false
	}
	if w.events >= w.budget {
		w.err = &BudgetError{Events: w.events, At: w.now}
		return false
	}
	w.now = at
	w.events++
	return true
}

// Stop ends Run after the current event.
func (w *World) Stop() { w.stopped = true }

// Pending is the number of scheduled events not yet run.
func (w *World) Pending() int {
	n := len(w.queue)
	if w.topFree {
		n-- // the event running now
	}
	return n
}

// DefaultEventBudget and DefaultTracedEventBudget bound the events a run
// may execute when its Config sets no budget: a run that would not
// finish (a rate or a duration far out of range, a scenario that never
// stops scheduling) stops there instead of running and growing for ever.
// A traced run keeps every event, so its bound is lower: about 30 times
// the largest demo's run.
const (
	DefaultEventBudget       = 10_000_000_000
	DefaultTracedEventBudget = 1_000_000
)

// BudgetError is what Err reports once a run has used its event budget.
type BudgetError struct {
	Events int64         // events executed
	At     time.Duration // virtual time reached
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("the simulation stopped after %d events at %v of virtual time: it used its event budget without finishing", e.Events, e.At)
}

// Err reports why the run stopped before its end, if it did: a
// *BudgetError once the event budget is used up.
func (w *World) Err() error { return w.err }

// The queue is a binary min-heap on (at, seq) written out by hand:
// container/heap would box every event in an interface on Push, one
// allocation per event on the hottest path of the simulator.
func less(a, b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (w *World) push(e event) {
	if w.topFree {
		// The running event's slot: see RunUntil.
		w.topFree = false
		w.queue[0] = e
		w.down(0)
		return
	}
	w.queue = append(w.queue, e)
	q := w.queue
	i := len(q) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !less(&q[i], &q[p]) {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

// pop removes the top of the queue.
func (w *World) pop() {
	q := w.queue
	n := len(q) - 1
	q[0] = q[n]
	q[n] = event{}
	w.queue = q[:n]
	w.down(0)
}

// down restores the heap below position i.
func (w *World) down(i int) {
	q := w.queue
	n := len(q)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && less(&q[r], &q[l]) {
			m = r
		}
		if !less(&q[m], &q[i]) {
			return
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
}

// OneWay is the one-way network delay from a to b for one message,
// with seeded jitter.
func (w *World) OneWay(a, b PoPID) time.Duration {
	base := w.oneWay[a][b]
	j := w.cfg.Topology.Jitter
	if j <= 0 {
		return base
	}
	// The conversion rounds the product before the sum, so no platform may
	// fuse them into one multiply-add with a different rounding: the same
	// seed must give the same delays on every machine.
	f := 1 + float64(j*(2*w.netRand.Float64()-1))
	return time.Duration(float64(base) * f)
}

// BaseRTT is the jitter-free round trip between two PoPs.
func (w *World) BaseRTT(a, b PoPID) time.Duration { return 2 * w.oneWay[a][b] }

// Nearest returns, among candidates, the PoP closest to from (ties go to
// the earlier candidate).
func (w *World) Nearest(from PoPID, candidates []PoPID) PoPID {
	best := candidates[0]
	for _, c := range candidates[1:] {
		if w.oneWay[from][c] < w.oneWay[from][best] {
			best = c
		}
	}
	return best
}

// message is one network message: between two PoPs for its delay,
// between two actors for the trace (a PoP, a central store, an object,
// the origin).
type message struct {
	from, to  PoPID
	fromActor string // "" means the PoP from
	toActor   string // "" means the PoP to
	kind      MsgKind
	key, path string
	req       int
	site      string
	extra     time.Duration // time spent on top of the network hop (replication, push)
}

// send delivers m after the network delay and then runs fn; with
// tracing on, the send and the arrival are both recorded, with one
// message id, so a player can draw the message in flight.
func (w *World) send(m message, fn func()) {
	d := w.OneWay(m.from, m.to) + m.extra
	if !w.cfg.Trace {
		w.After(d, fn)
		return
	}
	from, to := m.fromActor, m.toActor
	if from == "" {
		from = w.pops[m.from].Code
	}
	if to == "" {
		to = w.pops[m.to].Code
	}
	w.nextMsg++
	id, at := w.nextMsg, w.now+d
	w.emit(Event{Kind: EvSend, Actor: from, From: from, To: to, Msg: id, Op: m.kind, Key: m.key, Path: m.path,
		Req: m.req, Arrive: at, Site: m.site})
	w.At(at, func() {
		w.emit(Event{Kind: EvArrive, Actor: to, From: from, To: to, Msg: id, Op: m.kind, Key: m.key, Path: m.path,
			Req: m.req, Site: m.site})
		fn()
	})
}

// emit appends a trace event stamped with the current time.
func (w *World) emit(e Event) {
	if !w.cfg.Trace {
		return
	}
	e.Seq = len(w.trace)
	e.At = w.now
	if e.ActorKind == "" {
		e.ActorKind = w.actorKind(e.Actor)
	}
	if len(w.trace) == cap(w.trace) {
		// Double, as append does only for small slices: past a few hundred
		// events it grows by a quarter at a time, copying the trace (328
		// bytes an event) over and over.
		grown := make([]Event, len(w.trace), max(2*cap(w.trace), 256))
		copy(grown, w.trace)
		w.trace = grown
	}
	w.trace = append(w.trace, e)
	if w.states != nil {
		w.logState(&w.trace[e.Seq], w.emitting)
	}
	w.emitting = nil
	if w.watch != nil {
		w.watch(&w.trace[e.Seq])
	}
}

// Note records a scenario annotation in the trace: id is what narration
// captions match (a stable name such as "lost-update"), text the prose.
func (w *World) Note(actor, id, text string) {
	w.emit(Event{Kind: EvNote, Actor: actor, Note: id, Detail: text})
}

// Annotate records a note whose facts are typed: e.Note is its id, and
// e.Req, e.Key, e.Value or e.Version may carry what it states, so that
// a test can check the claim against the rest of the trace.
func (w *World) Annotate(e Event, text string) {
	e.Kind, e.Detail = EvNote, text
	w.emit(e)
}

// Watch calls fn with every trace event as it is recorded, before the
// run goes on: the world's state is then exactly as of that event. One
// watcher at a time; nil removes it.
func (w *World) Watch(fn func(e *Event)) { w.watch = fn }

// Tracing reports whether the trace is being recorded.
func (w *World) Tracing() bool { return w.cfg.Trace }

// callSite names the handler line that called an API method, so a player
// can highlight the code that caused an event. skip counts frames above
// callSite's caller. Only paid for when tracing.
func (w *World) callSite(skip int) string {
	if !w.cfg.Trace {
		return ""
	}
	var pc [1]uintptr
	if runtime.Callers(skip+2, pc[:]) == 0 {
		return ""
	}
	// Naming a program counter is the costly part, and a run calls from
	// a few dozen lines: each is named once.
	if site, ok := w.sites[pc[0]]; ok {
		return site
	}
	f, _ := runtime.CallersFrames(pc[:]).Next()
	site := ""
	if f.File != "" {
		site = filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
	}
	if w.sites == nil {
		w.sites = map[uintptr]string{}
	}
	w.sites[pc[0]] = site
	return site
}

// recordOp appends an operation to the history when it is on.
func (w *World) recordOp(op Op) {
	if w.cfg.History {
		w.history.Add(op)
	}
}
