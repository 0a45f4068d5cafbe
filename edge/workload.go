package edge

import (
	"fmt"
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
func (c PropagationConfig) Validate() error {
	switch {
	case c.PoPs < 1 || c.PoPs > len(c.Topology.PoPs):
		return fmt.Errorf("--pops %d: expected 1..%d (the topology has %d PoPs)", c.PoPs, len(c.Topology.PoPs), len(c.Topology.PoPs))
	case !(c.ReadRate > 0) || c.ReadRate > 1e9:
		return fmt.Errorf("--read-rate %v: expected a rate > 0 and <= 1e9 reads/s", c.ReadRate)
	case c.Duration <= 0:
		return fmt.Errorf("--duration %v: expected a positive duration such as 600s", c.Duration)
	case c.WriteEvery < 0:
		return fmt.Errorf("--write-every %v: expected a duration >= 0 (0: no writes)", c.WriteEvery)
	case c.ReadRate*c.Duration.Seconds() > MaxPropagationReads:
		return fmt.Errorf("--read-rate %v over --duration %v is %.3g reads: expected at most %.0e (lower the rate or the duration)",
			c.ReadRate, c.Duration, c.ReadRate*c.Duration.Seconds(), float64(MaxPropagationReads))
	case c.WriteEvery > 0 && c.Duration/c.WriteEvery > MaxPropagationWrites:
		return fmt.Errorf("--write-every %v over --duration %v is %d writes: expected at most %.0e (write less often)",
			c.WriteEvery, c.Duration, c.Duration/c.WriteEvery, float64(MaxPropagationWrites))
	}
	return nil
}

// The propagation workload's bounds on work, so that a typo in a flag
// cannot start a run that never ends: about two minutes of wall time at
// the simulator's speed of some ten million reads per second.
const (
	MaxPropagationReads  = 1e9
	MaxPropagationWrites = 10_000_000
)

// RunPropagation runs the propagation workload to completion.
func RunPropagation(c PropagationConfig) (PropagationResult, error) {
	if err := c.Validate(); err != nil {
		return PropagationResult{}, err
	}
	w, err := New(Config{Seed: c.Seed, Mode: c.Mode, Topology: c.Topology, Trace: c.Trace})
	if err != nil {
		return PropagationResult{}, err
	}
	const key = "config"
	ns := w.KV("STATE")
	ns.Seed(key, "v0")
	opt := GetOptions{CacheTTL: c.CacheTTL}
	rr := w.Rand("readers")
	var reads, writes int64
	mean := float64(time.Second) / c.ReadRate
	n := uint64(c.PoPs)

	// One self-rescheduling closure serves every reader, so a read costs a
	// queue operation and a cache lookup, never an allocation.
	var read func()
	read = func() {
		reads++
		ns.Get(PoPID(rr.Uint64N(n)), key, opt, 0, nil)
		next := w.now + time.Duration(rr.ExpFloat64()*mean)
		if next < c.Duration {
			w.At(next, read)
		}
	}
	w.At(time.Duration(rr.ExpFloat64()*mean), read)

	if c.WriteEvery > 0 {
		var write func()
		write = func() {
			writes++
			ns.Put(0, key, fmt.Sprintf("v%d", writes), PutOptions{}, 0, nil)
			if w.now+c.WriteEvery < c.Duration {
				w.After(c.WriteEvery, write)
			}
		}
		w.At(c.WriteEvery, write)
	}
	w.RunUntil(c.Duration)

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

// cacheCount is a cache figure, or nil in local mode, where it does not
// apply.
func cacheCount(m Mode, n int64) *int64 {
	if m == Local {
		return nil
	}
	return &n
}
