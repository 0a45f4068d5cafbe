package player

import "testing"

// midAnimation returns a player at 120x40 stopped where messages are in
// flight, so a frame draws routes and heads.
func midAnimation(b *testing.B, id string, lanes, compare bool) Player {
	b.Helper()
	p := newTestPlayer(b, id, "", 120, 40, true)
	if compare {
		p = press(b, p, "c")
	}
	if lanes {
		p = press(b, p, "m")
	}
	for range 400 {
		p = press(b, p, "right")
		if !p.tr.quiet(p.c) && p.c.k > 60 {
			break
		}
	}
	// Halfway between two events: the heads are mid-route.
	if next, ok := p.tr.nextAt(p.c); ok {
		p.c = p.tr.seek(p.c.t + (next-p.c.t)/2)
	}
	return p
}

func benchView(b *testing.B, lanes, compare bool) {
	p := midAnimation(b, "race", lanes, compare)
	_ = p.View()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = p.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/frame")
}

func BenchmarkViewMap(b *testing.B)     { benchView(b, false, false) }
func BenchmarkViewLanes(b *testing.B)   { benchView(b, true, false) }
func BenchmarkViewCompare(b *testing.B) { benchView(b, false, true) }
