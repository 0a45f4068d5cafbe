package report

import "github.com/kvdo/kvdo/advisor"

// The fixtures are hand-made recommendations shaped like the engine's, so
// the renderers are tested on their own: a change in the rules must not
// churn these goldens.

var sampleQuestions = []Question{
	{ID: "read_your_writes", Prompt: "Must a read see the latest write at once?"},
	{ID: "concurrent_writers", Prompt: "Can several writers update the same key at the same time?"},
	{ID: "atomic_update", Prompt: "Does an update need an atomic read-modify-write?"},
	{ID: "staleness_tolerance_s", Prompt: "How many seconds old may a read be without harm?"},
	{ID: "reads_per_s", Prompt: "Peak reads per second, all locations"},
	{ID: "writes_per_s_per_key", Prompt: "Peak writes per second to one key"},
	{ID: "value_bytes", Prompt: "Typical largest value, in bytes"},
	{ID: "reader_regions", Prompt: "Where are the readers?"},
}

var kvSource = advisor.Source{ID: "kv-propagation", Text: "A write can take 60 s or more to be visible at other locations.",
	Source: "developers.cloudflare.com/kv/concepts/how-kv-works/", AsOf: "2026-11-22"}
var kvPricing = advisor.Source{ID: "kv-pricing", Text: "KV on Workers Paid: 10 M reads and 1 M writes a month included, then $0.50 and $5.00 per million.",
	Source: "developers.cloudflare.com/kv/platform/pricing/", AsOf: "2026-11-22"}
var doPricing = advisor.Source{ID: "do-pricing", Text: "Durable Objects on Workers Paid: 1 M requests a month included, then $0.15 per million.",
	Source: "developers.cloudflare.com/durable-objects/platform/pricing/", AsOf: "2026-11-22"}
var kvWriteLimit = advisor.Source{ID: "kv-write-limit", Text: "KV accepts about one write per second to a key; more gets `429 Too Many Requests`.",
	Source: "developers.cloudflare.com/kv/platform/limits/", AsOf: "2026-11-22"}

func ranked(id advisor.OptionID, title string, score int, viable bool, summary string, pros, cons []string, out string) advisor.Ranked {
	return advisor.Ranked{Option: id, Title: title, Score: score, Viable: viable, Summary: summary, Pros: pros, Cons: cons, RuledOut: out}
}

func kvCost(reads, writes float64) advisor.CostEstimate {
	readUSD := max(0, reads-10e6) / 1e6 * 0.5
	writeUSD := max(0, writes-1e6) / 1e6 * 5
	return advisor.CostEstimate{Option: advisor.KV, Plan: "Workers Paid", MonthlyUSD: readUSD + writeUSD,
		AsOf: "2026-11-22", Source: "developers.cloudflare.com/kv/platform/pricing/",
		Lines: []advisor.CostLine{
			{Item: "KV reads", Quantity: reads, Unit: "reads", Included: 10e6, UnitPrice: 0.5, PerUnits: 1e6, USD: readUSD,
				Arithmetic: formatNumber(reads) + " - 10,000,000 included = " + formatNumber(max(0, reads-10e6)) + " x $0.50/M"},
			{Item: "KV writes", Quantity: writes, Unit: "writes", Included: 1e6, UnitPrice: 5, PerUnits: 1e6, USD: writeUSD,
				Arithmetic: formatNumber(writes) + " - 1,000,000 included = " + formatNumber(max(0, writes-1e6)) + " x $5.00/M"},
		}}
}

func doCost(requests float64) advisor.CostEstimate {
	usd := max(0, requests-1e6) / 1e6 * 0.15
	return advisor.CostEstimate{Option: advisor.DurableObject, Plan: "Workers Paid", MonthlyUSD: usd,
		AsOf: "2026-11-22", Source: "developers.cloudflare.com/durable-objects/platform/pricing/",
		Lines: []advisor.CostLine{
			{Item: "DO requests", Quantity: requests, Unit: "requests", Included: 1e6, UnitPrice: 0.15, PerUnits: 1e6, USD: usd,
				Arithmetic: formatNumber(requests) + " - 1,000,000 included = " + formatNumber(max(0, requests-1e6)) + " x $0.15/M"},
		}}
}

func sampleDoc() Doc {
	session := Entry{
		Item: advisor.Item{Name: "session-flag", Notes: "Set at login, read on every page.\nA minute of lag after logout is acceptable.",
			Answers: advisor.Answers{"read_your_writes": false, "concurrent_writers": false, "atomic_update": false,
				"staleness_tolerance_s": 60.0, "reads_per_s": 2000.0, "writes_per_s_per_key": 0.01, "value_bytes": 200.0, "reader_regions": "global"}},
		Recommendation: advisor.Recommendation{
			Item: "session-flag", Primary: advisor.KV, Confidence: "high",
			Summary: "Read-mostly, small, and a minute of staleness is fine: KV serves it from every location's cache.",
			Ranking: []advisor.Ranked{
				ranked(advisor.KV, "Workers KV", 9, true, "Eventually consistent key-value store cached at every location.",
					[]string{"Hot reads are served from the local cache in a few milliseconds", "No code to coordinate writers"},
					[]string{"A logout can take 60 s or more to reach other locations"}, ""),
				ranked(advisor.DurableObject, "Durable Object", 4, true, "One strongly consistent instance per id.",
					[]string{"Every read sees the latest write"}, []string{"Readers far from the object pay a round trip"}, ""),
				ranked(advisor.R2PlusKV, "R2 with a pointer in KV", 0, false, "Blob in R2, metadata in KV.", nil, nil,
					"Values this small gain nothing from R2."),
			},
			Reasons: []advisor.Reason{
				{Rule: "stale-ok-read-heavy", Text: "Reads dominate and may be a minute old.", Questions: []string{"staleness_tolerance_s", "reads_per_s"}, Effect: "favours kv"},
				{Rule: "small-values", Text: "Values are far below KV's 25 MiB limit.", Questions: []string{"value_bytes"}, Effect: "rules out r2-plus-kv"},
			},
			Flips: []advisor.Flip{
				{Question: "read_your_writes", From: false, To: true, Primary: advisor.DOPlusKV, Text: "A user who logs out must be logged out everywhere at once."},
			},
			Warnings:  []advisor.Warning{},
			Pitfalls:  []string{"Negative lookups are cached too: a new session can look absent for up to a minute elsewhere."},
			Checklist: []string{"Read with the default `cacheTtl` (60 s) or longer", "Treat a missing flag as logged out"},
			Sketch:    advisor.Sketch{Language: "typescript", Code: "export default {\n  async fetch(req: Request, env: Env) {\n    const flag = await env.SESSIONS.get(sessionId(req), { cacheTtl: 60 });\n    return flag ? next(req) : login();\n  },\n};\n"},
			Costs:     []advisor.CostEstimate{kvCost(2000*2592000, 0.01*2592000), doCost(2000 * 2592000)},
			Providers: []advisor.Provider{{Platform: "Vercel", Equivalent: "Edge Config"}, {Platform: "Netlify", Equivalent: "Blobs"}},
			Sources:   []advisor.Source{kvSource, kvPricing, doPricing},
		},
	}
	limiter := Entry{
		Item: advisor.Item{Name: "rate-limiter",
			Answers: advisor.Answers{"read_your_writes": true, "concurrent_writers": true, "atomic_update": true,
				"staleness_tolerance_s": 0.0, "reads_per_s": 300.0, "writes_per_s_per_key": 40.0, "value_bytes": 64.0, "reader_regions": "few"}},
		Recommendation: advisor.Recommendation{
			Item: "rate-limiter", Primary: advisor.DurableObject, Confidence: "high",
			Summary: "Many writers increment one counter: only a Durable Object makes that atomic.",
			Ranking: []advisor.Ranked{
				ranked(advisor.DurableObject, "Durable Object", 10, true, "One strongly consistent instance per id.",
					[]string{"Increments are atomic behind the input gate", "Every read sees the latest count"},
					[]string{"Callers on other continents pay the round trip"}, ""),
				ranked(advisor.KV, "Workers KV", 0, false, "Eventually consistent key-value store cached at every location.", nil, nil,
					"KV has no atomic increment: concurrent writers lose updates."),
			},
			Reasons: []advisor.Reason{
				{Rule: "atomic-needs-do", Text: "An atomic read-modify-write needs a single writer.", Questions: []string{"atomic_update", "concurrent_writers"}, Effect: "rules out kv"},
				{Rule: "kv-write-limit", Text: "40 writes/s to one key is far above KV's 1 write/s.", Questions: []string{"writes_per_s_per_key"}, Effect: "rules out kv"},
			},
			Flips: []advisor.Flip{},
			Warnings: []advisor.Warning{
				{ID: "hot-object", Text: "One object per limit key keeps each under the ~1,000 requests/s soft limit.", Questions: []string{"reads_per_s"}},
			},
			Checklist: []string{"Shard by the limited key (`idFromName(clientId)`)", "Do not retry overload errors"},
			Sketch:    advisor.Sketch{Language: "typescript", Code: "const n = ((await this.ctx.storage.get<number>(\"n\")) ?? 0) + 1;\nawait this.ctx.storage.put(\"n\", n);\n"},
			Costs:     []advisor.CostEstimate{doCost(340 * 2592000)},
			Sources:   []advisor.Source{kvWriteLimit, doPricing},
		},
	}
	image := Entry{
		Item: advisor.Item{Name: "product-image",
			Answers: advisor.Answers{"read_your_writes": false, "concurrent_writers": false, "atomic_update": false,
				"staleness_tolerance_s": 3600.0, "reads_per_s": 500.0, "writes_per_s_per_key": 0.0, "value_bytes": 4e6, "reader_regions": "global"}},
		Recommendation: advisor.Recommendation{
			Item: "product-image", Primary: advisor.R2PlusKV, Confidence: "medium",
			Summary: "Large, rarely changed blobs: store them in R2 and keep the pointer in KV.",
			Ranking: []advisor.Ranked{
				ranked(advisor.R2PlusKV, "R2 with a pointer in KV", 8, true, "Blob in R2, metadata in KV.",
					[]string{"No egress fees for large values"}, []string{"Two reads on a cold path"}, ""),
				ranked(advisor.KV, "Workers KV", 5, true, "Eventually consistent key-value store cached at every location.",
					[]string{"One read"}, []string{"4 MB values count against storage"}, ""),
			},
			Flips:   []advisor.Flip{{Question: "value_bytes", From: 4e6, To: 20000.0, Primary: advisor.KV, Text: ""}},
			Costs:   []advisor.CostEstimate{kvCost(500*2592000, 0)},
			Sources: []advisor.Source{kvPricing},
		},
	}
	return Doc{
		Title: "Checkout platform state review", Date: "2026-11-24",
		DecidedBy: []string{"Ana", "Ravi"}, AnswersFile: "examples/review.yaml",
		Questions: sampleQuestions, Entries: []Entry{session, limiter, image},
	}
}

// hostileDoc puts markup, quotes, ampersands and pipes everywhere a user
// can type text.
func hostileDoc() Doc {
	const evil = `<script>alert("x")</script> & "quoted" | pipe`
	d := sampleDoc()
	d.Title = evil
	d.DecidedBy = []string{evil, "---"}
	d.Entries = d.Entries[:1]
	d.Entries[0].Item.Name = evil
	d.Entries[0].Item.Notes = evil + "\n- not a list\n---\n1. not a list either"
	d.Entries[0].Item.Answers = advisor.Answers{"reader_regions": evil}
	// Content is trusted less than code: a customised pack could cite this.
	d.Entries[0].Recommendation.Sources = append(d.Entries[0].Recommendation.Sources, advisor.Source{
		ID: "odd|id", Text: evil, Source: `evil.example/a"><script>alert(1)</script> | b`, AsOf: "2026-11-22"})
	return d
}
