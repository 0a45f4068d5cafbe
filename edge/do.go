package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// DOConfig holds the Durable Object model's parameters. Zero fields take
// the defaults below (docs/FACTS.md, checked 2026-11-30). Production and local
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
	// HibernateAfter is how long an idle object that meets the
	// hibernation conditions (no timer, I/O or request pending) stays in
	// memory: about 10 s, for HTTP-only objects too (lifecycle page,
	// last updated October 2026).
	HibernateAfter time.Duration
	// IdleEvictMin and IdleEvictMax bound the idle time after which an
	// object that does not meet those conditions (its class says it holds
	// a standard WebSocket) is evicted (70-140 s); each idle spell draws
	// its own length from the namespace's seeded stream.
	IdleEvictMin, IdleEvictMax time.Duration
	// PendingLimit is the longest a pending timer or I/O keeps an object
	// with no request in flight in memory: 15 minutes. kvdo counts it from
	// the moment the object last had a request in flight.
	PendingLimit time.Duration
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
	def(&c.HibernateAfter, 10*time.Second)
	def(&c.IdleEvictMin, 70*time.Second)
	def(&c.IdleEvictMax, 140*time.Second)
	def(&c.PendingLimit, 15*time.Minute)
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

// Is makes errors.Is(err, ErrDOOverloaded) (or any DOError) match a
// DOError of the same code, however it was wrapped.
func (e *DOError) Is(target error) bool {
	t, ok := target.(*DOError)
	return ok && t.Code == e.Code
}

// ErrDOOverloaded is what a request fails with when too many requests are
// already queued for the object.
var ErrDOOverloaded = &DOError{Code: "overloaded", Overloaded: true,
	Msg: "Durable Object is overloaded. Too many requests queued."}

// ErrDOReset is what requests in flight fail with when the object is reset
// (blockConcurrencyWhile failed or timed out).
var ErrDOReset = &DOError{Code: "reset", Retryable: true,
	Msg: "Durable Object reset because its code failed or blocked for too long."}

// IsDOError reports whether err is, or wraps, a DOError with the given
// code.
func IsDOError(err error, code string) bool {
	var de *DOError
	return errors.As(err, &de) && de.Code == code
}

// locationHints are the hints Cloudflare accepts on a first get
// (data-location page; apac-ne and apac-se from the runtime's types).
var locationHints = []string{"wnam", "enam", "sam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "afr", "me"}

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
	// NotHibernatable marks objects that never meet the hibernation
	// conditions (for instance because they hold a standard-API
	// WebSocket): idle, they stay in memory 70-140 s instead of 10 s.
	NotHibernatable bool
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
	order   []*doObject // creation order, for snapshots
	ord     int         // the namespace's place in creation order, for snapshots
	hosts   []PoPID
	nextV   int64

	mReq, mOver, mGet, mPut, mDel, mTxn, mCommit, mEvict, mReset, mNew, mHibernate *Counter
	mAlarmOK, mAlarmRetry, mAlarmGaveUp                                            *Counter
	hLat, hQueue                                                                   *Histogram
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
	ns.mHibernate = m.Counter(p + "hibernations")
	ns.mAlarmOK, ns.mAlarmRetry, ns.mAlarmGaveUp = m.Counter(p+"alarm.ok"), m.Counter(p+"alarm.retry"), m.Counter(p+"alarm.gave-up")
	ns.hLat, ns.hQueue = m.Histogram(p+"request.latency"), m.Histogram(p+"queue.wait")
	ns.ord = len(w.doNames)
	w.do[binding] = ns
	w.doNames = append(w.doNames, binding)
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
	o := &doObject{ns: ns, id: id, actor: objectPrefix + name, phase: PhaseCold, data: map[string]doVal{}, durable: map[string]doVal{},
		ord: len(ns.order)}
	o.ctx = &DOContext{o: o}
	o.ctx.storage = DOStorage{o: o}
	o.runFn, o.commitFn, o.readFn = o.runCur, o.commit, o.readDone
	ns.objects[id.hex] = o
	ns.order = append(ns.order, o)
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
	s.ns.fetch(s.o, from, "", path, body, req, s.ns.w.callSite(1), cb)
}

// fetch sends a request from PoP from to the object; fromActor names the
// sender in the trace when it is not the PoP itself (another object).
func (ns *DONamespace) fetch(o *doObject, from PoPID, fromActor, path, body string, req int, site string, cb func(Response)) {
	w := ns.w
	if !o.placed {
		o.place(from, site)
	}
	ns.mReq.Add(1)
	r := &DORequest{o: o, ID: req, Path: path, Body: body, From: from, fromActor: fromActor, sent: w.now, site: site, cb: cb}
	w.send(message{from: from, to: o.pop, fromActor: fromActor, toActor: o.actor, kind: MsgDOFetch, path: path, req: req, site: site},
		func() { o.arrive(r) })
}

// reply carries a response back to the caller's PoP.
func (ns *DONamespace) reply(o *doObject, r *DORequest, res Response) {
	w := ns.w
	w.send(message{from: o.pop, to: r.From, fromActor: o.actor, toActor: r.fromActor, kind: MsgDOResponse, path: r.Path, req: r.ID, site: r.site}, func() {
		ns.hLat.Record(w.now - r.sent)
		if r.cb != nil {
			r.cb(res)
		}
	})
}
