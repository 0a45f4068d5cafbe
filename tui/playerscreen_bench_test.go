package tui

import "testing"

// The whole frame a person sees with the player on screen at 120x40 (the
// root's header and help around the player, mid-run in map view): the
// player's own View plus what the root adds.
func BenchmarkRootViewWithPlayer(b *testing.B) {
	m := openPlayer(b, "race", 120, 40)
	m = step(b, m, keys("right", "right", "right", "right", "right", "right", "right", "right")...)
	_ = m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/frame")
}
