package evidence

import (
	"fmt"
	"math"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
)

// layerCache is the one front layer the advisor recommends today.
const layerCache = "cache-api"

// variant is one design to measure: an option, bare or with its layer.
type variant struct {
	option   advisor.OptionID
	layer    string
	maxAge   float64 // the front layer's max-age, s
	viable   bool
	ruledOut string
	chosen   bool
	cost     *Cost
}

func (v variant) id() string {
	if v.layer != "" {
		return string(v.option) + "+" + v.layer
	}
	return string(v.option)
}

func (v variant) label() string {
	if v.layer != "" {
		return fmt.Sprintf("%s + Cache API (max-age %s s)", v.option, num(v.maxAge))
	}
	return string(v.option)
}

// core are the three stores every decision is between: they are measured
// even when ruled out, since the measurement shows why. The Cache API and
// R2 designs are measured where the advisor finds them viable.
var core = map[advisor.OptionID]bool{advisor.KV: true, advisor.DurableObject: true, advisor.DOPlusKV: true}

// variantsOf lists the designs to measure for rec, in its ranking order:
// each option bare, and behind its front layer when the advisor prices it
// with one. Options whose values the store cannot hold are skipped, said
// why.
func variantsOf(pack *content.Pack, p *plan, rec advisor.Recommendation) ([]variant, []Skipped) {
	var out []variant
	var skipped []Skipped
	for _, r := range rec.Ranking {
		if !core[r.Option] && !r.Viable {
			continue
		}
		if why := tooBig(pack, r.Option, p.valueBytes); why != "" {
			skipped = append(skipped, Skipped{Option: r.Option, Why: why})
			continue
		}
		base := variant{option: r.Option, viable: r.Viable, ruledOut: r.RuledOut}
		var priced *advisor.CostEstimate
		for i := range rec.Costs {
			if rec.Costs[i].Option == r.Option {
				priced = &rec.Costs[i]
			}
		}
		layered := base
		if priced != nil && priced.Layer == layerCache {
			layered.layer = layerCache
			layered.maxAge = layerMaxAge(p, r.Option)
			if r.Option == rec.Primary && rec.Layer != nil {
				layered.maxAge = rec.Layer.MaxAgeS
			}
			layered.cost = costOf(priced)
		} else if priced != nil {
			base.cost = costOf(priced)
		}
		if r.Option == rec.Primary {
			if rec.Layer != nil {
				layered.chosen = true
			} else {
				base.chosen = true
			}
		}
		out = append(out, base)
		if layered.layer != "" && layered.maxAge >= 1 {
			out = append(out, layered)
		}
	}
	return out, skipped
}

func costOf(c *advisor.CostEstimate) *Cost {
	priced := c.MonthlyUSD != 0
	for _, l := range c.Lines {
		priced = priced || l.UnitPrice != 0
	}
	return &Cost{MonthlyUSD: c.MonthlyUSD, Priced: priced, Design: c.Design, AsOf: c.AsOf}
}

// tooBig says why option cannot hold values of this size, or "".
func tooBig(pack *content.Pack, o advisor.OptionID, bytes float64) string {
	limit, what := 0.0, ""
	switch o {
	case advisor.KV:
		limit, what = factOr(pack, "kv-value-max-bytes", 25<<20), "a KV value"
	case advisor.DurableObject, advisor.DOPlusKV:
		limit, what = factOr(pack, "do-key-value-max-bytes", 2e6), "a Durable Object's key and value"
	}
	if limit > 0 && bytes > limit {
		return fmt.Sprintf("not simulated: values of %s bytes exceed the %s bytes of %s", num(bytes), num(limit), what)
	}
	return ""
}

// layerMaxAge is the advisor's max-age for a cache layer over option: the
// tolerance, less KV's window where the store behind is KV or a KV
// pointer, in whole seconds. (The advisor computes it for the primary's
// layer and prices alternatives with it; it does not export it.)
func layerMaxAge(p *plan, o advisor.OptionID) float64 {
	tol := p.tol
	if o == advisor.KV || (o == advisor.R2PlusKV && !r2Direct(p)) {
		tol -= p.kvWindow
	}
	return math.Floor(tol)
}

// r2Direct is the advisor's choice of reading a blob straight from R2 by
// key: when reads must be fresher than KV's window.
func r2Direct(p *plan) bool {
	return p.ryw || (p.hasTol && p.tol < p.kvWindow)
}
