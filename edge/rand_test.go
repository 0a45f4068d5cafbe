package edge

import (
	"math/rand/v2"
	"testing"
	"time"
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

// A rand.Rand on the simulator's pcg shares its stream: components mix
// direct calls with rand.Rand's methods on one generator.
func TestRandOnPCGSharesItsStream(t *testing.T) {
	q, r := rand.New(&pcg{hi: 1, lo: 2}), rand.New(rand.NewPCG(1, 2))
	for i := range 1000 {
		if got, want := q.Int64N(1_000_000), r.Int64N(1_000_000); got != want {
			t.Fatalf("Int64N through rand.Rand, draw %d: %d, want %d", i, got, want)
		}
	}
}

// The reader stream's Uint64N, Float64 and ExpFloat64, written out for
// the read loop, return what rand.Rand's methods return with wyrand as
// its Source, draw for draw: ExpFloat64 over enough draws to go through
// the ziggurat's wedges and tail thousands of times, Uint64N through its
// rejections.
func TestWyrandDrawsWhatMathRandDrawsFromIt(t *testing.T) {
	w, r := &wyrand{s: 1}, rand.New(&wyrand{s: 1})
	for i := range 3_000_000 {
		if got, want := w.expFloat64(), r.ExpFloat64(); got != want {
			t.Fatalf("draw %d: ExpFloat64 %v, math/rand/v2 draws %v", i, got, want)
		}
	}
	for _, n := range []uint64{1, 2, 3, 7, 20, 64, 1000, 1<<63 + 1, 1<<64 - 1} {
		for i := range 20_000 {
			if got, want := w.uint64n(n), r.Uint64N(n); got != want {
				t.Fatalf("Uint64N(%d), draw %d: %d, math/rand/v2 draws %d", n, i, got, want)
			}
		}
	}
	for i := range 20_000 {
		if got, want := w.float64(), r.Float64(); got != want {
			t.Fatalf("Float64, draw %d: %v, math/rand/v2 draws %v", i, got, want)
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

// The propagation workload's read loop, which writes rand's Uint64N and
// ExpFloat64 out for speed, reads where and when rand.Rand on the same
// wyrand stream says: each read's PoP is Uint64N(PoPs), each gap
// ExpFloat64 times the mean gap. Seven PoPs take the multiply-shift path,
// eight the mask.
func TestReadStreamDrawsWhatMathRandDraws(t *testing.T) {
	topo := kvTopology()
	for _, pops := range []int{7, 8} {
		const seed, rate = 5, 400.0
		res, err := RunPropagation(PropagationConfig{Seed: seed, Topology: topo, PoPs: pops, ReadRate: rate,
			Duration: 20 * time.Second, CacheTTL: 60 * time.Second, Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		w, err := New(Config{Seed: seed, Topology: topo})
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(w.wySource("readers"))
		mean := float64(time.Second) / rate
		at := time.Duration(r.ExpFloat64() * mean)
		n := 0
		for _, e := range res.Trace {
			if e.Kind != EvKVGet {
				continue
			}
			want := topo.PoPs[r.Uint64N(uint64(pops))].Code
			if e.Actor != want || e.At != at {
				t.Fatalf("%d PoPs, read %d: at %v from %s; rand.Rand draws %v from %s", pops, n, e.At, e.Actor, at, want)
			}
			at += time.Duration(r.ExpFloat64() * mean)
			n++
		}
		if n < 7000 || int64(n) != res.Reads {
			t.Fatalf("%d PoPs: %d reads traced of %d", pops, n, res.Reads)
		}
	}
}
