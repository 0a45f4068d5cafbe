package advisor

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/content"
)

// grid yields a deterministic spread of answers: one in gridStride of the
// combinations of the correctness answers with a range of tolerances,
// rates, sizes, regions and splits (a stride prime to every dimension, so
// each value meets every other). Enough to reach every option, layer and
// sketch in about a second.
const gridStride = 7

func grid(yield func(Answers) bool) {
	i := 0
	for _, ryw := range []bool{false, true} {
		for _, atomic := range []bool{false, true} {
			for _, tol := range []float64{0, 1, 10, 30, 59, 60, 90, 600, 3600} {
				for _, reads := range []float64{5, 800, 5000} {
					for _, writes := range []float64{0, 0.1, 5} {
						for _, size := range []float64{120, 5e6, 30 << 20} {
							for _, regions := range []string{"one", "global"} {
								for _, split := range []Answers{{}, {"entities": 10000.0, "keyed_by": "user", "entity_traffic_local": true}, {"websocket": true}, {"origin_owned": true}} {
									a := Answers{
										"read_your_writes": ryw, "concurrent_writers": atomic, "atomic_update": atomic,
										"staleness_tolerance_s": tol, "reads_per_s": reads, "writes_per_s_per_key": writes,
										"value_bytes": size, "reader_regions": regions,
									}
									for k, v := range split {
										a[k] = v
									}
									if i++; i%gridStride != 0 {
										continue
									}
									if !yield(a) {
										return
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

var (
	cacheTTLIn = regexp.MustCompile(`cacheTtl: (\d+)`)
	maxAgeIn   = regexp.MustCompile(`max-age=(\d+)`)
)

func ttls(re *regexp.Regexp, code string) []float64 {
	var out []float64
	for _, m := range re.FindAllStringSubmatch(code, -1) {
		f, _ := strconv.ParseFloat(m[1], 64)
		out = append(out, f)
	}
	return out
}

// A record never shows a sketch whose TTL exceeds the stated tolerance:
// a KV cacheTtl, a cache's max-age, and for a cache in front of KV the
// two together (a copy can be as old as both).
func TestNoSketchKeepsACopyLongerThanTheTolerance(t *testing.T) {
	p := pack(t)
	n, layered := 0, 0
	for a := range grid {
		rec := Evaluate(p, Item{Name: "x", Answers: a})
		tol := a["staleness_tolerance_s"].(float64)
		for _, sk := range []Sketch{rec.Sketch, layerSketch(rec)} {
			ct, ma := ttls(cacheTTLIn, sk.Code), ttls(maxAgeIn, sk.Code)
			worst := 0.0
			for _, x := range ct {
				worst = math.Max(worst, x)
			}
			for _, x := range ma {
				// A cache in front of KV (or a KV pointer) holds what KV
				// held: the two add up.
				if len(ct) > 0 {
					x += ct[0]
				}
				worst = math.Max(worst, x)
			}
			if worst > tol {
				t.Fatalf("%s%s sketch keeps a copy %v s with a %v s tolerance (answers %v):\n%s", rec.Primary, layerName(rec), worst, tol, a, sk.Code)
			}
			if len(ct)+len(ma) > 0 {
				n++
			}
		}
		if rec.Layer != nil {
			layered++
			if rec.Layer.MaxAgeS < 1 || rec.Layer.MaxAgeS > tol {
				t.Fatalf("layer max-age %v with tolerance %v", rec.Layer.MaxAgeS, tol)
			}
		}
	}
	// Guard against checking nothing.
	if n < 100 || layered < 50 {
		t.Fatalf("only %d sketches with a TTL and %d layered designs in the grid", n, layered)
	}
}

func layerSketch(rec Recommendation) Sketch {
	if rec.Layer != nil {
		return rec.Layer.Sketch
	}
	return Sketch{}
}

func layerName(rec Recommendation) string {
	if rec.Layer != nil {
		return "+" + rec.Layer.Kind
	}
	return ""
}

// The Cache API alone is never the primary for state that something
// writes and must keep; it may front a store instead.
func TestTheCacheAPIAloneNeverHoldsWrittenState(t *testing.T) {
	p := pack(t)
	fronted := 0
	for a := range grid {
		rec := Evaluate(p, Item{Answers: a})
		if a["writes_per_s_per_key"].(float64) > 0 && a["origin_owned"] != true && rec.Primary == CacheAPI {
			t.Fatalf("the Cache API holds written state: %v", a)
		}
		if rec.Layer != nil && rec.Layer.Kind == string(CacheAPI) {
			fronted++
		}
	}
	if fronted == 0 {
		t.Fatal("no design put the Cache API in front of a store")
	}
}

// Every layer rule of the pack is reached, and its max-age honours the
// tolerance over the store it sits on.
func TestEveryLayerRule(t *testing.T) {
	cases := map[string]struct {
		answers Answers
		maxAge  float64
	}{
		"cache-in-front-of-object": {base(Answers{"staleness_tolerance_s": 10.0, "reads_per_s": 3000.0}), 10},
		"cache-in-front-of-kv":     {base(Answers{"staleness_tolerance_s": 600.0, "reads_per_s": 5000.0}), 540},
		"cache-in-front-of-blob":   {base(Answers{"staleness_tolerance_s": 3600.0, "value_bytes": 5e6, "reads_per_s": 800.0}), 3540},
	}
	p := pack(t)
	for _, lr := range p.Layers {
		c, ok := cases[lr.ID]
		if !ok {
			t.Errorf("layer %s has no case", lr.ID)
			continue
		}
		rec := Evaluate(p, Item{Answers: c.answers})
		if rec.Layer == nil || rec.Layer.Rule != lr.ID || rec.Layer.MaxAgeS != c.maxAge || rec.Layer.Because == "" || rec.Layer.Sketch.Code == "" {
			t.Errorf("%s: layer %+v, want max-age %v", lr.ID, rec.Layer, c.maxAge)
		}
		if !strings.Contains(rec.Design, "max-age "+content.FormatFigure(c.maxAge)) {
			t.Errorf("%s: design %q does not say the max-age", lr.ID, rec.Design)
		}
	}
	t.Run("no layer where reads must see the latest write", func(t *testing.T) {
		rec := Evaluate(p, Item{Answers: base(Answers{"read_your_writes": true, "staleness_tolerance_s": 10.0, "reads_per_s": 3000.0})})
		if rec.Layer != nil {
			t.Errorf("layer %+v", rec.Layer)
		}
	})
	t.Run("the object behind a cache is favoured exactly when its layer would apply below KV's window", func(t *testing.T) {
		var rule, layer *content.Condition
		for i := range p.Rules {
			if p.Rules[i].ID == "object-behind-a-cache" {
				rule = &p.Rules[i].When
			}
		}
		for i := range p.Layers {
			if p.Layers[i].ID == "cache-in-front-of-object" {
				layer = &p.Layers[i].When
			}
		}
		for a := range grid {
			d := withDerived(p, a)
			if rule.Holds(d) && !layer.Holds(d) {
				t.Fatalf("rule holds without its layer: %v", a)
			}
		}
	})
}

// Each derived quantity has a formula, and each formula a declaration;
// the formulas give the documented figures.
func TestDerivedQuantities(t *testing.T) {
	p := pack(t)
	for _, d := range p.Derived {
		if derivations[d.ID] == nil {
			t.Errorf("derived quantity %s has no formula in derive.go", d.ID)
		}
	}
	for id := range derivations {
		found := false
		for _, d := range p.Derived {
			found = found || d.ID == id
		}
		if !found {
			t.Errorf("formula %s is not declared in rules.yaml", id)
		}
	}
	cases := []struct {
		name    string
		answers Answers
		want    map[string]float64
		absent  []string
	}{
		{"one key: per-key reads are the total", Answers{"reads_per_s": 300.0, "writes_per_s_per_key": 3.0, "value_bytes": 64.0},
			map[string]float64{dKeyReads: 300, dTotalWrites: 3, dReadsPerWrite: 100, dNamespaceBytes: 64}, nil},
		{"reads spread over the keys", Answers{"reads_per_s": 2500.0, "entities": 200000.0, "writes_per_s_per_key": 0.01, "value_bytes": 120.0},
			map[string]float64{dKeyReads: 0.0125, dKeyReadInterval: 80, dTotalWrites: 2000, dNamespaceBytes: 24e6}, nil},
		{"answered per-key and total rates win", Answers{"reads_per_s": 2500.0, "entities": 200000.0, "reads_per_s_per_key": 0.5, "writes_per_s": 40.0, "writes_per_s_per_key": 0.01},
			map[string]float64{dKeyReads: 0.5, dTotalWrites: 40, dReadsPerWrite: 50}, nil},
		{"nothing written, nothing read", Answers{"reads_per_s": 0.0, "writes_per_s_per_key": 0.0},
			map[string]float64{dKeyReads: 0, dTotalWrites: 0}, []string{dReadsPerWrite, dKeyReadInterval}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := withDerived(p, c.answers)
			for id, want := range c.want {
				if got, ok := d[id].(float64); !ok || math.Abs(got-want) > 1e-9*math.Max(1, want) {
					t.Errorf("%s = %v, want %v", id, d[id], want)
				}
			}
			for _, id := range c.absent {
				if v, ok := d[id]; ok {
					t.Errorf("%s = %v, want no value", id, v)
				}
			}
		})
	}
	t.Run("a rule citing a derived quantity names the answers behind it", func(t *testing.T) {
		rec := eval(t, base(Answers{"reads_per_s": 5000.0}))
		for _, r := range rec.Reasons {
			if r.Rule == "do-read-soft-limit" && (!strings.Contains(strings.Join(r.Questions, ","), "reads_per_s") || strings.Contains(strings.Join(r.Questions, ","), "key_reads_per_s")) {
				t.Errorf("questions %v", r.Questions)
			}
		}
	})
}

// The confidence says what it rests on: a winner by elimination is not
// "high" unless the answers favour it, a warning on it lowers it, and the
// least bad is low and still priced.
func TestHonestConfidence(t *testing.T) {
	t.Run("won by elimination with nothing in favour", func(t *testing.T) {
		// A racing counter read 5,000 times a second worldwide within 50 ms
		// and never stale: only an object is left, and the answers count
		// against it (far readers, its read limit, the budget).
		rec := eval(t, base(Answers{"staleness_tolerance_s": 0.0, "atomic_update": true, "concurrent_writers": true, "reads_per_s": 5000.0, "read_latency_budget_ms": 50.0}))
		if rec.ConfidenceBasis != BasisOnlyViable || rankedOf(rec, rec.Primary).Score > 0 {
			t.Fatalf("basis %s: %v", rec.ConfidenceBasis, rankingText(rec))
		}
		if rec.Confidence != ConfidenceLow || !strings.Contains(rec.ConfidenceText, "won by elimination") {
			t.Errorf("confidence %s (%s)", rec.Confidence, rec.ConfidenceText)
		}
	})
	t.Run("a margin names the runner-up", func(t *testing.T) {
		rec := eval(t, base(nil))
		if rec.ConfidenceBasis != BasisMargin || rec.RunnerUp == "" || !strings.Contains(rec.ConfidenceText, "points ahead of") {
			t.Errorf("%s: %s", rec.ConfidenceBasis, rec.ConfidenceText)
		}
	})
	t.Run("a warning on the winner lowers it", func(t *testing.T) {
		plain := eval(t, base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "reader_regions": "one"}))
		warned := eval(t, base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "reader_regions": "one", "reads_per_s": 5000.0}))
		if plain.Confidence != ConfidenceHigh || warned.Confidence == ConfidenceHigh || !strings.Contains(warned.ConfidenceText, "lowered by a warning") {
			t.Errorf("plain %s, warned %s (%s)", plain.Confidence, warned.Confidence, warned.ConfidenceText)
		}
	})
	t.Run("the least bad is low and priced", func(t *testing.T) {
		rec := eval(t, base(Answers{"value_bytes": 200e6, "writes_per_s_per_key": 1000.0, "staleness_tolerance_s": 0.0}))
		if rec.ConfidenceBasis != BasisLeastBad || rec.Confidence != ConfidenceLow {
			t.Fatalf("%s %s", rec.ConfidenceBasis, rec.Confidence)
		}
		found := false
		for _, c := range rec.Costs {
			if c.Option == rec.Primary {
				found = !c.Viable && len(c.Lines) > 0
			}
		}
		if !found || rec.Sketch.Code != "" || rec.Sketch.Note == "" {
			t.Errorf("least bad: priced %v, sketch %q note %q", found, rec.Sketch.Code, rec.Sketch.Note)
		}
	})
}

// Costs price the recommended design: per entity, with its layer, its
// WebSocket billing, and never one object past its capacity.
func TestTheRecommendedDesignIsWhatIsPriced(t *testing.T) {
	cost := func(rec Recommendation, id OptionID) CostEstimate {
		for _, c := range rec.Costs {
			if c.Option == id {
				return c
			}
		}
		t.Fatalf("no estimate for %s", id)
		return CostEstimate{}
	}
	line := func(c CostEstimate, item string) CostLine {
		for _, l := range c.Lines {
			if l.Item == item {
				return l
			}
		}
		t.Fatalf("no line %q in %+v", item, c.Lines)
		return CostLine{}
	}
	t.Run("writes add up over the keys", func(t *testing.T) {
		rec := eval(t, base(Answers{"entities": 1000.0, "writes_per_s_per_key": 0.5}))
		if q := line(cost(rec, KV), "KV writes, deletes and lists").Quantity; q != 500*2592000 {
			t.Errorf("writes %v, want 500 writes/s (1,000 keys × 0.5) for a month", q)
		}
		if q := line(cost(rec, KV), "KV stored data").Quantity; q != 1000*1024/1e9 {
			t.Errorf("storage %v GB", q)
		}
	})
	t.Run("a cache in front sends the store only its fills", func(t *testing.T) {
		rec := eval(t, base(Answers{"staleness_tolerance_s": 10.0, "reads_per_s": 3000.0}))
		c := cost(rec, DurableObject)
		// 300 locations × one key ÷ 10 s = 30 fills/s, plus 0.1 writes/s.
		if q := line(c, "Durable Object requests").Quantity; q != 30.1*2592000 || c.Layer != string(CacheAPI) || !line(c, "Cache API reads").Layer {
			t.Errorf("requests %v, layer %q", q, c.Layer)
		}
	})
	t.Run("one object past its capacity says how many it takes", func(t *testing.T) {
		rec := eval(t, base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "reads_per_s": 15000.0, "reader_regions": "one"}))
		c := cost(rec, DurableObject)
		if c.ObjectsNeeded != 16 || strings.Contains(strings.Join(lineTexts(c), " "), "upper bound for one object") {
			t.Errorf("objects needed %v: %q", c.ObjectsNeeded, lineTexts(c))
		}
	})
	t.Run("WebSocket messages are billed 20 to a request and sending is free", func(t *testing.T) {
		rec := eval(t, base(Answers{"websocket": true, "read_your_writes": true, "staleness_tolerance_s": 0.0, "reads_per_s": 20000.0, "writes_per_s_per_key": 5.0, "writes_per_s": 500.0, "entities": 1000.0}))
		if q := line(cost(rec, DurableObject), "Durable Object requests").Quantity; q != 500*2592000/20 {
			t.Errorf("requests %v, want 500 messages/s ÷ 20", q)
		}
	})
	t.Run("duration is billed for work, not for idle objects", func(t *testing.T) {
		rec := eval(t, base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "entities": 1e6, "reads_per_s": 100.0, "writes_per_s": 10.0, "reader_regions": "one"}))
		// 110 requests/s × 16 ms = 1.76 objects busy, not a million.
		if q := line(cost(rec, DurableObject), "Durable Object duration").Quantity; math.Abs(q-1.76*0.125*2592000) > 1e-6 {
			t.Errorf("duration %v GB-s", q)
		}
	})
	t.Run("an alternative is priced as it would be built", func(t *testing.T) {
		rec := eval(t, base(Answers{"staleness_tolerance_s": 600.0, "reads_per_s": 5000.0, "atomic_update": true, "concurrent_writers": true}))
		if rec.Primary == DurableObject {
			t.Fatalf("the object won: %v", rankingText(rec))
		}
		if c := cost(rec, DurableObject); c.Layer != string(CacheAPI) {
			t.Errorf("the object's alternative is priced without the layer it would carry: %+v", c.Design)
		}
	})
}

func lineTexts(c CostEstimate) []string {
	var out []string
	for _, l := range c.Lines {
		out = append(out, l.Arithmetic)
	}
	return out
}

// Sketches are fitted to the case: a shopping cart is not a seat counter.
func TestSketchesFitTheCase(t *testing.T) {
	cases := []struct {
		name    string
		answers Answers
		want    []string
		not     []string
	}{
		{"a per-user cart is a per-user record", base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "entities": 1e5, "keyed_by": "user", "reader_regions": "one"}),
			[]string{"class UserRecord", "userId(request)"}, []string{"seats", "take(", "left"}},
		{"a seat counter takes seats", base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "atomic_update": true, "concurrent_writers": true, "entities": 2000.0, "keyed_by": "item", "reader_regions": "one"}),
			[]string{"class Counter", "take("}, nil},
		{"a room holds sockets", base(Answers{"websocket": true, "read_your_writes": true, "staleness_tolerance_s": 0.0}),
			[]string{"acceptWebSocket"}, nil},
		{"a throttle counts a window", base(Answers{"kind": "rate_limit", "read_your_writes": true, "staleness_tolerance_s": 0.0, "atomic_update": true, "concurrent_writers": true, "keyed_by": "ip", "entities": 1e6}),
			[]string{"class Limiter", "clientIp(request)", "429"}, nil},
		{"configuration is one KV key", base(nil), []string{`get("config"`}, []string{"declare function"}},
		{"a blob read back at once reads R2 directly", base(Answers{"read_your_writes": true, "staleness_tolerance_s": 0.0, "value_bytes": 30.0 * 1024 * 1024}),
			[]string{"BLOBS.get("}, []string{"POINTERS"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := eval(t, c.answers)
			code := shownSketch(rec)
			for _, s := range c.want {
				if !strings.Contains(code, s) {
					t.Errorf("%s sketch lacks %q:\n%s", rec.Primary, s, code)
				}
			}
			for _, s := range c.not {
				if strings.Contains(code, s) {
					t.Errorf("%s sketch has %q:\n%s", rec.Primary, s, code)
				}
			}
		})
	}
}

// The interview evaluates after every answer: any prefix of the answers,
// in interview order, gives a complete recommendation that encodes.
func TestPartialAnswersEvaluate(t *testing.T) {
	p := pack(t)
	full := base(Answers{"entities": 5000.0, "keyed_by": "user", "entity_traffic_local": true, "kind": "session", "websocket": false})
	a := Answers{}
	for _, q := range p.InterviewOrder() {
		rec := Evaluate(p, Item{Name: "partial", Answers: a})
		if rec.Primary == "" || len(rec.Ranking) != len(p.Options) || rec.Confidence == "" || rec.Design == "" {
			t.Fatalf("after %d answers: %+v", len(a), rec)
		}
		if _, err := json.Marshal(rec); err != nil {
			t.Fatalf("after %d answers: %v", len(a), err)
		}
		if v, ok := full[q.ID]; ok {
			a[q.ID] = v
		}
	}
}
