package edge

import (
	"math"
	"math/bits"
)

// pcg is math/rand/v2's PCG generator (128-bit state, DXSM output)
// written out, so that hot paths (a hit's latency draw) call it directly
// instead of through rand.Rand's Source interface, which no call can be
// inlined through. It is also the Source of every rand.Rand a World hands
// out, so a component may mix direct calls with rand.Rand's methods on one
// stream. Seeded like rand.NewPCG(seed1, seed2), it draws exactly the same
// numbers (TestPCGDrawsWhatMathRandDraws).
type pcg struct{ hi, lo uint64 }

// Uint64 is rand.PCG.Uint64: one step of the 128-bit LCG, then DXSM.
func (p *pcg) Uint64() uint64 {
	const (
		mulHi    = 2549297995355413924
		mulLo    = 4865540595714422341
		incHi    = 6364136223846793005
		incLo    = 1442695040888963407
		cheapMul = 0xda942042e4dd58b5
	)
	hi, lo := bits.Mul64(p.lo, mulLo)
	hi += p.hi*mulLo + p.lo*mulHi
	lo, c := bits.Add64(lo, incLo, 0)
	hi, _ = bits.Add64(hi, incHi, c)
	p.lo, p.hi = lo, hi
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	hi *= lo | 1
	return hi
}

// wyrand is the generator of Go's runtime (cheaprand) and of the
// propagation anchor kvdo's simulator is measured against (fastloop.go,
// from the issue that set the simulator's speed goals; it is not in this
// repository): a Weyl sequence whose step is mixed by one 64x64->128-bit
// multiply, in about 40% of pcg's time. Only the propagation workload's
// reader stream uses it: two of the three draws of every read (a PoP and
// the gap to the next read). Every other stream, and so every demo and
// every replay, draws from pcg exactly what math/rand/v2 draws.
//
// Its uint64n, float64 and expFloat64 are rand.Rand's Uint64N, Float64
// and ExpFloat64 written out, so that the read loop calls them directly:
// on the same stream they return what rand.New(wyrand) returns, draw for
// draw (TestWyrandDrawsWhatMathRandDrawsFromIt).
type wyrand struct{ s uint64 }

// Uint64 is one step of wyrand.
func (w *wyrand) Uint64() uint64 {
	w.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(w.s, w.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// uint64n is rand.Rand.Uint64N(n) for n > 0, drawn the same way (Lemire's
// multiply-shift with its rejection step), so it is exactly uniform.
func (w *wyrand) uint64n(n uint64) uint64 {
	if n&(n-1) == 0 {
		return w.Uint64() & (n - 1)
	}
	hi, lo := bits.Mul64(w.Uint64(), n)
	if lo < n {
		hi = w.reject(hi, lo, n)
	}
	return hi
}

// reject is uint64n's rare second chance, out of line so uint64n stays
// small enough to be inlined.
func (w *wyrand) reject(hi, lo, n uint64) uint64 {
	thresh := -n % n
	for lo < thresh {
		hi, lo = bits.Mul64(w.Uint64(), n)
	}
	return hi
}

// float64 is rand.Rand.Float64: uniform in [0, 1).
func (w *wyrand) float64() float64 { return float64(w.Uint64()<<11>>11) / (1 << 53) }

// expFloat64 is rand.Rand.ExpFloat64: exponential with mean 1, by
// Marsaglia and Tsang's ziggurat on the same 256 layers, so it returns
// what rand.Rand would for the same stream. The fast path (about 99% of
// draws) is one table load, a compare and a multiply; the wedges and the
// tail are in expSlow.
func (w *wyrand) expFloat64() float64 {
	u := w.Uint64()
	j, i := uint32(u), uint8(u>>32)
	if j < zigKE[i] {
		return float64(j) * zigWE64[i]
	}
	return w.expSlow(j, i)
}

// expSlow finishes a draw that missed the fast path, exactly as
// rand.Rand.ExpFloat64's loop does.
func (w *wyrand) expSlow(j uint32, i uint8) float64 {
	for {
		x := float64(j) * float64(zigWE[i])
		if j < zigKE[i] {
			return x
		}
		if i == 0 {
			return zigR - math.Log(w.float64())
		}
		if zigFE[i]+float32(w.float64())*(zigFE[i-1]-zigFE[i]) < float32(math.Exp(-x)) {
			return x
		}
		u := w.Uint64()
		j, i = uint32(u), uint8(u>>32)
	}
}

// The exponential ziggurat's tables (Marsaglia & Tsang 2000, 256 layers),
// built by the paper's construction in float64 and stored in the widths
// math/rand/v2 stores them in; TestExpFloat64DrawsWhatMathRandDraws checks
// that they give its draws, wedges and tail included.
const zigR = 7.69711747013104972

var (
	zigKE   [256]uint32
	zigWE   [256]float32
	zigFE   [256]float32
	zigWE64 [256]float64 // zigWE widened once: the same values
)

func init() {
	const m2 = 1 << 32
	de, te, ve := zigR, zigR, 3.949659822581572e-3
	q := ve / math.Exp(-de)
	zigKE[0] = uint32((de / q) * m2)
	zigKE[1] = 0
	zigWE[0] = float32(q / m2)
	zigWE[255] = float32(de / m2)
	zigFE[0] = 1
	zigFE[255] = float32(math.Exp(-de))
	for i := 254; i >= 1; i-- {
		de = -math.Log(ve/de + math.Exp(-de))
		zigKE[i+1] = uint32((de / te) * m2)
		te = de
		zigFE[i] = float32(math.Exp(-de))
		zigWE[i] = float32(de / m2)
	}
	for i, w := range zigWE {
		zigWE64[i] = float64(w)
	}
}
