package content

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The eleven question ids and types of the answers file v1 (PRODUCT.md).
var contractQuestions = map[string]string{
	"read_your_writes":       TypeBool,
	"concurrent_writers":     TypeBool,
	"atomic_update":          TypeBool,
	"staleness_tolerance_s":  TypeNumber,
	"reads_per_s":            TypeNumber,
	"writes_per_s_per_key":   TypeNumber,
	"value_bytes":            TypeInteger,
	"reader_regions":         TypeChoice,
	"read_latency_budget_ms": TypeNumber,
	"expires":                TypeBool,
	"audit_trail":            TypeBool,
}

func TestTheEmbeddedPackHasTheElevenContractQuestionsWithTheirTypes(t *testing.T) {
	p := mustLoad(t)
	// The contract is additive: the eleven stay, and every question added
	// since is optional, so a version 1 file written before it stays valid.
	for _, q := range p.Questions {
		if _, inV1 := contractQuestions[q.ID]; !inV1 && q.Required {
			t.Errorf("question %s was added after version 1 but is required", q.ID)
		}
	}
	optional := []string{"read_latency_budget_ms", "expires", "audit_trail"}
	for id, typ := range contractQuestions {
		q := p.Question(id)
		if q == nil {
			t.Errorf("question %s missing", id)
			continue
		}
		if q.Type != typ {
			t.Errorf("%s: type %s, want %s", id, q.Type, typ)
		}
		if q.Required == slices.Contains(optional, id) {
			t.Errorf("%s: required=%v, PRODUCT.md says otherwise", id, q.Required)
		}
	}
	if got := p.Question("reader_regions").Options; !slices.Equal(got, []string{"one", "few", "global"}) {
		t.Errorf("reader_regions options %v", got)
	}
	if q := p.Question("read_latency_budget_ms"); q.AskIf == nil || q.AskIf.Holds(map[string]any{"reader_regions": "one"}) {
		t.Error("read_latency_budget_ms should be asked only when readers are not in one region")
	}
	if order := p.InterviewOrder(); order[0].ID != "read_your_writes" {
		t.Errorf("interview starts with %s, want seed 001's first question", order[0].ID)
	}
}

func TestTheEmbeddedPackHasTheFiveFixedOptionsEachComplete(t *testing.T) {
	p := mustLoad(t)
	if !slices.Equal(p.OptionIDs(), OptionIDs) {
		t.Fatalf("options %v, want %v", p.OptionIDs(), OptionIDs)
	}
	for _, o := range p.Options {
		platforms := map[string]bool{}
		for _, pr := range o.Providers {
			platforms[pr.Platform] = true
		}
		for _, want := range []string{"Cloudflare", "Vercel", "Netlify"} {
			if !platforms[want] {
				t.Errorf("%s: no %s mapping", o.ID, want)
			}
		}
		if !strings.Contains(o.Sketch, "Env") {
			t.Errorf("%s: sketch does not look like a Worker", o.ID)
		}
	}
}

func TestEveryFactAndPriceCarriesASourceAndADate(t *testing.T) {
	p := mustLoad(t)
	for _, f := range p.Facts {
		if f.Source == "" || !datePattern.MatchString(f.AsOf) {
			t.Errorf("fact %s: source %q as_of %q", f.ID, f.Source, f.AsOf)
		}
	}
	for _, pl := range p.Pricing.Plans {
		for _, it := range pl.Items {
			if it.Source == "" || !datePattern.MatchString(it.AsOf) {
				t.Errorf("price %s/%s: source %q as_of %q", pl.ID, it.ID, it.Source, it.AsOf)
			}
		}
	}
}

func TestFiguresMatchFactsMd(t *testing.T) {
	p := mustLoad(t)
	facts := map[string]float64{
		"kv-propagation-s":         60,
		"kv-writes-per-s-per-key":  1,
		"kv-value-max-bytes":       25 * 1024 * 1024,
		"kv-cachettl-min-s":        30,
		"kv-expiration-ttl-min-s":  60,
		"do-soft-limit-rps":        1000,
		"do-key-value-max-bytes":   2000000,
		"do-storage-per-object-gb": 10,
	}
	for id, want := range facts {
		f := p.Fact(id)
		if f == nil || f.Value == nil || *f.Value != want {
			t.Errorf("fact %s = %v, FACTS.md says %v", id, f, want)
		}
	}
	type price struct{ included, unit, per float64 }
	paid := map[string]price{
		"kv-reads":        {10e6, 0.50, 1e6},
		"kv-writes":       {1e6, 5.00, 1e6},
		"kv-storage":      {1, 0.50, 1},
		"do-requests":     {1e6, 0.15, 1e6},
		"do-duration":     {400000, 12.50, 1e6},
		"do-rows-read":    {25e9, 0.001, 1e6},
		"do-rows-written": {50e6, 1.00, 1e6},
		"do-storage":      {5, 0.20, 1},
		// Not in FACTS.md: developers.cloudflare.com/r2/pricing/, checked
		// 2026-11-24 (Standard storage; the free tier as included).
		"r2-storage": {10, 15.00, 1000}, // $0.015 per GB-month
		"r2-class-a": {1e6, 4.50, 1e6},
		"r2-class-b": {10e6, 0.36, 1e6},
	}
	plan := p.Pricing.Plan("workers-paid")
	for id, want := range paid {
		it := plan.Item(id)
		if it == nil || it.UnitPriceUSD == nil {
			t.Errorf("workers-paid %s missing or unpriced", id)
			continue
		}
		if got := (price{it.Included, *it.UnitPriceUSD, it.PerUnits}); got != want {
			t.Errorf("workers-paid %s = %+v, FACTS.md says %+v", id, got, want)
		}
	}
	free := p.Pricing.Plan("workers-free")
	for id, want := range map[string]float64{"kv-reads": 100000, "kv-writes": 1000, "kv-storage": 1} {
		if it := free.Item(id); it == nil || it.Included != want || it.UnitPriceUSD != nil {
			t.Errorf("workers-free %s = %+v, want %v included and nothing sold beyond", id, it, want)
		}
	}
}

func TestConditionsEvaluateAsWritten(t *testing.T) {
	p := mustLoad(t)
	var q1 *Rule
	for i := range p.Rules {
		if p.Rules[i].ID == "do-plus-kv-without-coordination" {
			q1 = &p.Rules[i]
		}
	}
	a := map[string]any{"atomic_update": false, "concurrent_writers": false, "writes_per_s_per_key": 0.5}
	if !q1.When.Holds(a) {
		t.Error("an unanswered audit_trail should satisfy 'answered: false'")
	}
	a["audit_trail"] = true
	if q1.When.Holds(a) {
		t.Error("audit_trail true should fail the any-group")
	}
	if got := q1.When.String(); got != "atomic_update = false and concurrent_writers = false and writes_per_s_per_key <= 1 and (audit_trail is not answered or audit_trail = false)" {
		t.Errorf("String() = %q", got)
	}
	c := Condition{Question: "x", Op: OpLt, Value: 60.0}
	if c.Holds(map[string]any{}) {
		t.Error("a comparison on a missing answer must be false")
	}
}

// posPrefix is file:line:col with a real position.
var posPrefix = regexp.MustCompile(`^[a-z]+\.yaml:[1-9][0-9]*:[1-9][0-9]*: `)

func TestContentErrorsNameFileLineColumnAndTheExpectedForm(t *testing.T) {
	cases := []struct {
		name, file, from, to, want string
	}{
		{"an unknown field in a rule", RulesFile, "    title: \"Question 2", "    colour: red\n    title: \"Question 2",
			`rules.yaml:68:5: unknown field "colour": expected one of because, effects, facts, id, rationale, title, when`},
		{"a wrong type in a question", QuestionsFile, "    order: 1\n    type: bool\n    required: true\n    default: false\n    prompt: \"Must", "    order: first\n    type: bool\n    required: true\n    default: false\n    prompt: \"Must",
			`questions.yaml:12:12: order: "first": expected a whole number`},
		{"a rule naming a question that does not exist", RulesFile, "{question: read_your_writes, op: eq, value: true}\n    effects:\n      - {option: durable-object, score: 5",
			"{question: read_your_writs, op: eq, value: true}\n    effects:\n      - {option: durable-object, score: 5",
			`rules.yaml:57:11: condition: unknown question "read_your_writs": expected one of`},
		{"a rule naming an option that does not exist", RulesFile, "      - {option: durable-object, score: 5, prefer: true,", "      - {option: durable-objects, score: 5, prefer: true,",
			`rules.yaml:59:9: rule q1-read-your-writes: unknown option "durable-objects": expected one of kv, durable-object`},
		{"a rule citing a fact that does not exist", RulesFile, "facts: [kv-read-own-write,", "facts: [kv-read-own-wrote,",
			`rules.yaml:55:5: rule q1-read-your-writes: unknown fact "kv-read-own-wrote"`},
		{"a threshold from a fact that does not exist", RulesFile, "{question: staleness_tolerance_s, op: lt, fact: kv-propagation-s}\n    effects:\n      - {option: kv, rule_out: true,",
			"{question: staleness_tolerance_s, op: lt, fact: kv-propagation}\n    effects:\n      - {option: kv, rule_out: true,",
			`unknown fact "kv-propagation"`},
		{"a duplicate rule id", RulesFile, "  - id: q2-concurrent-writers", "  - id: q1-read-your-writes",
			`rules.yaml:67:5: rule "q1-read-your-writes" is listed twice`},
		{"a duplicate question id", QuestionsFile, "  - id: concurrent_writers", "  - id: read_your_writes",
			`questions.yaml:19:5: question "read_your_writes" is listed twice`},
		{"a duplicate fact id", FactsFile, "  - id: kv-read-own-write", "  - id: kv-propagation-s",
			`facts.yaml:14:5: fact "kv-propagation-s" is listed twice`},
		{"a number compared with a bool question", RulesFile, "{question: read_your_writes, op: eq, value: true}\n    effects:\n      - {option: durable-object, score: 5",
			"{question: read_your_writes, op: eq, value: 1}\n    effects:\n      - {option: durable-object, score: 5",
			`rules.yaml:57:55: condition on read_your_writes (bool question): op eq: value "1": expected true or false`},
		{"a string compared with a number question", RulesFile, "{question: staleness_tolerance_s, op: lt, value: 1}", "{question: staleness_tolerance_s, op: lt, value: soon}",
			`op lt: value "soon": expected a number`},
		{"an order comparison on a choice question", RulesFile, "{question: reader_regions, op: eq, value: global}", "{question: reader_regions, op: gt, value: global}",
			`expected a question of type number or integer for gt`},
		{"a choice that is not an option", RulesFile, "{question: reader_regions, op: eq, value: few}", "{question: reader_regions, op: eq, value: europe}",
			`value "europe": expected one of one, few, global`},
		{"an unknown operator", RulesFile, "{question: expires, op: eq, value: true}", "{question: expires, op: is, value: true}",
			`op "is": expected one of eq, ne`},
		{"an ask_if naming a question that does not exist", QuestionsFile, "ask_if: {question: reader_regions,", "ask_if: {question: regions,",
			`questions.yaml:166:13: condition: unknown question "regions"`},
		{"a default of the wrong type", QuestionsFile, "    default: global", "    default: mars",
			`questions.yaml:153:14: question reader_regions: default: expected one of one, few, global`},
		{"an option id outside the contract", OptionsFile, "  - id: cache-api", "  - id: cdn",
			`option "cdn": expected one of the fixed ids`},
		{"a fact without a date", FactsFile, "    unit: s\n    source: \"developers.cloudflare.com/kv/concepts/how-kv-works/; developers.cloudflare.com/kv/api/write-key-value-pairs/\"\n    as_of: \"2026-11-22\"",
			"    unit: s\n    source: \"developers.cloudflare.com/kv/concepts/how-kv-works/; developers.cloudflare.com/kv/api/write-key-value-pairs/\"\n    as_of: \"last week\"",
			`facts.yaml:8:5: fact kv-propagation-s: as_of "last week": expected a date YYYY-MM-DD`},
		{"a price dated a day that does not exist", PricingFile, "        per_units: 1000000\n        source: \"developers.cloudflare.com/kv/platform/pricing/ (partials/workers/kv_pricing.mdx)\"\n        as_of: \"2026-11-22\"",
			"        per_units: 1000000\n        source: \"developers.cloudflare.com/kv/platform/pricing/ (partials/workers/kv_pricing.mdx)\"\n        as_of: \"2026-02-30\"",
			`pricing.yaml:11:9: price kv-reads: as_of "2026-02-30": expected a date YYYY-MM-DD`},
		{"a fact without a source", FactsFile, "    source: \"developers.cloudflare.com/kv/platform/limits/\"", "    source: \"\"",
			`source is empty: expected where the figure comes from`},
		{"a fact with no source field", FactsFile, "    source: \"developers.cloudflare.com/kv/platform/limits/\"\n", "",
			`missing field "source": expected source: where the figure comes from`},
		{"a file with no version", GlossaryFile, "version: 1\n", "", `glossary.yaml:5:1: missing field "version": expected version: 1`},
		{"a price without workers-paid", PricingFile, "  - id: workers-paid", "  - id: workers-pro",
			`expected a plan with id workers-paid`},
		{"a glossary term citing a fact that does not exist", GlossaryFile, "facts: [kv-cachettl-default-s, kv-cachettl-min-s]", "facts: [kv-cachettl-default, kv-cachettl-min-s]",
			`glossary.yaml:41:5: term "cacheTtl": unknown fact "kv-cachettl-default": expected an id from facts.yaml`},
		{"a question citing a fact that does not exist", QuestionsFile, "facts: [kv-writes-per-s-per-key, kv-write-limit-status]", "facts: [kv-write-limit, kv-write-limit-status]",
			`questions.yaml:69:5: question writes_per_s_per_key: unknown fact "kv-write-limit": expected an id from facts.yaml`},
		{"a glossary link to nowhere", GlossaryFile, "see: [eventual consistency, cacheTtl]", "see: [eventual consistency, cache ttl]",
			`see "cache ttl": expected a term of this glossary`},
		{"a rule with an empty rationale", RulesFile, `    rationale: "With writers racing`, `    rationale: "" # "With writers racing`,
			`rule q2-concurrent-writers: title or rationale is empty: expected the words a record shows as the reason`},
		{"a warning with an empty text", RulesFile, `    text: "No reads are expected.`, `    text: " " # "No reads are expected.`,
			`warning nothing-reads-it: text is empty: expected what a record tells the reader`},
		{"a because naming an answer that does not exist", RulesFile, "{staleness_tolerance_s} old and the busiest", "{staleness_tolerence_s} old and the busiest",
			`rules.yaml:80:5: rule q3-read-mostly-staleness-ok: because: {staleness_tolerence_s}: expected a question or derived quantity id`},
		{"a derived quantity from an answer that does not exist", RulesFile, "    from: [reads_per_s_per_key, reads_per_s, entities]\n    text: \"Reads per second reaching", "    from: [reads_per_s_per_kee, reads_per_s, entities]\n    text: \"Reads per second reaching",
			`rules.yaml:26:5: derived quantity key_reads_per_s: from "reads_per_s_per_kee": expected a question id`},
		{"a derived quantity named like a question", RulesFile, "  - id: key_reads_per_s\n", "  - id: reads_per_s\n",
			`rules.yaml:26:5: derived quantity reads_per_s: a question has that id: expected a name of its own`},
		{"a layer over an option that does not exist", RulesFile, "    over: [durable-object]", "    over: [durable-objects]",
			`rules.yaml:488:5: layer cache-in-front-of-object: over "durable-objects": expected one of kv, durable-object`},
		{"a layer of an unknown kind", RulesFile, "    layer: cache-api\n    over: [kv]", "    layer: cdn\n    over: [kv]",
			`layer cache-in-front-of-kv: layer "cdn": expected one of cache-api`},
		{"a layer over an option with no sketch for it", RulesFile, "    over: [kv]", "    over: [do-plus-kv]",
			`options.yaml:295:5: option do-plus-kv: no sketch for layer cache-api, which layer cache-in-front-of-kv may put in front of it`},
		{"a warning of an unknown level", RulesFile, "  - id: budget-given-for-one-region\n    level: note", "  - id: budget-given-for-one-region\n    level: info",
			`warning budget-given-for-one-region: level "info": expected warning or note`},
		{"a warning about an option that does not exist", RulesFile, "    options: [durable-object]", "    options: [durable-objekt]",
			`warning ryw-reads-beyond-one-object: option "durable-objekt": expected one of kv, durable-object`},
		{"a pitfall whose condition names an unknown question", OptionsFile, "when: {question: atomic_update, op: eq, value: true}", "when: {question: atomic_updat, op: eq, value: true}",
			`options.yaml:34:15: condition: unknown question "atomic_updat"`},
		{"a sketch with a misspelt field", OptionsFile, "      // {{.CacheTTL}} s old there", "      // {{.CacheTL}} s old there",
			`options.yaml:19:5: option kv: sketch: template: sketch:4:5: executing "sketch" at <.CacheTL>: can't evaluate field CacheTL`},
		{"malformed YAML", RulesFile, "version: 1\n", "version: [1\n", "rules.yaml:"},
		{"a wrong version", FactsFile, "version: 1\nfacts:", "version: 2\nfacts:", "facts.yaml:5:10: version 2: expected 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			good, err := embedded.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			src := strings.Replace(string(good), c.from, c.to, 1)
			if src == string(good) {
				t.Fatalf("test edit %q did not apply", c.from)
			}
			_, err = Load(fstest.MapFS{c.file: {Data: []byte(src)}})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			var pe *PosError
			if !errors.As(err, &pe) || !posPrefix.MatchString(err.Error()) {
				t.Errorf("error %q is not a *PosError starting with file:line:col", err)
			}
		})
	}
}

func TestAPackMayOverrideOneFileAndKeepTheRest(t *testing.T) {
	good, _ := embedded.ReadFile(FactsFile)
	src := strings.Replace(string(good), "value: 1\n    unit: writes/s/key", "value: 2\n    unit: writes/s/key", 1)
	p, err := Load(fstest.MapFS{FactsFile: {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Rules {
		if r.ID == "kv-write-limit" {
			if got := r.When.Value; got != 2.0 {
				t.Errorf("kv-write-limit threshold %v: a corrected fact should move the rule", got)
			}
			return
		}
	}
	t.Fatal("kv-write-limit not found")
}

func mustLoad(t testing.TB) *Pack {
	t.Helper()
	p, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The per-entity and shape questions of the advisor's second pass: their
// ids and types are what issue 12's workload replay reads, so they are
// pinned here like the eleven of version 1.
func TestThePerEntityQuestionsAreOptionalWithTheirTypes(t *testing.T) {
	p := mustLoad(t)
	want := map[string]string{
		"entities": TypeInteger, "keyed_by": TypeChoice, "entity_traffic_local": TypeBool,
		"reads_per_s_per_key": TypeNumber, "writes_per_s": TypeNumber,
		"kind": TypeChoice, "origin_owned": TypeBool, "websocket": TypeBool,
	}
	for id, typ := range want {
		q := p.Question(id)
		if q == nil {
			t.Errorf("question %s missing", id)
			continue
		}
		if q.Type != typ || q.Required {
			t.Errorf("%s: type %s required %v, want optional %s", id, q.Type, q.Required, typ)
		}
	}
	if q := p.Question("entities"); q.Min == nil || *q.Min != 1 {
		t.Error("entities must be at least 1: one key is a single shared value")
	}
	for _, id := range []string{"keyed_by", "entity_traffic_local", "reads_per_s_per_key", "writes_per_s"} {
		q := p.Question(id)
		if q.AskIf == nil || q.AskIf.Holds(map[string]any{"entities": 1.0}) || !q.AskIf.Holds(map[string]any{"entities": 2.0}) {
			t.Errorf("%s should be asked only when the state splits into more than one key", id)
		}
	}
}

func TestSizesReadWithTheirUnits(t *testing.T) {
	for in, want := range map[string]float64{
		"4kb": 4000, "4kB": 4000, "4 KiB": 4096, "25MiB": 25 << 20, "2.5MB": 2500000, "120": 120, "1 byte": 1, "1_000 bytes": 1000, "2GB": 2e9,
	} {
		if got, ok := ParseSize(in); !ok || got != want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "kb", "4 parsecs", "four kB", "-4kB", "4kB5"} {
		if _, ok := ParseSize(bad); ok {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

// The facts of the advisor's second pass, each checked against
// shared/docs/FACTS.md (its section added 2026-11-30) and each cited by
// something the advisor shows: a fact nothing cites teaches nothing.
func TestSecondPassFacts(t *testing.T) {
	p := mustLoad(t)
	cited := map[string]bool{}
	for _, r := range p.Rules {
		for _, f := range r.Facts {
			cited[f] = true
		}
	}
	for _, w := range p.Warnings {
		for _, f := range w.Facts {
			cited[f] = true
		}
	}
	for _, l := range p.Layers {
		for _, f := range l.Facts {
			cited[f] = true
		}
	}
	for _, o := range p.Options {
		for _, f := range o.Facts {
			cited[f] = true
		}
	}
	for _, q := range p.Questions {
		for _, f := range q.Facts {
			cited[f] = true
		}
	}
	// Cited by the cost estimates themselves (advisor/cost.go).
	for _, f := range []string{"do-duration-billing", "cache-fill-locations", "do-websocket-billing-ratio"} {
		cited[f] = true
	}
	cases := []struct {
		id, source string
		value      float64 // 0: a behaviour with no number
		unit, says string
	}{
		{"cache-purge-api", "developers.cloudflare.com/cache/how-to/purge-cache/", 0, "", "every location"},
		{"cache-default-edge-ttl", "developers.cloudflare.com/cache/concepts/how-the-cache-works/", 0, "", "default edge TTL"},
		{"r2-strong-consistency", "developers.cloudflare.com/r2/reference/consistency/", 0, "", "read after a write"},
		{"rate-limiting-binding", "developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/", 0, "", "per location"},
		{"kv-instant-p99-ms", "blog.cloudflare.com/workers-kv-instant/", 256, "ms", "private beta"},
		{"kv-instant-namespace-max-bytes", "developers.cloudflare.com/kv/platform/limits/", 1e6, "bytes", "1 MB"},
		{"kv-instant-max-pairs", "developers.cloudflare.com/kv/platform/limits/", 10000, "pairs", "10,000"},
		{"kv-instant-writes-per-s", "developers.cloudflare.com/kv/platform/limits/", 1, "writes/s/namespace", "per namespace"},
		{"kv-classic-p99-read-ms", "blog.cloudflare.com/workers-kv-instant/", 287, "ms", "287 ms"},
		{"kv-cold-read-min-ms", "third-party", 100, "ms", "100 ms"},
		{"do-websocket-billing-ratio", "developers.cloudflare.com/durable-objects/platform/pricing/", 20, "messages/request", "free"},
		{"do-duration-billing", "developers.cloudflare.com/durable-objects/platform/pricing/", 0, "", "not billed"},
		{"cache-fill-locations", "kvdo assumption", 300, "locations", "upper bound"},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			f := p.Fact(c.id)
			if f == nil {
				t.Fatal("missing")
			}
			if !strings.Contains(f.Source, c.source) || f.AsOf != "2026-11-30" || !strings.Contains(f.Text, c.says) {
				t.Errorf("%+v", *f)
			}
			if (f.Value == nil) != (c.value == 0) || (f.Value != nil && (*f.Value != c.value || f.Unit != c.unit)) {
				t.Errorf("value %v %s, want %v %s", f.Value, f.Unit, c.value, c.unit)
			}
			if f.ThirdParty != strings.HasPrefix(c.source, "third-party") {
				t.Errorf("third_party %v", f.ThirdParty)
			}
			if strings.HasPrefix(c.id, "kv-instant") && !strings.Contains(f.Text, "beta") {
				t.Error("KV Instant must be labelled beta")
			}
			if !cited[c.id] {
				t.Error("no rule, warning, layer, option, question or estimate cites it")
			}
		})
	}
}
