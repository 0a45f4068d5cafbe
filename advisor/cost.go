package advisor

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kvdo/kvdo/content"
)

const (
	// costPlan is the plan cost estimates are priced on: the Free plan
	// sells nothing past its daily allowances, so it has no monthly bill.
	costPlan = "workers-paid"
	// monthFact holds the seconds in kvdo's 30-day month.
	monthFact = "month-seconds"
	// defaultMonth is used if a customised pack drops that fact.
	defaultMonth = 30 * 24 * 3600
	// doBilledGB is the memory a Durable Object is billed at while active.
	doBilledGB = 0.125 // 128 MB as 128/1024 GB
	// pointerBytes is kvdo's assumed size of an R2 pointer in KV.
	pointerBytes = 1024
)

type priceRef struct{ item string }

// estimate prices one option for the answers on the Workers Paid plan.
// Assumptions, stated in the lines themselves: peak rates held for a
// 30-day month (an upper bound); one key or one object; a Durable Object
// that receives requests is active all month (billed at 128 MB); Workers
// request charges are the same for every option and left out. For
// r2-plus-kv: every read fetches the pointer from KV and the blob from R2
// (no cache in front counted), every write uploads a new blob and its
// pointer, and one blob of value_bytes is stored (old versions deleted
// once the pointer has moved on, which leaves one live version).
func estimate(pack *content.Pack, option string, a Answers) (CostEstimate, []priceRef) {
	month := float64(defaultMonth)
	if f := pack.Fact(monthFact); f != nil && f.Value != nil {
		month = *f.Value
	}
	reads := number(a, "reads_per_s")
	writes := number(a, "writes_per_s_per_key")
	bytes := number(a, "value_bytes")
	plan := pack.Pricing.Plan(costPlan)
	ce := CostEstimate{Option: OptionID(option), Plan: costPlan, Lines: []CostLine{}}
	if plan == nil {
		return ce, nil
	}
	ce.Plan = plan.Name
	var used []priceRef
	add := func(item string, qty float64, how string) {
		it := plan.Item(item)
		if it == nil {
			return
		}
		used = append(used, priceRef{item})
		ce.Lines = append(ce.Lines, priceLine(it, qty, how))
	}
	perMonth := func(rate float64, unit string) (float64, string) {
		q := clean(rate * month)
		return q, fmt.Sprintf("%s %s/s × %s s = %s %s", num(rate), unit, num(month), num(q), unit)
	}
	storage := func(item string, b float64, what string) {
		gb := clean(b / 1e9)
		add(item, gb, fmt.Sprintf("%s of %s bytes = %s GB, kept all month", what, num(b), num(gb)))
	}
	activeObject := func(requests float64) {
		gbs := 0.0
		how := "no requests, so the object never wakes: 0 GB-s"
		if requests > 0 {
			gbs = clean(doBilledGB * month)
			how = fmt.Sprintf("one object active all month (an upper bound for one object: an idle one is evicted and stops billing; state split over many objects bills each while it is active), billed at 128 MB = %s GB: %s GB × %s s = %s GB-s", num(doBilledGB), num(doBilledGB), num(month), num(gbs))
		}
		add("do-duration", gbs, how)
	}

	switch option {
	case "kv":
		q, how := perMonth(reads, "reads")
		add("kv-reads", q, how)
		q, how = perMonth(writes, "writes")
		add("kv-writes", q, how)
		storage("kv-storage", bytes, "one value")
	case "durable-object":
		q, how := perMonth(reads+writes, "requests")
		add("do-requests", q, how+" (reads and writes all reach the object)")
		activeObject(reads + writes)
		q, how = perMonth(reads, "rows read")
		add("do-rows-read", q, how+" (one row per read)")
		q, how = perMonth(writes, "rows written")
		add("do-rows-written", q, how+" (one row per write)")
		storage("do-storage", bytes, "one value")
	case "do-plus-kv":
		q, how := perMonth(writes, "requests")
		add("do-requests", q, how+" (only writes reach the object)")
		activeObject(writes)
		q, how = perMonth(writes, "rows read")
		add("do-rows-read", q, how+" (each write reads the current row)")
		q, how = perMonth(writes, "rows written")
		add("do-rows-written", q, how+" (one row per write)")
		storage("do-storage", bytes, "one value")
		publish := math.Min(writes, 1)
		q, how = perMonth(publish, "writes")
		add("kv-writes", q, how+" (the object publishes the latest value at most once a second)")
		q, how = perMonth(reads, "reads")
		add("kv-reads", q, how+" (every read is served by KV)")
		storage("kv-storage", bytes, "the published copy")
	case "cache-api":
		q, how := perMonth(reads, "reads")
		ce.Lines = append(ce.Lines, CostLine{
			Item: "Cache API reads", Quantity: q, Unit: "reads", PerUnits: 1,
			Arithmetic: how + "; no Cloudflare pricing page kvdo checked names a Cache API charge or says it is free, so it is not priced (misses are paid by whatever the cache sits in front of, not counted here)",
		})
	case "r2-plus-kv":
		q, how := perMonth(reads, "reads")
		add("kv-reads", q, how+" (one pointer read per request)")
		q, how = perMonth(writes, "writes")
		add("kv-writes", q, how+" (one pointer write per new version)")
		storage("kv-storage", pointerBytes, "a pointer, assumed to be one")
		q, how = perMonth(reads, "blob reads")
		add("r2-class-b", q, how+" (every read fetches the blob: an upper bound, since no cache in front of R2 is counted)")
		q, how = perMonth(writes, "blob uploads")
		add("r2-class-a", q, how+" (one upload per new version; deleting the old blob is free)")
		storage("r2-storage", bytes, "one blob (one key, one live version: old versions are deleted once the pointer has moved on)")
	}
	var sources []string
	for _, l := range ce.Lines {
		ce.MonthlyUSD += l.USD
	}
	ce.MonthlyUSD = finite(math.Round(ce.MonthlyUSD*100) / 100)
	for _, u := range used {
		it := plan.Item(u.item)
		if !contains(sources, it.Source) {
			sources = append(sources, it.Source)
		}
		if it.AsOf > ce.AsOf {
			ce.AsOf = it.AsOf
		}
	}
	if len(sources) == 0 {
		sources = append(sources, "no priced item (see the lines)")
	}
	ce.Source = strings.Join(sources, "; ")
	return ce, used
}

// priceLine bills qty of it and writes the sum out so a reader can redo it.
func priceLine(it *content.PriceItem, qty float64, how string) CostLine {
	l := CostLine{Item: it.Text, Quantity: qty, Unit: it.Unit, Included: it.Included, PerUnits: 1}
	if it.UnitPriceUSD == nil {
		l.Arithmetic = how + "; not sold beyond the included quantity"
		return l
	}
	l.UnitPrice, l.PerUnits = *it.UnitPriceUSD, it.PerUnits
	over := qty - it.Included
	if over <= 0 {
		l.Arithmetic = fmt.Sprintf("%s; within the %s included: $0.00", how, num(it.Included))
		return l
	}
	l.USD = finite(math.Round(over/it.PerUnits*l.UnitPrice*100) / 100)
	l.Arithmetic = fmt.Sprintf("%s; (%s − %s included) ÷ %s × $%s = $%s",
		how, num(qty), num(it.Included), num(it.PerUnits), money(l.UnitPrice), money(l.USD))
	return l
}

// number reads a numeric answer; a missing one counts as 0.
func number(a Answers, id string) float64 {
	f, _ := a[id].(float64)
	return f
}

// clean drops float noise (0.1 × 2592000 = 259200.00000000003) so the
// figures print as a person would write them.
func clean(f float64) float64 {
	if math.Abs(f) < 1e9 {
		return finite(math.Round(f*1e9) / 1e9)
	}
	return finite(math.Round(f))
}

// finite keeps absurd inputs (1e308 reads/s) from producing an infinity,
// which JSON cannot encode.
func finite(f float64) float64 {
	switch {
	case math.IsInf(f, 1) || math.IsNaN(f):
		return math.MaxFloat64
	case math.IsInf(f, -1):
		return -math.MaxFloat64
	}
	return f
}

// num prints a figure with thousands separators: 777,600,000; 0.125.
func num(f float64) string {
	if math.Abs(f) >= 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if f != math.Trunc(f) {
		// 2500.01 as 2,500.01, like the whole figures around it.
		_, frac, _ := strings.Cut(strconv.FormatFloat(f, 'f', -1, 64), ".")
		whole := num(math.Trunc(f))
		if f < 0 && whole == "0" {
			whole = "-0"
		}
		return whole + "." + frac
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', 0, 64)
	var b strings.Builder
	if f < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// money prints dollars with cents, or every digit of a price that is
// not a whole number of cents ($0.001, $0.015): rounding a unit price
// would teach a wrong figure.
func money(f float64) string {
	if f != 0 && math.Abs(f) < 0.01 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if c := f * 100; math.Abs(c-math.Round(c)) > 1e-6 {
		return num(f)
	}
	whole := num(math.Trunc(f))
	cents := int(math.Round(math.Abs(f-math.Trunc(f)) * 100))
	if cents == 100 {
		whole, cents = num(math.Trunc(f)+1), 0
	}
	return fmt.Sprintf("%s.%02d", whole, cents)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
