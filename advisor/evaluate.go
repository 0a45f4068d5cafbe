package advisor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kvdo/kvdo/content"
)

// Confidence levels, from the score margin between the primary and the
// best other viable option.
const (
	ConfidenceHigh   = "high"
	ConfidenceMedium = "medium"
	ConfidenceLow    = "low"

	// A margin of this many points or more is high confidence; of
	// mediumMargin or more, medium. Rule scores run from 1 to 6, so high
	// means at least one strong rule separates the two.
	highMargin   = 5
	mediumMargin = 2
)

// NoViableOption is the id of the warning raised when every option is
// ruled out: the primary is then only the least bad.
const NoViableOption = "no-viable-option"

// tally is the outcome of running the rules on one set of answers.
type tally struct {
	score    map[string]int
	prefer   map[string]bool
	ruledOut map[string]*content.Rule // the first rule that ruled it out
	fired    []*content.Rule
}

func runRules(pack *content.Pack, a Answers) tally {
	n := len(pack.Options)
	t := tally{score: make(map[string]int, n), prefer: make(map[string]bool, n), ruledOut: make(map[string]*content.Rule, n)}
	for i := range pack.Rules {
		r := &pack.Rules[i]
		if !r.When.Holds(a) {
			continue
		}
		t.fired = append(t.fired, r)
		for _, e := range r.Effects {
			switch {
			case e.RuleOut:
				if t.ruledOut[e.Option] == nil {
					t.ruledOut[e.Option] = r
				}
			default:
				t.score[e.Option] += e.Score
				t.prefer[e.Option] = t.prefer[e.Option] || e.Prefer
			}
		}
	}
	return t
}

// order ranks the pack's options: viable first, then preferred, then by
// score, then in options.yaml order, so ties never depend on map order.
func (t tally) order(pack *content.Pack) []string {
	ids := pack.OptionIDs()
	slices.SortStableFunc(ids, func(a, b string) int {
		va, vb := t.ruledOut[a] == nil, t.ruledOut[b] == nil
		if va != vb {
			return boolFirst(va)
		}
		pa, pb := va && t.prefer[a], vb && t.prefer[b]
		if pa != pb {
			return boolFirst(pa)
		}
		if t.score[a] != t.score[b] {
			return t.score[b] - t.score[a]
		}
		return 0 // stable: options.yaml order
	})
	return ids
}

func boolFirst(a bool) int {
	if a {
		return -1
	}
	return 1
}

// primary is the best option for a, without the rest of the report: the
// flip search calls it once per alternative answer. viable is false when
// every option is ruled out and the primary is only the least bad.
func primary(pack *content.Pack, a Answers) (id string, viable bool) {
	t := runRules(pack, a)
	id = t.order(pack)[0]
	return id, t.ruledOut[id] == nil
}

// EvaluateReview evaluates every item of r, in the file's order.
func EvaluateReview(pack *content.Pack, r Review) []Recommendation {
	out := make([]Recommendation, len(r.Items))
	for i, it := range r.Items {
		out[i] = Evaluate(pack, it)
	}
	return out
}

// Evaluate runs the pack's rules on one item and builds its
// recommendation. It is deterministic: the same pack and item give the
// same Recommendation, down to the order of every list.
func Evaluate(pack *content.Pack, item Item) Recommendation {
	a := item.Answers
	if a == nil {
		a = Answers{}
	}
	t := runRules(pack, a)
	order := t.order(pack)
	best := order[0]
	opt := pack.Option(best)

	rec := Recommendation{
		Item:      item.Name,
		Primary:   OptionID(best),
		Ranking:   ranking(pack, t, order),
		Reasons:   reasons(t),
		Flips:     flips(pack, a, best),
		Warnings:  warnings(pack, a, t, best),
		Pitfalls:  slices.Clone(opt.Pitfalls),
		Checklist: slices.Clone(opt.Checklist),
		Sketch:    Sketch{Language: "typescript", Code: opt.Sketch},
	}
	rec.Confidence = confidence(t, order)
	rec.Summary = summary(pack, t, rec)
	for _, p := range opt.Providers {
		rec.Providers = append(rec.Providers, Provider{Platform: p.Platform, Equivalent: p.Equivalent})
	}
	var prices []priceRef
	for _, r := range rec.Ranking {
		if r.Viable {
			c, used := estimate(pack, string(r.Option), a)
			rec.Costs = append(rec.Costs, c)
			prices = append(prices, used...)
		}
	}
	rec.Sources = sources(pack, t, opt, a, len(rec.Costs) > 0, prices)
	emptyNotNil(&rec)
	return rec
}

// emptyNotNil makes empty lists encode as [] rather than null, so JSON
// consumers need no special case.
func emptyNotNil(r *Recommendation) {
	if r.Reasons == nil {
		r.Reasons = []Reason{}
	}
	if r.Flips == nil {
		r.Flips = []Flip{}
	}
	if r.Warnings == nil {
		r.Warnings = []Warning{}
	}
	if r.Costs == nil {
		r.Costs = []CostEstimate{}
	}
	if r.Providers == nil {
		r.Providers = []Provider{}
	}
	if r.Sources == nil {
		r.Sources = []Source{}
	}
	if r.Pitfalls == nil {
		r.Pitfalls = []string{}
	}
	if r.Checklist == nil {
		r.Checklist = []string{}
	}
}

func ranking(pack *content.Pack, t tally, order []string) []Ranked {
	out := make([]Ranked, 0, len(order))
	for _, id := range order {
		o := pack.Option(id)
		r := Ranked{
			Option:  OptionID(id),
			Title:   o.Title,
			Score:   t.score[id],
			Viable:  t.ruledOut[id] == nil,
			Summary: o.Summary,
			Pros:    []string{},
			Cons:    []string{},
		}
		// Reasons from these answers come first, the option's general
		// traits after them.
		for _, rule := range t.fired {
			for _, e := range rule.Effects {
				if e.Option != id {
					continue
				}
				label := rule.Title + " (" + rule.ID + ")"
				if e.Prefer || e.Score > 0 {
					r.Pros = append(r.Pros, label)
				} else {
					r.Cons = append(r.Cons, label)
				}
			}
		}
		r.Pros = append(r.Pros, o.Strengths...)
		r.Cons = append(r.Cons, o.Costs...)
		if rule := t.ruledOut[id]; rule != nil {
			r.RuledOut = rule.Rationale + " (rule " + rule.ID + ")"
		}
		out = append(out, r)
	}
	return out
}

func reasons(t tally) []Reason {
	out := make([]Reason, 0, len(t.fired))
	for _, r := range t.fired {
		qs := r.When.QuestionIDs()
		out = append(out, Reason{Rule: r.ID, Text: r.Rationale, Questions: qs, Effect: effectText(r)})
	}
	return out
}

// effectText summarises a rule's effects: "prefers durable-object (+5);
// rules out kv, cache-api; do-plus-kv -5".
func effectText(r *content.Rule) string {
	var out, parts []string
	for _, e := range r.Effects {
		if e.RuleOut {
			out = append(out, e.Option)
		}
	}
	for _, e := range r.Effects {
		switch {
		case e.RuleOut:
			if len(out) > 0 {
				parts = append(parts, "rules out "+strings.Join(out, ", "))
				out = nil
			}
		case e.Prefer:
			parts = append(parts, fmt.Sprintf("prefers %s (%+d)", e.Option, e.Score))
		default:
			parts = append(parts, fmt.Sprintf("%s %+d", e.Option, e.Score))
		}
	}
	return strings.Join(parts, "; ")
}

func confidence(t tally, order []string) string {
	best := order[0]
	if t.ruledOut[best] != nil {
		return ConfidenceLow
	}
	if len(order) < 2 || t.ruledOut[order[1]] != nil {
		return ConfidenceHigh // the only option left standing
	}
	switch margin := t.score[best] - t.score[order[1]]; {
	case margin >= highMargin:
		return ConfidenceHigh
	case margin >= mediumMargin:
		return ConfidenceMedium
	}
	return ConfidenceLow
}

func summary(pack *content.Pack, t tally, rec Recommendation) string {
	opt := pack.Option(string(rec.Primary))
	var deciding []string
	for _, r := range t.fired {
		for _, e := range r.Effects {
			if e.Option == opt.ID && (e.Prefer || e.Score > 0) {
				deciding = append(deciding, r.ID)
			}
		}
	}
	s := fmt.Sprintf("%s (%s confidence): %s", opt.Title, rec.Confidence, opt.Summary)
	if t.ruledOut[opt.ID] != nil {
		s += " Every option is ruled out by some answer; this is the least bad."
	}
	if len(deciding) > 0 {
		s += " Favoured by " + strings.Join(deciding, ", ") + "."
	}
	return s
}

func warnings(pack *content.Pack, a Answers, t tally, best string) []Warning {
	var out []Warning
	if t.ruledOut[best] != nil {
		out = append(out, Warning{
			ID:        NoViableOption,
			Text:      "Every option is ruled out by at least one answer; the primary is only the least bad. Revisit the answers named in the ruled-out reasons, or split the state into parts with different needs.",
			Questions: t.ruledOut[best].When.QuestionIDs(),
		})
	}
	for i := range pack.Warnings {
		w := &pack.Warnings[i]
		if w.When.Holds(a) {
			out = append(out, Warning{ID: w.ID, Text: w.Text, Questions: w.When.QuestionIDs()})
		}
	}
	return out
}

func sources(pack *content.Pack, t tally, opt *content.Option, a Answers, costed bool, prices []priceRef) []Source {
	want := map[string]bool{}
	for _, r := range t.fired {
		for _, f := range r.Facts {
			want[f] = true
		}
	}
	for i := range pack.Warnings {
		if pack.Warnings[i].When.Holds(a) {
			for _, f := range pack.Warnings[i].Facts {
				want[f] = true
			}
		}
	}
	for _, f := range opt.Facts {
		want[f] = true
	}
	if costed {
		want[monthFact] = true
	}
	var out []Source
	for _, f := range pack.Facts { // pack order: stable
		if want[f.ID] {
			out = append(out, Source{ID: f.ID, Text: f.Text, Source: f.Source, AsOf: f.AsOf})
		}
	}
	seen := map[string]bool{}
	plan := pack.Pricing.Plan(costPlan)
	if plan == nil {
		return out
	}
	for _, it := range plan.Items { // plan order: stable
		for _, p := range prices {
			if p.item == it.ID && !seen[it.ID] {
				seen[it.ID] = true
				out = append(out, Source{
					ID:     "price:" + plan.ID + ":" + it.ID,
					Text:   priceText(plan, &it),
					Source: it.Source,
					AsOf:   it.AsOf,
				})
			}
		}
	}
	return out
}

func priceText(plan *content.Plan, it *content.PriceItem) string {
	s := fmt.Sprintf("%s, %s: %s %s included per %s", plan.Name, it.Text, num(it.Included), it.Unit, it.Period)
	if it.UnitPriceUSD != nil {
		per := it.Unit // "$0.20 per GB-month", not "per 1"
		if it.PerUnits != 1 {
			per = num(it.PerUnits) + " " + it.Unit
		}
		s += fmt.Sprintf(", then $%s per %s", money(*it.UnitPriceUSD), per)
	}
	if it.Note != "" {
		s += " (" + it.Note + ")"
	}
	return s
}
