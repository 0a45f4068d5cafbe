package edge

import (
	"math"
	"math/bits"
	"sort"
	"time"
)

// Counter is a monotonically increasing count. Hot paths hold the pointer
// and call Add directly, without a map lookup.
type Counter struct{ v int64 }

// Add increases the counter by n.
func (c *Counter) Add(n int64) { c.v += n }

// Value is the current count.
func (c *Counter) Value() int64 { return c.v }

// Histogram records latencies in log-linear buckets (HDR style): each
// power of two is split into 64 linear sub-buckets, so any quantile is
// within about 1.6% of the true value, with a fixed array and no
// allocation per Record.
type Histogram struct {
	counts   [histBuckets]int64
	n        int64
	sum      int64
	min, max int64
}

const (
	histSubBits  = 6 // 64 sub-buckets per power of two
	histSub      = 1 << histSubBits
	histMaxPow   = 63 - histSubBits
	histBuckets  = (histMaxPow + 1) * histSub
	histUnitNano = 1000 // resolution: 1 µs
)

func histIndex(v int64) int {
	u := uint64(v / histUnitNano)
	if u < histSub {
		return int(u)
	}
	p := bits.Len64(u) - histSubBits // >= 1
	sub := int(u>>(uint(p)-1)) - histSub
	return p*histSub + sub
}

// histValue is the midpoint of bucket i, in nanoseconds.
func histValue(i int) int64 {
	p, sub := i/histSub, i%histSub
	if p == 0 {
		return int64(sub)*histUnitNano + histUnitNano/2
	}
	lo := uint64(histSub+sub) << uint(p-1)
	width := uint64(1) << uint(p-1)
	return int64(lo*histUnitNano + width*histUnitNano/2)
}

// Record adds one observation; negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := max(int64(d), 0)
	h.counts[histIndex(v)]++
	if v < h.min || h.n == 0 {
		h.min = v
	}
	h.max = max(h.max, v)
	h.n++
	h.sum += v
}

// Count is the number of observations.
func (h *Histogram) Count() int64 { return h.n }

// Min is the smallest observation (0 when empty).
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Max is the largest observation (0 when empty).
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean is the average observation (0 when empty).
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / h.n)
}

// Quantile returns the q-quantile (0 <= q <= 1), clamped to [Min, Max].
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			v := histValue(i)
			v = max(v, h.min)
			v = min(v, h.max)
			return time.Duration(v)
		}
	}
	return time.Duration(h.max)
}

// Merge adds o's observations to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Metrics holds a run's named counters and histograms.
type Metrics struct {
	counters   map[string]*Counter
	histograms map[string]*Histogram
}

// NewMetrics returns an empty set.
func NewMetrics() *Metrics {
	return &Metrics{counters: map[string]*Counter{}, histograms: map[string]*Histogram{}}
}

// Counter returns the named counter, creating it at zero.
func (m *Metrics) Counter(name string) *Counter {
	c := m.counters[name]
	if c == nil {
		c = &Counter{}
		m.counters[name] = c
	}
	return c
}

// Histogram returns the named histogram, creating it empty.
func (m *Metrics) Histogram(name string) *Histogram {
	h := m.histograms[name]
	if h == nil {
		h = &Histogram{}
		m.histograms[name] = h
	}
	return h
}

// CounterValue is one counter in a snapshot.
type CounterValue struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// HistogramSummary is one histogram in a snapshot, durations in nanoseconds.
type HistogramSummary struct {
	Name  string        `json:"name"`
	Count int64         `json:"count"`
	Min   time.Duration `json:"min_ns"`
	P50   time.Duration `json:"p50_ns"`
	P90   time.Duration `json:"p90_ns"`
	P99   time.Duration `json:"p99_ns"`
	Max   time.Duration `json:"max_ns"`
	Mean  time.Duration `json:"mean_ns"`
}

// MetricsSnapshot lists every counter and histogram, sorted by name.
type MetricsSnapshot struct {
	Counters   []CounterValue     `json:"counters"`
	Histograms []HistogramSummary `json:"histograms"`
}

// Snapshot summarises the metrics in a deterministic order.
func (m *Metrics) Snapshot() MetricsSnapshot {
	s := MetricsSnapshot{Counters: []CounterValue{}, Histograms: []HistogramSummary{}}
	for name, c := range m.counters {
		s.Counters = append(s.Counters, CounterValue{name, c.v})
	}
	for name, h := range m.histograms {
		s.Histograms = append(s.Histograms, HistogramSummary{Name: name, Count: h.n, Min: h.Min(),
			P50: h.Quantile(0.5), P90: h.Quantile(0.9), P99: h.Quantile(0.99), Max: h.Max(), Mean: h.Mean()})
	}
	sort.Slice(s.Counters, func(i, j int) bool { return s.Counters[i].Name < s.Counters[j].Name })
	sort.Slice(s.Histograms, func(i, j int) bool { return s.Histograms[i].Name < s.Histograms[j].Name })
	return s
}
