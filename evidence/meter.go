package evidence

import (
	"math"
	"math/bits"
	"sort"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// meter adds up what one option's run measured. Every observation carries
// a weight, how many real operations it stands for (its key's share of
// the keys, its read's share of the reads, the window's share of the
// duration), so sums are already scaled to the whole workload.
type meter struct {
	reads, stale, over, readErr float64
	staleness                   wdist
	regions                     []wdist
	writes, accepted            float64
	rej429, overloaded, writeEr float64
	rywChecks, rywMisses        float64
	originFetch                 [2]int64 // simulated, per class
	publish429                  int64
	simReads, simWrites         int64
}

func newMeter(regions int) *meter {
	return &meter{regions: make([]wdist, regions)}
}

// readWeight is how many real reads one simulated read of k stands for.
func (s *sim) readWeight(k *key) float64 { return s.cw[k.cls] * float64(s.sample[k.cls]) }

// read records one reader's read of k at PoP at, issued at issue, which
// returned version v.
func (m *meter) read(s *sim, k *key, at edge.PoPID, issue time.Duration, v int64, err error) {
	wt := s.readWeight(k)
	if err != nil {
		m.readErr += wt
		if edge.IsDOError(err, "overloaded") {
			m.overloaded += wt
		}
		return
	}
	m.reads += wt
	if r := s.p.popRegion[at]; r >= 0 {
		m.regions[r].add(s.w.Now()-issue, wt)
	}
	if age, stale := judge(k, issue, v); stale {
		m.stale += wt
		m.staleness.add(age, wt)
		if s.p.hasTol && age.Seconds() > s.p.tol {
			m.over += wt
		}
	}
}

// judge tells whether reading version v of k, issued at issue, was stale,
// and how old it was: from when a newer version became current to the
// read. A read is judged against what was current when it was issued; a
// write that lands while it is in flight does not make it stale.
func judge(k *key, issue time.Duration, v int64) (time.Duration, bool) {
	c := k.commits
	j := sort.Search(len(c), func(i int) bool { return c[i].at > issue }) - 1
	if j < 0 || v >= c[j].version {
		return 0, false
	}
	i := sort.Search(j+1, func(i int) bool { return c[i].version > v })
	return issue - c[i].at, true
}

// wrote records the outcome of one write of k.
func (m *meter) wrote(s *sim, k *key, err error) {
	wt := s.ww[k.cls]
	m.writes += wt
	switch {
	case err == nil:
		m.accepted += wt
	case edge.IsKVError(err, "429"):
		m.rej429 += wt
	case edge.IsDOError(err, "overloaded"):
		m.overloaded += wt
	default:
		m.writeEr += wt
	}
}

// readBack records a writer's read of its own write (version wrote).
func (m *meter) readBack(s *sim, k *key, wrote, got int64, err error) {
	wt := s.ww[k.cls]
	m.rywChecks += wt
	if err != nil || got < wrote {
		m.rywMisses += wt
	}
}

// wdist is a weighted distribution of durations in log-linear buckets:
// 32 linear steps per power of two of microseconds, so a quantile is
// within about 3% of the true value. edge.Histogram counts each
// observation once; here one simulated read may stand for many real ones,
// and reads of different weights share a distribution.
type wdist struct {
	w     map[int]float64
	total float64
	max   time.Duration
}

const wdSub = 32

func wdIndex(d time.Duration) int {
	u := uint64(max(d, 0) / time.Microsecond)
	if u < wdSub {
		return int(u)
	}
	p := bits.Len64(u) - 5 // >= 1: u has 6 or more bits
	return p*wdSub + int(u>>(uint(p)-1)) - wdSub
}

// wdValue is the middle of bucket i.
func wdValue(i int) time.Duration {
	p, sub := i/wdSub, i%wdSub
	if p == 0 {
		return time.Duration(sub)*time.Microsecond + time.Microsecond/2
	}
	lo := uint64(wdSub+sub) << uint(p-1)
	width := uint64(1) << uint(p-1)
	return time.Duration(lo)*time.Microsecond + time.Duration(width)*time.Microsecond/2
}

func (d *wdist) add(v time.Duration, wt float64) {
	if d.w == nil {
		d.w = map[int]float64{}
	}
	d.w[wdIndex(v)] += wt
	d.total += wt
	d.max = max(d.max, v)
}

// quantile is the q-quantile, at most the largest value seen.
func (d *wdist) quantile(q float64) time.Duration {
	if d.total == 0 {
		return 0
	}
	idx := make([]int, 0, len(d.w))
	for i := range d.w {
		idx = append(idx, i)
	}
	sort.Ints(idx) // map order must not reach a figure
	rank := q * d.total
	var seen float64
	for _, i := range idx {
		seen += d.w[i]
		if seen >= rank-1e-9*d.total {
			return min(wdValue(i), d.max)
		}
	}
	return d.max
}

// ms is a duration in milliseconds to one decimal place.
func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 1) }

// secs is a duration in seconds to one decimal place.
func secs(d time.Duration) float64 { return round(d.Seconds(), 1) }

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}
