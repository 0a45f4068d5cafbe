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

// priceRef names a price item (item) or a fact (fact) an estimate used.
type priceRef struct{ item, fact string }

// factValue is the value of fact id, or def if a customised pack lacks it.
func factValue(pack *content.Pack, id string, def float64) float64 {
	if f := pack.Fact(id); f != nil && f.Value != nil {
		return *f.Value
	}
	return def
}

// estimate prices one option's design for the answers on the Workers Paid
// plan, front layer l included when there is one. Assumptions, stated in
// the lines themselves: peak rates held for a 30-day month (an upper
// bound); reads_per_s and writes across all keys (total_writes_per_s) as
// totals; one key or object per entity. A Durable Object is billed for
// duration only while it works (an idle object that may hibernate is not
// billed): kvdo counts each request as keeping one object busy for a warm
// storage transaction (do-storage-txn-ms, a third-party figure), never more
// objects than exist. When the busiest object would get more than its soft
// limit, the estimate says how many objects that takes instead of pricing
// the impossible. With WebSockets, incoming messages (counted as writes)
// are billed 20 to a request and outgoing ones are free. A cache layer
// sends the store at most one read per location per key per max-age
// (cache-fill-locations). r2-plus-kv: read straight from R2 when values
// must be fresher than KV's window (r2Direct), else a KV pointer then the
// blob, a cache in front taking both.
func estimate(pack *content.Pack, option string, a Answers, l *Layer) (CostEstimate, []priceRef) {
	month := factValue(pack, monthFact, defaultMonth)
	reads := number(a, qReads)
	e := entities(a)
	writes, _ := derivations[dTotalWrites](a)
	keyWrites := number(a, qWritesPerKey)
	keyReads, _ := keyReads(a)
	bytes := number(a, qValueBytes)
	plan := pack.Pricing.Plan(costPlan)
	ce := CostEstimate{Option: OptionID(option), Plan: costPlan, Lines: []CostLine{}}
	if plan == nil {
		return ce, nil
	}
	ce.Plan = plan.Name
	used := []priceRef{{fact: monthFact}}
	fact := func(id string) float64 {
		used = append(used, priceRef{fact: id})
		return factValue(pack, id, map[string]float64{
			"cache-fill-locations": 300, "do-websocket-billing-ratio": 20, "do-storage-txn-ms": 16, "do-soft-limit-rps": 1000,
		}[id])
	}
	layerLine := false
	add := func(item string, qty float64, how string) {
		it := plan.Item(item)
		if it == nil {
			return
		}
		used = append(used, priceRef{item: item})
		line := priceLine(it, qty, how)
		line.Layer = layerLine
		ce.Lines = append(ce.Lines, line)
	}
	perMonth := func(rate float64, unit string) (float64, string) {
		q := clean(rate * month)
		return q, fmt.Sprintf("%s %s/s × %s s = %s %s", num(rate), unit, num(month), num(q), unit)
	}
	keys := "one key"
	if e > 1 {
		keys = num(e) + " keys"
	}
	storage := func(item string, b float64, one, many string) {
		total := b * e
		gb := clean(total / 1e9)
		how := fmt.Sprintf("%s of %s bytes = %s GB, kept all month", one, num(b), num(gb))
		if e > 1 {
			how = fmt.Sprintf("%s %s of %s bytes = %s bytes = %s GB, kept all month", num(e), many, num(b), num(clean(total)), num(gb))
		}
		add(item, gb, how)
	}

	// A cache layer in front: the store sees only its fills.
	storeReads := reads
	if l != nil {
		locations := fact("cache-fill-locations")
		fills := clean(math.Min(reads, locations*e/l.MaxAgeS))
		storeReads = fills
		layerLine = true
		q, how := perMonth(reads, "reads")
		ce.Lines = append(ce.Lines, CostLine{
			Item: pack.Option(l.Kind).Title + " reads", Quantity: q, Unit: "reads", PerUnits: 1, Layer: true,
			Arithmetic: how + fmt.Sprintf("; not priced: no Cloudflare pricing page kvdo checked names a Cache API charge. At most %s locations × %s ÷ %s s max-age = %s reads/s miss and reach the store (kvdo's upper bound); purges through the zone purge API are not priced either",
				num(locations), keys, num(l.MaxAgeS), num(fills)),
		})
		layerLine = false
		ce.Layer = l.Kind
	}

	switch option {
	case "kv":
		q, how := perMonth(storeReads, "reads")
		add("kv-reads", q, how+readsNote(l))
		q, how = perMonth(writes, "writes")
		add("kv-writes", q, how+writesNote(e))
		storage("kv-storage", bytes, "one value", "values")
		ce.Design = designNote(count(e, "KV key", "KV keys"), l)
	case "durable-object":
		ws := a[qWebSocket] == true
		if ws {
			ratio := fact("do-websocket-billing-ratio")
			q, h := perMonth(writes, "incoming messages")
			how := fmt.Sprintf("%s ÷ %s messages per request = %s requests (messages the object sends, %s reads/s, are free)", h, num(ratio), num(clean(q/ratio)), num(storeReads))
			add("do-requests", clean(q/ratio), how)
		} else {
			q, h := perMonth(storeReads+writes, "requests")
			add("do-requests", q, h+" (every read and write that reaches an object)")
		}
		busy := storeReads + writes
		if ws {
			busy = writes
		}
		objects := e
		if need := objectsNeeded(pack, keyReadsBehind(keyReads, l, a, pack), keyWrites); need > 1 {
			fact("do-soft-limit-rps")
			ce.ObjectsNeeded = need * e
			objects = ce.ObjectsNeeded
		}
		activeDuration(pack, add, fact, busy, objects, month)
		q, h := perMonth(storeReads, "rows read")
		add("do-rows-read", q, h+" (one row per read)")
		q, h = perMonth(writes, "rows written")
		add("do-rows-written", q, h+" (one row per write)")
		storage("do-storage", bytes, "one value", "values")
		ce.Design = designNote(count(e, "Durable Object", "Durable Objects"), l)
	case "do-plus-kv":
		q, how := perMonth(writes, "requests")
		add("do-requests", q, how+" (only writes reach the objects)")
		if need := objectsNeeded(pack, 0, keyWrites); need > 1 {
			fact("do-soft-limit-rps")
			ce.ObjectsNeeded = need * e
		}
		activeDuration(pack, add, fact, writes, math.Max(e, ce.ObjectsNeeded), month)
		q, how = perMonth(writes, "rows read")
		add("do-rows-read", q, how+" (each write reads the current row)")
		q, how = perMonth(writes, "rows written")
		add("do-rows-written", q, how+" (one row per write)")
		storage("do-storage", bytes, "one value", "values")
		publish := math.Min(writes, e) // each key published at most once a second
		q, how = perMonth(publish, "writes")
		add("kv-writes", q, how+" (each object publishes its latest value at most once a second)")
		q, how = perMonth(storeReads, "reads")
		add("kv-reads", q, how+" (every read is served by KV)"+readsNote(l))
		storage("kv-storage", bytes, "the published copy", "published copies")
		ce.Design = designNote(count(e, "Durable Object", "Durable Objects")+" publishing to KV", l)
	case "cache-api":
		maxAge := layerMaxAge(pack, a, option)
		q, how := perMonth(reads, "reads")
		line := CostLine{
			Item: "Cache API reads", Quantity: q, Unit: "reads", PerUnits: 1,
			Arithmetic: how + "; not priced: no Cloudflare pricing page kvdo checked names a Cache API charge or says it is free (misses are paid by the origin behind it, not counted here)",
		}
		if maxAge >= 1 {
			locations := fact("cache-fill-locations")
			line.Arithmetic += fmt.Sprintf("; at most %s locations × %s ÷ %s s = %s reads/s reach the origin", num(locations), keys, num(maxAge), num(clean(math.Min(reads, locations*e/maxAge))))
		}
		ce.Lines = append(ce.Lines, line)
		ce.Design = "the origin's responses cached at each location"
	case "r2-plus-kv":
		direct := r2Direct(pack, a)
		if !direct {
			q, how := perMonth(storeReads, "reads")
			add("kv-reads", q, how+" (one pointer read per request that reaches the store)")
			q, how = perMonth(writes, "writes")
			add("kv-writes", q, how+" (one pointer write per new version)")
			storage("kv-storage", pointerBytes, "a pointer, assumed to be one", "pointers, each assumed to be one")
		}
		q, how := perMonth(storeReads, "blob reads")
		note := " (every read fetches the blob: an upper bound, since no cache in front of R2 is counted)"
		if l != nil {
			note = " (only the cache's fills reach R2)"
		}
		add("r2-class-b", q, how+note)
		q, how = perMonth(writes, "blob uploads")
		add("r2-class-a", q, how+" (one upload per new version; deleting the old blob is free)")
		storage("r2-storage", bytes, "one blob (one key, one live version: old versions are deleted once the pointer has moved on)", "blobs (one live version each: old versions are deleted once nothing names them)")
		if direct {
			ce.Design = designNote(count(e, "blob", "blobs")+" in R2, read by key", l)
		} else {
			ce.Design = designNote(count(e, "blob", "blobs")+" in R2, each named by a KV pointer", l)
		}
	}
	var sources []string
	for _, l := range ce.Lines {
		ce.MonthlyUSD += l.USD
	}
	ce.MonthlyUSD = finite(math.Round(ce.MonthlyUSD*100) / 100)
	for _, u := range used {
		it := plan.Item(u.item)
		if it == nil {
			continue // a fact, not a price
		}
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

// keyReadsBehind is the read rate of the busiest object once a cache
// layer takes its share: at most one fill per location per max-age.
func keyReadsBehind(keyReads float64, l *Layer, a Answers, pack *content.Pack) float64 {
	if l == nil {
		return keyReads
	}
	return math.Min(keyReads, factValue(pack, "cache-fill-locations", 300)/l.MaxAgeS)
}

// objectsNeeded is how many objects the busiest key must be spread over
// to keep each under the soft limit; 1 when one object copes.
func objectsNeeded(pack *content.Pack, keyReads, keyWrites float64) float64 {
	limit := factValue(pack, "do-soft-limit-rps", 1000)
	return math.Max(1, math.Ceil((keyReads+keyWrites)/limit))
}

// activeDuration prices Durable Object duration: busy requests per second,
// each keeping an object active for one warm storage transaction, spread
// over at most the objects there are, for the month.
func activeDuration(pack *content.Pack, add func(string, float64, string), fact func(string) float64, busy, objects, month float64) {
	if busy <= 0 {
		add("do-duration", 0, "no requests, so no object wakes: 0 GB-s")
		return
	}
	fact("do-duration-billing")
	perReq := fact("do-storage-txn-ms") / 1000
	active := math.Min(objects, busy*perReq)
	gbs := clean(active * doBilledGB * month)
	how := fmt.Sprintf("%s requests/s × %s s of work each (one warm storage transaction, a third-party figure) = %s objects busy at once", num(busy), num(perReq), num(clean(busy*perReq)))
	if active < busy*perReq {
		how = fmt.Sprintf("%s requests/s × %s s of work each (a third-party figure) would keep %s objects busy, but there are only %s, so all %s are active all month", num(busy), num(perReq), num(clean(busy*perReq)), num(objects), num(objects))
	}
	how += fmt.Sprintf("; idle objects that may hibernate are not billed. %s × %s GB (128 MB) × %s s = %s GB-s", num(clean(active)), num(doBilledGB), num(month), num(gbs))
	add("do-duration", gbs, how)
}

func readsNote(l *Layer) string {
	if l == nil {
		return ""
	}
	return " (only the cache's fills reach the store)"
}

func writesNote(e float64) string {
	if e > 1 {
		return " (all keys together)"
	}
	return ""
}

func designNote(what string, l *Layer) string {
	if l != nil {
		what += " behind a Cache API layer with max-age " + num(l.MaxAgeS) + " s"
	}
	return what
}

// count is "one Durable Object" or "200,000 Durable Objects".
func count(e float64, one, many string) string {
	if e > 1 {
		return num(e) + " " + many
	}
	return "one " + one
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
	// NaN is not its own truncation: without this the fraction branch
	// below recursed until the stack ran out (issue 14).
	if math.IsNaN(f) || math.Abs(f) >= 1e15 {
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
