package edge

import (
	"math"
	"math/bits"
)

// pcg is math/rand/v2's PCG generator (128-bit state, DXSM output)
// written out, so that the hottest paths of batch runs call it directly
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

// uint64n is rand.Rand.Uint64N(n) for n > 0, drawn the same way (Lemire's
// multiply-shift with its rejection step), so it is exactly uniform.
func (p *pcg) uint64n(n uint64) uint64 {
	if n&(n-1) == 0 {
		return p.Uint64() & (n - 1)
	}
	hi, lo := bits.Mul64(p.Uint64(), n)
	if lo < n {
		hi = p.reject(hi, lo, n)
	}
	return hi
}

// reject is uint64n's rare second chance, out of line so uint64n stays
// small enough to be inlined.
func (p *pcg) reject(hi, lo, n uint64) uint64 { return rejectFrom(p, hi, lo, n) }

// rejectFrom draws again from g until Lemire's multiply-shift is
// unbiased: the rejection step of rand.Rand.Uint64N.
func rejectFrom(g source64, hi, lo, n uint64) uint64 {
	thresh := -n % n
	for lo < thresh {
		hi, lo = bits.Mul64(g.Uint64(), n)
	}
	return hi
}

// float64 is rand.Rand.Float64: uniform in [0, 1).
func (p *pcg) float64() float64 { return unit(p.Uint64()) }

// expFloat64 is rand.Rand.ExpFloat64: exponential with mean 1, by
// Marsaglia and Tsang's ziggurat on the same 256 layers, so it returns
// what rand.Rand would for the same stream. The fast path (about 99% of
// draws) is one table load, a compare and a multiply; the wedges and the
// tail are in expSlow.
func (p *pcg) expFloat64() float64 {
	u := p.Uint64()
	j, i := uint32(u), uint8(u>>32)
	if j < zigKE[i] {
		return float64(j) * zigWE64[i]
	}
	return p.expSlow(j, i)
}

// expSlow finishes a draw that missed the fast path, exactly as
// rand.Rand.ExpFloat64's loop does.
func (p *pcg) expSlow(j uint32, i uint8) float64 { return expSlowFrom(p, j, i) }

// expSlowFrom is the ziggurat's wedges and tail, drawing from g.
func expSlowFrom(g source64, j uint32, i uint8) float64 {
	for {
		x := float64(j) * float64(zigWE[i])
		if j < zigKE[i] {
			return x
		}
		if i == 0 {
			return zigR - math.Log(unit(g.Uint64()))
		}
		if zigFE[i]+float32(unit(g.Uint64()))*(zigFE[i-1]-zigFE[i]) < float32(math.Exp(-x)) {
			return x
		}
		u := g.Uint64()
		j, i = uint32(u), uint8(u>>32)
	}
}

// unit is rand.Rand.Float64's mapping of a draw onto [0, 1).
func unit(u uint64) float64 { return float64(u<<11>>11) / (1 << 53) }

// source64 is a generator the slow paths can draw from through an
// interface: they are rare, and the hot paths call the concrete type.
type source64 interface{ Uint64() uint64 }

// wyrand is the generator of Go's runtime (cheaprand) and of the
// propagation anchor (shared/bench/propagation): a Weyl sequence whose
// step is mixed by one 64x64->128-bit multiply, in about a third of pcg's
// time. Only the propagation workload's reader stream uses it, where two
// of the three draws of every read come from (a PoP and the gap to the
// next read); every other stream, and so every demo, stays on pcg and
// draws what math/rand/v2 draws.
type wyrand struct{ s uint64 }

// Uint64 is one step of wyrand.
func (w *wyrand) Uint64() uint64 {
	w.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(w.s, w.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// expFloat64 is pcg.expFloat64's ziggurat on wyrand's draws.
func (w *wyrand) expFloat64() float64 {
	u := w.Uint64()
	j, i := uint32(u), uint8(u>>32)
	if j < zigKE[i] {
		return float64(j) * zigWE64[i]
	}
	return expSlowFrom(w, j, i)
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
