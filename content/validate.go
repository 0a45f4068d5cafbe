package content

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// validator checks a decoded pack: every field's range and every
// reference between entries and files, recording each problem and
// carrying on. Checks are written so that a NaN fails them (!(x >= 0)
// rather than x < 0), although the decoder already refuses one.
type validator struct {
	c *collector
	p *Pack
	// broken are the files that could not be read or parsed.
	broken map[string]bool
	// comparisons counts the comparisons of every condition resolved,
	// for MaxComparisons.
	comparisons int
}

func (v *validator) at(file string, p Pos, format string, a ...any) {
	v.c.at(file, p, format, a...)
}

// where is the position of the value at path in file's YAML, or fallback
// when the YAML is not at hand (a pack decoded another way) or the path
// does not exist (a missing field).
func (v *validator) where(file string, fallback Pos, path ...any) Pos {
	if root := v.p.src[file]; root != nil {
		if n := NodeAt(root, path...); n != nil {
			return Pos{n.Line, n.Column}
		}
	}
	return fallback
}

// values checks, in a pack not decoded from its YAML, what the decoder
// would have refused: text that is not plain UTF-8 or is too long, a
// number that is not finite or past MaxFigure, a list past MaxListItems.
// at is the position of the nearest entry, for messages.
func (v *validator) values(file string, x reflect.Value, at Pos, what string) {
	label := what
	if label != "" {
		label += ": "
	}
	switch x.Kind() {
	case reflect.String:
		if p := TextProblem(x.String()); p != "" {
			v.at(file, at, "%s%s", label, p)
		} else if x.Len() > MaxPackText {
			v.at(file, at, "%s%d bytes of text: expected at most %d", label, x.Len(), MaxPackText)
		}
	case reflect.Float64, reflect.Float32:
		if f := x.Float(); !between(f, -MaxFigure, MaxFigure) {
			v.at(file, at, "%s%s: expected a number between %s and %s", label, num(f), num(-MaxFigure), num(MaxFigure))
		}
	case reflect.Pointer, reflect.Interface:
		if !x.IsNil() {
			v.values(file, x.Elem(), at, what)
		}
	case reflect.Struct:
		if x.Type() == reflect.TypeOf(yaml.Node{}) {
			return // a raw value, checked where it is resolved
		}
		if f := x.FieldByName("Pos"); f.IsValid() && f.Type() == posType {
			if p := f.Interface().(Pos); p != (Pos{}) {
				at = p
			}
		}
		for i := range x.NumField() {
			if sf := x.Type().Field(i); sf.IsExported() {
				name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
				if name == "-" {
					continue
				}
				v.values(file, x.Field(i), at, name)
			}
		}
	case reflect.Slice:
		if x.Len() > MaxListItems {
			v.at(file, at, "%s%d entries: expected at most %d", label, x.Len(), MaxListItems)
			return
		}
		for i := range x.Len() {
			v.values(file, x.Index(i), at, what)
		}
	case reflect.Map:
		for _, k := range x.MapKeys() {
			v.values(file, k, at, what)
			v.values(file, x.MapIndex(k), at, what)
		}
	}
}

// local runs the checks each file needs on its own, except on a file
// that could not be read or parsed at all: it has nothing to check.
func (v *validator) local() {
	for _, c := range []struct {
		file  string
		check func()
	}{
		{TopologyFile, v.topology}, {FactsFile, v.facts}, {GlossaryFile, v.glossary},
		{PricingFile, v.pricing}, {QuestionsFile, v.questions}, {OptionsFile, v.options},
	} {
		if !v.broken[c.file] {
			c.check()
		}
	}
}

// crossFile runs the checks that follow references between files, and
// resolves conditions and defaults.
func (v *validator) crossFile() {
	facts := v.p.factIndex()
	v.glossaryRefs(facts)
	v.questionRefs(facts)
	for i := range v.p.Options {
		o := &v.p.Options[i]
		v.factRefs(OptionsFile, o.Pos, "option "+o.ID, o.Facts, facts)
	}
	qs := v.conditionIndex()
	v.rules(qs, facts)
	v.optionRefs(qs, facts)
	if v.comparisons > MaxComparisons {
		v.at(RulesFile, Pos{1, 1}, "%d comparisons in the pack's conditions: expected at most %d (kvdo's limit)", v.comparisons, MaxComparisons)
	}
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9]+([_-][a-z0-9]+)*$`)
	datePattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)
	// popCode is an IATA airport code, which is how Cloudflare names
	// its locations.
	popCode = regexp.MustCompile(`^[A-Z]{3}$`)
	country = regexp.MustCompile(`^[A-Z]{2}$`)
)

// id rejects malformed and repeated ids; seen collects them. An id the
// decoder already found missing is left to its message.
func (v *validator) id(file string, p Pos, kind, id string, seen map[string]bool) {
	if !idPattern.MatchString(id) {
		v.at(file, p, "%s id %q: expected lower-case words joined by - or _", kind, id)
		return
	}
	if seen[id] {
		v.at(file, p, "%s %q is listed twice", kind, id)
	}
	seen[id] = true
}

// dated insists on the two things that make a figure trustworthy.
func (v *validator) dated(file string, p Pos, what, source, asOf string) {
	if strings.TrimSpace(source) == "" {
		v.at(file, p, "%s: source is empty: expected where the figure comes from", what)
	}
	if !validDate(asOf) {
		v.at(file, p, "%s: as_of %q: expected a date YYYY-MM-DD", what, asOf)
	}
}

// validDate: the pattern keeps the form strict (time.Parse takes no
// leading or trailing junk but is the one that knows February has no
// 30th).
func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && datePattern.MatchString(s)
}

// count refuses a list longer than max.
func (v *validator) count(file string, p Pos, what string, n, max int) {
	if n > max {
		v.at(file, p, "%s: %d entries: expected at most %d (kvdo's limit)", what, n, max)
	}
}

// between reports whether lo <= x <= hi; false for NaN.
func between(x, lo, hi float64) bool { return x >= lo && x <= hi }

// ---- topology.yaml

func (v *validator) topology() {
	const file = TopologyFile
	t := &v.p.Topology
	top := v.where(file, Pos{1, 1})
	n := t.Network
	if !between(n.FibreKmPerMs, 1, 300) {
		v.at(file, v.where(file, n.Pos, "network", "fibre_km_per_ms"), "fibre_km_per_ms %s: expected a speed between 1 and 300 km/ms (light in fibre covers about 200)", num(n.FibreKmPerMs))
	}
	if !between(n.RouteFactor, 1, 5) {
		v.at(file, v.where(file, n.Pos, "network", "route_factor"), "route_factor %s: expected 1..5", num(n.RouteFactor))
	}
	if !(n.Jitter >= 0 && n.Jitter < 1) {
		v.at(file, v.where(file, n.Pos, "network", "jitter"), "jitter %s: expected 0 <= jitter < 1", num(n.Jitter))
	}
	if n.AsOf != "" && !validDate(n.AsOf) {
		v.at(file, v.where(file, n.Pos, "network", "as_of"), "network: as_of %q: expected a date YYYY-MM-DD", n.AsOf)
	}
	if t.AsOf != "" && !validDate(t.AsOf) {
		v.at(file, v.where(file, top, "as_of"), "as_of %q: expected a date YYYY-MM-DD", t.AsOf)
	}
	if len(t.PoPs) == 0 && v.where(file, Pos{}, "pops") != (Pos{}) {
		v.at(file, v.where(file, top, "pops"), "pops: expected at least one PoP")
	}
	if len(t.PoPs) > MaxPoPs {
		// Refused before anything is built: the simulator's delay table
		// grows with the square of the PoPs.
		v.at(file, v.where(file, top, "pops"), "pops: %d PoPs: expected at most %d (kvdo's limit)", len(t.PoPs), MaxPoPs)
		return
	}
	codes := map[string]*PoP{}
	hosts := 0
	for i := range t.PoPs {
		p := &t.PoPs[i]
		if !popCode.MatchString(p.Code) {
			v.at(file, p.Pos, "PoP code %q: expected an IATA code, three capital letters such as LHR", p.Code)
		} else if codes[p.Code] != nil {
			v.at(file, p.Pos, "PoP %s is listed twice", p.Code)
		}
		codes[p.Code] = p
		if !slices.Contains(Regions, p.Region) {
			v.at(file, p.Pos, "PoP %s: region %q: expected one of %s", p.Code, p.Region, strings.Join(Regions, ", "))
		}
		if !country.MatchString(p.Country) {
			v.at(file, p.Pos, "PoP %s: country %q: expected a two-letter code such as GB", p.Code, p.Country)
		}
		if strings.TrimSpace(p.City) == "" {
			v.at(file, p.Pos, "PoP %s: city is empty: expected the city's name", p.Code)
		}
		if !between(p.Lat, -90, 90) || !between(p.Lon, -180, 180) {
			v.at(file, p.Pos, "PoP %s: lat/lon %s,%s: expected -90..90 and -180..180", p.Code, num(p.Lat), num(p.Lon))
		}
		if p.DOHost {
			hosts++
		}
	}
	for i := range t.PoPs {
		p := &t.PoPs[i]
		hub := codes[p.Tier]
		switch {
		case hub == nil:
			v.at(file, p.Pos, "PoP %s: tier %q: expected the code of a PoP in this file", p.Code, p.Tier)
		case hub.Tier != hub.Code:
			// KV's regional tier is one level: a hub is its own tier.
			v.at(file, p.Pos, "PoP %s: tier %s: that PoP's own tier is %s: expected a hub, whose tier is itself", p.Code, p.Tier, hub.Tier)
		}
	}
	if len(t.PoPs) > 0 && hosts == 0 {
		v.at(file, v.where(file, top, "pops"), "pops: no PoP has do_host: true: expected at least one that can host Durable Objects")
	}
	if len(t.CentralStores) == 0 && v.where(file, Pos{}, "central_stores") != (Pos{}) {
		v.at(file, v.where(file, top, "central_stores"), "central_stores: expected at least one PoP code")
	}
	for i, c := range t.CentralStores {
		if codes[c] == nil {
			v.at(file, v.where(file, top, "central_stores", i), "central_stores: %q: expected the code of a PoP in this file", c)
		}
	}
	if t.LocationHints != nil {
		for _, h := range Regions {
			if _, ok := t.LocationHints[h]; !ok {
				v.at(file, v.where(file, top, "location_hints"), "location_hints: missing %s: expected a PoP for every hint (%s)", h, strings.Join(Regions, ", "))
			}
		}
	}
	for _, h := range LocationHints {
		c, ok := t.LocationHints[h]
		if !ok {
			continue // apac-ne and apac-se may be left out: they fall back to apac
		}
		switch p := codes[c]; {
		case p == nil:
			v.at(file, v.where(file, top, "location_hints", h), "location_hints: %s: %q: expected the code of a PoP in this file", h, c)
		case !p.DOHost:
			v.at(file, v.where(file, top, "location_hints", h), "location_hints: %s: %s has do_host: false: expected a PoP that hosts Durable Objects", h, c)
		}
	}
	for _, h := range sortedKeys(t.LocationHints) {
		if !slices.Contains(LocationHints, h) {
			v.at(file, v.keyWhere(file, top, "location_hints", h), "location_hints: unknown hint %q: expected one of %s", h, strings.Join(LocationHints, ", "))
		}
	}
	if m := t.RTT; m != nil {
		v.rtt(m)
	}
	t.FibreKmPerMs, t.RouteFactor, t.Jitter = n.FibreKmPerMs, n.RouteFactor, n.Jitter
}

// keyWhere is where for the key of the last path step.
func (v *validator) keyWhere(file string, fallback Pos, path ...any) Pos {
	if root := v.p.src[file]; root != nil {
		if n := KeyAt(root, path...); n != nil {
			return Pos{n.Line, n.Column}
		}
	}
	return fallback
}

// rtt checks the measurements: known cities and regions, real
// coordinates, positive round trips, each pair once.
func (v *validator) rtt(m *RTTMeasurements) {
	const file = TopologyFile
	if !validDate(m.AsOf) {
		v.at(file, m.Pos, "rtt_measurements: as_of %q: expected a date YYYY-MM-DD", m.AsOf)
	}
	v.count(file, m.Pos, "rtt_measurements: cities", len(m.Cities), MaxPoPs)
	v.count(file, m.Pos, "rtt_measurements: rtt_ms", len(m.Pairs), MaxRTTPairs)
	seen := map[string]bool{}
	for _, c := range m.Cities {
		if seen[c.Name] {
			v.at(file, c.Pos, "rtt_measurements: city %q is listed twice", c.Name)
		}
		seen[c.Name] = true
		if !slices.Contains(Regions, c.Region) {
			v.at(file, c.Pos, "rtt_measurements: city %s: region %q: expected one of %s", c.Name, c.Region, strings.Join(Regions, ", "))
		}
		if !between(c.Lat, -90, 90) || !between(c.Lon, -180, 180) {
			v.at(file, c.Pos, "rtt_measurements: city %s: lat/lon %s,%s: expected -90..90 and -180..180", c.Name, num(c.Lat), num(c.Lon))
		}
	}
	pairs := map[[2]string]bool{}
	for _, p := range m.Pairs {
		known := true
		for _, c := range []string{p.A, p.B} {
			if !seen[c] {
				v.at(file, p.Pos, "rtt_measurements: %q: expected the name of a city listed under cities", c)
				known = false
			}
		}
		k := [2]string{min(p.A, p.B), max(p.A, p.B)}
		if known && (p.A == p.B || pairs[k]) {
			v.at(file, p.Pos, "rtt_measurements: %s to %s: expected two different cities, each pair once", p.A, p.B)
		}
		pairs[k] = true
		if !(p.Ms > 0 && p.Ms <= 2000) {
			v.at(file, p.Pos, "rtt_measurements: %s to %s: %s ms: expected a round trip between 0 and 2000 ms", p.A, p.B, num(p.Ms))
		}
	}
}

// ---- facts.yaml, glossary.yaml, pricing.yaml

// FactRange is the range of a fact kvdo's code computes with: a month
// that is negative makes every cost $0.00, a zero soft limit divides by
// zero. Facts not listed need only be finite and not negative.
type FactRange struct {
	Min, Max float64
	// MinExclusive makes Min a strict bound.
	MinExclusive bool
}

// FactRanges are the facts the advisor reads by id, with their ranges.
var FactRanges = map[string]FactRange{
	"month-seconds":              {Min: 28 * 86400, Max: 31 * 86400},
	"cache-fill-locations":       {Min: 1, Max: 100_000},
	"do-websocket-billing-ratio": {Min: 1, Max: 1_000_000},
	"do-storage-txn-ms":          {Min: 0, Max: 60_000, MinExclusive: true},
	"do-soft-limit-rps":          {Min: 0, Max: 1e9, MinExclusive: true},
	"kv-propagation-s":           {Min: 0, Max: 31 * 86400, MinExclusive: true},
	"kv-cachettl-default-s":      {Min: 0, Max: 365 * 86400, MinExclusive: true},
	"kv-cachettl-min-s":          {Min: 0, Max: 365 * 86400, MinExclusive: true},
}

func (r FactRange) holds(x float64) bool {
	return between(x, r.Min, r.Max) && !(r.MinExclusive && x == r.Min)
}

func (r FactRange) String() string {
	op := ">="
	if r.MinExclusive {
		op = ">"
	}
	return fmt.Sprintf("a value %s %s and <= %s", op, FormatNumber(r.Min), FormatNumber(r.Max))
}

func (v *validator) facts() {
	const file = FactsFile
	v.count(file, Pos{1, 1}, "facts", len(v.p.Facts), MaxListItems)
	seen := map[string]bool{}
	for i, x := range v.p.Facts {
		v.id(file, x.Pos, "fact", x.ID, seen)
		v.dated(file, x.Pos, "fact "+x.ID, x.Source, x.AsOf)
		if x.Value == nil {
			if _, needed := FactRanges[x.ID]; needed {
				v.at(file, x.Pos, "fact %s: no value: expected %s (kvdo computes with it)", x.ID, FactRanges[x.ID])
			}
			continue
		}
		at := v.where(file, x.Pos, "facts", i, "value")
		if x.Unit == "" {
			v.at(file, x.Pos, "fact %s: a value needs a unit", x.ID)
		}
		if r, ok := FactRanges[x.ID]; ok && !r.holds(*x.Value) {
			v.at(file, at, "fact %s: value %s: expected %s (kvdo computes with it)", x.ID, num(*x.Value), r)
		} else if !(*x.Value >= 0) {
			v.at(file, at, "fact %s: value %s: expected a figure >= 0", x.ID, num(*x.Value))
		}
	}
}

func (v *validator) glossary() {
	const file = GlossaryFile
	seen := map[string]bool{}
	for _, t := range v.p.Glossary {
		if strings.TrimSpace(t.Term) == "" {
			v.at(file, t.Pos, "term is empty: expected the word or phrase explained")
		} else if seen[t.Term] {
			v.at(file, t.Pos, "term %q is listed twice", t.Term)
		}
		seen[t.Term] = true
	}
	for _, t := range v.p.Glossary {
		for _, s := range t.See {
			if !seen[s] {
				v.at(file, t.Pos, "term %q: see %q: expected a term of this glossary", t.Term, s)
			}
		}
	}
}

// glossaryRefs resolves the glossary's fact ids once the facts are known:
// a dangling id is an error at the term, as it is at a rule.
func (v *validator) glossaryRefs(facts map[string]*Fact) {
	for _, t := range v.p.Glossary {
		v.factRefs(GlossaryFile, t.Pos, fmt.Sprintf("term %q", t.Term), t.Facts, facts)
	}
}

// Products a price item may belong to.
var priceProducts = []string{"kv", "durable-object", "r2"}

// maxUnitPrice bounds a unit price, in US dollars.
const maxUnitPrice = 1e6

func (v *validator) pricing() {
	const file = PricingFile
	p := &v.p.Pricing
	plans := map[string]bool{}
	for _, pl := range p.Plans {
		v.id(file, pl.Pos, "plan", pl.ID, plans)
		items := map[string]bool{}
		for _, it := range pl.Items {
			v.id(file, it.Pos, "price item", it.ID, items)
			v.dated(file, it.Pos, "price "+it.ID, it.Source, it.AsOf)
			if !slices.Contains(priceProducts, it.Product) {
				v.at(file, it.Pos, "price %s: product %q: expected one of %s", it.ID, it.Product, strings.Join(priceProducts, ", "))
			}
			if it.Period != "month" && it.Period != "day" {
				v.at(file, it.Pos, "price %s: period %q: expected month or day", it.ID, it.Period)
			}
			if !between(it.Included, 0, MaxFigure) {
				v.at(file, it.Pos, "price %s: included %s: expected >= 0", it.ID, num(it.Included))
			}
			// per_units at least 1: a price per a billionth of a unit
			// would make a bill no float can hold.
			if it.UnitPriceUSD != nil && (!between(*it.UnitPriceUSD, 0, maxUnitPrice) || !between(it.PerUnits, 1, MaxFigure)) {
				v.at(file, it.Pos, "price %s: expected unit_price_usd between 0 and %s and per_units of at least 1", it.ID, FormatNumber(maxUnitPrice))
			}
			if it.UnitPriceUSD == nil && it.PerUnits != 0 {
				v.at(file, it.Pos, "price %s: per_units without a unit_price_usd: expected both or neither", it.ID)
			}
		}
	}
	if p.Plan("workers-paid") == nil && v.where(file, Pos{}, "plans") != (Pos{}) {
		v.at(file, v.where(file, Pos{1, 1}), "plans: expected a plan with id workers-paid (the cost estimates use it)")
	}
}

// ---- questions.yaml

func (v *validator) questions() {
	const file = QuestionsFile
	v.count(file, Pos{1, 1}, "questions", len(v.p.Questions), MaxQuestions)
	seen := map[string]bool{}
	for i := range v.p.Questions {
		q := &v.p.Questions[i]
		v.id(file, q.Pos, "question", q.ID, seen)
		if !slices.Contains(questionTypes, q.Type) {
			v.at(file, q.Pos, "question %s: type %q: expected one of %s", q.ID, q.Type, strings.Join(questionTypes, ", "))
			continue
		}
		if strings.TrimSpace(q.Group) == "" {
			v.at(file, q.Pos, "question %s: group is empty: expected the name of the interview step it belongs to", q.ID)
		}
		if !between(float64(q.Order), 0, 10_000) {
			v.at(file, q.Pos, "question %s: order %d: expected 0..10000", q.ID, q.Order)
		}
		switch {
		case (q.Type == TypeChoice) != (len(q.Options) > 0):
			v.at(file, q.Pos, "question %s: options are for choice questions, and a choice question needs at least two", q.ID)
		case q.Type == TypeChoice && len(q.Options) < 2:
			v.at(file, q.Pos, "question %s: a choice question needs at least two options", q.ID)
		}
		choices := map[string]bool{}
		for _, o := range q.Options {
			if !idPattern.MatchString(o) || choices[o] {
				v.at(file, q.Pos, "question %s: option %q: expected distinct lower-case words joined by - or _", q.ID, o)
			}
			choices[o] = true
		}
		if !q.Numeric() && (q.Min != nil || q.Max != nil || q.MinExclusive) {
			v.at(file, q.Pos, "question %s: min and max are for number and integer questions", q.ID)
		}
		if q.Min != nil && q.Max != nil && !(*q.Min <= *q.Max) {
			v.at(file, q.Pos, "question %s: min %s is above max %s", q.ID, num(*q.Min), num(*q.Max))
		}
		if q.MinExclusive && q.Min == nil {
			v.at(file, q.Pos, "question %s: min_exclusive without a min", q.ID)
		}
		if q.RawDefault.Kind != 0 {
			val, ok := q.ScalarValue(&q.RawDefault)
			if !ok {
				v.at(file, Pos{q.RawDefault.Line, q.RawDefault.Column}, "question %s: default: expected %s", q.ID, q.Expected())
			}
			q.Default = val
		}
	}
}

// questionRefs resolves every ask_if and every fact id once the questions
// and facts are known, and refuses ask_if conditions that depend on each
// other in a circle: the interview could never ask those questions.
func (v *validator) questionRefs(facts map[string]*Fact) {
	const file = QuestionsFile
	qs := v.p.Questions
	byID := questionIndex(qs)
	for i := range qs {
		q := &qs[i]
		v.factRefs(file, q.Pos, "question "+q.ID, q.Facts, facts)
		if c := q.AskIf; c != nil {
			v.resolve(file, c, byID, facts)
		}
	}
	// Depth-first search over "is asked only if" edges; a question met
	// again while still on the path closes a cycle.
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(id string) bool
	visit = func(id string) bool {
		switch state[id] {
		case onPath:
			at := slices.Index(path, id)
			cycle := append(slices.Clone(path[at:]), id)
			q := byID[path[len(path)-1]]
			if len(cycle) == 2 {
				v.at(file, q.AskIf.Pos, "question %s: ask_if cannot depend on the question itself", id)
			} else {
				v.at(file, q.AskIf.Pos, "question %s: ask_if forms a cycle (%s): expected each question to depend only on questions that do not depend on it", q.ID, strings.Join(cycle, " asked if "))
			}
			return true
		case done:
			return false
		}
		state[id] = onPath
		path = append(path, id)
		defer func() { path = path[:len(path)-1]; state[id] = done }()
		q := byID[id]
		if q == nil || q.AskIf == nil {
			return false
		}
		for _, dep := range q.AskIf.QuestionIDs() {
			if byID[dep] != nil && visit(dep) {
				return true
			}
		}
		return false
	}
	for i := range qs {
		visit(qs[i].ID)
	}
}

func questionIndex(qs []Question) map[string]*Question {
	m := make(map[string]*Question, len(qs))
	for i := range qs {
		if _, dup := m[qs[i].ID]; !dup {
			m[qs[i].ID] = &qs[i]
		}
	}
	return m
}

// ---- options.yaml

func (v *validator) options() {
	const file = OptionsFile
	seen := map[string]bool{}
	for _, o := range v.p.Options {
		if !slices.Contains(OptionIDs, o.ID) {
			v.at(file, o.Pos, "option %q: expected one of the fixed ids %s", o.ID, strings.Join(OptionIDs, ", "))
			continue
		}
		v.id(file, o.Pos, "option", o.ID, seen)
		for _, n := range []int{len(o.Strengths), len(o.Costs), len(o.Pitfalls), len(o.Checklist)} {
			if n == 0 {
				v.at(file, o.Pos, "option %s: strengths, costs, pitfalls and checklist each need at least one entry", o.ID)
				break
			}
		}
		if len(o.Providers) == 0 {
			v.at(file, o.Pos, "option %s: providers: expected at least one platform mapping", o.ID)
		}
	}
	if len(v.p.Options) > 0 || v.p.src[file] != nil {
		for _, id := range OptionIDs {
			if !seen[id] {
				v.at(file, v.where(file, Pos{1, 1}), "options: missing option %q: expected all of %s", id, strings.Join(OptionIDs, ", "))
			}
		}
	}
}

// optionRefs resolves the conditions of every option's advice and checks
// its sketches once questions, derived quantities and facts are known:
// each template parses, each variant names known kinds and layers, and
// every option a layer may sit over has a sketch for it.
func (v *validator) optionRefs(qs map[string]*Question, facts map[string]*Fact) {
	const file = OptionsFile
	p := v.p
	var kinds []string
	if q := p.Question("kind"); q != nil {
		kinds = q.Options
	}
	for i := range p.Options {
		o := &p.Options[i]
		for _, list := range [][]Advice{o.Pitfalls, o.Checklist} {
			for j := range list {
				a := &list[j]
				if strings.TrimSpace(a.Text) == "" {
					v.at(file, a.Pos, "option %s: advice text is empty", o.ID)
				}
				if a.When != nil {
					v.resolve(file, a.When, qs, facts)
				}
				v.answerRefs(file, a.Pos, "option "+o.ID, a.Text, qs)
			}
		}
		if _, err := ParseSketch(o.Sketch); err != nil {
			v.at(file, o.Pos, "option %s: sketch: %v", o.ID, err)
		}
		for _, s := range o.Sketches {
			if _, err := ParseSketch(s.Code); err != nil {
				v.at(file, s.Pos, "option %s: sketch variant: %v", o.ID, err)
			}
			if s.Layer != "" && !slices.Contains(LayerKinds, s.Layer) {
				v.at(file, s.Pos, "option %s: sketch layer %q: expected one of %s", o.ID, s.Layer, strings.Join(LayerKinds, ", "))
			}
			for _, k := range s.Kinds {
				if !slices.Contains(kinds, k) {
					v.at(file, s.Pos, "option %s: sketch kind %q: expected one of %s", o.ID, k, strings.Join(kinds, ", "))
				}
			}
		}
	}
	for _, l := range p.Layers {
		for _, over := range l.Over {
			o := p.Option(over)
			if o == nil {
				continue // the layer's own check names it
			}
			has := false
			for _, s := range o.Sketches {
				has = has || s.Layer == l.Layer
			}
			if !has {
				v.at(file, o.Pos, "option %s: no sketch for layer %s, which layer %s may put in front of it", o.ID, l.Layer, l.ID)
			}
		}
	}
}

// ---- rules.yaml

// conditionIndex is what conditions may compare: the questions and the
// derived quantities, the latter as number questions without bounds.
func (v *validator) conditionIndex() map[string]*Question {
	const file = RulesFile
	p := v.p
	questions := questionIndex(p.Questions)
	qs := questionIndex(p.Questions)
	seen := map[string]bool{}
	for i := range p.Derived {
		d := &p.Derived[i]
		v.id(file, d.Pos, "derived quantity", d.ID, seen)
		if _, clash := questions[d.ID]; clash {
			v.at(file, d.Pos, "derived quantity %s: a question has that id: expected a name of its own", d.ID)
			continue
		}
		if d.Type != TypeNumber {
			v.at(file, d.Pos, "derived quantity %s: type %q: expected number", d.ID, d.Type)
		}
		for _, f := range d.From {
			if _, ok := questions[f]; !ok {
				v.at(file, d.Pos, "derived quantity %s: from %q: expected a question id", d.ID, f)
			}
		}
		qs[d.ID] = &Question{ID: d.ID, Type: TypeNumber, Unit: d.Unit, Pos: d.Pos}
	}
	return qs
}

func (v *validator) rules(qs map[string]*Question, facts map[string]*Fact) {
	const file = RulesFile
	p := v.p
	v.count(file, Pos{1, 1}, "rules, layers and warnings", len(p.Rules)+len(p.Layers)+len(p.Warnings), MaxRules)
	seen := map[string]bool{}
	for i := range p.Rules {
		r := &p.Rules[i]
		v.id(file, r.Pos, "rule", r.ID, seen)
		v.resolve(file, &r.When, qs, facts)
		if len(r.Effects) == 0 {
			v.at(file, r.Pos, "rule %s: expected at least one effect", r.ID)
		}
		// Title and rationale are what a record shows as the reason.
		if strings.TrimSpace(r.Title) == "" || strings.TrimSpace(r.Rationale) == "" {
			v.at(file, r.Pos, "rule %s: title or rationale is empty: expected the words a record shows as the reason", r.ID)
		}
		v.answerRefs(file, r.Pos, "rule "+r.ID+": because", r.Because, qs)
		opts := map[string]bool{}
		for _, e := range r.Effects {
			if p.Option(e.Option) == nil {
				v.at(file, e.Pos, "rule %s: unknown option %q: expected one of %s", r.ID, e.Option, strings.Join(p.OptionIDs(), ", "))
				continue
			}
			if opts[e.Option] {
				v.at(file, e.Pos, "rule %s: option %s has two effects: merge them", r.ID, e.Option)
			}
			opts[e.Option] = true
			switch {
			case !e.RuleOut && e.Score == 0 && !e.Prefer:
				v.at(file, e.Pos, "rule %s: effect on %s does nothing: expected rule_out, score or prefer", r.ID, e.Option)
			case e.RuleOut && (e.Score != 0 || e.Prefer):
				v.at(file, e.Pos, "rule %s: effect on %s rules it out, so a score or prefer means nothing", r.ID, e.Option)
			case e.Score < -MaxScore || e.Score > MaxScore:
				v.at(file, e.Pos, "rule %s: effect on %s: score %d: expected -%d..%d", r.ID, e.Option, e.Score, MaxScore, MaxScore)
			}
		}
		v.factRefs(file, r.Pos, "rule "+r.ID, r.Facts, facts)
	}
	for i := range p.Layers {
		l := &p.Layers[i]
		v.id(file, l.Pos, "layer", l.ID, seen)
		if !slices.Contains(LayerKinds, l.Layer) {
			v.at(file, l.Pos, "layer %s: layer %q: expected one of %s", l.ID, l.Layer, strings.Join(LayerKinds, ", "))
		}
		if len(l.Over) == 0 {
			v.at(file, l.Pos, "layer %s: over: expected the options it may sit in front of", l.ID)
		}
		for _, o := range l.Over {
			if p.Option(o) == nil || o == l.Layer {
				v.at(file, l.Pos, "layer %s: over %q: expected one of %s, other than the layer itself", l.ID, o, strings.Join(p.OptionIDs(), ", "))
			}
		}
		v.resolve(file, &l.When, qs, facts)
		v.answerRefs(file, l.Pos, "layer "+l.ID+": because", l.Because, qs)
		v.factRefs(file, l.Pos, "layer "+l.ID, l.Facts, facts)
	}
	for i := range p.Warnings {
		w := &p.Warnings[i]
		v.id(file, w.Pos, "warning", w.ID, seen)
		v.resolve(file, &w.When, qs, facts)
		if strings.TrimSpace(w.Text) == "" {
			v.at(file, w.Pos, "warning %s: text is empty: expected what a record tells the reader", w.ID)
		}
		switch w.Level {
		case "":
			w.Level = LevelWarning
		case LevelWarning, LevelNote:
		default:
			v.at(file, w.Pos, "warning %s: level %q: expected warning or note", w.ID, w.Level)
		}
		for _, o := range w.Options {
			if p.Option(o) == nil {
				v.at(file, w.Pos, "warning %s: option %q: expected one of %s", w.ID, o, strings.Join(p.OptionIDs(), ", "))
			}
		}
		v.answerRefs(file, w.Pos, "warning "+w.ID+": text", w.Text, qs)
		v.factRefs(file, w.Pos, "warning "+w.ID, w.Facts, facts)
	}
}

// answerRefs rejects a {id} that names no question or derived quantity,
// so a typo cannot print as literal braces in every record.
func (v *validator) answerRefs(file string, p Pos, what, text string, qs map[string]*Question) {
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if _, ok := qs[m[1]]; !ok {
			v.at(file, p, "%s: {%s}: expected a question or derived quantity id", what, m[1])
		}
	}
}

func (v *validator) factRefs(file string, p Pos, what string, ids []string, facts map[string]*Fact) {
	for _, id := range ids {
		if _, ok := facts[id]; !ok {
			v.at(file, p, "%s: unknown fact %q: expected an id from %s", what, id, FactsFile)
		}
	}
}

// resolve checks condition c against the questions and facts and fills
// its Value, recording every problem.
func (v *validator) resolve(file string, c *Condition, qs map[string]*Question, facts map[string]*Fact) {
	if c.Pos == (Pos{}) && c.Question == "" && !c.IsGroup() {
		return // a required condition left out: the decoder said so
	}
	if len(c.All) > 0 && len(c.Any) > 0 {
		v.at(file, c.Pos, "condition: expected all or any, not both (nest one inside the other)")
		return
	}
	if c.IsGroup() {
		if c.Question != "" || c.Op != "" || c.RawValue.Kind != 0 || c.Fact != "" {
			v.at(file, c.Pos, "condition: a group (all/any) takes no question, op, value or fact")
		}
		for i := range c.All {
			v.resolve(file, &c.All[i], qs, facts)
		}
		for i := range c.Any {
			v.resolve(file, &c.Any[i], qs, facts)
		}
		return
	}
	v.comparisons++
	if c.Question == "" || c.Op == "" {
		v.at(file, c.Pos, "condition: expected {question, op, value} or a non-empty all/any list")
		return
	}
	q, ok := qs[c.Question]
	if !ok {
		v.at(file, c.Pos, "condition: unknown question %q: expected one of %s", c.Question, strings.Join(sortedKeys(qs), ", "))
		return
	}
	if !slices.Contains(allOps, c.Op) {
		v.at(file, c.Pos, "condition on %s: op %q: expected one of %s", c.Question, c.Op, strings.Join(allOps, ", "))
		return
	}
	if c.Fact != "" {
		if c.RawValue.Kind != 0 {
			v.at(file, c.Pos, "condition on %s: expected value or fact, not both", c.Question)
			return
		}
		f, ok := facts[c.Fact]
		switch {
		case !ok:
			v.at(file, c.Pos, "condition on %s: unknown fact %q: expected an id from %s", c.Question, c.Fact, FactsFile)
		case !q.Numeric() || f.Value == nil:
			v.at(file, c.Pos, "condition on %s: fact %s: a fact threshold needs a number question and a fact with a value", c.Question, c.Fact)
		case !slices.Contains(orderOps, c.Op) && c.Op != OpEq && c.Op != OpNe:
			v.at(file, c.Pos, "condition on %s: op %q does not compare numbers", c.Question, c.Op)
		default:
			c.Value = *f.Value
		}
		return
	}
	if c.RawValue.Kind == 0 {
		v.at(file, c.Pos, "condition on %s: missing value (or fact)", c.Question)
		return
	}
	n := &c.RawValue
	mismatch := func(want string) {
		v.at(file, Pos{n.Line, n.Column}, "condition on %s (%s question): op %s: value %q: expected %s", c.Question, q.Type, c.Op, n.Value, want)
	}
	switch {
	case c.Op == OpAnswered:
		var b bool
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
			mismatch("true or false")
			return
		}
		c.Value = b
	case c.Op == OpIn:
		if q.Type != TypeChoice {
			mismatch("no 'in': it is for choice questions")
			return
		}
		if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
			mismatch("a list of " + strings.Join(q.Options, ", "))
			return
		}
		var list []string
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode || !slices.Contains(q.Options, e.Value) {
				v.at(file, Pos{e.Line, e.Column}, "condition on %s: %q: expected one of %s", c.Question, e.Value, strings.Join(q.Options, ", "))
				return
			}
			list = append(list, e.Value)
		}
		c.Value = list
	case slices.Contains(orderOps, c.Op) && !q.Numeric():
		mismatch("a question of type number or integer for " + c.Op)
	default:
		// eq/ne on any type, order ops on numbers: the value must be a
		// possible answer, so a typo cannot make a rule silently dead.
		unbounded := *q
		unbounded.Min, unbounded.Max = nil, nil
		val, ok := unbounded.ScalarValue(n)
		if !ok {
			mismatch(unbounded.Expected())
			return
		}
		c.Value = val
	}
}

// num writes a figure for a message as it would be typed: -2592000, not
// -2.592e+06.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Sprint(f)
	}
	return FormatNumber(f)
}
