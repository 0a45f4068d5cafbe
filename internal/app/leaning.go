package app

import (
	"slices"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
)

// Asked lists the questions the interview asks for answers a, in its
// order: every question whose ask_if holds (or that has none).
func Asked(pack *content.Pack, a advisor.Answers) []*content.Question {
	var out []*content.Question
	for _, q := range pack.InterviewOrder() {
		if q.AskIf == nil || q.AskIf.Holds(a) {
			out = append(out, q)
		}
	}
	return out
}

// Prune removes answers to questions that are no longer asked (their
// ask_if stopped holding after an earlier answer changed), so the review
// keeps no answer the interview can neither show nor change. It returns the
// ids removed.
func Prune(pack *content.Pack, a advisor.Answers) []string {
	var gone []string
	for changed := true; changed; {
		changed = false
		for _, q := range pack.InterviewOrder() {
			if _, ok := a[q.ID]; ok && q.AskIf != nil && !q.AskIf.Holds(a) {
				delete(a, q.ID)
				gone = append(gone, q.ID)
				changed = true // one removal can stop another ask_if holding
			}
		}
	}
	return gone
}

// Missing lists the required questions still unanswered in a, in
// interview order: what stands between a draft and `advise --answers`.
func Missing(pack *content.Pack, a advisor.Answers) []string {
	var out []string
	for _, q := range Asked(pack, a) {
		if _, ok := a[q.ID]; !ok && q.Required {
			out = append(out, q.ID)
		}
	}
	return out
}

// FirstUnanswered is the index in Asked of the first question without an
// answer, or -1 when every asked question has one.
func FirstUnanswered(pack *content.Pack, a advisor.Answers) int {
	for i, q := range Asked(pack, a) {
		if _, ok := a[q.ID]; !ok {
			return i
		}
	}
	return -1
}

// Leaning is what the interview's side panel shows for one item while
// its answers come in. It is built from advisor.Evaluate, the very call
// `advise --answers` makes, so the panel and the final record agree.
type Leaning struct {
	Rec advisor.Recommendation
	// Answered is how many answers the item has; with none the leaning
	// is only the options' file order and means nothing yet.
	Answered int
	// RunnerUp is the best other viable option; nil when none is left.
	RunnerUp *advisor.Ranked
	// Margin is the primary's score lead over the runner-up.
	Margin int
	// Was is the primary before the last answer; Moved says it changed.
	Was   advisor.OptionID
	Moved bool
	// Fired and Stopped are the rules the last answer made fire or stop
	// firing, in rule order.
	Fired, Stopped []advisor.Reason
	// Open lists the asked questions still unanswered; Deciding those of
	// them whose answer could still change the primary.
	Open, Deciding []string
}

// Lean evaluates item and compares the result with prev, the evaluation
// before the last answer (nil at the start).
func Lean(pack *content.Pack, item advisor.Item, prev *advisor.Recommendation) Leaning {
	a := item.Answers
	if a == nil {
		a = advisor.Answers{}
	}
	rec := advisor.Evaluate(pack, advisor.Item{Name: item.Name, Notes: item.Notes, Answers: a})
	l := Leaning{Rec: rec, Answered: len(a)}
	if len(rec.Ranking) > 1 && rec.Ranking[1].Viable {
		r := rec.Ranking[1]
		l.RunnerUp = &r
		l.Margin = rec.Ranking[0].Score - r.Score
	}
	if prev != nil {
		l.Was = prev.Primary
		l.Moved = prev.Primary != rec.Primary
		had := map[string]bool{}
		for _, r := range prev.Reasons {
			had[r.Rule] = true
		}
		has := map[string]bool{}
		for _, r := range rec.Reasons {
			has[r.Rule] = true
			if !had[r.Rule] {
				l.Fired = append(l.Fired, r)
			}
		}
		for _, r := range prev.Reasons {
			if !has[r.Rule] {
				l.Stopped = append(l.Stopped, r)
			}
		}
	}
	for _, q := range Asked(pack, a) {
		if _, ok := a[q.ID]; !ok {
			l.Open = append(l.Open, q.ID)
		}
	}
	for _, f := range rec.Flips {
		if _, answered := a[f.Question]; !answered && slices.Contains(l.Open, f.Question) && !slices.Contains(l.Deciding, f.Question) {
			l.Deciding = append(l.Deciding, f.Question)
		}
	}
	return l
}
