package edge

import (
	"fmt"
	"math/bits"
	"time"
)

// PropagationConfig describes the propagation batch workload: one writer
// at the first PoP puts a new version of one key every WriteEvery, while
// readers spread uniformly over the first PoPs read it with Poisson
// arrivals at an aggregate ReadRate.
type PropagationConfig struct {
	Seed       uint64
	Mode       Mode
	Topology   Topology
	PoPs       int           // readers use the first PoPs of the topology
	ReadRate   float64       // reads per second, all PoPs together
	Duration   time.Duration // virtual time simulated
	WriteEvery time.Duration // 0: never write after the initial value
	CacheTTL   time.Duration // 0: KV's default
	Trace      bool
}

// PropagationResult is what the workload measured. Every read went
// through KVNamespace.Get, the code path demos use.
type PropagationResult struct {
	Reads      int64 `json:"reads"`
	StaleReads int64 `json:"stale_reads"`
	// Hits and Misses count reads served from, or missing, a PoP's cache;
	// nil in local mode, which has no cache (Miniflare's single store).
	Hits           *int64 `json:"hits"`
	Misses         *int64 `json:"misses"`
	Writes         int64  `json:"writes"`
	RejectedWrites int64  `json:"rejected_writes"`
	Refreshes      int64  `json:"refreshes"`
	Events         int64  `json:"events"`
	// StaleFraction is StaleReads/Reads.
	StaleFraction float64         `json:"stale_fraction"`
	Metrics       MetricsSnapshot `json:"metrics"`
	Trace         []Event         `json:"trace,omitempty"`
}

// Validate reports the first invalid field, phrased for a command line.
// Every rate and duration has bounds, written so that NaN fails them.
func (c PropagationConfig) Validate() error {
	switch {
	case c.PoPs < 1 || c.PoPs > len(c.Topology.PoPs):
		return fmt.Errorf("--pops %d: expected 1..%d (the topology has %d PoPs)", c.PoPs, len(c.Topology.PoPs), len(c.Topology.PoPs))
	case !(c.ReadRate >= MinPropagationReadRate && c.ReadRate <= MaxPropagationReadRate):
		return fmt.Errorf("--read-rate %v: expected a rate from %v to %.0e reads/s", c.ReadRate, MinPropagationReadRate, MaxPropagationReadRate)
	case c.Duration <= 0 || c.Duration > MaxPropagationDuration:
		return fmt.Errorf("--duration %v: expected a positive duration of at most %v, such as 600s", c.Duration, MaxPropagationDuration)
	case c.WriteEvery < 0 || c.WriteEvery > MaxPropagationDuration:
		return fmt.Errorf("--write-every %v: expected a duration from 0 (no writes) to %v", c.WriteEvery, MaxPropagationDuration)
	case c.CacheTTL < 0 || c.CacheTTL > MaxPropagationDuration:
		return fmt.Errorf("--cache-ttl %v: expected a duration of at most %v (0: KV's default)", c.CacheTTL, MaxPropagationDuration)
	case c.ReadRate*c.Duration.Seconds() > MaxPropagationReads:
		return fmt.Errorf("--read-rate %v over --duration %v is %.3g reads: expected at most %.0e (lower the rate or the duration)",
			c.ReadRate, c.Duration, c.ReadRate*c.Duration.Seconds(), float64(MaxPropagationReads))
	case c.WriteEvery > 0 && c.Duration/c.WriteEvery > MaxPropagationWrites:
		return fmt.Errorf("--write-every %v over --duration %v is %d writes: expected at most %.0e (write less often)",
			c.WriteEvery, c.Duration, c.Duration/c.WriteEvery, float64(MaxPropagationWrites))
	}
	return nil
}

// The propagation workload's bounds, so that a typo in a flag cannot
// start a run that never ends: at most a billion reads (about a minute
// of wall time at the simulator's speed) and ten million writes, rates
// from one read in about 17 minutes to a billion a second, and a year of
// virtual time, far from the end of time (World's EndOfTime, about 292
// years).
const (
	MaxPropagationReads    = 1e9
	MaxPropagationWrites   = 10_000_000
	MinPropagationReadRate = 0.001
	MaxPropagationReadRate = 1e9
	MaxPropagationDuration = 365 * 24 * time.Hour
)

// propagationBudget bounds the events of a run of c: each read is one
// event, and each write, miss or refresh a few dozen (messages,
// replication to every store, fills); a run that needs many times more
// than that has gone wrong, and stops.
func propagationBudget(c PropagationConfig) int64 {
	reads := c.ReadRate * c.Duration.Seconds()
	var writes float64
	if c.WriteEvery > 0 {
		writes = float64(c.Duration / c.WriteEvery)
	}
	return int64(2*reads + 1000*writes + 10_000_000)
}

// RunPropagation runs the propagation workload to completion.
func RunPropagation(c PropagationConfig) (PropagationResult, error) {
	if err := c.Validate(); err != nil {
		return PropagationResult{}, err
	}
	w, err := New(Config{Seed: c.Seed, Mode: c.Mode, Topology: c.Topology, Trace: c.Trace, MaxEvents: propagationBudget(c)})
	if err != nil {
		return PropagationResult{}, err
	}
	const key = "config"
	ns := w.KV("STATE")
	ns.Seed(key, "v0")
	opt := GetOptions{CacheTTL: c.CacheTTL}
	reader, err := ns.reader(key, opt)
	if err != nil {
		return PropagationResult{}, err
	}
	var writes int64
	rs := &readStream{w: w, rr: w.wySource("readers"), ns: ns, reader: reader, key: key, opt: opt,
		pops: uint64(c.PoPs), mean: float64(time.Second) / c.ReadRate, end: c.Duration,
		batch: !c.Trace && c.Mode == Production}
	// The first read is scheduled before the first write, as it always
	// has been: the order of the sequence numbers decides a tie.
	at, ok := rs.next()
	var seq uint64
	if ok {
		seq = w.nextSeq()
	}
	if c.WriteEvery > 0 {
		var write func()
		write = func() {
			writes++
			ns.Put(0, key, fmt.Sprintf("v%d", writes), PutOptions{}, 0, nil)
			if c.WriteEvery < c.Duration-w.now {
				w.After(c.WriteEvery, write)
			}
		}
		if c.WriteEvery < c.Duration {
			w.At(c.WriteEvery, write)
		}
	}
	reads := rs.run(at, seq, ok)
	w.RunUntil(c.Duration)
	if err := w.Err(); err != nil {
		return PropagationResult{}, err
	}

	m := w.Metrics()
	p := "kv.STATE."
	res := PropagationResult{
		Reads:          reads,
		StaleReads:     m.Counter(p + "get.stale").Value(),
		Hits:           cacheCount(c.Mode, m.Counter(p+"get.hit").Value()),
		Misses:         cacheCount(c.Mode, m.Counter(p+"get.miss").Value()),
		Writes:         writes,
		RejectedWrites: m.Counter(p + "put.429").Value(),
		Refreshes:      m.Counter(p + "refresh").Value(),
		Events:         w.EventsRun(),
		Metrics:        m.Snapshot(),
		Trace:          w.Trace(),
	}
	if reads > 0 {
		res.StaleFraction = float64(res.StaleReads) / float64(reads)
	}
	return res, nil
}

// readStream is the propagation workload's readers: a Poisson stream of
// reads at an aggregate rate, each at a PoP drawn uniformly.
type readStream struct {
	w      *World
	rr     *wyrand // the "readers" stream: each read's PoP, then the gap to the next
	ns     *KVNamespace
	reader *kvReader
	key    string
	opt    GetOptions
	pops   uint64
	mean   float64       // mean gap between reads, in ns
	end    time.Duration // no read at or after it
	// batch: reads go through the reader (production mode, tracing off).
	// Otherwise through Get: with tracing on, each then records its call
	// site; local mode has no cache for a reader to hold.
	batch bool
}

// next is the time of the next read, a gap after now, if it falls before
// the end. The gap is compared as a float first, so no rate, however
// small, can overflow the clock.
func (s *readStream) next() (time.Duration, bool) {
	gap := s.rr.expFloat64() * s.mean
	now := s.w.now
	if !(gap < float64(s.end-now)) {
		return 0, false
	}
	t := now + time.Duration(gap)
	return t, t < s.end
}

// run runs the reads, from the first (at, seq) on, merged with the
// queue's events until the end, and returns how many it made. The reads
// are a stream beside the queue (World.begin): each is an event at its own
// time, ordered with the writes, commits and fills exactly as if it were
// queued, at no queue operation. A read's gap to the next is drawn as it
// starts, before its cache lookup, so the two overlap in the processor;
// the readers' stream is drawn in the same order as ever (PoP, gap, PoP,
// gap...) and nothing else draws from it.
func (s *readStream) run(at time.Duration, seq uint64, ok bool) int64 {
	w, n := s.w, s.pops
	rr := s.rr
	mean, end := s.mean, s.end
	var reads int64
	for ok && w.begin(at, seq) {
		reads++
		// The PoP: rand's Uint64N(n), written out (wyrand.uint64n is too
		// big to be inlined); TestReadStreamDrawsWhatMathRandDraws.
		var pop uint64
		if n&(n-1) == 0 {
			pop = rr.Uint64() & (n - 1)
		} else {
			hi, lo := bits.Mul64(rr.Uint64(), n)
			if lo < n {
				hi = rr.reject(hi, lo, n)
			}
			pop = hi
		}
		// The gap to the next read: rand's ExpFloat64 (wyrand.expFloat64),
		// its fast path written out, scaled to the mean; see next.
		u := rr.Uint64()
		var x float64
		if j, i := uint32(u), uint8(u>>32); j < zigKE[i] {
			x = float64(j) * zigWE64[i]
		} else {
			x = rr.expSlow(j, i)
		}
		gap := x * mean
		var nextAt time.Duration
		nextOK := gap < float64(end-at)
		if nextOK {
			nextAt = at + time.Duration(gap)
			nextOK = nextAt < end
		}
		if s.batch {
			s.reader.get(PoPID(pop))
		} else {
			s.ns.Get(PoPID(pop), s.key, s.opt, 0, nil)
		}
		if at, ok = nextAt, nextOK; ok {
			seq = w.nextSeq()
		}
	}
	return reads
}

// cacheCount is a cache figure, or nil in local mode, where it does not
// apply.
func cacheCount(m Mode, n int64) *int64 {
	if m == Local {
		return nil
	}
	return &n
}
