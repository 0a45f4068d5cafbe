package edge

import (
	"testing"
	"time"
)

func TestHistogramQuantilesOfAUniformDistribution(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.9, 900 * time.Millisecond}, {0.99, 990 * time.Millisecond}} {
		got := h.Quantile(c.q)
		if d := float64(got-c.want) / float64(c.want); d > 0.02 || d < -0.02 {
			t.Errorf("p%v = %v, want %v within 2%%", c.q*100, got, c.want)
		}
	}
	if h.Min() != time.Millisecond || h.Max() != time.Second || h.Count() != 1000 {
		t.Errorf("min %v max %v count %d", h.Min(), h.Max(), h.Count())
	}
}

func TestEmptyHistogramReportsZero(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 || h.Mean() != 0 || h.Max() != 0 {
		t.Errorf("empty histogram not zero")
	}
}

func TestHistogramMergeAddsObservations(t *testing.T) {
	var a, b Histogram
	a.Record(time.Millisecond)
	b.Record(3 * time.Second)
	a.Merge(&b)
	if a.Count() != 2 || a.Max() != 3*time.Second || a.Min() != time.Millisecond {
		t.Errorf("merged: count %d min %v max %v", a.Count(), a.Min(), a.Max())
	}
}

func TestMetricsSnapshotIsSortedByName(t *testing.T) {
	m := NewMetrics()
	m.Counter("b").Add(2)
	m.Counter("a").Add(1)
	m.Histogram("z").Record(time.Millisecond)
	m.Histogram("y").Record(time.Millisecond)
	s := m.Snapshot()
	if s.Counters[0].Name != "a" || s.Counters[1].Value != 2 || s.Histograms[0].Name != "y" {
		t.Errorf("snapshot out of order: %+v", s)
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	var h Histogram
	b.ReportAllocs()
	d := time.Duration(0)
	for b.Loop() {
		d += 1777
		h.Record(d % (10 * time.Second))
	}
}
