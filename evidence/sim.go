package evidence

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/edge"
)

// store is where a design keeps its state and reads it from.
type store uint8

const (
	stKV     store = iota // Workers KV
	stDO                  // one Durable Object per key, read by every caller
	stDOKV                // the object writes, publishes to KV; reads from KV
	stOrigin              // the origin (the Cache API's design)
	stR2KV                // R2 blobs named by a KV pointer
	stR2                  // R2 read by key
)

// Binding names inside each simulated world.
const (
	kvBinding  = "STATE"
	doHot      = "HOT" // the busiest key's objects: their queue is the one that matters
	doTypical  = "TYPICAL"
	doClass    = "State"
	drainAfter = 30 * time.Second // in-flight work finishes after the window
	pubGap     = time.Second + 10*time.Millisecond
	sampleOps  = 100 // increments of the busiest key porcupine checks
)

// commit is one version of a key becoming current at the source of truth.
type commit struct {
	version int64
	at      time.Duration
	counter int64
}

// key is one simulated key and what the run knows about it.
type key struct {
	name    string
	cls     int // 0 busiest, 1 typical
	pops    []edge.PoPID
	writer  edge.PoPID
	commits []commit
	stub    *edge.DOStub
	// do-plus-kv publishing: one publish in flight at a time, at most one
	// a second, always of the newest version.
	pubBusy   bool
	pubLast   time.Duration
	published int64
	latest    int64
}

// sim is one option's run.
type sim struct {
	p       *plan
	v       variant
	st      store
	w       *edge.World
	kv      *edge.KVNamespace
	origin  *edge.Origin
	cache   *edge.CacheAPI
	cacheMA time.Duration // the front cache's max-age; 0: no cache in front
	purge   bool          // a write purges the cache in every location (the zone purge API)
	stores  []edge.PoPID  // KV's central stores
	keys    []*key
	byName  map[string]*key
	m       *meter
	window  time.Duration
	ops     float64    // client operations the window simulates, after sampling
	sample  [2]int     // reads each simulated read stands for, per class
	cw      [2]float64 // what one simulated key stands for, per class, over the window
	ww      [2]float64 // what one simulated write stands for, per class
	placed  int        // the busiest key's writes when spread evenly (hotWritesPlaced)
	writes  int64      // simulated writes issued, numbers them for the history
	hotOps  []incrOp
}

// maxHistory bounds the busiest key's increments kept for porcupine: the
// sample it checks is cut from the first of them.
const maxHistory = 20_000

// incrOp is one increment of the busiest key, for porcupine.
type incrOp struct {
	n            int64 // issue order
	call, ret    time.Duration
	value        int64
	ok, finished bool
}

func storeOf(v variant, p *plan) store {
	switch v.option {
	case advisor.DurableObject:
		return stDO
	case advisor.DOPlusKV:
		return stDOKV
	case advisor.CacheAPI:
		return stOrigin
	case advisor.R2PlusKV:
		if r2Direct(p) {
			return stR2
		}
		return stR2KV
	}
	return stKV
}

// run measures one variant.
func (p *plan) run(ctx context.Context, v variant, report func(float64)) (Option, error) {
	return p.runSim(ctx, &sim{p: p, v: v, st: storeOf(v, p), byName: map[string]*key{}}, report)
}

// runSim runs s, a variant's simulation, to the end of its window.
func (p *plan) runSim(ctx context.Context, s *sim, report func(float64)) (Option, error) {
	v := s.v
	w, err := edge.New(edge.Config{Seed: p.cfg.Seed, Topology: p.cfg.Topology, MaxEvents: eventsPerOp * int64(p.cfg.Budget)})
	if err != nil {
		return Option{}, err
	}
	s.w = w
	switch {
	case v.layer == layerCache:
		s.cacheMA = time.Duration(v.maxAge) * time.Second
	case s.st == stOrigin && p.hasTol && p.tol >= 1:
		s.cacheMA = time.Duration(math.Floor(p.tol)) * time.Second // the Cache API's own design: max-age = tolerance
	}
	if s.cacheMA > 0 {
		s.cache = w.Cache()
		// As the sketches of these designs do: the store behind is current,
		// so a purge after each write brings every location back to it.
		// Behind KV or a KV pointer the max-age alone bounds the age.
		s.purge = s.st == stDO || s.st == stOrigin
	}
	for _, c := range p.cfg.Topology.CentralStores {
		if id, err := w.PoP(c); err == nil {
			s.stores = append(s.stores, id)
		}
	}
	if len(s.stores) == 0 {
		s.stores = []edge.PoPID{0}
	}
	s.scale()
	if s.ops > overBudget*float64(p.cfg.Budget) {
		return Option{}, &overBudgetError{what: fmt.Sprintf("its shortest window (%v) holds %s client operations, over %d times the replay's budget of %s", s.window, num(math.Round(s.ops)), overBudget, num(float64(p.cfg.Budget)))}
	}
	s.m = newMeter(len(p.regions))
	s.setup()
	s.start()
	step := time.Second * 5
	for t := step; ; t += step {
		if err := ctx.Err(); err != nil {
			return Option{}, err
		}
		w.RunUntil(min(t, s.window))
		report(math.Min(1, float64(min(t, s.window))/float64(s.window)))
		if t >= s.window {
			break
		}
	}
	w.RunUntil(s.window + drainAfter)
	if err := w.Err(); err != nil {
		return Option{}, &overBudgetError{what: fmt.Sprintf("it passed its bound of %s simulated events", num(float64(eventsPerOp*p.cfg.Budget)))}
	}
	return s.result(), nil
}

// A replay is bounded before and while it runs. Requests that reach an
// object are never sampled, nor are writes, and the window is at least
// 10 s, so rates far past a store's limits (a billion reads a second on
// one object) would plan more operations than the budget: past overBudget
// times it, the option is not simulated. While it runs, eventsPerOp per
// operation of the budget bounds its events (sampling keeps a replay near
// six an operation: the example review's largest is 1.2 M events for
// 200,000 operations).
const (
	overBudget  = 4
	eventsPerOp = 40
)

// overBudgetError says an option's replay is past its bounds.
type overBudgetError struct{ what string }

func (e *overBudgetError) Error() string {
	return "the answered rates are too high to simulate this design in full: " + e.what
}

// reachesObject reports whether every read goes to an object: then reads
// cannot be sampled, since fewer requests would queue less.
func (s *sim) reachesObject() bool { return s.st == stDO && s.cacheMA == 0 }

// freshFor is the shortest time a copy at a location stays fresh on the
// read path: a sampled read stream must still find every copy warm.
func (s *sim) freshFor() time.Duration {
	f := time.Duration(math.MaxInt64)
	if s.st == stKV || s.st == stDOKV || s.st == stR2KV {
		f = s.p.kvTTL
	}
	if s.cacheMA > 0 {
		f = min(f, s.cacheMA)
	}
	return f
}

// scale chooses, within the budget, how many reads each simulated read
// stands for and how long a window to simulate. Reads may be sampled only
// where they are served at the edge and each location still gets enough
// of them to keep its copy as warm as the full stream would (a read per
// 1/300 of the copy's lifetime, and at least 5 a second); requests that
// reach an object never are. Past that, a shorter window is simulated at
// full rate and its counts multiplied.
func (s *sim) scale() {
	p := s.p
	d := p.cfg.Duration.Seconds()
	budget := float64(p.cfg.Budget)
	classes := [2]class{p.hot, p.typ}
	ryw := 1 + b2f(p.ryw)
	s.window = p.cfg.Duration
	var rate float64 // simulated operations per second, after sampling
	for c, cl := range classes {
		s.sample[c] = 1
		if cl.keys == 0 {
			continue
		}
		share := budget / 2
		if p.typ.keys == 0 {
			share = budget
		}
		n := float64(cl.keys)
		reads, writes := cl.reads*n, cl.writes*n*ryw
		if !s.reachesObject() && reads*d > share-writes*d {
			floor := 5.0
			if f := s.freshFor(); f < time.Duration(math.MaxInt64) {
				floor = math.Max(floor, 300/f.Seconds())
			}
			perPoP := cl.reads / float64(len(s.keyPoPs(c)))
			limit := math.Max(1, math.Floor(perPoP/floor))
			want := math.Ceil(reads * d / math.Max(share-writes*d, share/4))
			s.sample[c] = int(math.Min(limit, math.Max(1, want)))
		}
		rate += reads/float64(s.sample[c]) + writes
	}
	if rate*d > budget {
		sec := math.Max(10, math.Floor(budget/rate))
		s.window = min(s.window, time.Duration(sec)*time.Second)
	}
	s.ops = rate * s.window.Seconds()
	share := p.cfg.Duration.Seconds() / s.window.Seconds()
	s.cw = [2]float64{share * p.hot.weight, share * p.typ.weight}
	s.ww = s.cw
	if p.hotWritesPlaced {
		// A write placed so that one shows stands for the fraction of a
		// write the answers make in the whole duration.
		s.placed = max(1, int(math.Round(p.hot.writes*s.window.Seconds())))
		s.ww[0] = p.hot.writes * d / float64(s.placed)
	}
}

func (s *sim) keyPoPs(c int) []edge.PoPID {
	if c == 0 {
		return s.p.keyPoPs(0)
	}
	return s.p.keyPoPs(1)
}

// setup creates the keys with their initial value, written long ago, and
// the store's bindings.
func (s *sim) setup() {
	p := s.p
	switch s.st {
	case stKV, stDOKV, stR2KV:
		s.kv = s.w.KV(kvBinding)
	}
	if s.st == stOrigin || s.st == stR2 || s.st == stR2KV {
		s.origin = s.w.Origin()
	}
	var hot, typ *edge.DONamespace
	if s.st == stDO || s.st == stDOKV {
		class := edge.DOClass{Name: doClass, New: func(c *edge.DOContext) edge.DOInstance {
			return &object{s: s, k: s.byName[c.ID().Name()]}
		}}
		hot, typ = s.w.DurableObjects(doHot, class), s.w.DurableObjects(doTypical, class)
	}
	n := p.hot.keys + p.typ.keys
	for i := range n {
		cls := 0
		if i > 0 {
			cls = 1
		}
		k := &key{name: "k" + strconv.Itoa(i), cls: cls, pops: p.keyPoPs(i)}
		k.writer = k.pops[0]
		s.keys = append(s.keys, k)
		s.byName[k.name] = k
		switch s.st {
		case stKV:
			s.kv.Seed(k.name, "0")
			k.commits = []commit{{version: s.kv.Latest(k.name)}}
		case stDO, stDOKV:
			ns := hot
			if cls == 1 {
				ns = typ
			}
			k.stub = ns.GetByName(k.name)
			k.commits = []commit{{}}
			if s.st == stDOKV {
				s.kv.Seed(k.name, "0")
			}
			// The object comes to exist where its state is first written.
			k.stub.Fetch(k.writer, "/get", "", 0, nil)
		case stOrigin, stR2:
			k.commits = []commit{{version: s.origin.SetContent(k.name, "0")}}
		case stR2KV:
			v := s.origin.SetContent(k.name, "0")
			s.kv.Seed(k.name, strconv.FormatInt(v, 10))
			k.commits = []commit{{version: s.kv.Latest(k.name)}}
		}
	}
}

// start schedules the readers and writers of the window: Poisson arrivals
// per class (the superposition of every simulated key's), except the
// busiest key's writes when they are too rare to show in a window.
func (s *sim) start() {
	p := s.p
	classes := [2]class{p.hot, p.typ}
	for c, cl := range classes {
		if cl.keys == 0 {
			continue
		}
		first := 0
		if c == 1 {
			first = 1
		}
		n := cl.keys
		pick := func(r *rand.Rand) *key { return s.keys[first+r.IntN(n)] }
		if c == 0 {
			pick = func(*rand.Rand) *key { return s.keys[0] }
		}
		if rate := cl.reads * float64(n) / float64(s.sample[c]); rate > 0 {
			r := s.w.Rand("evidence:reads:" + strconv.Itoa(c))
			s.poisson(r, rate, func() {
				k := pick(r)
				s.readOnce(k, k.pops[r.IntN(len(k.pops))])
			})
		}
		if rate := cl.writes * float64(n); rate > 0 {
			r := s.w.Rand("evidence:writes:" + strconv.Itoa(c))
			do := func() {
				k := pick(r)
				at := k.writer
				if p.concur {
					at = k.pops[r.IntN(len(k.pops))]
				}
				s.writeOnce(k, at)
			}
			if c == 0 && p.hotWritesPlaced {
				gap := s.window / time.Duration(s.placed)
				phase := time.Duration(r.Int64N(int64(gap)))
				for i := range s.placed {
					s.w.At(phase+time.Duration(i)*gap, do)
				}
				continue
			}
			s.poisson(r, rate, do)
		}
	}
}

// poisson calls fn at Poisson arrivals of rate per second until the
// window ends; one self-rescheduling closure, so an arrival allocates
// nothing.
func (s *sim) poisson(r *rand.Rand, rate float64, fn func()) {
	mean := float64(time.Second) / rate
	var next func()
	next = func() {
		fn()
		if t := s.w.Now() + time.Duration(r.ExpFloat64()*mean); t < s.window {
			s.w.At(t, next)
		}
	}
	if t := time.Duration(r.ExpFloat64() * mean); t < s.window {
		s.w.At(t, next)
	}
}

// readOnce is one reader's read, measured.
func (s *sim) readOnce(k *key, at edge.PoPID) {
	issue := s.w.Now()
	s.m.simReads++
	s.read(k, at, func(v int64, err error) {
		s.m.read(s, k, at, issue, v, err)
	})
}

// writeOnce is one writer's write, then its read-back when the answers
// need reads to see their own writes.
func (s *sim) writeOnce(k *key, at edge.PoPID) {
	issue := s.w.Now()
	s.writes++
	n := s.writes
	idx := -1
	if k.cls == 0 && s.p.atomic && len(s.hotOps) < maxHistory {
		s.hotOps = append(s.hotOps, incrOp{n: n, call: issue})
		idx = len(s.hotOps) - 1
	}
	s.m.simWrites++
	s.write(k, at, n, func(v, counter int64, err error) {
		if idx >= 0 {
			o := &s.hotOps[idx] // by index: the slice may have moved since
			o.ret, o.value, o.ok, o.finished = s.w.Now(), counter, err == nil, true
		}
		s.m.wrote(s, k, err)
		if err == nil && s.purge {
			s.cache.PurgeEverywhere(at, k.name, 0, nil)
		}
		if err != nil || !s.p.ryw {
			return
		}
		s.read(k, at, func(got int64, err error) { s.m.readBack(s, k, v, got, err) })
	})
}

// read is the design's read path for key k at PoP at; cb gets the
// version read, in the numbering of the design's source of truth.
func (s *sim) read(k *key, at edge.PoPID, cb func(v int64, err error)) {
	if s.cache == nil {
		s.storeRead(k, at, cb)
		return
	}
	s.cache.Match(at, k.name, 0, func(m edge.CacheMatch) {
		if m.Hit {
			cb(m.Response.Version, nil)
			return
		}
		s.storeRead(k, at, func(v int64, err error) {
			if err == nil {
				// As the sketches do, in waitUntil: the reader does not wait.
				s.cache.Put(at, k.name, edge.CachedResponse{Status: 200, Version: v, MaxAge: s.cacheMA}, 0, nil)
			}
			cb(v, err)
		})
	})
}

func (s *sim) storeRead(k *key, at edge.PoPID, cb func(v int64, err error)) {
	opt := edge.GetOptions{CacheTTL: s.p.kvTTL}
	switch s.st {
	case stKV:
		s.kv.Get(at, k.name, opt, 0, func(g edge.GetResult) { cb(g.Version, g.Err) })
	case stDOKV:
		s.kv.Get(at, k.name, opt, 0, func(g edge.GetResult) { cb(parse(g.Value), g.Err) })
	case stDO:
		k.stub.Fetch(at, "/get", "", 0, func(r edge.Response) { cb(parse(r.Body), r.Err) })
	case stOrigin, stR2:
		s.m.originFetch[k.cls]++
		s.origin.Fetch(at, k.name, 0, func(r edge.OriginResponse) { cb(r.Version, nil) })
	case stR2KV:
		// The pointer names the version; the blob it names is immutable,
		// so fetching it adds time, never staleness.
		s.kv.Get(at, k.name, opt, 0, func(g edge.GetResult) {
			if g.Err != nil {
				cb(0, g.Err)
				return
			}
			s.m.originFetch[k.cls]++
			s.origin.Fetch(at, k.name, 0, func(edge.OriginResponse) { cb(g.Version, nil) })
		})
	}
}

// write is the design's write path: an increment (read-modify-write)
// when the answers say updates are, a replacement otherwise. done gets
// the version written (in the source of truth's numbering) and the
// counter it holds.
func (s *sim) write(k *key, at edge.PoPID, n int64, done func(v, counter int64, err error)) {
	w := s.w
	switch s.st {
	case stKV:
		put := func(counter int64) {
			s.kv.Put(at, k.name, strconv.FormatInt(counter, 10), edge.PutOptions{}, 0, func(err error) {
				if err != nil {
					done(0, 0, err)
					return
				}
				v := s.kv.Latest(k.name)
				s.commitAt(k, v, w.Now()-s.ackDelay(at), counter)
				done(v, counter, nil)
			})
		}
		if !s.p.atomic {
			put(n)
			return
		}
		s.kv.Get(at, k.name, edge.GetOptions{CacheTTL: s.p.kvTTL}, 0, func(g edge.GetResult) {
			if g.Err != nil {
				done(0, 0, g.Err)
				return
			}
			put(parse(g.Value) + 1)
		})
	case stDO, stDOKV:
		k.stub.Fetch(at, "/write", "", 0, func(r edge.Response) {
			if r.Err != nil {
				done(0, 0, r.Err)
				return
			}
			v := parse(r.Body)
			done(v, v, nil)
		})
	case stOrigin:
		// The origin applies a write as one step (an application server
		// with its own database), so it never loses one.
		o := s.origin.PoP()
		w.After(w.OneWay(at, o), func() {
			v := s.origin.SetContent(k.name, strconv.FormatInt(s.origin.Version(k.name), 10))
			s.commitAt(k, v, w.Now(), v-1)
			w.After(w.OneWay(o, at), func() { done(v, v-1, nil) })
		})
	case stR2, stR2KV:
		upload := func(counter int64) {
			o := s.origin.PoP()
			w.After(w.OneWay(at, o), func() {
				v := s.origin.SetContent(k.name, strconv.FormatInt(counter, 10))
				if s.st == stR2 {
					s.commitAt(k, v, w.Now(), counter)
				}
				w.After(w.OneWay(o, at), func() {
					if s.st == stR2 {
						done(v, counter, nil)
						return
					}
					s.kv.Put(at, k.name, strconv.FormatInt(v, 10), edge.PutOptions{}, 0, func(err error) {
						if err != nil {
							done(0, 0, err)
							return
						}
						kv := s.kv.Latest(k.name)
						s.commitAt(k, kv, w.Now()-s.ackDelay(at), counter)
						done(kv, counter, nil)
					})
				})
			})
		}
		if !s.p.atomic {
			upload(n)
			return
		}
		// Read-modify-write of the blob: R2 is consistent, but nothing
		// stops two writers reading the same version.
		s.m.originFetch[k.cls]++
		s.origin.Fetch(at, k.name, 0, func(r edge.OriginResponse) { upload(parse(r.Body) + 1) })
	}
}

// ackDelay is how long a KV write's acknowledgement took from the central
// store that accepted it back to the writer: the store nearest the
// writer, as the simulator routes writes. The commit happened that long
// before the acknowledgement arrived (to within the network's jitter).
func (s *sim) ackDelay(at edge.PoPID) time.Duration {
	return s.w.BaseRTT(s.w.Nearest(at, s.stores), at) / 2
}

// commitAt records a new current version of k.
func (s *sim) commitAt(k *key, v int64, at time.Duration, counter int64) {
	last := k.commits[len(k.commits)-1]
	if v <= last.version {
		return // a version already known (never newer than the current)
	}
	k.commits = append(k.commits, commit{version: v, at: max(at, last.at), counter: counter})
	k.latest = v
}

// object is the Durable Object of one key: its value in storage, read
// and incremented there, so the input gate makes every increment atomic.
// With do-plus-kv it also publishes its value to KV, at most once a second.
type object struct {
	s *sim
	k *key
}

// Fetch handles the object's three requests.
func (o *object) Fetch(c *edge.DOContext, r *edge.DORequest) {
	st := c.Storage()
	switch r.Path {
	case "/get":
		st.Get("v", func(v string, _ bool) { r.Respond(200, v) })
	case "/write":
		st.Get("v", func(v string, _ bool) {
			n := parse(v) + 1
			body := strconv.FormatInt(n, 10)
			st.Put("v", body)
			o.s.commitAt(o.k, n, o.s.w.Now(), n)
			if o.s.st == stDOKV {
				o.s.publishSoon(o.k, c.PoP())
			}
			r.Respond(200, body)
		})
	case "/publish":
		st.Get("v", func(v string, _ bool) {
			o.k.pubLast = o.s.w.Now()
			n := parse(v)
			c.KV(kvBinding).Put(o.k.name, v, edge.PutOptions{}, func(err error) {
				o.k.pubBusy = false
				if err != nil {
					o.s.m.publish429++
				} else {
					o.k.published = max(o.k.published, n)
				}
				if o.k.latest > o.k.published {
					o.s.publishSoon(o.k, c.PoP())
				}
				r.Respond(200, v)
			})
		})
	default:
		r.Respond(404, "")
	}
}

// publishSoon asks k's object to publish its value to KV: now, or a
// second after the last publish, since KV takes one write a second per
// key. The request comes from the object's own location, as an alarm
// or a timer inside the object would fire there.
func (s *sim) publishSoon(k *key, at edge.PoPID) {
	if k.pubBusy {
		return
	}
	k.pubBusy = true
	t := max(s.w.Now(), k.pubLast+pubGap)
	s.w.At(t, func() {
		k.stub.Fetch(at, "/publish", "", 0, func(r edge.Response) {
			if r.Err != nil {
				k.pubBusy = false // the object failed it: the next write asks again
			}
		})
	})
}

// parse reads a version or counter from a body; "" (nothing stored yet)
// is 0.
func parse(b string) int64 {
	n, err := strconv.ParseInt(b, 10, 64)
	if err != nil {
		return 0
	}
	return n
}
