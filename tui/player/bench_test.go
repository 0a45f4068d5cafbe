package player

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kvdo/kvdo/demos"
)

// midAnimation returns a player at 120x40 halfway between two events with
// messages in flight, so a frame draws routes, heads and diagonals.
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
	if next, ok := p.tr.nextAt(p.c); ok {
		p.c = p.tr.seek(p.c.t + (next-p.c.t)/2)
	}
	if p.tr.quiet(p.c) {
		b.Fatal("no message in flight: the frame would not be mid-animation")
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

// View of the player at 120x40, mid-animation (bar: under 1 ms).
func BenchmarkViewMap(b *testing.B)   { benchView(b, false, false) }
func BenchmarkViewLanes(b *testing.B) { benchView(b, true, false) }

// Compare mode, two runs on one clock (bar: under 2 ms).
func BenchmarkViewCompare(b *testing.B) { benchView(b, false, true) }

// largest is the biggest run any demo makes within its parameters' bounds:
// cache-purge with the most PoPs, the most frequent views and the longest
// max-age, about 30,000 events over an hour of virtual time.
func largest(b *testing.B, w, h int) Player {
	b.Helper()
	spec := RunSpec{Seed: 1, Set: map[string]string{"pops": "8", "view_every": "2s", "max_age": "1h0m0s", "publish_at": "120s"}}
	return newSeededPlayer(b, "cache-purge", spec, w, h, true)
}

// longest is the run with the most events any demo makes within its
// parameters' bounds: coalescing with the most PoPs and lifetimes, the
// longest page lifetime and origin latency, and the most frequent
// editions, about 53,000 events.
func longest(b *testing.B, w, h int) Player {
	b.Helper()
	spec := RunSpec{Seed: 1, Set: map[string]string{"pops": "10", "intervals": "5", "value_ttl": "10m0s",
		"origin_latency": "5s", "update_every": "100ms"}}
	return newSeededPlayer(b, "coalescing", spec, w, h, true)
}

// A seek to any cursor of the largest runs, with the frame drawn there
// (bar: under 5 ms).
func BenchmarkSeek(b *testing.B) {
	for name, open := range map[string]func(*testing.B, int, int) Player{"cache-purge": largest, "coalescing": longest} {
		b.Run(name, func(b *testing.B) {
			p := open(b, 120, 40)
			rnd := rand.New(rand.NewPCG(1, 2))
			var worst time.Duration
			runtime.GC() // the run's garbage is not the seek's
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				p.c = p.tr.seek(time.Duration(rnd.Int64N(int64(p.tr.end))))
				_ = p.View()
				worst = max(worst, time.Since(start))
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/seek")
			b.ReportMetric(float64(worst.Microseconds()), "worst-µs")
			b.ReportMetric(float64(p.tr.len()), "events")
		})
	}
}

// Playing the largest run at 64x: a tick and a frame each iteration, the
// prefetches it starts running beside it as the runtime runs commands,
// with the peak of the heap in use sampled as it plays.
func BenchmarkPlayLargest(b *testing.B) {
	p := largest(b, 120, 40)
	p.tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	p = press(b, p, "+", "+", "+", "+", "+", "+") // 64x
	done := make(chan tea.Msg, 64)
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		for len(done) > 0 {
			p, _ = p.Update(<-done)
		}
		if !p.playing {
			p.c = p.tr.start()
			p, _ = p.Update(keyMsg("space"))
		}
		var cmd tea.Cmd
		p, cmd = p.Update(tickMsg{gen: p.tickGen})
		if cmd != nil {
			go func() {
				if batch, ok := cmd().(tea.BatchMsg); ok {
					for _, c := range batch {
						if c != nil {
							if m := c(); m != nil {
								done <- m
							}
						}
					}
				}
			}()
		}
		_ = p.View()
		if i%256 == 0 {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/frame")
}

// A seek to any cursor of each demo at its default parameters, the frame
// drawn there.
func BenchmarkSeekDefault(b *testing.B) {
	var ps []Player
	for _, d := range demos.All() {
		ps = append(ps, newTestPlayer(b, d.ID, "", 120, 40, true))
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	var worst time.Duration
	b.ResetTimer()
	for i := range b.N {
		p := ps[i%len(ps)]
		start := time.Now()
		p.c = p.tr.seek(time.Duration(rnd.Int64N(int64(p.tr.end))))
		_ = p.View()
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/seek")
	b.ReportMetric(float64(worst.Microseconds()), "worst-µs")
}
