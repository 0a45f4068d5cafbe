package advisor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kvdo/kvdo/content"
)

// Confidence levels.
const (
	ConfidenceHigh   = "high"
	ConfidenceMedium = "medium"
	ConfidenceLow    = "low"

	// A margin of this many points or more over the runner-up is high
	// confidence; of mediumMargin or more, medium. Rule scores run from 1
	// to 6, so high means at least one strong rule separates the two. An
	// option that wins without a runner-up (the only viable one, or one an
	// answer settles) is judged by its own score on the same scale.
	highMargin   = 5
	mediumMargin = 2
)

// What a confidence rests on (Recommendation.ConfidenceBasis).
const (
	BasisMargin     = "margin"
	BasisPreferred  = "preferred"
	BasisOnlyViable = "only-viable"
	BasisLeastBad   = "least-bad"
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

// runRules applies the pack's rules to a, which must already hold the
// derived quantities (withDerived).
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

// primaryOf is the best option for answers that already hold their
// derived quantities, without the rest of the report; viable is false when
// every option is ruled out and the primary is only the least bad. The
// flip search calls it hundreds of times per item, so it
// keeps its tallies in slices indexed like pack.Options rather than maps,
// and ranks exactly as tally.order does.
func primaryOf(pack *content.Pack, a Answers) (id string, viable bool) {
	n := len(pack.Options)
	var buf [8]int
	score := buf[:0]
	if n > len(buf) {
		score = make([]int, 0, n)
	}
	score = score[:n]
	var flags [8]uint8 // bit 1: ruled out, bit 2: preferred
	fl := flags[:0]
	if n > len(flags) {
		fl = make([]uint8, 0, n)
	}
	fl = fl[:n]
	for i := range score {
		score[i], fl[i] = 0, 0
	}
	for i := range pack.Rules {
		r := &pack.Rules[i]
		if !r.When.Holds(a) {
			continue
		}
		for _, e := range r.Effects {
			j := optionIndex(pack, e.Option)
			if j < 0 {
				continue
			}
			switch {
			case e.RuleOut:
				fl[j] |= 1
			default:
				score[j] += e.Score
				if e.Prefer {
					fl[j] |= 2
				}
			}
		}
	}
	best := 0
	better := func(x, y int) bool { // does option x rank ahead of option y?
		vx, vy := fl[x]&1 == 0, fl[y]&1 == 0
		if vx != vy {
			return vx
		}
		px, py := vx && fl[x]&2 != 0, vy && fl[y]&2 != 0
		if px != py {
			return px
		}
		return score[x] > score[y] // ties keep options.yaml order
	}
	for j := 1; j < n; j++ {
		if better(j, best) {
			best = j
		}
	}
	return pack.Options[best].ID, fl[best]&1 == 0
}

func optionIndex(pack *content.Pack, id string) int {
	for i := range pack.Options {
		if pack.Options[i].ID == id {
			return i
		}
	}
	return -1
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
// same Recommendation, down to the order of every list. Partial answers
// are fine (the interview calls it after every answer): a rule whose
// questions are unanswered does not fire.
func Evaluate(pack *content.Pack, item Item) Recommendation {
	raw := item.Answers
	if raw == nil {
		raw = Answers{}
	}
	a := withDerived(pack, raw)
	t := runRules(pack, a)
	order := t.order(pack)
	best := order[0]
	opt := pack.Option(best)
	viable := t.ruledOut[best] == nil

	rec := Recommendation{
		Item:    item.Name,
		Primary: OptionID(best),
		Ranking: ranking(pack, t, order),
		Reasons: reasons(pack, t, a),
		Flips:   flips(pack, raw, best),
	}
	if len(order) > 1 {
		rec.RunnerUp = OptionID(order[1])
	}
	rec.Kind, rec.KindInferred = kindOf(raw)
	rec.Warnings = warnings(pack, a, t, best)
	rec.Confidence, rec.ConfidenceBasis, rec.ConfidenceText = confidence(pack, t, order, rec.Warnings)
	if viable {
		rec.Layer = layer(pack, a, best)
	}
	for i := range opt.Pitfalls {
		if opt.Pitfalls[i].Holds(a) {
			rec.Pitfalls = append(rec.Pitfalls, pack.Explain(opt.Pitfalls[i].Text, a))
		}
	}
	for i := range opt.Checklist {
		if opt.Checklist[i].Holds(a) {
			rec.Checklist = append(rec.Checklist, pack.Explain(opt.Checklist[i].Text, a))
		}
	}
	rec.Sketch = sketch(pack, opt, a, rec.Kind, "", viable)
	if rec.Layer != nil {
		rec.Layer.Sketch = sketch(pack, opt, a, rec.Kind, rec.Layer.Kind, viable)
	}
	rec.Design = design(pack, a, best, rec.Layer)
	rec.Summary = summary(pack, rec)
	for _, p := range opt.Providers {
		rec.Providers = append(rec.Providers, Provider{Platform: p.Platform, Equivalent: p.Equivalent})
	}
	var prices []priceRef
	for _, r := range rec.Ranking {
		// Every viable option, and the primary even when it is only the
		// least bad: a choice is never left unpriced.
		if !r.Viable && r.Option != rec.Primary {
			continue
		}
		var l *Layer
		if r.Option == rec.Primary {
			l = rec.Layer
		} else if r.Viable {
			// An alternative is priced as the design it would be, front
			// layer included, so the comparison is like with like.
			l = layer(pack, a, string(r.Option))
		}
		c, used := estimate(pack, string(r.Option), a, l)
		c.Viable = r.Viable
		c.Sources = costSources(pack, used)
		rec.Costs = append(rec.Costs, c)
		prices = append(prices, used...)
	}
	rec.Sources = sources(pack, t, opt, a, best, rec.Layer, prices)
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
			For:     []string{},
			Against: []string{},
		}
		// What these answers make matter comes first, the option's
		// general traits after it. Each effect speaks for its option: a
		// rule's title would read as a pro of one option and a con of
		// another.
		for _, rule := range t.fired {
			for _, e := range rule.Effects {
				if e.Option != id {
					continue
				}
				text := e.Text
				if text == "" {
					text = rule.Title
				}
				text = capitalise(text) + " (" + rule.ID + ")"
				if e.Good() {
					r.For = append(r.For, text)
				} else {
					r.Against = append(r.Against, text)
				}
			}
		}
		r.Pros = append(append(r.Pros, r.For...), o.Strengths...)
		r.Cons = append(append(r.Cons, r.Against...), o.Costs...)
		if rule := t.ruledOut[id]; rule != nil {
			r.RuledOut = rule.Rationale + " (rule " + rule.ID + ")"
		}
		out = append(out, r)
	}
	return out
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func reasons(pack *content.Pack, t tally, a Answers) []Reason {
	out := make([]Reason, 0, len(t.fired))
	for _, r := range t.fired {
		rs := Reason{
			Rule: r.ID, Title: r.Title, Text: r.Rationale, Questions: answerIDs(pack, &r.When),
			Effect: effectText(r), Because: pack.Explain(r.Because, a), Effects: []ReasonEffect{},
			Facts: orEmpty(r.Facts),
		}
		if rs.Because == "" {
			rs.Because = r.Title + "."
		}
		for _, e := range r.Effects {
			rs.Effects = append(rs.Effects, ReasonEffect{Option: OptionID(e.Option), Score: e.Score, RuleOut: e.RuleOut, Prefer: e.Prefer, Text: e.Text})
		}
		out = append(out, rs)
	}
	return out
}

// answerIDs lists the answers a condition reads, derived quantities
// replaced by the answers they come from, once each in order.
func answerIDs(pack *content.Pack, c *content.Condition) []string {
	var ids []string
	for _, q := range c.QuestionIDs() {
		for _, id := range pack.Sources(q) {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
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

// confidence judges the primary by its margin over the runner-up; with no
// runner-up standing (the only viable option) or an answer that settles
// it (preferred), by its own score on the same scale. A warning on the
// primary lowers it one step. A least-bad primary is always low.
func confidence(pack *content.Pack, t tally, order []string, ws []Warning) (level, basis, text string) {
	best := order[0]
	if t.ruledOut[best] != nil {
		return ConfidenceLow, BasisLeastBad, "every option is ruled out by some answer; this is the least bad"
	}
	grade := func(points int) string {
		switch {
		case points >= highMargin:
			return ConfidenceHigh
		case points >= mediumMargin:
			return ConfidenceMedium
		}
		return ConfidenceLow
	}
	switch {
	case len(order) < 2 || t.ruledOut[order[1]] != nil:
		basis = BasisOnlyViable
		level = grade(t.score[best])
		text = fmt.Sprintf("the only option no answer rules out, with a score of %d", t.score[best])
		if t.score[best] <= 0 {
			text = fmt.Sprintf("won by elimination: the only option no answer rules out, though nothing in the answers favours it (score %d)", t.score[best])
		}
	case t.prefer[best] && !t.prefer[order[1]]:
		basis = BasisPreferred
		level = grade(t.score[best])
		text = fmt.Sprintf("an answer settles it ahead of %s, with a score of %d", pack.Option(order[1]).Title, t.score[best])
	default:
		basis = BasisMargin
		margin := t.score[best] - t.score[order[1]]
		level = grade(margin)
		text = fmt.Sprintf("%d %s ahead of %s", margin, plural(margin, "point", "points"), pack.Option(order[1]).Title)
		if margin == 0 {
			text = fmt.Sprintf("tied with %s, ahead only by the order of the options", pack.Option(order[1]).Title)
		}
	}
	for _, w := range ws {
		if w.Level == content.LevelWarning {
			if level == ConfidenceHigh {
				level = ConfidenceMedium
			} else {
				level = ConfidenceLow
			}
			text += "; lowered by a warning on it"
			break
		}
	}
	return level, basis, text
}

func plural(n int, one, many string) string {
	if n == 1 || n == -1 {
		return one
	}
	return many
}

func summary(pack *content.Pack, rec Recommendation) string {
	opt := pack.Option(string(rec.Primary))
	title := opt.Title
	if rec.Layer != nil {
		title += ", with the " + pack.Option(rec.Layer.Kind).Title + " in front"
	}
	s := fmt.Sprintf("%s (%s confidence: %s). %s", title, rec.Confidence, rec.ConfidenceText, rec.Design)
	if rec.ConfidenceBasis == BasisLeastBad {
		s += " Every option is ruled out by some answer; this is the least bad."
	}
	return s
}

func warnings(pack *content.Pack, a Answers, t tally, best string) []Warning {
	var out []Warning
	if t.ruledOut[best] != nil {
		out = append(out, Warning{
			ID:        NoViableOption,
			Text:      "Every option is ruled out by at least one answer; the primary is only the least bad. Revisit the answers named in the ruled-out reasons, or split the state into parts with different needs.",
			Questions: answerIDs(pack, &t.ruledOut[best].When),
			Level:     content.LevelWarning,
			Facts:     orEmpty(t.ruledOut[best].Facts),
		})
	}
	for i := range pack.Warnings {
		w := &pack.Warnings[i]
		if w.Applies(best) && w.When.Holds(a) {
			out = append(out, Warning{ID: w.ID, Text: pack.Explain(w.Text, a), Questions: answerIDs(pack, &w.When), Level: w.Level, Facts: orEmpty(w.Facts)})
		}
	}
	return out
}

func sources(pack *content.Pack, t tally, opt *content.Option, a Answers, best string, l *Layer, prices []priceRef) []Source {
	want := map[string]bool{}
	for _, r := range t.fired {
		for _, f := range r.Facts {
			want[f] = true
		}
	}
	for i := range pack.Warnings {
		w := &pack.Warnings[i]
		if w.Applies(best) && w.When.Holds(a) {
			for _, f := range w.Facts {
				want[f] = true
			}
		}
	}
	if l != nil {
		for _, lr := range pack.Layers {
			if lr.ID == l.Rule {
				for _, f := range lr.Facts {
					want[f] = true
				}
			}
		}
	}
	for _, f := range opt.Facts {
		want[f] = true
	}
	for _, p := range prices {
		if p.fact != "" {
			want[p.fact] = true
		}
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
			if p.item != "" && p.item == it.ID && !seen[it.ID] {
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

// orEmpty keeps an empty list from encoding as null.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// costSources are the source ids an estimate rests on: the facts it
// assumed, in pack order, then the prices it used, in plan order.
func costSources(pack *content.Pack, used []priceRef) []string {
	out := []string{}
	for _, f := range pack.Facts {
		for _, u := range used {
			if u.fact == f.ID {
				out = append(out, f.ID)
				break
			}
		}
	}
	if plan := pack.Pricing.Plan(costPlan); plan != nil {
		for _, it := range plan.Items {
			for _, u := range used {
				if u.item == it.ID {
					out = append(out, "price:"+plan.ID+":"+it.ID)
					break
				}
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
