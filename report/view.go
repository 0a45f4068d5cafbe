package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kvdo/kvdo/advisor"
)

// The derived view of one entry that the Markdown and HTML renderers
// share, so the two formats say the same things.

// point is one consequence: a sentence, the answers behind it (when the
// sentence does not quote them) and the rule.
type point struct {
	Text    string
	Answers string
	Rule    string
}

// maxConciseFlips is how many flips a concise record lists: the answered
// questions' first, the nearest threshold on each side already chosen by
// the advisor.
const maxConciseFlips = 3

// maxConciseGoods and maxConcisePitfalls cap a concise record's
// consequences: the strongest reasons and the likeliest mistakes.
const (
	maxConciseGoods    = 3
	maxConcisePitfalls = 2
)

// goods are the reasons the answers favour the primary, strongest first.
// A rule about the primary itself speaks in its because sentence; a rule
// about another option (far readers make one object slow, which counts
// for KV) speaks in its effect's text for the primary, followed by the
// answers that fired it, so no reason reads as a complaint about the
// option it recommends.
func goods(d Doc, e Entry) []point {
	r := e.Recommendation
	type scored struct {
		point
		score int
	}
	var list []scored
	for _, rs := range r.Reasons {
		for _, ef := range rs.Effects {
			if ef.Option != r.Primary || ef.RuleOut || !(ef.Prefer || ef.Score > 0) {
				continue
			}
			p := point{Text: rs.Because, Rule: rs.Rule}
			if !about(rs, r.Primary) && ef.Text != "" {
				p = point{Text: capitalFirst(ef.Text), Answers: d.answerList(e, rs.Questions), Rule: rs.Rule}
			}
			score := ef.Score
			if ef.Prefer {
				score += 100
			}
			list = append(list, scored{p, score})
			break
		}
	}
	slices.SortStableFunc(list, func(a, b scored) int { return b.score - a.score })
	var out []point
	for _, s := range list {
		out = append(out, s.point)
	}
	if r.Layer != nil {
		out = append(out, point{Text: r.Layer.Because, Rule: r.Layer.Rule})
	}
	if len(out) == 0 && !hasEffects(r) {
		// A recommendation made before reasons carried their effects:
		// its primary's pros are the best there is.
		if p, ok := primary(r); ok {
			for _, s := range p.Pros {
				out = append(out, point{Text: s})
			}
		}
	}
	return out
}

// hasEffects reports whether r's reasons say what they did to each
// option (recommendations from before that do not).
func hasEffects(r advisor.Recommendation) bool {
	for _, rs := range r.Reasons {
		if len(rs.Effects) > 0 {
			return true
		}
	}
	return false
}

// about reports whether a rule is chiefly about option: its effect on it
// is the rule's largest in size (a rule-out counts as the largest).
func about(rs advisor.Reason, option advisor.OptionID) bool {
	size := func(e advisor.ReasonEffect) int {
		switch {
		case e.Prefer:
			return 2000 // an answer that settles it is about the option it settles on
		case e.RuleOut:
			return 1000
		}
		if e.Score < 0 {
			return -e.Score
		}
		return e.Score
	}
	mine, top := 0, 0
	for _, e := range rs.Effects {
		if e.Option == option {
			mine = size(e)
		}
		top = max(top, size(e))
	}
	return mine > 0 && mine >= top
}

// bads are what the answers hold against the primary: the text of each
// fired rule's effect that counts against it, with the answers behind it.
func bads(d Doc, e Entry) []point {
	r := e.Recommendation
	var out []point
	for _, rs := range r.Reasons {
		for _, ef := range rs.Effects {
			if ef.Option == r.Primary && (ef.RuleOut || (!ef.Prefer && ef.Score < 0)) {
				text := ef.Text
				if text == "" {
					text = rs.Title
				}
				out = append(out, point{Text: capitalFirst(text), Answers: d.answerList(e, rs.Questions), Rule: rs.Rule})
			}
		}
	}
	return out
}

// answerList prints answers compactly: "reader_regions global,
// read_latency_budget_ms 10 ms"; ids the item did not answer are left out.
func (d Doc) answerList(e Entry, ids []string) string {
	var parts []string
	for _, id := range ids {
		v, ok := e.Item.Answers[id]
		if !ok {
			continue
		}
		parts = append(parts, id+" "+advisor.FormatAnswer(d.unit(id), v))
	}
	if len(parts) == 0 {
		return "no answer"
	}
	return strings.Join(parts, ", ")
}

// unit is the unit of question id, if the Doc knows it.
func (d Doc) unit(id string) string {
	for _, q := range d.Questions {
		if q.ID == id {
			return q.Unit
		}
	}
	return ""
}

// otherOption is one line about an option that was not chosen.
type otherOption struct {
	Option   advisor.OptionID
	Title    string
	Score    int
	Viable   bool
	RunnerUp bool
	Why      string // why not, in a phrase
	Rule     string
	Cost     *advisor.CostEstimate
}

// others explains each option that was not chosen in one phrase: the
// effect that ruled it out, else the strongest point against it, else
// that it scored lower.
func others(r advisor.Recommendation) []otherOption {
	var out []otherOption
	for _, o := range r.Ranking {
		if o.Option == r.Primary {
			continue
		}
		oo := otherOption{Option: o.Option, Title: o.Title, Score: o.Score, Viable: o.Viable, RunnerUp: o.Option == r.RunnerUp}
		worst := 0
		for _, rs := range r.Reasons {
			for _, e := range rs.Effects {
				if e.Option != o.Option || (!e.RuleOut && e.Score >= worst) || strings.HasPrefix(oo.Why, "ruled out") {
					continue
				}
				text := e.Text
				if text == "" {
					text = rs.Title
				}
				if e.RuleOut {
					oo.Why, oo.Rule = "ruled out: "+text, rs.Rule
				} else {
					oo.Why, oo.Rule, worst = text, rs.Rule, e.Score
				}
			}
		}
		switch {
		case !o.Viable && !strings.HasPrefix(oo.Why, "ruled out") && o.RuledOut != "":
			// A recommendation without effects (made before they existed)
			// still says why the option is out.
			oo.Why, oo.Rule = "ruled out: "+o.RuledOut, ""
		case oo.Why == "" && o.Viable:
			oo.Why = "nothing in the answers rules it out, but less counts for it"
		case oo.Why == "":
			oo.Why = "ruled out"
		}
		for i := range r.Costs {
			if r.Costs[i].Option == o.Option {
				oo.Cost = &r.Costs[i]
			}
		}
		out = append(out, oo)
	}
	return out
}

// primaryCost is the primary's estimate, if it was priced.
func primaryCost(r advisor.Recommendation) *advisor.CostEstimate {
	for i := range r.Costs {
		if r.Costs[i].Option == r.Primary {
			return &r.Costs[i]
		}
	}
	return nil
}

// priced reports whether an estimate has a priced line: the Cache API's
// has none, and "$0.00" would read as free.
func priced(c advisor.CostEstimate) bool { return estimateText(c) != "not priced" }

// cheapest is the cheapest priced viable estimate, if it is not the
// primary's and costs less than it: what a record says instead of calling
// its choice the cheapest when the table disagrees.
func cheapest(r advisor.Recommendation) *advisor.CostEstimate {
	p := primaryCost(r)
	if p == nil || !priced(*p) {
		return nil
	}
	var best *advisor.CostEstimate
	for i := range r.Costs {
		c := &r.Costs[i]
		if c.Option == r.Primary || !c.Viable || !priced(*c) {
			continue
		}
		if best == nil || c.MonthlyUSD < best.MonthlyUSD {
			best = c
		}
	}
	if best == nil || best.MonthlyUSD >= p.MonthlyUSD {
		return nil
	}
	return best
}

// isCheapest reports whether the primary's estimate is the lowest of the
// priced viable ones (and there is more than one to compare).
func isCheapest(r advisor.Recommendation) bool {
	p := primaryCost(r)
	if p == nil || !priced(*p) || !p.Viable {
		return false
	}
	n := 0
	for _, c := range r.Costs {
		if c.Option != r.Primary && c.Viable && priced(c) {
			n++
			if c.MonthlyUSD <= p.MonthlyUSD {
				return false
			}
		}
	}
	return n > 0
}

// costSentence says what the primary's estimate is and how it compares,
// from the table's own figures: the primary is called the cheapest only
// when it is, and a cheaper viable option is named when there is one.
func costSentence(r advisor.Recommendation, title func(advisor.OptionID) string) string {
	p := primaryCost(r)
	if p == nil {
		return ""
	}
	s := title(r.Primary)
	if p.Design != "" {
		s += ", as " + p.Design
	}
	s += ": " + estimateText(*p)
	if priced(*p) {
		s += " per month"
	}
	s += "."
	if p.ObjectsNeeded > 0 {
		s += fmt.Sprintf(" The busiest key needs more than one object can serve: this prices %s objects, the key sharded to stay under the soft limit.", formatNumber(p.ObjectsNeeded))
	}
	switch c := cheapest(r); {
	case isCheapest(r):
		s += " The cheapest of the viable options at these rates."
	case c != nil:
		s += " Cheaper at these rates: " + title(c.Option)
		if c.Design != "" {
			s += ", as " + c.Design + ","
		}
		s += " at " + estimateText(*c) + " per month; it ranks lower on the answers."
	}
	return s
}

// conciseFlips picks the flips a concise record shows: answered questions
// first, at most maxConciseFlips; more says how many were left out.
func conciseFlips(r advisor.Recommendation) (shown []advisor.Flip, more int) {
	var answered, rest []advisor.Flip
	for _, f := range r.Flips {
		if f.Answered {
			answered = append(answered, f)
		} else {
			rest = append(rest, f)
		}
	}
	all := append(answered, rest...)
	if len(all) > maxConciseFlips {
		return all[:maxConciseFlips], len(all) - maxConciseFlips
	}
	return all, 0
}

// threshold is a flip's change in words; older recommendations without
// one show the value.
func threshold(f advisor.Flip) string {
	if f.Threshold != "" {
		return f.Threshold
	}
	return FormatValue(f.To)
}

// sourcePage is one cited page (or other source) and the latest date a
// fact or price from it was checked.
type sourcePage struct {
	Source string
	AsOf   string
}

// sourcePages lists the pages behind srcs once each, in order of first
// citation: a source naming several pages ("a; b") counts for each.
func sourcePages(srcs []advisor.Source) []sourcePage {
	var out []sourcePage
	idx := map[string]int{}
	for _, s := range srcs {
		for _, page := range strings.Split(s.Source, "; ") {
			page = strings.TrimSpace(page)
			i, ok := idx[page]
			if !ok {
				i = len(out)
				idx[page] = i
				out = append(out, sourcePage{Source: page})
			}
			if s.AsOf > out[i].AsOf {
				out[i].AsOf = s.AsOf
			}
		}
	}
	return out
}

// layerTitle is how the primary reads with its layer: "Workers KV, with
// the Cache API in front".
func layerPhrase(r advisor.Recommendation) string {
	if r.Layer == nil {
		return ""
	}
	return "the " + layerName(r.Layer.Kind) + " in front (max-age " + formatNumber(r.Layer.MaxAgeS) + " s)"
}

func layerName(kind string) string {
	if kind == string(advisor.CacheAPI) {
		return "Cache API"
	}
	return kind
}

// warningCounts summarises an entry's warnings for the glance table.
func warningCounts(r advisor.Recommendation) string {
	w, n := 0, 0
	for _, x := range r.Warnings {
		if x.Level == "note" {
			n++
		} else {
			w++
		}
	}
	var parts []string
	if w > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", w, pluralWord(w, "warning", "warnings")))
	}
	if n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", n, pluralWord(n, "note", "notes")))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// capitalFirst upper-cases a leading lower-case letter.
func capitalFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// warningLabel is how a warning is introduced: "Warning" or "Note".
func warningLabel(w advisor.Warning) string {
	if w.Level == "note" {
		return "Note"
	}
	return "Warning"
}

// conciseSources are the sources a concise record cites: those of the
// reasons it shows, its warnings, its layer and the primary's estimate.
func conciseSources(d Doc) []advisor.Source {
	want := map[string]bool{}
	for _, e := range d.Entries {
		r := e.Recommendation
		shown := map[string]bool{}
		for _, p := range append(goods(d, e), bads(d, e)...) {
			shown[p.Rule] = true
		}
		for _, rs := range r.Reasons {
			if shown[rs.Rule] {
				for _, f := range rs.Facts {
					want[f] = true
				}
			}
		}
		for _, w := range r.Warnings {
			for _, f := range w.Facts {
				want[f] = true
			}
		}
		if r.Layer != nil {
			for _, f := range r.Layer.Facts {
				want[f] = true
			}
		}
		if c := primaryCost(r); c != nil {
			for _, f := range c.Sources {
				want[f] = true
			}
		}
	}
	var out []advisor.Source
	for _, s := range d.sources() {
		if want[s.ID] {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		// Nothing says which source backs what: cite them all.
		return d.sources()
	}
	return out
}
