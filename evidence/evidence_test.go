package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Tests replay short windows with small budgets: CI time is scarce, and
// what they check shows within a minute or two of simulated time. The
// full-size run is the benchmark's.

func loadReview(t testing.TB) (*content.Pack, advisor.Review) {
	t.Helper()
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../examples/review.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := advisor.ParseReview("examples/review.yaml", data, pack)
	if err != nil {
		t.Fatal(err)
	}
	return pack, r
}

func exampleItem(t testing.TB, name string) (*content.Pack, advisor.Item) {
	t.Helper()
	pack, r := loadReview(t)
	for _, it := range r.Items {
		if it.Name == name {
			return pack, it
		}
	}
	t.Fatalf("examples/review.yaml has no item %q", name)
	return nil, advisor.Item{}
}

func smallConfig(pack *content.Pack, seed uint64, d time.Duration) Config {
	return Config{Topology: demos.EdgeTopology(pack.Topology), Seed: seed, Duration: d, Budget: 20_000}
}

func replay(t testing.TB, pack *content.Pack, it advisor.Item, cfg Config) Item {
	t.Helper()
	e, err := Run(context.Background(), pack, it, advisor.Evaluate(pack, it), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func option(t testing.TB, e Item, id string) Option {
	t.Helper()
	for _, o := range e.Options {
		if o.ID == id {
			return o
		}
	}
	var ids []string
	for _, o := range e.Options {
		ids = append(ids, o.ID)
	}
	t.Fatalf("%s: no option %s among %v", e.Item, id, ids)
	return Option{}
}

func TestTheRateLimiterLosesIncrementsOnKVAndNoneOnADurableObject(t *testing.T) {
	pack, it := exampleItem(t, "login-rate-limiter")
	for _, seed := range []uint64{1, 2} {
		e := replay(t, pack, it, smallConfig(pack, seed, time.Minute))
		kv, do := option(t, e, "kv"), option(t, e, "durable-object")
		if kv.Viable || !do.Chosen {
			t.Errorf("seed %d: kv should be measured though ruled out, and durable-object chosen", seed)
		}
		if kv.LostUpdates == 0 {
			t.Errorf("seed %d: kv lost no increment: %s", seed, kv.Verdict)
		}
		if v := kv.Linearizability; v == nil || v.Linearizable || v.Checked == 0 {
			t.Errorf("seed %d: porcupine should reject kv's increments: %+v", seed, v)
		}
		if do.LostUpdates != 0 || do.Increments == 0 {
			t.Errorf("seed %d: durable-object lost %d of %d increments", seed, do.LostUpdates, do.Increments)
		}
		if v := do.Linearizability; v == nil || !v.Linearizable || v.Checked == 0 {
			t.Errorf("seed %d: porcupine should accept the object's increments: %+v", seed, v)
		}
		if do.RYWMisses != 0 || do.RYWChecks == 0 {
			t.Errorf("seed %d: the object's writers missed %d of %d read-backs", seed, do.RYWMisses, do.RYWChecks)
		}
		if kv.Rejected429 == 0 {
			t.Errorf("seed %d: 20 increments a second on one KV key drew no 429", seed)
		}
	}
}

func TestFeatureFlagsStayWithinToleranceOnKVAndPayTheTripOnADurableObject(t *testing.T) {
	pack, it := exampleItem(t, "feature-flags")
	e := replay(t, pack, it, smallConfig(pack, 1, 2*time.Minute))
	kv, do := option(t, e, "kv"), option(t, e, "durable-object")
	if kv.StaleReads == 0 {
		t.Fatalf("kv had no stale read: the write that shows propagation is missing (%s)", kv.Verdict)
	}
	if kv.OverTolerance != 0 || *kv.StalenessMaxS > 60 {
		t.Errorf("kv: %d reads over the 60 s tolerance, oldest %v s", kv.OverTolerance, *kv.StalenessMaxS)
	}
	spread := func(o Option) float64 {
		lo, hi := o.Latency[0].P50Ms, o.Latency[0].P50Ms
		for _, r := range o.Latency {
			lo, hi = min(lo, r.P50Ms), max(hi, r.P50Ms)
		}
		return hi - lo
	}
	// One object answers everyone: readers on the far side of the world
	// wait a round trip longer than those next to it. KV answers each at
	// its own PoP.
	if s := spread(do); s < 100 {
		t.Errorf("durable-object: p50 spread between regions %v ms, want at least a long round trip: %v", s, do.Latency)
	}
	if s := spread(kv); s > 20 {
		t.Errorf("kv: p50 spread between regions %v ms, want reads local everywhere: %v", s, kv.Latency)
	}
	if !strings.Contains(do.Verdict, " from ") {
		t.Errorf("the durable-object verdict does not name the far region: %s", do.Verdict)
	}
}

func TestEveryOptionNotRuledOutIsMeasuredWithItsFrontLayer(t *testing.T) {
	pack, it := exampleItem(t, "event-poster")
	e := replay(t, pack, it, smallConfig(pack, 1, 30*time.Second))
	var ids []string
	for _, o := range e.Options {
		ids = append(ids, o.ID)
	}
	want := "r2-plus-kv r2-plus-kv+cache-api kv"
	if strings.Join(ids, " ") != want {
		t.Errorf("options %v, want %s", ids, want)
	}
	if e.Chosen != "r2-plus-kv+cache-api" || !option(t, e, "r2-plus-kv+cache-api").Chosen {
		t.Errorf("chosen %q, want the primary behind its layer", e.Chosen)
	}
	var skipped []string
	for _, s := range e.Skipped {
		skipped = append(skipped, string(s.Option))
		if !strings.Contains(s.Why, "2,500,000 bytes") {
			t.Errorf("%s skipped without the size that rules it out: %s", s.Option, s.Why)
		}
	}
	if strings.Join(skipped, " ") != "do-plus-kv durable-object" {
		t.Errorf("skipped %v, want the two designs a Durable Object cannot hold", skipped)
	}
	if o := option(t, e, "r2-plus-kv+cache-api"); o.OriginFetches >= option(t, e, "r2-plus-kv").OriginFetches {
		t.Errorf("the cache in front did not spare R2 any read: %d vs %d", o.OriginFetches, option(t, e, "r2-plus-kv").OriginFetches)
	}
}

func TestTheSameSeedGivesTheSameBytes(t *testing.T) {
	pack, it := exampleItem(t, "seat-counter")
	cfg := smallConfig(pack, 7, 15*time.Second)
	run := func(c Config) []byte {
		return JSON(NewDoc([]Item{replay(t, pack, it, c)}, c, "examples/review.yaml"))
	}
	a, b := run(cfg), run(cfg)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with seed 7 differ")
	}
	cfg.Seed = 8
	if bytes.Equal(a, run(cfg)) {
		t.Error("seeds 7 and 8 gave the same document: the seed reaches nothing")
	}
}

// figures are every figure a verdict may quote about o, written as the
// verdict writes them.
func figures(o Option, tol float64) map[string]bool {
	f := map[string]bool{"429": true} // "rejected with 429" names the status
	add := func(s string) {
		for _, n := range numberRE.FindAllString(s, -1) {
			f[n] = true
		}
	}
	add(sText(tol))
	for _, n := range []int64{o.LostUpdates, o.RYWMisses, o.RYWChecks, o.Rejected429, o.Overloaded, o.OriginFetches} {
		add(num(float64(n)))
	}
	add(pct(o.StaleRate) + " " + pct(o.OverRate))
	for _, p := range []*float64{o.StalenessP99S, o.StalenessMaxS} {
		if p != nil {
			add(sText(*p))
		}
	}
	if o.QueueP99Ms != nil {
		add(msText(*o.QueueP99Ms))
	}
	for _, r := range o.Latency {
		add(msText(r.P50Ms) + " " + msText(r.P99Ms))
	}
	if o.Cost != nil {
		add(money(o.Cost.MonthlyUSD))
	}
	return f
}

// numberRE matches a figure standing on its own: not the 50 of "p50".
var numberRE = regexp.MustCompile(`\b[0-9]+(,[0-9]{3})*(\.[0-9]+)?`)

func TestEveryVerdictLineMatchesItsNumbers(t *testing.T) {
	pack, r := loadReview(t)
	for _, it := range r.Items {
		e := replay(t, pack, it, smallConfig(pack, 3, 15*time.Second))
		tol := it.Answers[qTolerance].(float64)
		for _, o := range e.Options {
			v := strings.TrimPrefix(o.Verdict, o.ID+": ")
			allowed := figures(o, tol)
			for _, n := range numberRE.FindAllString(v, -1) {
				if !allowed[n] {
					t.Errorf("%s %s: the verdict says %s, which is none of its figures: %s", it.Name, o.ID, n, o.Verdict)
				}
			}
			says := func(phrase string, want bool) {
				if strings.Contains(v, phrase) != want {
					t.Errorf("%s %s: %q in the verdict is %v, want %v: %s", it.Name, o.ID, phrase, !want, want, o.Verdict)
				}
			}
			says("no stale reads", o.Reads > 0 && o.StaleReads == 0)
			says(count(float64(o.LostUpdates), "increment", "increments")+" lost", o.LostUpdates > 0)
			says("no increment lost", o.LostUpdates == 0 && o.Increments > 0)
			says("rejected with 429", o.Rejected429 > 0)
			says("overloaded", o.Overloaded > 0)
			says("did not read their own write", o.RYWMisses > 0)
			if o.OverTolerance > 0 && tol > 0 {
				says(pct(o.OverRate)+" of reads older than your", true)
			}
		}
	}
}

func TestTheRecordWarnsWhenTheChosenDesignBreaksARequirement(t *testing.T) {
	pack, it := exampleItem(t, "login-rate-limiter")
	e := replay(t, pack, it, smallConfig(pack, 1, 30*time.Second))
	chosen := option(t, e, e.Chosen)
	var latency *Warning
	for i := range e.Warnings {
		if e.Warnings[i].Option != e.Chosen {
			t.Errorf("a warning about %s, not the chosen %s", e.Warnings[i].Option, e.Chosen)
		}
		if e.Warnings[i].ID == "evidence-latency" {
			latency = &e.Warnings[i]
		}
	}
	if latency == nil {
		t.Fatalf("no latency warning though readers worldwide reach one object under a 100 ms budget: %+v", e.Warnings)
	}
	for _, r := range chosen.Latency {
		if named := strings.Contains(latency.Text, r.Region+" "); named != (r.P99Ms > 100) {
			t.Errorf("%s at p99 %v ms: named in the warning %v: %s", r.Region, r.P99Ms, named, latency.Text)
		}
	}

	// Each requirement the answers state, broken by a measured figure of
	// the chosen design, is a warning; the same figures on another option
	// are not.
	p := &plan{atomic: true, ryw: true, hasTol: true, tol: 10}
	age := 30.0
	broken := Option{ID: "kv", Chosen: true, LostUpdates: 3, Increments: 9, RYWMisses: 2, RYWChecks: 9,
		OverTolerance: 5, OverRate: 0.5, StalenessMaxS: &age, Rejected429: 4, Overloaded: 1}
	other := broken
	other.ID, other.Chosen = "do-plus-kv", false
	got := warnings(p, Item{Options: []Option{broken, other}})
	var ids []string
	for _, w := range got {
		ids = append(ids, w.ID+"@"+w.Option)
	}
	want := "evidence-lost-updates@kv evidence-read-your-writes@kv evidence-staleness@kv evidence-429@kv evidence-overload@kv"
	if strings.Join(ids, " ") != want {
		t.Errorf("warnings %v, want %s", ids, want)
	}
	if w := warnings(p, Item{Options: []Option{{ID: "kv", Chosen: true}}}); len(w) != 0 {
		t.Errorf("a design that broke nothing drew warnings: %+v", w)
	}
}

func TestLargeWorkloadsAreScaledAndSaySo(t *testing.T) {
	pack, it := exampleItem(t, "session-flag")
	d := 60 * time.Second
	e := replay(t, pack, it, smallConfig(pack, 1, d))
	if !e.Scaling.Scaled || !strings.Contains(e.Scaling.Note, "of 200,000 keys simulated") {
		t.Errorf("200,000 keys simulated without saying how: %+v", e.Scaling)
	}
	for _, o := range e.Options {
		want := 2500 * d.Seconds()
		if got := float64(o.Reads + o.ReadErrors); got < want*0.9 || got > want*1.1 {
			t.Errorf("%s: %v reads after scaling, want about %v", o.ID, got, want)
		}
		if o.Simulated.Reads >= o.Reads {
			t.Errorf("%s: %d reads simulated of %d: nothing was scaled", o.ID, o.Simulated.Reads, o.Reads)
		}
	}

	_, flags := exampleItem(t, "feature-flags")
	e = replay(t, pack, flags, smallConfig(pack, 1, d))
	kv := option(t, e, "kv")
	if kv.ReadSample < 2 || !strings.Contains(kv.ScaleNote, "one read in") {
		t.Errorf("4,000 reads/s on one key not sampled, or not said: sample %d, %q", kv.ReadSample, kv.ScaleNote)
	}
	do := option(t, e, "durable-object")
	if do.ReadSample != 1 {
		t.Errorf("reads that reach an object were sampled (%d): fewer requests would queue less", do.ReadSample)
	}
	if do.SimulatedS >= d.Seconds() || !strings.Contains(do.ScaleNote, "simulated at full rate") {
		t.Errorf("an overloaded object simulated %v s of %v without saying so: %q", do.SimulatedS, d.Seconds(), do.ScaleNote)
	}
}

// Rates far past what the budget can simulate (a billion reads a second
// that all reach one object, a million writes a second to one key) are
// not replayed for hours: each such option is listed as not replayed,
// saying why, and the replay ends at once.
func TestRatesPastTheBudgetAreNotReplayedButSaySo(t *testing.T) {
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("version: 1\nitems:\n  - name: x\n    answers: {read_your_writes: false, concurrent_writers: true, atomic_update: true, staleness_tolerance_s: 0, reads_per_s: 1000000000, writes_per_s_per_key: 1000000, value_bytes: 100, reader_regions: global, entities: 10000000000}\n")
	r, err := advisor.ParseReview("extreme.yaml", data, pack)
	if err != nil {
		t.Fatal(err)
	}
	e := replay(t, pack, r.Items[0], smallConfig(pack, 1, time.Minute))
	if len(e.Skipped) == 0 {
		t.Fatalf("every option was replayed at a billion reads a second: %d options", len(e.Options))
	}
	for _, s := range e.Skipped {
		if !strings.Contains(s.Why, "too high to simulate") || !strings.Contains(s.Why, "client operations") {
			t.Errorf("%s skipped without saying why: %q", s.Option, s.Why)
		}
	}
	for _, o := range e.Options {
		if float64(o.Simulated.Reads) > 4*20_000 {
			t.Errorf("%s simulated %d reads, past 4 times the budget", o.ID, o.Simulated.Reads)
		}
	}
}

// The replay judges a KV read stale by its own record of when each
// version became current; the simulator knows exactly. They must agree.
func TestStalenessAgreesWithTheSimulatorsOwnJudgement(t *testing.T) {
	pack, _ := loadReview(t)
	it := advisor.Item{Name: "config", Answers: advisor.Answers{
		"read_your_writes": false, "concurrent_writers": false, "atomic_update": false,
		"staleness_tolerance_s": 120.0, "reads_per_s": 200.0, "writes_per_s_per_key": 0.5,
		"value_bytes": 100.0, "reader_regions": "global",
	}}
	cfg := smallConfig(pack, 5, 2*time.Minute)
	cfg.Budget = 100_000 // every read simulated, so both count the same reads
	p := newPlan(pack, it, cfg)
	s := &sim{p: p, v: variant{option: advisor.KV}, st: stKV, byName: map[string]*key{}}
	o, err := p.runSim(context.Background(), s, func(float64) {})
	if err != nil {
		t.Fatal(err)
	}
	edgeStale := s.w.Metrics().Counter("kv." + kvBinding + ".get.stale").Value()
	if s.sample != [2]int{1, 1} || s.window != cfg.Duration {
		t.Fatalf("the run was scaled (sample %v, window %v): counts would differ by design", s.sample, s.window)
	}
	if edgeStale == 0 || o.StaleReads == 0 {
		t.Fatalf("no stale reads to compare (replay %d, simulator %d)", o.StaleReads, edgeStale)
	}
	if d := o.StaleReads - edgeStale; d < -2 || d > 2 {
		t.Errorf("the replay counts %d stale reads, the simulator %d", o.StaleReads, edgeStale)
	}
}

func TestCancellingStopsTheReplay(t *testing.T) {
	pack, it := exampleItem(t, "feature-flags")
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	cfg := smallConfig(pack, 1, 10*time.Minute)
	cfg.Progress = func(Progress) {
		calls++
		if calls == 3 {
			cancel()
		}
	}
	_, err := Run(ctx, pack, it, advisor.Evaluate(pack, it), cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if calls > 4 {
		t.Errorf("the replay went on for %d steps after being cancelled", calls-3)
	}
}

func TestTheJSONDocumentValidatesAgainstTheCommittedSchema(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("evidence.v1.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("evidence.v1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	pack, r := loadReview(t)
	cfg := smallConfig(pack, 1, 10*time.Second)
	items, err := RunReview(context.Background(), pack, r, advisor.EvaluateReview(pack, r), cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := JSON(NewDoc(items, cfg, "examples/review.yaml"))
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("the document does not validate: %v", err)
	}
	var back Doc
	if err := json.Unmarshal(out, &back); err != nil || back.Kind != Kind || back.Version != JSONVersion {
		t.Errorf("kind %q version %d (%v)", back.Kind, back.Version, err)
	}
}
