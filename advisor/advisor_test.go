package advisor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/content"
)

func pack(t testing.TB) *content.Pack {
	t.Helper()
	p, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// base is read-mostly configuration: one writer, a minute of lag is fine,
// read all over the world. Each case changes only what it is about.
func base(over Answers) Answers {
	a := Answers{
		"read_your_writes":      false,
		"concurrent_writers":    false,
		"atomic_update":         false,
		"staleness_tolerance_s": 300.0,
		"reads_per_s":           100.0,
		"writes_per_s_per_key":  0.1,
		"value_bytes":           1024.0,
		"reader_regions":        "global",
	}
	maps.Copy(a, over)
	return a
}

func eval(t testing.TB, a Answers) Recommendation {
	t.Helper()
	return Evaluate(pack(t), Item{Name: "state", Answers: a})
}

func fired(rec Recommendation, rule string) bool {
	return slices.ContainsFunc(rec.Reasons, func(r Reason) bool { return r.Rule == rule })
}

func rankedOf(rec Recommendation, id OptionID) Ranked {
	for _, r := range rec.Ranking {
		if r.Option == id {
			return r
		}
	}
	return Ranked{}
}

// One test per row of the decision table of seed 001 (KV against Durable
// Objects, dimension by dimension).
func TestDecisionTable(t *testing.T) {
	t.Run("consistency: KV is out when reads must be fresher than its propagation window", func(t *testing.T) {
		rec := eval(t, base(Answers{"staleness_tolerance_s": 5.0}))
		if rankedOf(rec, KV).Viable || rec.Primary == KV {
			t.Errorf("KV viable with 5 s staleness: %+v", rankedOf(rec, KV))
		}
	})
	t.Run("read-your-writes: only a Durable Object guarantees it", func(t *testing.T) {
		rec := eval(t, base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0}))
		if rec.Primary != DurableObject {
			t.Errorf("primary %s, want durable-object", rec.Primary)
		}
	})
	t.Run("warm read latency: far readers with a tight budget read locally, not from one object", func(t *testing.T) {
		rec := eval(t, base(Answers{"read_latency_budget_ms": 20.0}))
		if rec.Primary != KV || !fired(rec, "do-latency-budget") || rankedOf(rec, DurableObject).Score >= rankedOf(rec, KV).Score {
			t.Errorf("primary %s; want kv ahead of a far object: %v", rec.Primary, rankingText(rec))
		}
	})
	t.Run("write throughput per key: 40 writes per second leaves KV for an object", func(t *testing.T) {
		rec := eval(t, base(Answers{"writes_per_s_per_key": 40.0, "staleness_tolerance_s": 0.0, "reader_regions": "one"}))
		if rec.Primary != DurableObject || rankedOf(rec, KV).Viable {
			t.Errorf("primary %s, kv viable %v", rec.Primary, rankedOf(rec, KV).Viable)
		}
	})
	t.Run("atomic increment: a counter with racing writers goes to a Durable Object", func(t *testing.T) {
		rec := eval(t, base(Answers{"atomic_update": true, "concurrent_writers": true, "staleness_tolerance_s": 0.0}))
		if rec.Primary != DurableObject {
			t.Errorf("primary %s", rec.Primary)
		}
	})
	t.Run("value size: 1 MB stays in KV, 5 MB leans to R2, 30 MiB only fits R2", func(t *testing.T) {
		if rec := eval(t, base(Answers{"value_bytes": 1e6})); rec.Primary != KV {
			t.Errorf("1 MB: primary %s, want kv", rec.Primary)
		}
		if rec := eval(t, base(Answers{"value_bytes": 5e6})); rec.Primary != R2PlusKV || !rankedOf(rec, KV).Viable {
			t.Errorf("5 MB: primary %s, want r2-plus-kv with kv still viable: %v", rec.Primary, rankingText(rec))
		}
		if rec := eval(t, base(Answers{"value_bytes": 30.0 * 1024 * 1024})); rec.Primary != R2PlusKV || rankedOf(rec, KV).Viable {
			t.Errorf("30 MiB: primary %s, want r2-plus-kv alone: %v", rec.Primary, rankingText(rec))
		}
	})
	t.Run("best for: read-heavy cached data is KV, a reservation tally is a Durable Object", func(t *testing.T) {
		if rec := eval(t, base(Answers{"reads_per_s": 5000.0, "writes_per_s_per_key": 0.01})); rec.Primary != KV || rec.Confidence != ConfidenceHigh {
			t.Errorf("flags: %s (%s), want kv (high)", rec.Primary, rec.Confidence)
		}
		seats := base(Answers{"read_your_writes": true, "concurrent_writers": true, "atomic_update": true,
			"staleness_tolerance_s": 0.0, "reads_per_s": 300.0, "writes_per_s_per_key": 40.0, "value_bytes": 64.0, "reader_regions": "few"})
		if rec := eval(t, seats); rec.Primary != DurableObject || rec.Confidence != ConfidenceHigh {
			t.Errorf("seats: %s (%s), want durable-object (high)", rec.Primary, rec.Confidence)
		}
	})
	t.Run("cost shape: KV bills per operation, a Durable Object per request and active duration", func(t *testing.T) {
		rec := eval(t, base(Answers{"concurrent_writers": true, "atomic_update": true, "staleness_tolerance_s": 60.0}))
		items := map[OptionID][]string{}
		for _, c := range rec.Costs {
			for _, l := range c.Lines {
				items[c.Option] = append(items[c.Option], l.Item)
			}
		}
		if !slices.Contains(items[DurableObject], "Durable Object duration") || !slices.Contains(items[DurableObject], "Durable Object requests") {
			t.Errorf("durable-object lines %v", items[DurableObject])
		}
		if !slices.Contains(items[DOPlusKV], "KV reads") {
			t.Errorf("do-plus-kv lines %v", items[DOPlusKV])
		}
	})
	t.Run("global reach: a value read everywhere and changed by racing writers is an object publishing to KV", func(t *testing.T) {
		rec := eval(t, base(Answers{"concurrent_writers": true, "atomic_update": true, "reads_per_s": 2000.0, "staleness_tolerance_s": 60.0}))
		if rec.Primary != DOPlusKV {
			t.Errorf("primary %s, want do-plus-kv", rec.Primary)
		}
	})
}

// One case per rule of rules.yaml: answers that make it fire, and the
// primary those answers lead to.
var ruleCases = []struct {
	rule    string
	name    string
	answers Answers
	primary OptionID
}{
	{"q1-read-your-writes", "a read that must see the latest write goes to a Durable Object", Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0}, DurableObject},
	{"q2-concurrent-writers", "racing writers on widely read data make an object the writer in front of KV", Answers{"concurrent_writers": true}, DOPlusKV},
	{"q3-read-mostly-staleness-ok", "read-mostly data that may be a minute old is KV", Answers{}, KV},
	{"atomic-read-modify-write", "read-modify-write read in one region is a Durable Object", Answers{"atomic_update": true, "reader_regions": "one"}, DurableObject},
	{"racing-read-modify-write", "racing read-modify-write rules out KV and its pointers", Answers{"atomic_update": true, "concurrent_writers": true, "reader_regions": "one"}, DurableObject},
	{"kv-propagation-window", "30 s of tolerated staleness rules out KV: an object with a cache in front", Answers{"staleness_tolerance_s": 30.0}, DurableObject},
	{"cache-api-needs-some-staleness", "zero tolerated staleness rules out every cache", Answers{"staleness_tolerance_s": 0.0, "reader_regions": "one"}, DurableObject},
	{"cache-api-short-staleness", "ten seconds of staleness of an origin's data fits the Cache API", Answers{"staleness_tolerance_s": 10.0, "origin_owned": true}, CacheAPI},
	{"cache-api-is-not-a-store", "written state rules out a cache as its home", Answers{}, KV},
	{"cache-api-without-origin", "state nothing writes, with no origin named, counts against a cache", Answers{"writes_per_s_per_key": 0.0}, KV},
	{"cache-api-fronts-an-origin", "an origin's data read everywhere is a cache in front of it", Answers{"origin_owned": true, "staleness_tolerance_s": 30.0}, CacheAPI},
	{"kv-write-limit", "five writes per second to a key leave KV for an object that publishes", Answers{"writes_per_s_per_key": 5.0, "staleness_tolerance_s": 60.0, "concurrent_writers": true}, DOPlusKV},
	{"do-write-soft-limit", "two thousand writes per second to a key strain even one object", Answers{"writes_per_s_per_key": 2000.0, "concurrent_writers": true, "reads_per_s": 100000.0}, DOPlusKV},
	{"kv-value-cap", "a value over 25 MiB goes to R2", Answers{"value_bytes": 30.0 * 1024 * 1024}, R2PlusKV},
	{"do-value-cap", "a 5 MB value rules out a Durable Object", Answers{"value_bytes": 5e6}, R2PlusKV},
	{"blobs-suit-a-blob-store", "a multi-megabyte value read everywhere leans to R2", Answers{"value_bytes": 5e6}, R2PlusKV},
	{"r2-for-small-values", "a small value needs no blob store", Answers{}, KV},
	{"r2-read-after-write", "a large value read back at once is read straight from R2", Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "value_bytes": 30.0 * 1024 * 1024}, R2PlusKV},
	{"do-read-soft-limit", "five thousand reads per second are too many for one object", Answers{"reads_per_s": 5000.0}, KV},
	{"do-global-readers", "readers all over the world favour local reads", Answers{}, KV},
	{"do-few-regions", "readers in a few regions still favour local reads", Answers{"reader_regions": "few"}, KV},
	{"do-one-region", "strict reads from one region sit well with one object", Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "reader_regions": "one"}, DurableObject},
	{"per-entity-near-its-users", "one quota counter per tenant, each next to its tenant, is an object per tenant", Answers{"read_your_writes": true, "atomic_update": true, "concurrent_writers": true, "staleness_tolerance_s": 0.0, "entities": 10000.0, "keyed_by": "tenant", "entity_traffic_local": true}, DurableObject},
	{"do-latency-budget", "a 200 ms budget for global readers rules a single object down: the farthest pay 250 ms", Answers{"read_latency_budget_ms": 200.0}, KV},
	{"kv-cold-reads-miss-budget", "per-user keys read once in a while are cold, past a 50 ms budget", Answers{"read_latency_budget_ms": 50.0, "entities": 100000.0, "reads_per_s": 100.0}, KV},
	{"object-behind-a-cache", "hot reads that may be 10 s old go through a cache in front of an object", Answers{"staleness_tolerance_s": 10.0, "reads_per_s": 3000.0}, DurableObject},
	{"do-plus-kv-fits", "coordinated writes read everywhere with a minute of lag is DO-plus-KV", Answers{"atomic_update": true, "concurrent_writers": true}, DOPlusKV},
	{"do-plus-kv-every-request-writes", "a counter every request writes needs no KV copy", Answers{"atomic_update": true, "concurrent_writers": true, "staleness_tolerance_s": 60.0, "writes_per_s_per_key": 50.0}, DurableObject},
	{"do-plus-kv-without-coordination", "one writer with plain overwrites needs no object in front of KV", Answers{}, KV},
	{"audit-trail", "a required history makes the object the writer in front of KV", Answers{"audit_trail": true}, DOPlusKV},
	{"entries-expire", "entries that expire by themselves suit KV", Answers{"expires": true}, KV},
	{"websocket-clients", "clients on WebSockets are a room object", Answers{"websocket": true}, DurableObject},
}

func TestEveryRule(t *testing.T) {
	p := pack(t)
	for _, c := range ruleCases {
		t.Run(c.name, func(t *testing.T) {
			rec := Evaluate(p, Item{Name: "x", Answers: base(c.answers)})
			if !fired(rec, c.rule) {
				t.Fatalf("rule %s did not fire; reasons %v", c.rule, reasonIDs(rec))
			}
			if rec.Primary != c.primary {
				t.Errorf("primary %s, want %s; ranking %v", rec.Primary, c.primary, rankingText(rec))
			}
			var rule *content.Rule
			for i := range p.Rules {
				if p.Rules[i].ID == c.rule {
					rule = &p.Rules[i]
				}
			}
			for _, e := range rule.Effects {
				if e.RuleOut && rankedOf(rec, OptionID(e.Option)).Viable {
					t.Errorf("%s should be ruled out", e.Option)
				}
			}
			for _, r := range rec.Reasons {
				if r.Rule == c.rule && (len(r.Questions) == 0 || r.Effect == "" || r.Text == "") {
					t.Errorf("reason %+v lacks questions, effect or text", r)
				}
			}
		})
	}
	t.Run("every rule of the pack has a case here", func(t *testing.T) {
		for _, r := range p.Rules {
			if !slices.ContainsFunc(ruleCases, func(c struct {
				rule    string
				name    string
				answers Answers
				primary OptionID
			}) bool {
				return c.rule == r.ID
			}) {
				t.Errorf("rule %s has no test case", r.ID)
			}
		}
	})
}

func reasonIDs(rec Recommendation) []string {
	var ids []string
	for _, r := range rec.Reasons {
		ids = append(ids, r.Rule)
	}
	return ids
}

func rankingText(rec Recommendation) string {
	var parts []string
	for _, r := range rec.Ranking {
		v := ""
		if !r.Viable {
			v = "x"
		}
		parts = append(parts, fmt.Sprintf("%s%s:%d", r.Option, v, r.Score))
	}
	return strings.Join(parts, " ")
}

func TestTheRankingListsEveryOptionOnceWithThePrimaryFirst(t *testing.T) {
	rec := eval(t, base(nil))
	if len(rec.Ranking) != 5 || rec.Ranking[0].Option != rec.Primary {
		t.Fatalf("ranking %v", rankingText(rec))
	}
	for _, r := range rec.Ranking {
		if r.Viable == (r.RuledOut != "") {
			t.Errorf("%s: viable %v but ruled_out %q", r.Option, r.Viable, r.RuledOut)
		}
		if len(r.Pros) == 0 || len(r.Cons) == 0 {
			t.Errorf("%s: no pros or cons", r.Option)
		}
	}
	if len(rec.Checklist) == 0 || rec.Sketch.Code == "" || rec.Sketch.Language != "typescript" || len(rec.Providers) != 3 {
		t.Error("primary's checklist, sketch or providers missing")
	}
}

func TestFlips(t *testing.T) {
	t.Run("read-mostly config flips to an object with a cache in front below 60 s of staleness", func(t *testing.T) {
		rec := eval(t, base(Answers{"reads_per_s": 5000.0}))
		f := findFlip(rec, "staleness_tolerance_s")
		if f == nil || f.Primary != DurableObject || f.To != 59.0 || f.Threshold != "under 60 s" || !strings.Contains(f.Text, "were under 60 s instead of 300 s") {
			t.Fatalf("flip %+v", f)
		}
	})
	t.Run("a 10 s tolerance flips to KV at 60 s", func(t *testing.T) {
		rec := eval(t, base(Answers{"staleness_tolerance_s": 10.0}))
		var got []string
		for _, f := range rec.Flips {
			if f.Question == "staleness_tolerance_s" {
				got = append(got, f.Text)
			}
		}
		want := []string{
			"If staleness_tolerance_s were 60 s or more instead of 10 s, the primary would be kv (Workers KV).",
		}
		if !slices.Equal(got, want) {
			t.Errorf("flips\n%q\nwant\n%q", got, want)
		}
	})
	t.Run("flips are rounded to the threshold a rule names, in its unit", func(t *testing.T) {
		rec := eval(t, base(Answers{"value_bytes": 120.0}))
		f := findFlip(rec, "value_bytes")
		if f == nil || f.Threshold != "over 2 MB" || f.To != 2000001.0 {
			t.Fatalf("flip %+v", f)
		}
		rec = eval(t, base(Answers{"value_bytes": 3e6, "read_your_writes": true, "staleness_tolerance_s": 0.0}))
		if f := findFlip(rec, "value_bytes"); f == nil || f.Threshold != "2 MB or less" {
			t.Errorf("flip %+v", f)
		}
		rec = eval(t, base(Answers{"writes_per_s_per_key": 0.5, "concurrent_writers": true, "atomic_update": true, "reader_regions": "one", "staleness_tolerance_s": 0.0}))
		for _, f := range rec.Flips {
			if strings.Contains(f.Threshold, "26,214,401") || strings.Contains(f.Text, "e.g.") {
				t.Errorf("a raw threshold: %+v", f)
			}
		}
	})
	t.Run("a rule on reads per object flips on the total, scaled by the keys", func(t *testing.T) {
		// 100,000 reads/s over 1,000 keys is 100 per object; an object
		// per key is fine until each gets past its soft limit, at
		// 1,000,000 reads/s in all.
		a := base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "reads_per_s": 100000.0, "entities": 1000.0, "keyed_by": "user", "entity_traffic_local": true})
		rec := eval(t, a)
		if rec.Primary != DurableObject || fired(rec, "do-read-soft-limit") {
			t.Fatalf("primary %s, reasons %v", rec.Primary, reasonIDs(rec))
		}
		th := thresholds(pack(t), pack(t).Question("reads_per_s"), withDerived(pack(t), a))
		if !slices.Contains(th, 1e6) {
			t.Errorf("reads_per_s thresholds %v lack 1,000,000 (1,000 per object × 1,000 objects)", th)
		}
	})
	t.Run("an unanswered optional question can flip the primary", func(t *testing.T) {
		rec := eval(t, base(nil))
		f := findFlip(rec, "audit_trail")
		if f == nil || f.From != nil || f.To != true || f.Primary != DOPlusKV || f.Answered {
			t.Fatalf("flip %+v", f)
		}
	})
	t.Run("every flip really changes the primary", func(t *testing.T) {
		p := pack(t)
		for _, a := range []Answers{
			base(Answers{"staleness_tolerance_s": 10.0}),
			base(Answers{"entities": 5000.0, "reads_per_s": 20000.0, "read_latency_budget_ms": 80.0}),
			base(Answers{"value_bytes": 5e6, "staleness_tolerance_s": 3600.0}),
		} {
			rec := Evaluate(p, Item{Answers: a})
			for _, f := range rec.Flips {
				alt := maps.Clone(a)
				alt[f.Question] = f.To
				if got := Evaluate(p, Item{Answers: alt}).Primary; got != f.Primary || got == rec.Primary {
					t.Errorf("flip %s -> %v: primary %s, flip says %s", f.Question, f.To, got, f.Primary)
				}
			}
		}
	})
}

// A per-user cart read back at once by its owner: KV and caches are out,
// a pointer in KV would be as stale as KV, but R2 read by key is strongly
// consistent, so a value too large for an object is an R2 case, not
// "every option is ruled out".
func TestReadYourWritesKeepsKVAndCachesOutButNotR2(t *testing.T) {
	cart := base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "reads_per_s": 5.0,
		"writes_per_s_per_key": 0.5, "value_bytes": 5000.0, "reader_regions": "one"})
	rec := eval(t, cart)
	if rec.Primary != DurableObject {
		t.Fatalf("primary %s", rec.Primary)
	}
	for _, id := range []OptionID{KV, CacheAPI, DOPlusKV} {
		if rankedOf(rec, id).Viable {
			t.Errorf("%s is viable for state that must read its own writes: %v", id, rankingText(rec))
		}
	}
	if !rankedOf(rec, R2PlusKV).Viable {
		t.Errorf("R2 read by key is strongly consistent, yet ruled out: %v", rankingText(rec))
	}
	t.Run("a value too large for an object goes to R2, read by key", func(t *testing.T) {
		big := maps.Clone(cart)
		big["value_bytes"] = 30.0 * 1024 * 1024
		rec := eval(t, big)
		if rec.Primary != R2PlusKV || rec.ConfidenceBasis != BasisOnlyViable || !strings.Contains(rec.Design, "straight from R2") {
			t.Fatalf("primary %s (%s), design %q", rec.Primary, rec.ConfidenceBasis, rec.Design)
		}
		if strings.Contains(rec.Sketch.Code, "POINTERS") || !strings.Contains(rec.Sketch.Code, "strongly consistent") {
			t.Errorf("the sketch reads through a KV pointer:\n%s", rec.Sketch.Code)
		}
		for _, w := range rec.Warnings {
			if w.ID == NoViableOption {
				t.Errorf("every option said to be ruled out: %+v", w)
			}
		}
	})
}

// A single writer publishing five prices a second: KV takes one write a
// second per key, so an object in front of KV does protect something
// (it coalesces the writes) and is not penalised as pointless.
func TestAnObjectThatCoalescesWritesIsNotCalledPointless(t *testing.T) {
	rec := eval(t, base(Answers{"staleness_tolerance_s": 60.0, "reads_per_s": 5000.0, "writes_per_s_per_key": 5.0}))
	if fired(rec, "do-plus-kv-without-coordination") {
		t.Errorf("do-plus-kv-without-coordination fired at 5 writes/s: %v", reasonIDs(rec))
	}
	if rec.Primary != DOPlusKV {
		t.Errorf("primary %s, want do-plus-kv; %v", rec.Primary, rankingText(rec))
	}
}

func findFlip(rec Recommendation, q string) *Flip {
	for i := range rec.Flips {
		if rec.Flips[i].Question == q {
			return &rec.Flips[i]
		}
	}
	return nil
}

var warningCases = []struct {
	id, name string
	answers  Answers
}{
	{"ryw-yet-minute-old-ok", "read-your-writes with a minute of tolerated staleness is contradictory", Answers{"read_your_writes": true, "staleness_tolerance_s": 60.0}},
	{"no-staleness-yet-no-ryw", "zero tolerated staleness without read-your-writes is contradictory", Answers{"staleness_tolerance_s": 0.0}},
	{"atomic-but-never-written", "atomic updates with no writes are suspicious", Answers{"atomic_update": true, "writes_per_s_per_key": 0.0}},
	{"concurrent-but-never-written", "several writers with no writes are suspicious", Answers{"concurrent_writers": true, "writes_per_s_per_key": 0.0}},
	{"large-values-written-often", "200 MB values written 1000 times a second are suspicious", Answers{"value_bytes": 200e6, "writes_per_s_per_key": 1000.0}},
	{"ryw-reads-beyond-one-object", "strict reads beyond one object's limit need sharding", Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "reads_per_s": 5000.0, "reader_regions": "one"}},
	{"writes-beyond-one-object", "writes beyond one object's limit need sharding", Answers{"writes_per_s_per_key": 5000.0, "reader_regions": "one"}},
	{"nothing-reads-it", "state nobody reads is suspicious", Answers{"reads_per_s": 0.0}},
	{"budget-below-a-warm-kv-read", "a budget below a warm KV read is unrealistic", Answers{"read_latency_budget_ms": 2.0}},
	{"strict-reads-beyond-the-budget", "a seat counter read worldwide within 50 ms cannot reach one object in time", Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "read_latency_budget_ms": 50.0}},
	{"budget-given-for-one-region", "a budget for one region is ignored", Answers{"reader_regions": "one", "read_latency_budget_ms": 50.0}},
	{"kv-cold-reads-exceed-budget", "a 150 ms budget on KV fits warm reads only", Answers{"read_latency_budget_ms": 150.0}},
	{"kv-mostly-cold-reads", "100,000 keys read 100 times a second in all are mostly cold in KV", Answers{"entities": 100000.0}},
	{"kv-read-cost", "5,000 KV reads a second dominate the bill", Answers{"reads_per_s": 5000.0}},
	{"kv-instant-fits", "100 small keys that must be 10 s fresh fit KV Instant, a beta", Answers{"staleness_tolerance_s": 10.0, "entities": 100.0, "value_bytes": 1000.0, "writes_per_s": 0.5}},
	{"rate-limit-binding-fits", "an approximate per-IP throttle is the Rate Limiting binding's job", Answers{"kind": "rate_limit", "keyed_by": "ip", "entities": 1e6, "entity_traffic_local": true, "concurrent_writers": true, "atomic_update": true, "staleness_tolerance_s": 10.0, "writes_per_s": 500.0}},
	{"rate-limit-binding-not-exact", "an exact login limit cannot be the binding's per-location count", Answers{"kind": "rate_limit", "read_your_writes": true, "staleness_tolerance_s": 0.0, "concurrent_writers": true, "atomic_update": true}},
	{"websocket-without-an-object", "sockets with values too large for an object leave no object to hold them", Answers{"websocket": true, "value_bytes": 30.0 * 1024 * 1024}},
	{NoViableOption, "when every option is ruled out the primary is the least bad", Answers{"value_bytes": 200e6, "writes_per_s_per_key": 1000.0, "staleness_tolerance_s": 0.0}},
}

func TestWarnings(t *testing.T) {
	p := pack(t)
	for _, c := range warningCases {
		t.Run(c.name, func(t *testing.T) {
			rec := Evaluate(p, Item{Answers: base(c.answers)})
			if !slices.ContainsFunc(rec.Warnings, func(w Warning) bool { return w.ID == c.id && len(w.Questions) > 0 && w.Text != "" }) {
				t.Errorf("no warning %s; got %+v", c.id, rec.Warnings)
			}
		})
	}
	t.Run("plain answers raise no warning", func(t *testing.T) {
		if rec := Evaluate(p, Item{Answers: base(nil)}); len(rec.Warnings) != 0 {
			t.Errorf("warnings %+v", rec.Warnings)
		}
	})
	t.Run("a warning about one option is not shown when another is chosen", func(t *testing.T) {
		// More writes per key than one object takes: shown when the
		// object is chosen, not for KV's record.
		rec := Evaluate(p, Item{Answers: base(Answers{"writes_per_s_per_key": 5000.0, "reader_regions": "one"})})
		if !slices.ContainsFunc(rec.Warnings, func(w Warning) bool { return w.ID == "writes-beyond-one-object" }) {
			t.Errorf("not shown for %s", rec.Primary)
		}
		rec = Evaluate(p, Item{Answers: base(Answers{"reads_per_s": 5000.0})})
		if rec.Primary != KV || slices.ContainsFunc(rec.Warnings, func(w Warning) bool { return w.ID == "ryw-reads-beyond-one-object" }) {
			t.Errorf("%s record shows an object's warning: %+v", rec.Primary, rec.Warnings)
		}
	})
	t.Run("a note informs without lowering the confidence", func(t *testing.T) {
		rec := Evaluate(p, Item{Answers: base(Answers{"reads_per_s": 5000.0, "writes_per_s_per_key": 0.01})})
		if len(rec.Warnings) == 0 || rec.Warnings[0].Level != content.LevelNote || rec.Confidence != ConfidenceHigh {
			t.Errorf("confidence %s with %+v", rec.Confidence, rec.Warnings)
		}
	})
	t.Run("every warning of the pack has a case here", func(t *testing.T) {
		for _, w := range p.Warnings {
			if !slices.ContainsFunc(warningCases, func(c struct {
				id, name string
				answers  Answers
			}) bool {
				return c.id == w.ID
			}) {
				t.Errorf("warning %s has no test case", w.ID)
			}
		}
	})
	t.Run("the least bad primary has low confidence", func(t *testing.T) {
		rec := Evaluate(p, Item{Answers: base(Answers{"value_bytes": 200e6, "writes_per_s_per_key": 1000.0, "staleness_tolerance_s": 0.0})})
		if rec.Confidence != ConfidenceLow || rankedOf(rec, rec.Primary).Viable {
			t.Errorf("confidence %s, primary viable %v", rec.Confidence, rankedOf(rec, rec.Primary).Viable)
		}
	})
}

func TestCostArithmetic(t *testing.T) {
	rec := eval(t, base(Answers{"reads_per_s": 300.0, "writes_per_s_per_key": 0.5, "value_bytes": 2e7}))
	var kv *CostEstimate
	for i := range rec.Costs {
		if rec.Costs[i].Option == KV {
			kv = &rec.Costs[i]
		}
	}
	if kv == nil {
		t.Fatal("no KV estimate")
	}
	want := []struct {
		item     string
		qty, usd float64
		arith    string
	}{
		// 300 × 2,592,000 = 777,600,000; (777.6 M − 10 M) / 1 M × $0.50 = $383.80
		{"KV reads", 777600000, 383.80, "300 reads/s × 2,592,000 s = 777,600,000 reads; (777,600,000 − 10,000,000 included) ÷ 1,000,000 × $0.50 = $383.80"},
		// 0.5 × 2,592,000 = 1,296,000; (1.296 M − 1 M) / 1 M × $5 = $1.48
		{"KV writes, deletes and lists", 1296000, 1.48, "0.5 writes/s × 2,592,000 s = 1,296,000 writes; (1,296,000 − 1,000,000 included) ÷ 1,000,000 × $5.00 = $1.48"},
		// 20 MB is 0.02 GB, within the 1 GB included
		{"KV stored data", 0.02, 0, "one value of 20,000,000 bytes = 0.02 GB, kept all month; within the 1 included: $0.00"},
	}
	if len(kv.Lines) != len(want) {
		t.Fatalf("%d lines", len(kv.Lines))
	}
	for i, w := range want {
		l := kv.Lines[i]
		if l.Item != w.item || l.Quantity != w.qty || l.USD != w.usd || l.Arithmetic != w.arith {
			t.Errorf("line %d = %+v\nwant %+v", i, l, w)
		}
	}
	if kv.MonthlyUSD != 385.28 || kv.Plan != "Workers Paid" || kv.AsOf != "2026-11-22" || kv.Source == "" {
		t.Errorf("estimate %v %q %q %q", kv.MonthlyUSD, kv.Plan, kv.AsOf, kv.Source)
	}
	for _, c := range rec.Costs {
		if !rankedOf(rec, c.Option).Viable {
			t.Errorf("cost for non-viable %s", c.Option)
		}
	}
	t.Run("a Durable Object active all month stays within the included duration", func(t *testing.T) {
		rec := eval(t, base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0}))
		for _, l := range rec.Costs[0].Lines {
			if l.Item == "Durable Object duration" && (l.Quantity != 324000 || l.USD != 0) {
				t.Errorf("duration %+v, want 0.125 GB × 2,592,000 s = 324,000 GB-s, free", l)
			}
		}
	})
	t.Run("the sources cite the prices used", func(t *testing.T) {
		if !slices.ContainsFunc(rec.Sources, func(s Source) bool { return s.ID == "price:workers-paid:kv-reads" && s.AsOf != "" }) {
			t.Errorf("sources %v", rec.Sources)
		}
		if !slices.ContainsFunc(rec.Sources, func(s Source) bool { return s.ID == "month-seconds" }) {
			t.Error("the 30-day month assumption is not cited")
		}
		texts := map[string]string{}
		for _, s := range rec.Sources {
			texts[s.ID] = s.Text
		}
		for id, want := range map[string]string{
			"price:workers-paid:kv-reads":   "Workers Paid, KV reads: 10,000,000 reads included per month, then $0.50 per 1,000,000 reads",
			"price:workers-paid:kv-storage": "Workers Paid, KV stored data: 1 GB-month included per month, then $0.50 per GB-month (no egress charge)",
		} {
			if texts[id] != want {
				t.Errorf("%s reads %q\nwant %q", id, texts[id], want)
			}
		}
	})
}

func TestR2PlusKVPricesTheBlobInR2(t *testing.T) {
	// 30 MiB values: only r2-plus-kv can hold them. Priced here without
	// a cache in front, through the KV pointer (the record itself puts a
	// cache in front: TestTheRecommendedDesignIsWhatIsPriced).
	p := pack(t)
	a := withDerived(p, base(Answers{"reads_per_s": 10.0, "writes_per_s_per_key": 0.5, "value_bytes": 30.0 * 1024 * 1024}))
	c, used := estimate(p, string(R2PlusKV), a, nil)
	r2 := &c
	rec := Recommendation{Sources: sources(p, runRules(p, a), p.Option(string(R2PlusKV)), a, string(R2PlusKV), nil, used)}
	want := []struct {
		item     string
		qty, usd float64
		arith    string
	}{
		{"KV reads", 25920000, 7.96, "10 reads/s × 2,592,000 s = 25,920,000 reads (one pointer read per request that reaches the store); (25,920,000 − 10,000,000 included) ÷ 1,000,000 × $0.50 = $7.96"},
		{"KV writes, deletes and lists", 1296000, 1.48, "0.5 writes/s × 2,592,000 s = 1,296,000 writes (one pointer write per new version); (1,296,000 − 1,000,000 included) ÷ 1,000,000 × $5.00 = $1.48"},
		{"KV stored data", 0.000001024, 0, "a pointer, assumed to be one of 1,024 bytes = 0.000001024 GB, kept all month; within the 1 included: $0.00"},
		// (25.92 M − 10 M) / 1 M × $0.36 = $5.7312, rounded to cents
		{"R2 Class B operations (reads such as GetObject)", 25920000, 5.73, "10 blob reads/s × 2,592,000 s = 25,920,000 blob reads (every read fetches the blob: an upper bound, since no cache in front of R2 is counted); (25,920,000 − 10,000,000 included) ÷ 1,000,000 × $0.36 = $5.73"},
		// (1.296 M − 1 M) / 1 M × $4.50 = $1.332
		{"R2 Class A operations (writes such as PutObject)", 1296000, 1.33, "0.5 blob uploads/s × 2,592,000 s = 1,296,000 blob uploads (one upload per new version; deleting the old blob is free); (1,296,000 − 1,000,000 included) ÷ 1,000,000 × $4.50 = $1.33"},
		{"R2 stored data (Standard storage)", 0.03145728, 0, "one blob (one key, one live version: old versions are deleted once the pointer has moved on) of 31,457,280 bytes = 0.03145728 GB, kept all month; within the 10 included: $0.00"},
	}
	if len(r2.Lines) != len(want) {
		t.Fatalf("%d lines: %+v", len(r2.Lines), r2.Lines)
	}
	for i, w := range want {
		l := r2.Lines[i]
		if l.Item != w.item || l.Quantity != w.qty || l.USD != w.usd || l.Arithmetic != w.arith {
			t.Errorf("line %d = %+v\nwant %+v", i, l, w)
		}
		if l.UnitPrice == 0 {
			t.Errorf("line %d (%s) is not priced", i, l.Item)
		}
	}
	if r2.MonthlyUSD != 16.5 || r2.AsOf != "2026-11-24" || !strings.Contains(r2.Source, "developers.cloudflare.com/r2/pricing/") {
		t.Errorf("estimate %v as of %q from %q", r2.MonthlyUSD, r2.AsOf, r2.Source)
	}
	texts := map[string]string{}
	for _, s := range rec.Sources {
		texts[s.ID] = s.Text
	}
	if got, want := texts["price:workers-paid:r2-class-b"], "Workers Paid, R2 Class B operations (reads such as GetObject): 10,000,000 operations included per month, then $0.36 per 1,000,000 operations (no egress charge; Cloudflare rounds usage up to the next whole million)"; got != want {
		t.Errorf("R2 Class B source %q\nwant %q", got, want)
	}
}

func TestTheSameAnswersGiveTheSameJSONBytes(t *testing.T) {
	p := pack(t)
	a := base(Answers{"concurrent_writers": true, "atomic_update": true, "audit_trail": true, "reads_per_s": 2000.0})
	first, err := json.Marshal(Evaluate(p, Item{Name: "config", Answers: a}))
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		p2 := pack(t) // a fresh pack too: nothing may depend on map order
		b, _ := json.Marshal(Evaluate(p2, Item{Name: "config", Answers: maps.Clone(a)}))
		if !bytes.Equal(first, b) {
			t.Fatal("two evaluations of the same answers differ")
		}
	}
}

func TestEvaluateReviewKeepsTheItemsOrder(t *testing.T) {
	p := pack(t)
	r := Review{Version: 1, Items: []Item{{Name: "b", Answers: base(nil)}, {Name: "a", Answers: base(Answers{"read_your_writes": true})}}}
	recs := EvaluateReview(p, r)
	if len(recs) != 2 || recs[0].Item != "b" || recs[1].Item != "a" || recs[1].Primary != DurableObject {
		t.Errorf("%+v", recs)
	}
}

func BenchmarkEvaluateReview(b *testing.B) {
	p := pack(b)
	r := Review{Version: 1}
	for _, c := range ruleCases {
		r.Items = append(r.Items, Item{Name: c.rule, Answers: base(c.answers)})
	}
	b.ResetTimer()
	for b.Loop() {
		EvaluateReview(p, r)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(r.Items)), "ns/item")
}

func TestNumGroupsThousandsOfFractionsToo(t *testing.T) {
	for f, want := range map[float64]string{2500.01: "2,500.01", 0.125: "0.125", -0.5: "-0.5", -1234.5: "-1,234.5", 777600000: "777,600,000", 1e15: "1000000000000000"} {
		if got := num(f); got != want {
			t.Errorf("num(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestMoneyKeepsEveryDigitOfAPriceBelowACent(t *testing.T) {
	for f, want := range map[float64]string{0.015: "0.015", 0.001: "0.001", 4.5: "4.50", 1234.5: "1,234.50", 5.73: "5.73", 0.36: "0.36", 12.5: "12.50"} {
		if got := money(f); got != want {
			t.Errorf("money(%v) = %q, want %q", f, got, want)
		}
	}
}
