package advisor

import (
	"fmt"
	"maps"
	"slices"

	"github.com/kvdo/kvdo/content"
)

// boundary is a threshold some rule compares a number question against.
// When inclusive, t itself lies on the upper side (lt, gte: "< 60" versus
// ">= 60"); otherwise on the lower side (lte, gt: "<= 1" versus "> 1").
type boundary struct {
	t         float64
	inclusive bool // the upper side includes t (lt, gte, eq)
}

// flips finds the single answer changes that would change the primary:
// the other value of a bool, every other choice, and for numbers the
// nearest rule threshold on each side of the current value. Questions go
// in pack order, lower values before higher, so the list is stable.
func flips(pack *content.Pack, a Answers, base string) []Flip {
	var out []Flip
	// One scratch copy, each answer changed and restored in turn: the
	// search evaluates dozens of variants per item.
	alt := maps.Clone(a)
	for i := range pack.Questions {
		q := &pack.Questions[i]
		cur, has := a[q.ID]
		try := func(to any, text func() string) bool {
			alt[q.ID] = to
			p, viable := primary(pack, alt)
			if has {
				alt[q.ID] = cur
			} else {
				delete(alt, q.ID)
			}
			if p == base {
				return false
			}
			msg := fmt.Sprintf("If %s were %s, the primary would be %s (%s)", q.ID, text(), p, pack.Option(p).Title)
			if !viable {
				// Not a way out: say so rather than suggest an option
				// those answers rule out.
				msg += ", but only as the least bad: every option would be ruled out"
			}
			out = append(out, Flip{Question: q.ID, From: cur, To: to, Primary: OptionID(p), Text: msg + ".", LeastBad: !viable})
			return true
		}
		was := func(v any) string {
			if !has {
				return " (it is unanswered)"
			}
			return " instead of " + show(v)
		}
		switch q.Type {
		case content.TypeBool:
			for _, v := range []bool{false, true} {
				if !has || cur != v {
					try(v, func() string { return show(v) + was(cur) })
				}
			}
		case content.TypeChoice:
			for _, v := range q.Options {
				if !has || cur != v {
					try(v, func() string { return v + was(cur) })
				}
			}
		default:
			numericFlips(pack, q, cur, has, try, was)
		}
	}
	return out
}

func numericFlips(pack *content.Pack, q *content.Question, cur any, has bool, try func(any, func() string) bool, was func(any) string) {
	bs := boundaries(pack, q.ID)
	x, _ := cur.(float64)
	below := func(b boundary) (float64, string) {
		if b.inclusive {
			return step(q, b.t, -1), "< " + show(b.t)
		}
		return b.t, "<= " + show(b.t)
	}
	above := func(b boundary) (float64, string) {
		if b.inclusive {
			return b.t, ">= " + show(b.t)
		}
		return step(q, b.t, +1), "> " + show(b.t)
	}
	attempt := func(v float64, rel string) bool {
		if !q.InRange(v) {
			return false
		}
		return try(v, func() string { return fmt.Sprintf("%s (e.g. %s%s)", rel, show(v), was(cur)) })
	}
	if !has {
		// Unanswered: the first value, from the bottom, that changes the
		// outcome.
		for _, b := range bs {
			v, rel := below(b)
			if attempt(v, rel) {
				return
			}
			v, rel = above(b)
			if attempt(v, rel) {
				return
			}
		}
		return
	}
	// Downwards: the nearest threshold below the current value first.
	for i := len(bs) - 1; i >= 0; i-- {
		v, rel := below(bs[i])
		if v < x && attempt(v, rel) {
			break
		}
	}
	for _, b := range bs {
		v, rel := above(b)
		if v > x && attempt(v, rel) {
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

// boundaries lists the distinct thresholds the rules compare question id
// against, ascending. Only rules count: warnings do not move the primary.
func boundaries(pack *content.Pack, id string) []boundary {
	seen := map[boundary]bool{}
	var out []boundary
	for i := range pack.Rules {
		for _, c := range pack.Rules[i].When.Comparisons() {
			t, ok := c.Value.(float64)
			if c.Question != id || !ok {
				continue
			}
			b := boundary{t: t, inclusive: c.Op == content.OpLt || c.Op == content.OpGte || c.Op == content.OpEq || c.Op == content.OpNe}
			if !seen[b] {
				seen[b] = true
				out = append(out, b)
			}
		}
	}
	slices.SortFunc(out, func(a, b boundary) int {
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		case a.inclusive == b.inclusive:
			return 0
		case a.inclusive:
			return -1
		}
		return 1
	})
	return out
}

func show(v any) string {
	switch x := v.(type) {
	case float64:
		return content.FormatNumber(x)
	case bool:
		return fmt.Sprint(x)
	case string:
		return x
	}
	return "unanswered"
}
