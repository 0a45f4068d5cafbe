package evidence

import (
	"fmt"
	"math"
	"strings"

	"github.com/kvdo/kvdo/edge"
)

// result turns a finished run into its scaled figures.
func (s *sim) result() Option {
	p, v, m := s.p, s.v, s.m
	o := Option{
		ID: v.id(), Option: v.option, Layer: v.layer, Label: v.label(),
		Viable: v.viable, RuledOut: v.ruledOut, Chosen: v.chosen, Cost: v.cost,
		Design:     s.design(),
		SimulatedS: s.window.Seconds(), ReadSample: s.sample[0],
		Latency: []RegionLatency{},
	}
	if v.layer != "" {
		o.MaxAgeS = v.maxAge
	}
	o.ScaleNote = s.scaleNote()
	count := func(f float64) int64 { return int64(math.Round(f)) }
	o.Reads, o.StaleReads, o.OverTolerance, o.ReadErrors = count(m.reads), count(m.stale), count(m.over), count(m.readErr)
	if m.reads > 0 {
		o.StaleRate = round(m.stale/m.reads, 6)
		o.OverRate = round(m.over/m.reads, 6)
	}
	if m.staleness.total > 0 {
		p50, p99, mx := secs(m.staleness.quantile(0.5)), secs(m.staleness.quantile(0.99)), secs(m.staleness.max)
		o.StalenessP50S, o.StalenessP99S, o.StalenessMaxS = &p50, &p99, &mx
	}
	o.Writes, o.Accepted, o.Rejected429 = count(m.writes), count(m.accepted), count(m.rej429)
	o.Overloaded = count(m.overloaded)
	o.RYWChecks, o.RYWMisses = count(m.rywChecks), count(m.rywMisses)
	if p.atomic {
		o.Increments = o.Accepted
		var lost float64
		for _, k := range s.keys {
			first, last := k.commits[0], k.commits[len(k.commits)-1]
			lost += s.ww[k.cls] * float64(int64(len(k.commits)-1)-(last.counter-first.counter))
		}
		o.LostUpdates = count(lost)
	}
	if s.st == stDO || s.st == stDOKV {
		h := s.w.Metrics().Histogram("do." + doHot + ".queue.wait")
		if h.Count() > 0 {
			p50, p99 := ms(h.Quantile(0.5)), ms(h.Quantile(0.99))
			o.QueueP50Ms, o.QueueP99Ms = &p50, &p99
		}
	}
	if s.st == stDOKV {
		o.Rejected429 += count(s.ww[0] * float64(m.publish429)) // publishing, not a client's write
	}
	o.OriginFetches = count(s.cw[0]*float64(m.originFetch[0]) + s.cw[1]*float64(m.originFetch[1]))
	for r, name := range p.regions {
		d := &m.regions[r]
		if d.total == 0 {
			continue
		}
		o.Latency = append(o.Latency, RegionLatency{Region: name, Reads: count(d.total),
			P50Ms: ms(d.quantile(0.5)), P99Ms: ms(d.quantile(0.99))})
	}
	if p.atomic {
		o.Linearizability = s.checkHistory()
	}
	o.Simulated = Simulated{Keys: len(s.keys), Reads: m.simReads, Writes: m.simWrites, Events: s.w.EventsRun()}
	return o
}

// design says what was simulated, in a sentence.
func (s *sim) design() string {
	var b strings.Builder
	switch s.st {
	case stKV:
		fmt.Fprintf(&b, "KV read with cacheTtl %s s", num(s.p.kvTTL.Seconds()))
	case stDO:
		b.WriteString("one Durable Object per key, created where its writer is; every read and write is a request to it, answered from its storage")
	case stDOKV:
		fmt.Fprintf(&b, "one Durable Object per key takes every write in its storage and publishes the value to KV (at most once a second); reads from KV with cacheTtl %s s", num(s.p.kvTTL.Seconds()))
	case stOrigin:
		b.WriteString("the origin holds the value")
	case stR2KV:
		fmt.Fprintf(&b, "blobs in R2 named by a KV pointer read with cacheTtl %s s", num(s.p.kvTTL.Seconds()))
	case stR2:
		b.WriteString("blobs read from R2 by key")
	}
	if s.st == stR2 || s.st == stR2KV {
		b.WriteString(fmt.Sprintf(" (R2 modelled as one strongly consistent store at %s: the simulator has no R2 model)", s.w.Code(s.origin.PoP())))
	}
	if s.cacheMA > 0 {
		fmt.Fprintf(&b, "; each PoP's Cache API in front, max-age %s s, filled on a miss", num(s.cacheMA.Seconds()))
		if s.purge {
			b.WriteString(", purged in every location after each write (the zone purge API)")
		}
	} else if s.st == stOrigin {
		b.WriteString("; no cache in front: the tolerance is under a second")
	}
	if s.p.atomic {
		switch s.st {
		case stKV:
			b.WriteString("; an increment reads the key at the writer's PoP, then puts the value plus one")
		case stDO, stDOKV:
			b.WriteString("; an increment reads and writes the object's storage in one request")
		case stR2, stR2KV:
			b.WriteString("; an increment reads the blob from R2, then uploads the value plus one")
		}
	}
	return b.String()
}

// scaleNote says in words what of this option's traffic was simulated,
// or "" when all of it was.
func (s *sim) scaleNote() string {
	var parts []string
	if s.window < s.p.cfg.Duration {
		parts = append(parts, fmt.Sprintf("%s of the %s window simulated at full rate (the requests reaching one object are too many to simulate for all of it); counts multiplied by %s",
			dur(s.window), dur(s.p.cfg.Duration), num(round(s.p.cfg.Duration.Seconds()/s.window.Seconds(), 2))))
	}
	for c, name := range []string{"the busiest key", "typical keys"} {
		if s.sample[c] > 1 {
			parts = append(parts, fmt.Sprintf("one read in %s of %s simulated, each standing for %s (every location still reads often enough to keep its copy as warm)",
				num(float64(s.sample[c])), name, num(float64(s.sample[c]))))
		}
	}
	if (s.sample[0] > 1 || s.sample[1] > 1) && s.origin != nil {
		parts = append(parts, "origin fetches counted as simulated, not multiplied by the read sample: a copy serves every read while it is fresh")
	}
	return strings.Join(parts, "; ")
}

// checkHistory runs porcupine's counter check on the busiest key's
// increments: a prefix of them, cut at the first quiet moment after
// sampleOps (no accepted increment in flight), so the sample is a
// complete history from the start.
func (s *sim) checkHistory() *edge.Verdict {
	var ops []edge.Op
	var last int64 // latest return so far among accepted increments
	cut := false
	for i, o := range s.hotOps {
		if !o.finished {
			break
		}
		if !o.ok {
			continue // rejected: it changed nothing
		}
		if len(ops) >= sampleOps && int64(o.call) > last {
			cut = true
			break
		}
		ops = append(ops, edge.Op{Client: int(o.n), Kind: edge.OpIncr, Key: "k0", Value: o.value,
			Call: o.call, Return: o.ret, Label: fmt.Sprintf("increment %d", i+1)})
		last = max(last, int64(o.ret))
	}
	if !cut && len(s.hotOps) == maxHistory {
		return &edge.Verdict{Model: "counter", Linearizable: true, Checked: 0,
			Explanation: "not checked: the busiest key's increments never paused long enough to cut a complete sample"}
	}
	if len(ops) < 2 {
		return &edge.Verdict{Model: "counter", Linearizable: true, Checked: len(ops),
			Explanation: "fewer than two increments of the busiest key were accepted: nothing could race"}
	}
	v := edge.CheckCounter(ops)
	return &v
}
