package edge

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// KVConfig holds the Workers KV model's parameters. Zero fields take the
// documented defaults (docs/FACTS.md, checked 2026-11-30).
type KVConfig struct {
	DefaultCacheTTL time.Duration // cacheTtl when a read names none: 60 s
	MinCacheTTL     time.Duration // lowest accepted cacheTtl: 30 s since 2026-01-30
	WriteInterval   time.Duration // per-key write limit: 1 write per second
	// WriteSlack is how much shorter than WriteInterval the gap between
	// two accepted writes may be. Cloudflare documents the limit, not how
	// strictly it is measured; a writer pacing itself at exactly one write
	// per second is within it, so network jitter on the way to the central
	// store (up to about ±15 ms on the longest routes) must not turn its
	// writes into 429s. 25 ms is kvdo's assumption.
	WriteSlack        time.Duration
	WriterVisibleProb float64 // chance a write is visible at once at the writing PoP ("usually")
	// RefreshAhead is the fraction of an entry's cacheTtl, before it
	// expires, in which a read triggers a background refresh. Cloudflare
	// documents that hot keys are refreshed without stalling readers but
	// not when; a quarter of the TTL is this model's assumption.
	RefreshAhead float64
	// HotReadMin and HotReadMax bound a read served from the PoP's own
	// cache in the common case: "typically 500 µs to 10 ms"
	// (workers/platform/storage-options). HotTailPPM of every million such
	// reads instead take HotTailMin to HotTailMax: 2% over 10-310 ms puts
	// the 99th percentile at 160 ms, the classic-mode p99 for cached reads
	// in Cloudflare's 2026-10-01 KV post; the shape of the tail is kvdo's.
	HotReadMin, HotReadMax time.Duration
	HotTailPPM             int64
	HotTailMin, HotTailMax time.Duration
	StoreReadMin           time.Duration // a central store's own read time, on top of the network
	StoreReadMax           time.Duration
	// StoreWriteMin and StoreWriteMax bound a central store's time to make
	// a write durable before it is accepted. Cloudflare publishes no
	// figure: 10-50 ms is kvdo's assumption.
	StoreWriteMin, StoreWriteMax time.Duration
	LocalLatency                 time.Duration // an operation in local (Miniflare) mode
	MaxValueBytes                int           // 25 MiB
	MaxKeyBytes                  int           // 512 B
	MaxMetadataSize              int           // 1024 B of serialized JSON
	MinExpiration                time.Duration // expirationTtl and expiration must be at least 60 s ahead
	ListStaleness                time.Duration // list results may be up to 60 s old
	ListPageMax                  int           // 1,000 keys per list page
	OpsPerRequest                int           // 1,000 KV operations per Worker invocation
	// UnixEpoch is the Unix time, in seconds, at virtual time zero, so that
	// absolute expirations can be written as Unix timestamps.
	UnixEpoch int64
}

func (c KVConfig) withDefaults() KVConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.DefaultCacheTTL, 60*time.Second)
	def(&c.MinCacheTTL, 30*time.Second)
	def(&c.WriteInterval, time.Second)
	def(&c.WriteSlack, 25*time.Millisecond)
	def(&c.HotReadMin, 500*time.Microsecond)
	def(&c.HotReadMax, 10*time.Millisecond)
	def(&c.HotTailMin, 10*time.Millisecond)
	def(&c.HotTailMax, 310*time.Millisecond)
	if c.HotTailPPM == 0 {
		c.HotTailPPM = 20_000
	}
	def(&c.StoreReadMin, 20*time.Millisecond)
	def(&c.StoreReadMax, 80*time.Millisecond)
	def(&c.StoreWriteMin, 10*time.Millisecond)
	def(&c.StoreWriteMax, 50*time.Millisecond)
	def(&c.LocalLatency, 200*time.Microsecond)
	def(&c.MinExpiration, 60*time.Second)
	def(&c.ListStaleness, 60*time.Second)
	if c.WriterVisibleProb == 0 {
		c.WriterVisibleProb = 0.97
	}
	if c.RefreshAhead == 0 {
		c.RefreshAhead = 0.25
	}
	if c.MaxValueBytes == 0 {
		c.MaxValueBytes = 25 << 20
	}
	if c.MaxKeyBytes == 0 {
		c.MaxKeyBytes = 512
	}
	if c.MaxMetadataSize == 0 {
		c.MaxMetadataSize = 1024
	}
	if c.ListPageMax == 0 {
		c.ListPageMax = 1000
	}
	if c.OpsPerRequest == 0 {
		c.OpsPerRequest = 1000
	}
	if c.UnixEpoch == 0 {
		c.UnixEpoch = 1_800_000_000 // 2027-01-15: any fixed instant will do
	}
	return c
}

// KVError is an error the KV API would throw. Code is stable for tests and
// narration: "429", "value-too-large", "key-too-large", "metadata-too-large",
// "bad-cache-ttl", "bad-expiration", "bad-key", "too-many-ops".
type KVError struct {
	Code string
	Msg  string
}

func (e *KVError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrTooManyRequests) (or any KVError) match a
// KVError of the same code, however it was wrapped.
func (e *KVError) Is(target error) bool {
	t, ok := target.(*KVError)
	return ok && t.Code == e.Code
}

// ErrTooManyRequests is what a put past the per-key write limit fails with.
var ErrTooManyRequests = &KVError{Code: "429", Msg: "KV PUT failed: 429 Too Many Requests"}

// IsKVError reports whether err is, or wraps, a KVError with the given
// code.
func IsKVError(err error, code string) bool {
	var ke *KVError
	return errors.As(err, &ke) && ke.Code == code
}

// kvTruth is the newest accepted state of a key anywhere: what a perfectly
// consistent store would return. Reads are judged stale against it.
type kvTruth struct {
	version   int64
	lastWrite time.Duration // when the newest write was applied
	limitAt   time.Duration // when the last write within the limit arrived
	written   bool
	deleted   bool          // the newest write is a delete
	expiresAt time.Duration // when the newest write expires (0: never)
}

// gone reports whether the newest write has expired by now: "not found"
// is then the current answer, not a stale one.
func (t *kvTruth) gone(now time.Duration) bool { return t.expiresAt != 0 && now >= t.expiresAt }

// kvWant is what a consistent store would answer for a key at one instant:
// the newest accepted version, and whether the key then existed.
type kvWant struct {
	version int64
	found   bool
}

// want is the consistent answer for key now. A read is judged against the
// answer at the moment it was issued: a write accepted while the read is
// in flight is concurrent with it, and a linearizable store could return
// either value, so missing it is not staleness.
func (ns *KVNamespace) want(key string) kvWant {
	t := ns.truth[key]
	if t == nil {
		return kvWant{}
	}
	return t.want(ns.w.now)
}

func (t *kvTruth) want(now time.Duration) kvWant {
	return kvWant{version: t.version, found: !t.deleted && !t.gone(now)}
}

// staleAgainst reports whether an answer (version, found) is older than
// want. Two "not found" answers agree whatever their versions: a key that
// was deleted or has expired reads the same as one never written.
func staleAgainst(version int64, found bool, want kvWant) bool {
	if !found && !want.found {
		return false
	}
	return version < want.version
}

// kvRecord is a key's value as one store or cache holds it.
type kvRecord struct {
	value     string
	meta      string
	version   int64
	found     bool
	expiresAt time.Duration // 0: never
}

// kvCached is a copy held in a PoP's or a regional tier's cache.
type kvCached struct {
	rec        kvRecord
	fetchedAt  time.Duration
	expires    time.Duration
	ttl        time.Duration
	refreshAt  time.Duration // see refreshFrom; kept with expires and ttl
	refreshing bool
	truth      *kvTruth
}

// refreshFrom is when reads of copy c start refreshing it in the
// background: the last RefreshAhead of its cacheTtl before it expires.
func (ns *KVNamespace) refreshFrom(c *kvCached) time.Duration {
	return c.expires - time.Duration(float64(c.ttl)*ns.cfg.RefreshAhead)
}

// kvFetch is one in-flight fill of a PoP's cache; concurrent misses for the
// same key at the same PoP wait on it instead of each going upstream.
type kvFetch struct {
	waiters []kvWaiter
}

type kvWaiter struct {
	real    bool // a reader waits (false for a background refresh)
	refresh bool // a background refresh: reads through to a central store
	// version and expires are the refreshed copy's, for the trace.
	version int64
	expires time.Duration
	req     int
	start   time.Duration
	want    kvWant // the consistent answer when the read was issued
	site    string
	cb      func(GetResult)
}

// KVNamespace is one simulated KV namespace.
type KVNamespace struct {
	w    *World
	name string
	cfg  KVConfig
	rnd  *rand.Rand
	src  *pcg // rnd's generator, called directly on the hot path
	hot  hotDraw
	// readers are the batch readers of keys (see reader), which keep a
	// pointer to each PoP's copy instead of looking the key up per read.
	readers map[string][]*kvReader
	truth   map[string]*kvTruth
	stores  []map[string]kvRecord // one per central store
	sPoPs   []PoPID               // where each central store is
	central []string              // each central store's actor id
	local   map[string]kvRecord   // local mode's single store
	pop     []map[string]*kvCached
	tier    []map[string]*kvCached // indexed by hub PoP
	fly     []map[string]*kvFetch
	hub     []PoPID // each PoP's regional tier hub
	store   []PoPID // index into stores nearest each PoP
	lists   []map[string]listSnap
	nextV   int64

	// KV Instant (beta): the namespace's own write limit and size.
	instant      bool
	limitAt      time.Duration
	pairs, bytes int
	sizes        map[string]int

	mHit, mMiss, mStale, mRefresh, mPutOK, mPut429, mPutErr *Counter
	hHit, hMiss, hPut                                       *Histogram
}

type listSnap struct {
	keys []string
	at   time.Duration
}

// KV returns the namespace with the given binding name, creating it empty.
func (w *World) KV(name string) *KVNamespace {
	if ns, ok := w.kv[name]; ok {
		return ns
	}
	n := len(w.pops)
	ns := &KVNamespace{
		w: w, name: name, cfg: w.cfg.KV, src: w.source("kv:" + name), hot: newHotDraw(w.cfg.KV),
		truth: map[string]*kvTruth{},
		local: map[string]kvRecord{},
		sizes: map[string]int{},
		pop:   make([]map[string]*kvCached, n),
		tier:  make([]map[string]*kvCached, n),
		fly:   make([]map[string]*kvFetch, n),
		lists: make([]map[string]listSnap, n),
		hub:   make([]PoPID, n),
		store: make([]PoPID, n),
	}
	ns.rnd = rand.New(ns.src)
	for i := range n {
		ns.pop[i] = map[string]*kvCached{}
		ns.tier[i] = map[string]*kvCached{}
		ns.fly[i] = map[string]*kvFetch{}
		ns.lists[i] = map[string]listSnap{}
		ns.hub[i] = PoPID(i)
		if t := w.pops[i].Tier; t != "" {
			ns.hub[i] = w.popIdx[t]
		}
	}
	cs := w.cfg.Topology.CentralStores
	if len(cs) == 0 {
		cs = []string{w.pops[0].Code}
	}
	for _, c := range cs {
		ns.sPoPs = append(ns.sPoPs, w.popIdx[c])
		ns.central = append(ns.central, CentralActor(c))
		ns.stores = append(ns.stores, map[string]kvRecord{})
	}
	for i := range n {
		ns.store[i] = w.Nearest(PoPID(i), ns.sPoPs)
	}
	m := w.metrics
	p := "kv." + name + "."
	ns.mHit, ns.mMiss, ns.mStale = m.Counter(p+"get.hit"), m.Counter(p+"get.miss"), m.Counter(p+"get.stale")
	ns.mRefresh = m.Counter(p + "refresh")
	ns.mPutOK, ns.mPut429, ns.mPutErr = m.Counter(p+"put.accepted"), m.Counter(p+"put.429"), m.Counter(p+"put.error")
	ns.hHit, ns.hMiss, ns.hPut = m.Histogram(p+"get.hit.latency"), m.Histogram(p+"get.miss.latency"), m.Histogram(p+"put.latency")
	w.kv[name] = ns
	w.kvNames = append(w.kvNames, name)
	return ns
}

// Name is the namespace's binding name.
func (ns *KVNamespace) Name() string { return ns.name }

// GetOptions are a read's options; a zero CacheTTL means the default 60 s.
type GetOptions struct {
	CacheTTL time.Duration
}

// GetResult is what a KV read returns, plus what the simulator knows about
// it that a Worker would not: whether it was stale and how it was served.
type GetResult struct {
	Key      string
	Value    string
	Metadata string
	Found    bool
	Version  int64 // version of the value returned (0: none)
	Latest   int64 // newest accepted version when the read returned
	// Stale: older than the newest version accepted before the read was
	// issued, so a consistent store would have said otherwise. A write
	// accepted while the read is in flight does not make it stale.
	Stale   bool
	Outcome string
	Latency time.Duration
	Err     error
}

func (ns *KVNamespace) checkKey(key string) error {
	if key == "" || key == "." || key == ".." {
		return &KVError{Code: "bad-key", Msg: fmt.Sprintf("KV key %q is not allowed", key)}
	}
	if len(key) > ns.cfg.MaxKeyBytes {
		return &KVError{Code: "key-too-large", Msg: fmt.Sprintf("KV key of %d bytes exceeds the %d-byte limit", len(key), ns.cfg.MaxKeyBytes)}
	}
	return nil
}

// countOp charges one KV operation to Worker request req and fails once
// the invocation has used its 1,000. Request 0 (batch workloads, code
// outside any invocation, alarms) is not counted; a Durable Object's
// operations count against the request it is handling, this model's
// simplification of the object's own invocation. Local mode does not
// count: Miniflare does not enforce the limit (fact miniflare-no-ops-limit,
// found by the conformance suite).
func (ns *KVNamespace) countOp(req int) error {
	if req <= 0 || ns.w.cfg.Mode == Local {
		return nil
	}
	w := ns.w
	if w.kvOps == nil {
		w.kvOps = map[int]int{}
	}
	w.kvOps[req]++
	if w.kvOps[req] > ns.cfg.OpsPerRequest {
		return &KVError{Code: "too-many-ops", Msg: fmt.Sprintf("Too many API requests by single Worker invocation: KV allows %d operations per invocation", ns.cfg.OpsPerRequest)}
	}
	return nil
}

// hotLatency draws the time of a read served from the PoP's cache. It is
// on the hottest path of batch runs, so one 64-bit draw does both jobs:
// its low 20 bits pick the body or the tail, its high bits (through a
// 128-bit product, as rand does for a bounded draw) the place in it.
func (ns *KVNamespace) hotLatency() time.Duration {
	u := ns.src.Uint64()
	if u&(1<<20-1) < ns.hot.tailCut {
		return ns.tailLatency(u)
	}
	hi, _ := bits.Mul64(u, ns.hot.span)
	return ns.hot.min + time.Duration(hi)
}

// tailLatency is hotLatency's rare slow read, from the same draw u.
func (ns *KVNamespace) tailLatency(u uint64) time.Duration {
	hi, _ := bits.Mul64(u, ns.hot.tailSpan)
	return ns.cfg.HotTailMin + time.Duration(hi)
}

// hotDraw is hotLatency's arithmetic on the configuration, done once.
type hotDraw struct {
	tailCut        uint64 // HotTailPPM as a share of 2^20
	span, tailSpan uint64 // the widths of the body and the tail, in ns, plus one
	min            time.Duration
}

func newHotDraw(c KVConfig) hotDraw {
	return hotDraw{tailCut: uint64(c.HotTailPPM) << 20 / 1_000_000, min: c.HotReadMin,
		span: uint64(c.HotReadMax-c.HotReadMin) + 1, tailSpan: uint64(c.HotTailMax-c.HotTailMin) + 1}
}

// replicationQuantiles shape the delay before another central store
// applies an accepted write, as (per-million, delay) points joined by
// straight lines. The median (0.8 s) and p95 (4.4 s) follow Cloudflare's
// 2026-10-01 KV post: a median under 1 s and a p95 of about 4.4 s across
// its storage backends, with no hard cap. Beyond p95 the shape is kvdo's
// assumption: one write in a thousand takes about 20 s, the slowest 60 s.
// Integer arithmetic only, so every machine draws the same delays.
var replicationQuantiles = []struct {
	ppm int64
	d   time.Duration
}{
	{0, 100 * time.Millisecond},
	{250_000, 400 * time.Millisecond},
	{500_000, 800 * time.Millisecond},
	{750_000, 1600 * time.Millisecond},
	{900_000, 3 * time.Second},
	{950_000, 4400 * time.Millisecond},
	{990_000, 9 * time.Second},
	{999_000, 20 * time.Second},
	{1_000_000, 60 * time.Second},
}

// replicationDelay draws one store-to-store replication delay.
func (ns *KVNamespace) replicationDelay() time.Duration {
	x := ns.rnd.Int64N(1_000_000)
	q := replicationQuantiles
	for i := 1; i < len(q); i++ {
		if x < q[i].ppm {
			a, b := q[i-1], q[i]
			return a.d + time.Duration(int64(b.d-a.d)*(x-a.ppm)/(b.ppm-a.ppm))
		}
	}
	return q[len(q)-1].d
}

// Get reads key at PoP from. cb, if not nil, runs when the read returns;
// batch runs pass nil and the read costs no scheduled event on a hit.
func (ns *KVNamespace) Get(from PoPID, key string, opt GetOptions, req int, cb func(GetResult)) {
	ns.get(from, key, opt, req, ns.w.callSite(1), false, cb)
}

// get is one read; counted says the operation was already charged to
// the invocation (a key of a bulk read).
func (ns *KVNamespace) get(from PoPID, key string, opt GetOptions, req int, site string, counted bool, cb func(GetResult)) {
	w := ns.w
	ttl := opt.CacheTTL
	if ttl == 0 {
		ttl = ns.cfg.DefaultCacheTTL
	}
	var err error
	if ttl < ns.cfg.MinCacheTTL {
		err = &KVError{Code: "bad-cache-ttl", Msg: fmt.Sprintf("cacheTtl %v is below the minimum of %v", ttl, ns.cfg.MinCacheTTL)}
	} else if err = ns.checkKey(key); err == nil && !counted {
		err = ns.countOp(req)
	}
	if err != nil {
		w.emit(Event{Kind: EvKVGet, Actor: w.pops[from].Code, Req: req, Key: key, Outcome: "error", Detail: err.Error(), Site: site})
		if cb != nil {
			cb(GetResult{Key: key, Err: err, Outcome: "error"})
		}
		return
	}
	if w.cfg.Mode == Local {
		ns.localGet(from, key, req, site, cb)
		return
	}
	ns.read(from, key, ns.pop[from][key], ttl, req, site, cb)
}

// read is a valid read of key at PoP from whose cached copy there, if
// any, is c: the code every read in production mode runs, a demo's or a
// batch reader's. The common case, a copy served as it is, comes first
// and stays small; readCopy has every other case.
func (ns *KVNamespace) read(from PoPID, key string, c *kvCached, ttl time.Duration, req int, site string, cb func(GetResult)) {
	if now := ns.w.now; c != nil && c.rec.expiresAt == 0 && c.fetchedAt+ttl >= c.expires && now < c.expires {
		ns.hit(from, key, c, now, req, site, cb)
		return
	}
	ns.readCopy(from, key, c, ttl, req, site, cb)
}

// readCopy is a read whose copy may have expired, need shortening or be
// missing.
func (ns *KVNamespace) readCopy(from PoPID, key string, c *kvCached, ttl time.Duration, req int, site string, cb func(GetResult)) {
	w := ns.w
	now := w.now
	if c != nil && c.rec.expiresAt != 0 && now >= c.rec.expiresAt {
		// The key itself expired: never serve it.
		if w.cfg.Trace {
			w.emit(Event{Kind: EvKVExpired, Actor: w.pops[from].Code, Req: req, Key: key, Version: c.rec.version,
				Outcome: "expiration", Expires: c.rec.expiresAt, Site: site})
		}
		c = nil
	}
	if c != nil && c.fetchedAt+ttl < c.expires {
		c.expires = c.fetchedAt + ttl // a lower cacheTtl shortens the cached copy
		c.refreshAt = ns.refreshFrom(c)
		if w.cfg.Trace {
			w.emit(Event{Kind: EvKVShorten, Actor: w.pops[from].Code, Req: req, Key: key, Version: c.rec.version,
				Tier: "pop", Expires: c.expires, Latency: ttl, Site: site})
		}
	}
	if c != nil && now >= c.expires && w.cfg.Trace {
		w.emit(Event{Kind: EvKVExpired, Actor: w.pops[from].Code, Req: req, Key: key, Version: c.rec.version,
			Outcome: "cache-ttl", Expires: c.expires, Site: site})
	}
	if c != nil && now < c.expires {
		ns.hit(from, key, c, now, req, site, cb)
		return
	}
	ns.mMiss.Add(1)
	ns.fetch(from, key, ttl, kvWaiter{real: true, req: req, start: now, want: ns.want(key), site: site, cb: cb})
}

// hit serves a read from the PoP's copy c, which is valid now. It is the
// hottest code of batch runs: what only traced or answered reads need is
// in hitTraced and answerHit, so this frame stays small.
func (ns *KVNamespace) hit(from PoPID, key string, c *kvCached, now time.Duration, req int, site string, cb func(GetResult)) {
	w := ns.w
	lat := ns.hotLatency()
	stale := staleAgainst(c.rec.version, c.rec.found, c.truth.want(now)) // c.truth is ns.truth[key]: no lookup
	ns.mHit.v++
	if stale {
		ns.mStale.v++
	}
	ns.hHit.Record(lat)
	if w.cfg.Trace {
		ns.hitTraced(from, key, req, site)
	}
	if !c.refreshing && now >= c.refreshAt {
		ns.refresh(from, key, c)
	}
	if cb != nil || w.cfg.History || w.cfg.Trace {
		// A refresh never fills a copy at once (it reads through to a
		// central store), so c is as the read found it.
		ns.answerHit(from, key, c, now, lat, stale, req, site, cb)
	}
}

// hitTraced records a hit in the trace.
func (ns *KVNamespace) hitTraced(from PoPID, key string, req int, site string) {
	w := ns.w
	w.emit(Event{Kind: EvKVGet, Actor: w.pops[from].Code, Req: req, Key: key, Outcome: "hit", Site: site})
}

// answerHit delivers a hit's result once its latency has passed.
func (ns *KVNamespace) answerHit(from PoPID, key string, c *kvCached, now, lat time.Duration, stale bool, req int, site string, cb func(GetResult)) {
	want := c.truth.want(now)
	res := GetResult{Key: key, Value: c.rec.value, Metadata: c.rec.meta, Found: c.rec.found,
		Version: c.rec.version, Latest: c.truth.version, Stale: stale, Outcome: "hit", Latency: lat}
	ns.w.After(lat, func() { ns.deliver(from, req, site, now, want, res, cb) })
}

// kvReader reads one key with fixed options, as a batch workload does
// millions of times: the key and the options are checked once, and each
// PoP's cached copy is held by pointer (fill registers a new one), so a
// read neither hashes the key nor repeats a check. Each read then runs
// the same code as any other (read).
type kvReader struct {
	ns  *KVNamespace
	key string
	ttl time.Duration
	pop []*kvCached // each PoP's copy of key, nil until it has one
}

// reader prepares reads of key with opt, outside any Worker invocation
// (they are not counted against one), or says why such a read would fail.
func (ns *KVNamespace) reader(key string, opt GetOptions) (*kvReader, error) {
	ttl := opt.CacheTTL
	if ttl == 0 {
		ttl = ns.cfg.DefaultCacheTTL
	}
	if ttl < ns.cfg.MinCacheTTL {
		return nil, &KVError{Code: "bad-cache-ttl", Msg: fmt.Sprintf("cacheTtl %v is below the minimum of %v", ttl, ns.cfg.MinCacheTTL)}
	}
	if err := ns.checkKey(key); err != nil {
		return nil, err
	}
	r := &kvReader{ns: ns, key: key, ttl: ttl, pop: make([]*kvCached, len(ns.pop))}
	for i, m := range ns.pop {
		r.pop[i] = m[key]
	}
	if ns.readers == nil {
		ns.readers = map[string][]*kvReader{}
	}
	ns.readers[key] = append(ns.readers[key], r)
	return r, nil
}

// get reads the key at PoP from, as Get(from, key, opt, 0, nil) would
// in production mode with tracing off (the reader serves only those).
func (r *kvReader) get(from PoPID) {
	r.ns.read(from, r.key, r.pop[from], r.ttl, 0, "", nil)
}

// deliver completes a read, judged stale against want, the consistent
// answer when it was issued.
func (ns *KVNamespace) deliver(from PoPID, req int, site string, start time.Duration, want kvWant, res GetResult, cb func(GetResult)) {
	w := ns.w
	res.Stale = staleAgainst(res.Version, res.Found, want)
	if t := ns.truth[res.Key]; t != nil {
		res.Latest = t.version
	}
	res.Latency = w.now - start
	if w.cfg.Trace {
		out := "fresh"
		switch {
		case res.Stale:
			out = "stale"
		case !res.Found:
			out = "not-found"
		}
		w.emit(Event{Kind: EvKVGetDone, Actor: w.pops[from].Code, Req: req, Key: res.Key, Value: res.Value,
			Version: res.Version, Outcome: out, Tier: res.Outcome, Latency: res.Latency, Site: site})
	}
	w.recordOp(Op{Client: req, Kind: OpGet, Key: res.Key, Value: res.Version, Found: res.Found,
		Call: start, Return: w.now, Label: fmt.Sprintf("get at %s", w.pops[from].Code)})
	if cb != nil {
		cb(res)
	}
}

// refresh re-reads a hot entry in the background; readers keep being served
// the cached copy meanwhile.
func (ns *KVNamespace) refresh(from PoPID, key string, c *kvCached) {
	c.refreshing = true
	ns.mRefresh.Add(1)
	ns.fetch(from, key, c.ttl, kvWaiter{refresh: true, version: c.rec.version, expires: c.expires})
}

// fetch fills PoP from's cache for key: through its regional tier hub, and
// on a tier miss from the nearest central store. The miss (or the
// refresh) is recorded once the fill is registered, so the trace event
// and the state it describes coincide.
func (ns *KVNamespace) fetch(from PoPID, key string, ttl time.Duration, wt kvWaiter) {
	w := ns.w
	announce := func() {
		if !w.cfg.Trace {
			return
		}
		if wt.refresh {
			w.emit(Event{Kind: EvKVRefresh, Actor: w.pops[from].Code, Key: key, Version: wt.version, Expires: wt.expires})
			return
		}
		w.emit(Event{Kind: EvKVGet, Actor: w.pops[from].Code, Req: wt.req, Key: key, Outcome: "miss", Site: wt.site})
	}
	if f := ns.fly[from][key]; f != nil {
		if wt.real {
			f.waiters = append(f.waiters, wt)
		}
		announce()
		return
	}
	f := &kvFetch{}
	if wt.real {
		f.waiters = append(f.waiters, wt)
	}
	ns.fly[from][key] = f
	announce()
	hub := ns.hub[from]
	finish := func(rec kvRecord, tier string, since time.Duration) {
		delete(ns.fly[from], key)
		ns.fill(from, key, rec, ttl, "pop", since, "")
		for _, x := range f.waiters {
			res := GetResult{Key: key, Value: rec.value, Metadata: rec.meta, Found: rec.found,
				Version: rec.version, Outcome: tier}
			ns.hMiss.Record(w.now - x.start)
			if staleAgainst(rec.version, rec.found, x.want) {
				ns.mStale.Add(1)
			}
			ns.deliver(from, x.req, x.site, x.start, x.want, res, x.cb)
		}
	}
	fromHub := func() {
		// At the hub: a fresh tier copy answers, otherwise ask a central store.
		// A background refresh reads through to a central store: refreshing
		// from a tier copy that is itself nearly expired would let copies
		// of copies stay stale for several cacheTtl periods.
		tc := ns.tier[hub][key]
		if tc != nil && tc.fetchedAt+ttl < tc.expires {
			tc.expires = tc.fetchedAt + ttl
			tc.refreshAt = ns.refreshFrom(tc)
			w.emit(Event{Kind: EvKVShorten, Actor: w.pops[hub].Code, Req: wt.req, Key: key, Version: tc.rec.version,
				Tier: "tier", Expires: tc.expires, Latency: ttl, Site: wt.site})
		}
		if tc != nil && !wt.refresh && w.now < tc.expires && (tc.rec.expiresAt == 0 || w.now < tc.rec.expiresAt) {
			// The PoP's copy inherits the tier copy's age, as HTTP caches
			// do with Age, so staleness stays bounded by one cacheTtl.
			rec, since := tc.rec, tc.fetchedAt
			if hub == from {
				finish(rec, "tier", since)
				return
			}
			w.send(message{from: hub, to: from, kind: MsgKVValue, key: key, req: wt.req, site: wt.site}, func() { finish(rec, "tier", since) })
			return
		}
		si := ns.storeIndex(ns.store[hub])
		sp := ns.sPoPs[si]
		central := ns.central[si]
		w.send(message{from: hub, to: sp, toActor: central, kind: MsgKVRead, key: key, req: wt.req, site: wt.site}, func() {
			d := ns.cfg.StoreReadMin + time.Duration(ns.rnd.Int64N(int64(ns.cfg.StoreReadMax-ns.cfg.StoreReadMin)+1))
			w.After(d, func() {
				rec := ns.stores[si][key]
				if rec.expiresAt != 0 && w.now >= rec.expiresAt {
					rec = kvRecord{}
				}
				readAt := w.now
				w.send(message{from: sp, to: hub, fromActor: central, kind: MsgKVValue, key: key, req: wt.req, site: wt.site}, func() {
					if hub != from {
						ns.fill(hub, key, rec, ttl, "tier", readAt, "")
						w.send(message{from: hub, to: from, kind: MsgKVValue, key: key, req: wt.req, site: wt.site}, func() { finish(rec, "central", readAt) })
						return
					}
					finish(rec, "central", readAt)
				})
			})
		})
	}
	if hub == from {
		fromHub()
		return
	}
	w.send(message{from: from, to: hub, kind: MsgKVRead, key: key, req: wt.req, site: wt.site}, fromHub)
}

func (ns *KVNamespace) storeIndex(p PoPID) int {
	for i, s := range ns.sPoPs {
		if s == p {
			return i
		}
	}
	return 0
}

func (ns *KVNamespace) truthOf(key string) *kvTruth {
	t := ns.truth[key]
	if t == nil {
		t = &kvTruth{lastWrite: -1 << 62, limitAt: -1 << 62}
		ns.truth[key] = t
	}
	return t
}

// fill stores rec in a PoP's ("pop") or a hub's ("tier") cache.
// since is when the copy was read from a central store: a copy's cacheTtl
// runs from then, not from when it reached this cache. how says why, for
// the trace: "" a read's fill, "write" the writer's own copy,
// "revalidate" a tier revalidated on a write, "push" KV Instant.
func (ns *KVNamespace) fill(at PoPID, key string, rec kvRecord, ttl time.Duration, level string, since time.Duration, how string) *kvCached {
	w := ns.w
	m := ns.pop[at]
	if level == "tier" {
		m = ns.tier[at]
	}
	exp := since + ttl
	if rec.expiresAt != 0 && rec.expiresAt < exp {
		exp = rec.expiresAt
	}
	c := m[key]
	prev := int64(-1)
	if c == nil {
		c = &kvCached{truth: ns.truthOf(key)}
		m[key] = c
		if level == "pop" {
			for _, r := range ns.readers[key] {
				r.pop[at] = c
			}
		}
	} else {
		prev = c.rec.version
		// A copy that had expired when rec was read is older than rec,
		// whatever its version: after expiry, "not found" is cached too.
		lapsed := c.rec.expiresAt != 0 && since >= c.rec.expiresAt
		if rec.version < c.rec.version && !lapsed {
			// A slower fetch must not roll back a newer copy (e.g. the
			// writer's own). Keep the newer one, extend nothing.
			c.refreshing = false
			w.emit(Event{Kind: EvKVFillKept, Actor: w.pops[at].Code, Key: key, Value: c.rec.value, Version: c.rec.version,
				Prev: rec.version, Tier: level, Expires: c.expires})
			return c
		}
	}
	c.rec, c.fetchedAt, c.expires, c.ttl, c.refreshing = rec, since, exp, ttl, false
	c.refreshAt = ns.refreshFrom(c)
	if w.cfg.Trace {
		w.emit(Event{Kind: EvKVFill, Actor: w.pops[at].Code, Key: key, Value: rec.value, Version: rec.version, Tier: level,
			Op: how, Outcome: foundText(rec.found), Expires: exp})
		if level == "pop" && rec.version != prev && rec.version == c.truth.version && c.truth.written {
			w.emit(Event{Kind: EvKVVisible, Actor: w.pops[at].Code, Key: key, Value: rec.value, Version: rec.version})
		}
	}
	return c
}

func foundText(found bool) string {
	if found {
		return "found"
	}
	return "not-found"
}

func (ns *KVNamespace) localGet(from PoPID, key string, req int, site string, cb func(GetResult)) {
	w := ns.w
	rec := ns.local[key]
	if rec.expiresAt != 0 && w.now >= rec.expiresAt {
		rec = kvRecord{}
	}
	ns.mHit.Add(1)
	ns.hHit.Record(ns.cfg.LocalLatency)
	w.emit(Event{Kind: EvKVGet, Actor: w.pops[from].Code, Req: req, Key: key, Outcome: "local", Site: site})
	start, want := w.now, ns.want(key)
	res := GetResult{Key: key, Value: rec.value, Metadata: rec.meta, Found: rec.found, Version: rec.version, Outcome: "local"}
	w.After(ns.cfg.LocalLatency, func() { ns.deliver(from, req, site, start, want, res, cb) })
}

// PutOptions are a write's options.
type PutOptions struct {
	Metadata      string        // serialized JSON, at most 1024 bytes
	ExpirationTTL time.Duration // at least 60 s; 0: none
	Expiration    int64         // absolute Unix seconds, at least 60 s ahead; 0: none
}

// Put writes key at PoP from. cb receives nil once the write is accepted
// by a central store, or the error it failed with (ErrTooManyRequests past
// the per-key limit; a KVError for a size or expiration limit, at once).
func (ns *KVNamespace) Put(from PoPID, key, value string, opt PutOptions, req int, cb func(error)) {
	ns.write(from, key, value, true, opt, req, ns.w.callSite(1), cb)
}

// Delete removes key; it counts as a write for the per-key limit.
func (ns *KVNamespace) Delete(from PoPID, key string, req int, cb func(error)) {
	ns.write(from, key, "", false, PutOptions{}, req, ns.w.callSite(1), cb)
}

func (ns *KVNamespace) validatePut(key, value string, opt PutOptions) (time.Duration, error) {
	if err := ns.checkKey(key); err != nil {
		return 0, err
	}
	if ns.instant {
		if err := ns.checkInstant(key, value, opt); err != nil {
			return 0, err
		}
	}
	if len(value) > ns.cfg.MaxValueBytes {
		return 0, &KVError{Code: "value-too-large", Msg: fmt.Sprintf("KV value of %d bytes exceeds the %d-byte limit", len(value), ns.cfg.MaxValueBytes)}
	}
	if len(opt.Metadata) > ns.cfg.MaxMetadataSize {
		return 0, &KVError{Code: "metadata-too-large", Msg: fmt.Sprintf("KV metadata of %d bytes exceeds the %d-byte limit", len(opt.Metadata), ns.cfg.MaxMetadataSize)}
	}
	now := ns.w.now
	var exp time.Duration
	if opt.ExpirationTTL != 0 {
		if opt.ExpirationTTL < ns.cfg.MinExpiration {
			return 0, &KVError{Code: "bad-expiration", Msg: fmt.Sprintf("expirationTtl %v is below the minimum of %v", opt.ExpirationTTL, ns.cfg.MinExpiration)}
		}
		exp = now + opt.ExpirationTTL
	}
	if opt.Expiration != 0 {
		at := time.Duration(opt.Expiration-ns.cfg.UnixEpoch) * time.Second
		if at < now+ns.cfg.MinExpiration {
			return 0, &KVError{Code: "bad-expiration", Msg: fmt.Sprintf("expiration %d must be at least %v in the future", opt.Expiration, ns.cfg.MinExpiration)}
		}
		if exp == 0 || at < exp {
			exp = at
		}
	}
	return exp, nil
}

func (ns *KVNamespace) write(from PoPID, key, value string, found bool, opt PutOptions, req int, site string, cb func(error)) {
	w := ns.w
	exp, err := ns.validatePut(key, value, opt)
	if err == nil {
		err = ns.countOp(req)
	}
	op := "put"
	if !found {
		op = "delete"
	}
	w.emit(Event{Kind: EvKVPut, Actor: w.pops[from].Code, Req: req, Key: key, Value: value, Op: op, Site: site})
	start := w.now
	if err != nil {
		ns.mPutErr.Add(1)
		w.emit(Event{Kind: EvKVPutDone, Actor: w.pops[from].Code, Req: req, Key: key, Op: op, Outcome: "error", Detail: err.Error(), Site: site})
		if cb != nil {
			cb(err)
		}
		return
	}
	rec := kvRecord{value: value, meta: opt.Metadata, found: found, expiresAt: exp}
	done := func(v int64, err error) {
		ns.hPut.Record(w.now - start)
		out := "accepted"
		if err != nil {
			out = "error"
			if IsKVError(err, "429") {
				out = "429"
			}
		}
		w.emit(Event{Kind: EvKVPutDone, Actor: w.pops[from].Code, Req: req, Key: key, Value: value, Version: v, Op: op,
			Outcome: out, Latency: w.now - start, Site: site})
		if err == nil {
			w.recordOp(Op{Client: req, Kind: OpPut, Key: key, Value: v, Found: found, Call: start, Return: w.now,
				Label: fmt.Sprintf("%s at %s", op, w.pops[from].Code)})
		}
		if cb != nil {
			cb(err)
		}
	}
	if w.cfg.Mode == Local {
		// Miniflare: one store, applied at once, no write limit.
		t := ns.truthOf(key)
		ns.nextV++
		rec.version = ns.nextV
		t.version, t.written, t.deleted, t.expiresAt = rec.version, true, !found, rec.expiresAt
		ns.local[key] = rec
		ns.mPutOK.Add(1)
		w.emit(Event{Kind: EvKVCommit, Actor: w.pops[from].Code, Req: req, Key: key, Value: value, Version: rec.version, Op: op, Tier: "local", Site: site})
		w.After(ns.cfg.LocalLatency, func() { done(rec.version, nil) })
		return
	}
	si := ns.storeIndex(ns.store[from])
	sp := ns.sPoPs[si]
	central := ns.central[si]
	w.send(message{from: from, to: sp, toActor: central, kind: MsgKVWrite, key: key, req: req, site: site}, func() {
		// The per-key limit (per namespace for KV Instant) is applied as
		// the write arrives; the write then takes the store's write time.
		t := ns.truthOf(key)
		last := &t.limitAt
		if ns.instant {
			last = &ns.limitAt
		}
		if w.now-*last < ns.cfg.WriteInterval-ns.cfg.WriteSlack {
			ns.mPut429.Add(1)
			w.send(message{from: sp, to: from, fromActor: central, kind: MsgKVReject, key: key, req: req, site: site}, func() { done(0, ErrTooManyRequests) })
			return
		}
		*last = w.now
		w.After(between(ns.rnd, ns.cfg.StoreWriteMin, ns.cfg.StoreWriteMax), func() {
			ns.commit(si, from, key, &rec, op, req, site)
			w.send(message{from: sp, to: from, fromActor: central, kind: MsgKVAck, key: key, req: req, site: site}, func() {
				// Usually, not always, the writing PoP sees its own write at once.
				if ns.rnd.Float64() < ns.cfg.WriterVisibleProb {
					ns.fill(from, key, rec, ns.cfg.DefaultCacheTTL, "pop", w.now, "write")
				}
				done(rec.version, nil)
			})
		})
	})
}

// commit applies an accepted write at central store si: the newest
// version of the key, the regional tiers' copies revalidated with it, the
// other stores replicated after a delay with a long tail, and, for KV
// Instant, the new value pushed to every PoP.
func (ns *KVNamespace) commit(si int, from PoPID, key string, rec *kvRecord, op string, req int, site string) {
	w := ns.w
	t := ns.truthOf(key)
	ns.nextV++
	rec.version = ns.nextV
	t.version, t.lastWrite, t.written, t.deleted, t.expiresAt = rec.version, w.now, true, !rec.found, rec.expiresAt
	ns.stores[si][key] = *rec
	ns.mPutOK.Add(1)
	if ns.instant {
		ns.sizeAfter(key, rec)
	}
	central, sp, r := ns.central[si], ns.sPoPs[si], *rec
	w.emit(Event{Kind: EvKVCommit, Actor: central, Req: req, Key: key, Value: r.value, Version: r.version, Op: op, Tier: "central", Site: site})
	// Regional tiers are revalidated with the new value on a write
	// (kv/api/read-key-value-pairs): a PoP that reads through its tier
	// after this gets the new value, not the tier's old copy.
	for h := range ns.tier {
		if tc := ns.tier[h][key]; tc != nil && tc.rec.version < r.version {
			ns.fill(PoPID(h), key, r, tc.ttl, "tier", w.now, "revalidate")
		}
	}
	for j := range ns.stores {
		if j == si {
			continue
		}
		w.send(message{from: sp, to: ns.sPoPs[j], fromActor: central, toActor: ns.central[j], kind: MsgKVReplicate, key: key,
			req: req, site: site, extra: ns.replicationDelay()}, func() {
			if ns.stores[j][key].version < r.version {
				ns.stores[j][key] = r
				w.emit(Event{Kind: EvKVReplicate, Actor: ns.central[j], Key: key, Value: r.value, Version: r.version, Op: op, Tier: "central"})
			}
		})
	}
	if ns.instant {
		for p := range w.pops {
			if PoPID(p) == from {
				continue // the writer caches its own write on the ack
			}
			w.send(message{from: sp, to: PoPID(p), fromActor: central, kind: MsgKVPush, key: key, req: req, site: site,
				extra: between(ns.rnd, instantPushMin, instantPushMax)}, func() {
				ns.fill(PoPID(p), key, r, ns.cfg.DefaultCacheTTL, "pop", w.now, "push")
			})
		}
	}
}

// ListResult is one page of keys.
type ListResult struct {
	Keys     []string
	Cursor   string // pass back to continue; "" when complete
	Complete bool
	Err      error
}

// List returns up to limit keys (at most 1,000) starting with prefix, in
// lexicographic order after cursor. Results come from a per-PoP snapshot
// that may be up to ListStaleness old, as the real listing may.
//
// A list counts as one of the invocation's 1,000 operations. On a KV
// Instant namespace (beta) there is no pagination: one call returns every
// key.
func (ns *KVNamespace) List(from PoPID, prefix string, limit int, cursor string, req int, cb func(ListResult)) {
	w := ns.w
	site := w.callSite(1)
	if err := ns.countOp(req); err != nil {
		w.emit(Event{Kind: EvKVList, Actor: w.pops[from].Code, Req: req, Key: prefix, Outcome: "error", Detail: err.Error(), Site: site})
		if cb != nil {
			cb(ListResult{Err: err})
		}
		return
	}
	if limit <= 0 || limit > ns.cfg.ListPageMax {
		limit = ns.cfg.ListPageMax
	}
	if ns.instant {
		limit, cursor = instantMaxPairs, ""
	}
	page := func(snap listSnap) {
		i := sort.SearchStrings(snap.keys, cursor)
		if cursor != "" && i < len(snap.keys) && snap.keys[i] == cursor {
			i++
		}
		end := min(i+limit, len(snap.keys))
		res := ListResult{Keys: append([]string(nil), snap.keys[i:end]...), Complete: end == len(snap.keys)}
		if !res.Complete {
			res.Cursor = snap.keys[end-1]
		}
		w.After(ns.hotLatency(), func() {
			w.emit(Event{Kind: EvKVList, Actor: w.pops[from].Code, Req: req, Key: prefix, Site: site,
				Count: len(res.Keys), Expires: snap.at})
			if cb != nil {
				cb(res)
			}
		})
	}
	if w.cfg.Mode == Local {
		page(listOf(ns.local, prefix, w.now))
		return
	}
	if snap, ok := ns.lists[from][prefix]; ok && w.now-snap.at < ns.cfg.ListStaleness {
		page(snap) // this PoP's listing is recent enough: possibly stale
		return
	}
	sp := ns.store[from]
	si := ns.storeIndex(sp)
	w.send(message{from: from, to: sp, toActor: ns.central[si], kind: MsgKVList, key: prefix, req: req, site: site}, func() {
		snap := listOf(ns.stores[si], prefix, w.now)
		w.send(message{from: sp, to: from, fromActor: ns.central[si], kind: MsgKVKeys, key: prefix, req: req, site: site}, func() {
			ns.lists[from][prefix] = snap
			page(snap)
		})
	})
}

// listOf is the sorted live keys of store that start with prefix.
func listOf(store map[string]kvRecord, prefix string, now time.Duration) listSnap {
	snap := listSnap{at: now}
	for k, r := range store {
		if r.found && strings.HasPrefix(k, prefix) && (r.expiresAt == 0 || now < r.expiresAt) {
			snap.keys = append(snap.keys, k)
		}
	}
	sort.Strings(snap.keys) // map order must not reach the result
	return snap
}

// Replicated reports whether every central store holds the newest
// accepted version of key: for scenarios that must wait out replication
// before they measure something else. It costs no time and leaves no trace.
func (ns *KVNamespace) Replicated(key string) bool {
	v := ns.Latest(key)
	for _, st := range ns.stores {
		if st[key].version < v {
			return false
		}
	}
	return true
}

// BulkMax is how many keys one bulk read may ask for.
const BulkMax = 100

// GetBulk reads up to 100 keys at PoP from in one call (get with an array
// of keys): each key goes through the PoP's cache as a read of its own,
// but the call counts as one of the invocation's 1,000 operations
// (kv/platform/limits: a bulk request counts as one). cb receives the
// results in the order of keys once all have returned.
func (ns *KVNamespace) GetBulk(from PoPID, keys []string, opt GetOptions, req int, cb func([]GetResult, error)) {
	w := ns.w
	site := w.callSite(1)
	err := ns.countOp(req)
	if err == nil && (len(keys) == 0 || len(keys) > BulkMax) {
		err = &KVError{Code: "bad-bulk", Msg: fmt.Sprintf("a bulk read of %d keys: expected 1 to %d", len(keys), BulkMax)}
	}
	if err != nil {
		w.emit(Event{Kind: EvKVGet, Actor: w.pops[from].Code, Req: req, Outcome: "error", Detail: err.Error(), Site: site})
		if cb != nil {
			cb(nil, err)
		}
		return
	}
	out := make([]GetResult, len(keys))
	left := len(keys)
	for i, k := range keys {
		ns.get(from, k, opt, req, site, true, func(g GetResult) {
			out[i] = g
			if left--; left == 0 && cb != nil {
				cb(out, nil)
			}
		})
	}
}

// Latest is the newest accepted version of key (0: never written).
func (ns *KVNamespace) Latest(key string) int64 {
	if t := ns.truth[key]; t != nil {
		return t.version
	}
	return 0
}

// Seed writes key directly into every central store (and the local store)
// before a run starts, as if it had been written long ago; caches stay
// cold. It records no event, so call it before anything that does.
func (ns *KVNamespace) Seed(key, value string) {
	t := ns.truthOf(key)
	ns.nextV++
	rec := kvRecord{value: value, found: true, version: ns.nextV}
	t.version, t.written, t.deleted, t.expiresAt = rec.version, true, false, 0
	for i := range ns.stores {
		ns.stores[i][key] = rec
	}
	ns.local[key] = rec
}
