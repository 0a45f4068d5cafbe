package evidence

import (
	"fmt"
	"strings"
	"time"

	"github.com/kvdo/kvdo/content"
)

// num writes a figure for people: thousands separators, fractions cut to
// three significant digits (content's one format for figures).
func num(f float64) string { return content.FormatFigure(f) }

// count is "one write" or "3 writes".
func count(n float64, one, many string) string {
	if n == 1 {
		return "one " + one
	}
	return num(n) + " " + many
}

// dur writes a window: "10 min", "45 s".
func dur(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return num(d.Minutes()) + " min"
	}
	return num(round(d.Seconds(), 1)) + " s"
}

// pct writes a rate as a percentage: "31%", "2.1%", "0.04%"; never "0%"
// for a rate above zero, since one stale read in a million is not none.
func pct(rate float64) string {
	p := rate * 100
	switch {
	case p == 0:
		return "0%"
	case p > 99 && p < 100:
		return num(round(p, 1)) + "%" // never "100%" when some were not
	case p >= 10:
		return num(round(p, 0)) + "%"
	case p >= 1:
		return num(round(p, 1)) + "%"
	case p >= 0.01:
		return num(round(p, 2)) + "%"
	}
	return "under 0.01%"
}

// msText writes a latency figure in milliseconds: "4.2 ms", "183 ms".
func msText(v float64) string {
	if v >= 10 {
		return num(round(v, 0)) + " ms"
	}
	return num(v) + " ms"
}

// sText writes an age in seconds: "59.8 s".
func sText(v float64) string { return num(v) + " s" }

// verdict says in one line, in plain words, what the option did with
// the workload. Every figure in it is a field of o, written by the same
// functions the table uses.
func verdict(p *plan, o Option) string {
	var parts []string
	add := func(format string, a ...any) { parts = append(parts, fmt.Sprintf(format, a...)) }
	if o.Reads > 0 {
		switch {
		case o.StaleReads == 0:
			add("no stale reads")
		case p.hasTol && p.tol == 0:
			add("%s of reads stale, where none may be (up to %s at p99)", pct(o.StaleRate), sText(*o.StalenessP99S))
		case p.hasTol && o.OverTolerance > 0:
			add("%s of reads older than your %s tolerance (stale reads up to %s at p99)", pct(o.OverRate), sText(p.tol), sText(*o.StalenessP99S))
		case p.hasTol:
			add("%s of reads stale, none older than your %s tolerance (at most %s)", pct(o.StaleRate), sText(p.tol), sText(*o.StalenessMaxS))
		default:
			add("%s of reads stale (up to %s at p99)", pct(o.StaleRate), sText(*o.StalenessP99S))
		}
	}
	if p.atomic {
		if o.LostUpdates > 0 {
			add("%s lost", count(float64(o.LostUpdates), "increment", "increments"))
		} else if o.Increments > 0 {
			add("no increment lost")
		}
	}
	if p.ryw && o.RYWChecks > 0 {
		if o.RYWMisses > 0 {
			add("%s of %s writers did not read their own write back", num(float64(o.RYWMisses)), num(float64(o.RYWChecks)))
		} else {
			add("every writer read its own write back")
		}
	}
	if o.Rejected429 > 0 {
		add("%s rejected with 429", count(float64(o.Rejected429), "write", "writes"))
	}
	if o.Overloaded > 0 {
		add("%s failed as overloaded", count(float64(o.Overloaded), "request", "requests"))
	}
	if o.QueueP99Ms != nil && *o.QueueP99Ms >= 10 {
		add("requests wait up to %s in the busiest object's queue (p99)", msText(*o.QueueP99Ms))
	}
	if lat := latencyClaim(o); lat != "" {
		parts = append(parts, lat)
	}
	if o.OriginFetches > 0 {
		what := "origin fetches"
		if o.Option == "r2-plus-kv" {
			what = "R2 reads"
		}
		add("%s %s", num(float64(o.OriginFetches)), what)
	}
	if o.Cost != nil && o.Cost.Priced {
		add("$%s a month", money(o.Cost.MonthlyUSD))
	}
	if len(parts) == 0 {
		parts = append(parts, "no reads and no writes to measure")
	}
	return o.ID + ": " + strings.Join(parts, "; ")
}

// latencyClaim is the read latency in a clause: the spread between the
// fastest and the slowest region when it is wide (the price of a far
// object), else the typical figure.
func latencyClaim(o Option) string {
	if len(o.Latency) == 0 {
		return ""
	}
	lo, hi := o.Latency[0], o.Latency[0]
	for _, r := range o.Latency[1:] {
		if r.P50Ms < lo.P50Ms {
			lo = r
		}
		if r.P50Ms > hi.P50Ms {
			hi = r
		}
	}
	if hi.P50Ms >= 1.5*lo.P50Ms && hi.P50Ms-lo.P50Ms >= 20 || hi.P50Ms-lo.P50Ms >= 100 {
		return fmt.Sprintf("reads take %s at p50 from %s, %s from %s", msText(hi.P50Ms), hi.Region, msText(lo.P50Ms), lo.Region)
	}
	worst := hi
	for _, r := range o.Latency {
		if r.P99Ms > worst.P99Ms {
			worst = r
		}
	}
	return fmt.Sprintf("reads take %s at p50, %s at p99 at worst (%s)", msText(hi.P50Ms), msText(worst.P99Ms), worst.Region)
}

// money writes dollars with cents and thousands separators.
func money(f float64) string {
	whole := int64(f)
	cents := int64(round((f-float64(whole))*100, 0))
	if cents == 100 {
		whole, cents = whole+1, 0
	}
	return fmt.Sprintf("%s.%02d", num(float64(whole)), cents)
}

// warnings say where the chosen design, as measured, breaks what the
// answers require. The record shows them beside the recommendation: the
// evidence never contradicts it silently.
func warnings(p *plan, it Item) []Warning {
	out := []Warning{}
	for _, o := range it.Options {
		if !o.Chosen {
			continue
		}
		add := func(id, format string, a ...any) {
			out = append(out, Warning{ID: id, Option: o.ID, Text: fmt.Sprintf(format, a...)})
		}
		if p.atomic && o.LostUpdates > 0 {
			add("evidence-lost-updates", "the chosen design lost %s, though updates must be atomic", count(float64(o.LostUpdates), "increment", "increments"))
		}
		if p.ryw && o.RYWMisses > 0 {
			add("evidence-read-your-writes", "on the chosen design %s of %s writers did not read their own write back, though reads must see the latest write", num(float64(o.RYWMisses)), num(float64(o.RYWChecks)))
		}
		if p.hasTol && o.OverTolerance > 0 {
			add("evidence-staleness", "on the chosen design %s of reads were older than the %s tolerance (up to %s)", pct(o.OverRate), sText(p.tol), sText(*o.StalenessMaxS))
		}
		if o.Rejected429 > 0 {
			add("evidence-429", "the chosen design had %s rejected with 429 by KV's one write a second per key", count(float64(o.Rejected429), "write", "writes"))
		}
		if o.Overloaded > 0 {
			add("evidence-overload", "on the chosen design %s failed as overloaded at the busiest object", count(float64(o.Overloaded), "request", "requests"))
		}
		if p.hasBudget {
			var over []string
			for _, r := range o.Latency {
				if r.P99Ms > p.budgetMs {
					over = append(over, fmt.Sprintf("%s %s", r.Region, msText(r.P99Ms)))
				}
			}
			if len(over) > 0 {
				add("evidence-latency", "the chosen design's read latency at p99 is over the %s budget in %s (%s)", msText(p.budgetMs), count(float64(len(over)), "region", "regions"), strings.Join(over, ", "))
			}
		}
	}
	return out
}
