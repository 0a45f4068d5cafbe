package edge

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// The simulator's own PCG must draw exactly what math/rand/v2 draws for
// the same seed: every seeded run (and every golden file) depends on it.
func TestPCGDrawsWhatMathRandDraws(t *testing.T) {
	for _, seed := range [][2]uint64{{0, 0}, {1, 2}, {42, 0xcbf29ce484222325}, {1<<64 - 1, 7}} {
		p := &pcg{hi: seed[0], lo: seed[1]}
		r := rand.New(rand.NewPCG(seed[0], seed[1]))
		for i := range 100_000 {
			if got, want := p.Uint64(), r.Uint64(); got != want {
				t.Fatalf("seed %v, draw %d: %#x, math/rand/v2 draws %#x", seed, i, got, want)
			}
		}
	}
}

// Uint64N, Float64 and ExpFloat64, written out for the hot paths, return
// what rand.Rand's methods return on the same stream, draw for draw:
// ExpFloat64 over enough draws to go through the ziggurat's wedges and
// tail thousands of times.
func TestExpFloat64DrawsWhatMathRandDraws(t *testing.T) {
	p := &pcg{hi: 1, lo: 2}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3_000_000 {
		if got, want := p.expFloat64(), r.ExpFloat64(); got != want {
			t.Fatalf("draw %d: ExpFloat64 %v, math/rand/v2 draws %v", i, got, want)
		}
	}
	for _, n := range []uint64{1, 2, 3, 7, 20, 64, 1000, 1<<63 + 1, 1<<64 - 1} {
		for i := range 20_000 {
			if got, want := p.uint64n(n), r.Uint64N(n); got != want {
				t.Fatalf("Uint64N(%d), draw %d: %d, math/rand/v2 draws %d", n, i, got, want)
			}
		}
	}
	for i := range 20_000 {
		if got, want := p.float64(), r.Float64(); got != want {
			t.Fatalf("Float64, draw %d: %v, math/rand/v2 draws %v", i, got, want)
		}
	}
	// A rand.Rand on the simulator's generator shares its stream.
	q := rand.New(p)
	for i := range 1000 {
		if got, want := q.Int64N(1_000_000), r.Int64N(1_000_000); got != want {
			t.Fatalf("Int64N through rand.Rand, draw %d: %d, want %d", i, got, want)
		}
	}
}

// The propagation reader stream's wyrand goes through the same written-out
// ziggurat and Lemire draw as pcg: over wyrand, they return what
// rand.Rand's ExpFloat64 and Uint64N return with wyrand as its Source,
// wedges, tail and rejections included.
func TestWyrandDrawsWhatMathRandDrawsFromIt(t *testing.T) {
	w := &wyrand{s: 1}
	r := rand.New(&wyrand{s: 1})
	for i := range 3_000_000 {
		if got, want := w.expFloat64(), r.ExpFloat64(); got != want {
			t.Fatalf("ExpFloat64 draw %d: %v, math/rand/v2 draws %v", i, got, want)
		}
	}
	for _, n := range []uint64{20, 7, 1<<63 + 1} {
		w, r := &wyrand{s: n}, rand.New(&wyrand{s: n})
		for i := range 100_000 {
			hi, lo := bits.Mul64(w.Uint64(), n)
			if lo < n {
				hi = rejectFrom(w, hi, lo, n)
			}
			if want := r.Uint64N(n); hi != want {
				t.Fatalf("Uint64N(%d) draw %d: %d, math/rand/v2 draws %d", n, i, hi, want)
			}
		}
	}
}

// Each seed gets its own reader stream, and the same seed the same one.
func TestEachSeedHasItsOwnReaderStream(t *testing.T) {
	first := map[uint64]uint64{}
	for seed := uint64(0); seed < 1000; seed++ {
		w, err := New(Config{Seed: seed, Topology: kvTopology()})
		if err != nil {
			t.Fatal(err)
		}
		a, b := w.wySource("readers").Uint64(), w.wySource("readers").Uint64()
		if a != b {
			t.Fatalf("seed %d: two streams start %#x and %#x", seed, a, b)
		}
		if s, dup := first[a]; dup {
			t.Fatalf("seeds %d and %d start the same reader stream", s, seed)
		}
		first[a] = seed
	}
}
