package advisor

import (
	"fmt"
	"maps"
	"slices"

	"github.com/kvdo/kvdo/content"
)

// flips finds the single answer changes that would change the primary:
// the other value of a bool, every other choice, and for numbers the
// nearest threshold on each side of the current value. A number's
// thresholds are those rules compare it with, and those they compare a
// quantity derived from it with (reads per key moves with reads_per_s),
// turned back into the answer's terms. Questions go in pack order, lower
// values before higher, so the list is stable.
func flips(pack *content.Pack, a Answers, base string) []Flip {
	var out []Flip
	// One scratch copy, each answer changed and restored in turn: the
	// search evaluates dozens of variants per item.
	alt := maps.Clone(a)
	derive(pack, alt)
	derived := maps.Clone(alt)
	for i := range pack.Questions {
		q := &pack.Questions[i]
		cur, has := a[q.ID]
		try := func(to any, threshold string) bool {
			alt[q.ID] = to
			derive(pack, alt)
			p, viable := primaryOf(pack, alt)
			if has {
				alt[q.ID] = cur
			} else {
				delete(alt, q.ID)
			}
			derive(pack, alt)
			if p == base {
				return false
			}
			was := " instead of " + show(pack, q.ID, cur)
			if !has {
				was = " (it is unanswered)"
			}
			msg := fmt.Sprintf("If %s were %s%s, the primary would be %s (%s)", q.ID, threshold, was, p, pack.Option(p).Title)
			if !viable {
				// Not a way out: say so rather than suggest an option
				// those answers rule out.
				msg += ", but only as the least bad: every option would be ruled out"
			}
			out = append(out, Flip{Question: q.ID, From: cur, To: to, Primary: OptionID(p), Text: msg + ".",
				LeastBad: !viable, Threshold: threshold, Answered: has})
			return true
		}
		switch q.Type {
		case content.TypeBool:
			for _, v := range []bool{false, true} {
				if !has || cur != v {
					try(v, show(pack, q.ID, v))
				}
			}
		case content.TypeChoice:
			for _, v := range q.Options {
				if !has || cur != v {
					try(v, v)
				}
			}
		default:
			numericFlips(pack, q, cur, has, derived, try)
		}
	}
	return out
}

func numericFlips(pack *content.Pack, q *content.Question, cur any, has bool, derived Answers, try func(any, string) bool) {
	bs := thresholds(pack, q, derived)
	unit := q.Unit
	at := func(v float64, b float64, up bool) bool {
		if !q.InRange(v) || (q.Type == content.TypeInteger && v != float64(int64(v))) {
			return false
		}
		var rel string
		switch {
		case up && v == b:
			rel = content.FormatAnswer(unit, b) + " or more"
		case up:
			rel = "over " + content.FormatAnswer(unit, b)
		case v == b:
			rel = content.FormatAnswer(unit, b) + " or less"
		default:
			rel = "under " + content.FormatAnswer(unit, b)
		}
		return try(v, rel)
	}
	x, _ := cur.(float64)
	if !has && q.ID != qEntities {
		// Unanswered, there is no current value to move from: one flip,
		// the widest "under" bound that changes the outcome, else the
		// lowest "or more".
		for i := len(bs) - 1; i >= 0; i-- {
			if at(step(q, bs[i], -1), bs[i], false) {
				return
			}
		}
		for _, b := range bs {
			if at(b, b, true) || at(step(q, b, +1), b, true) {
				return
			}
		}
		return
	}
	if !has {
		x = defaultEntityOnly // an unanswered entities counts as one key
	}
	// Downwards: the nearest threshold below the current value first;
	// each tried at itself and just below it.
	for i := len(bs) - 1; i >= 0 && has; i-- {
		b := bs[i]
		if b > x {
			continue
		}
		if b < x && at(b, b, false) {
			break
		}
		if v := step(q, b, -1); v < x && at(v, b, false) {
			break
		}
	}
	for _, b := range bs {
		if b < x {
			continue
		}
		if b > x && at(b, b, true) {
			break
		}
		if v := step(q, b, +1); v > x && at(v, b, true) {
			break
		}
	}
}

// step moves just across a threshold: by one unit, or by half the distance
// to zero for thresholds below one (fractions of a write per second).
func step(q *content.Question, t float64, dir float64) float64 {
	d := 1.0
	if q.Type == content.TypeNumber && t > 0 && t < 1 {
		d = t / 2
	}
	return t + dir*d
}

// thresholds lists, ascending and once each, the values of question q at
// which some rule's comparison changes: its own thresholds, and those of
// the derived quantities it feeds, inverted at the other answers. Only
// rules count: warnings do not move the primary.
func thresholds(pack *content.Pack, q *content.Question, derived Answers) []float64 {
	var out []float64
	addT := func(t float64) {
		if q.Type == content.TypeInteger {
			t = float64(int64(t))
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	from := map[string]bool{}
	for _, d := range pack.Derived {
		if slices.Contains(d.From, q.ID) {
			from[d.ID] = true
		}
	}
	for i := range pack.Rules {
		for _, c := range pack.Rules[i].When.Comparisons() {
			t, ok := c.Value.(float64)
			if !ok {
				continue
			}
			switch {
			case c.Question == q.ID:
				addT(t)
			case from[c.Question]:
				if v, ok := invert(c.Question, q.ID, t, derived); ok {
					addT(v)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// show prints an answer for a flip's text, with its unit.
func show(pack *content.Pack, id string, v any) string {
	if v == nil {
		return "unanswered"
	}
	return content.FormatAnswer(pack.Unit(id), v)
}
