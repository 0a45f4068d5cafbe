package advisor

import (
	"math"

	"github.com/kvdo/kvdo/content"
)

// kvWindow is KV's propagation window (the kv-propagation-s fact) when
// the pack has it: a cache in front of KV adds its max-age to it.
func kvWindow(pack *content.Pack) float64 {
	if f := pack.Fact("kv-propagation-s"); f != nil && f.Value != nil {
		return *f.Value
	}
	return 60
}

// layer returns the front layer the pack's layer rules put over option
// for these answers (a holds the derived quantities), or nil.
func layer(pack *content.Pack, a Answers, option string) *Layer {
	for i := range pack.Layers {
		lr := &pack.Layers[i]
		if !contains(lr.Over, option) || !lr.When.Holds(a) {
			continue
		}
		maxAge := layerMaxAge(pack, a, option)
		if maxAge < 1 {
			continue
		}
		return &Layer{
			Kind: lr.Layer, Rule: lr.ID, Title: lr.Title,
			Because: pack.Explain(lr.Because, a), Text: lr.Rationale,
			Questions: answerIDs(pack, &lr.When), MaxAgeS: maxAge, Facts: orEmpty(lr.Facts),
		}
	}
	return nil
}

// layerMaxAge is the longest max-age that keeps every read within the
// tolerance: the tolerance itself in front of a store that is current
// (an object, R2 read by key), less KV's window in front of KV or of a
// KV pointer, whose copy may already be that old. Whole seconds, as
// max-age counts them.
func layerMaxAge(pack *content.Pack, a Answers, option string) float64 {
	tol, _ := a[qStaleness].(float64)
	if option == string(KV) || (option == string(R2PlusKV) && !r2Direct(pack, a)) {
		tol -= kvWindow(pack)
	}
	return math.Floor(tol)
}

// r2Direct reports whether an R2 design reads the blob straight from R2
// by its key: when reads must be fresher than KV's window, since R2 is
// strongly consistent and a KV pointer would bring the window back.
// Otherwise a KV pointer names the current version, so publishing is one
// small write and old versions stay readable.
func r2Direct(pack *content.Pack, a Answers) bool {
	if a[qRYW] == true {
		return true
	}
	tol, ok := a[qStaleness].(float64)
	return ok && tol < kvWindow(pack)
}

// kvCacheTTL is the cacheTtl a sketch reads KV with: KV's default (60 s)
// when readers accept that much, less when they accept less, never below
// KV's minimum (30 s). Below the minimum KV is ruled out and gets no
// sketch, so no sketch shows a TTL past the tolerance.
func kvCacheTTL(pack *content.Pack, a Answers) float64 {
	def, floor := 60.0, 30.0
	if f := pack.Fact("kv-cachettl-default-s"); f != nil && f.Value != nil {
		def = *f.Value
	}
	if f := pack.Fact("kv-cachettl-min-s"); f != nil && f.Value != nil {
		floor = *f.Value
	}
	tol, ok := a[qStaleness].(float64)
	if !ok {
		return def
	}
	return math.Max(floor, math.Min(def, math.Floor(tol)))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
