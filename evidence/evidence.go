// Package evidence replays an item's own workload, built from its answers,
// on the edge simulator for every option the decision is between, and
// measures what each would do: stale reads and how old they are, missed
// read-your-writes, lost increments, KV's 429s, a Durable Object's overload
// errors and queueing, read latency per region, origin fetches, and the
// advisor's cost estimate for the same traffic. Each option ends in a
// one-line verdict in plain words.
//
// It is pure and deterministic: no wall clock, no files, seeded
// randomness. The same answers, seed and duration give the same numbers,
// byte for byte, so a reader of a report can rerun it.
//
// Traffic too large to simulate read by read in a few seconds is scaled,
// and always said to be: a representative share of the keys is simulated
// (the busiest key always, typical keys as a sample), reads served at the
// edge may be sampled (each simulated read standing for several), and when
// requests reaching one object are too many for the window, a shorter
// window is simulated at their full rate. Counts are then scaled back to
// the whole workload; Scaling says how.
package evidence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// DefaultDuration is the simulated window: ten minutes, long enough for
// KV's propagation (a minute or more) and a Durable Object's queue to show
// several times over.
const DefaultDuration = 10 * time.Minute

// DefaultBudget bounds the client operations simulated per option: about
// a quarter of a second of wall time each on one core, so a review of
// several items stays within seconds.
const DefaultBudget = 200_000

// Config is what a run needs besides the item.
type Config struct {
	// Topology is the simulated network (demos.EdgeTopology of the pack's).
	Topology edge.Topology
	Seed     uint64
	// Duration is the simulated window; 0 means DefaultDuration.
	Duration time.Duration
	// Budget bounds the client operations simulated per option; 0 means
	// DefaultBudget. Tests lower it to stay cheap.
	Budget int
	// Progress, if set, is called as the run advances.
	Progress func(Progress)
}

// Progress is how far a run has come: option Index (from 0) of Options,
// Done the fraction of its window simulated.
type Progress struct {
	Item    string
	Index   int
	Options int
	Label   string
	Done    float64
}

// Item is the evidence for one piece of state.
type Item struct {
	Item     string           `json:"item"`
	Primary  advisor.OptionID `json:"primary"`
	Chosen   string           `json:"chosen"` // the variant id of the recommended design
	Workload Workload         `json:"workload"`
	Scaling  Scaling          `json:"scaling"`
	Options  []Option         `json:"options"`
	Skipped  []Skipped        `json:"skipped"`
	// Warnings say where the measured result of the chosen design breaks
	// a requirement the answers state.
	Warnings []Warning `json:"warnings"`
}

// Workload is the traffic replayed, as the answers give it.
type Workload struct {
	ReadsPerS       float64  `json:"reads_per_s"`
	WritesPerS      float64  `json:"writes_per_s"`
	Keys            int      `json:"keys"`
	KeyReadsPerS    float64  `json:"busiest_key_reads_per_s"`
	KeyWritesPerS   float64  `json:"busiest_key_writes_per_s"`
	ReaderRegions   []string `json:"reader_regions"`
	ReaderPoPs      []string `json:"reader_pops"`
	EntityLocal     bool     `json:"entity_traffic_local"`
	Writers         string   `json:"writers"` // in words: "one writer per key at IAD", "writers at every reader PoP"
	ToleranceS      *float64 `json:"tolerance_s,omitempty"`
	LatencyBudgetMs *float64 `json:"latency_budget_ms,omitempty"`
	AtomicUpdate    bool     `json:"atomic_update"`
	ReadYourWrites  bool     `json:"read_your_writes"`
	// Notes say what the replay assumed where the answers are silent.
	Notes []string `json:"notes"`
}

// Scaling says how much of the workload was simulated and how counts
// were scaled back to all of it.
type Scaling struct {
	Keys          int     `json:"keys"`
	KeysSimulated int     `json:"keys_simulated"`
	KeyWeight     float64 `json:"typical_key_weight"` // each simulated typical key stands for this many
	Scaled        bool    `json:"scaled"`
	Note          string  `json:"note"`
}

// Option is one design measured: an option, bare or behind its front
// layer.
type Option struct {
	ID       string           `json:"id"` // "kv", "durable-object+cache-api"
	Option   advisor.OptionID `json:"option"`
	Layer    string           `json:"layer,omitempty"`
	MaxAgeS  float64          `json:"layer_max_age_s,omitempty"`
	Label    string           `json:"label"`
	Viable   bool             `json:"viable"`
	RuledOut string           `json:"ruled_out,omitempty"`
	Chosen   bool             `json:"chosen"`
	Design   string           `json:"design"` // what was simulated, in a sentence
	// SimulatedS is the window simulated; ReadSample how many reads each
	// simulated read of the busiest key stands for. ScaleNote says it in
	// words when either is not the whole.
	SimulatedS float64 `json:"simulated_s"`
	ReadSample int     `json:"read_sample"`
	ScaleNote  string  `json:"scale_note,omitempty"`

	// Scaled counts for the whole workload over the whole window.
	Reads         int64    `json:"reads"`
	StaleReads    int64    `json:"stale_reads"`
	StaleRate     float64  `json:"stale_rate"`
	OverTolerance int64    `json:"reads_over_tolerance"`
	OverRate      float64  `json:"over_tolerance_rate"`
	StalenessP50S *float64 `json:"staleness_p50_s,omitempty"` // of stale reads
	StalenessP99S *float64 `json:"staleness_p99_s,omitempty"`
	StalenessMaxS *float64 `json:"staleness_max_s,omitempty"`
	ReadErrors    int64    `json:"read_errors"`
	Writes        int64    `json:"writes"`
	Accepted      int64    `json:"writes_accepted"`
	Rejected429   int64    `json:"writes_rejected_429"`
	Overloaded    int64    `json:"do_overloaded"`
	QueueP50Ms    *float64 `json:"queue_p50_ms,omitempty"` // at the busiest object
	QueueP99Ms    *float64 `json:"queue_p99_ms,omitempty"`
	RYWChecks     int64    `json:"ryw_checks"`
	RYWMisses     int64    `json:"ryw_misses"`
	Increments    int64    `json:"increments"`
	LostUpdates   int64    `json:"lost_updates"`
	// OriginFetches are reads that reached the origin (or R2, which the
	// simulator models as one).
	OriginFetches int64           `json:"origin_fetches"`
	Latency       []RegionLatency `json:"latency"`
	// Linearizability is porcupine's verdict on the busiest key's
	// increments (a bounded sample), for read-modify-write items.
	Linearizability *edge.Verdict `json:"linearizability,omitempty"`
	Cost            *Cost         `json:"cost,omitempty"`
	Simulated       Simulated     `json:"simulated"`
	Verdict         string        `json:"verdict"`
}

// RegionLatency is the read latency seen from one region.
type RegionLatency struct {
	Region string  `json:"region"`
	Reads  int64   `json:"reads"`
	P50Ms  float64 `json:"p50_ms"`
	P99Ms  float64 `json:"p99_ms"`
}

// Cost is the advisor's estimate for the same traffic, when the advisor
// priced this design.
type Cost struct {
	MonthlyUSD float64 `json:"monthly_usd"`
	// Priced is false when no line of the estimate has a price (the Cache
	// API has no published charge): $0.00 would then say "free".
	Priced bool   `json:"priced"`
	Design string `json:"design"`
	AsOf   string `json:"as_of"`
}

// Simulated are the raw counts of the run, before scaling.
type Simulated struct {
	Keys   int   `json:"keys"`
	Reads  int64 `json:"reads"`
	Writes int64 `json:"writes"`
	Events int64 `json:"events"`
}

// Skipped is an option not simulated, and why.
type Skipped struct {
	Option advisor.OptionID `json:"option"`
	Why    string           `json:"why"`
}

// Warning is a requirement the chosen design broke in the replay.
type Warning struct {
	ID     string `json:"id"`
	Option string `json:"option"`
	Text   string `json:"text"`
}

// Run replays item's workload on every option its recommendation rec is
// between and measures each. Cancelling ctx stops it between simulated
// seconds with ctx's error.
func Run(ctx context.Context, pack *content.Pack, item advisor.Item, rec advisor.Recommendation, cfg Config) (Item, error) {
	if cfg.Duration <= 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	if len(cfg.Topology.PoPs) == 0 {
		return Item{}, fmt.Errorf("evidence: the topology has no PoPs")
	}
	p := newPlan(pack, item, cfg)
	out := Item{Item: item.Name, Primary: rec.Primary, Workload: p.workload, Scaling: p.scaling,
		Options: []Option{}, Skipped: []Skipped{}, Warnings: []Warning{}}
	variants, skipped := variantsOf(pack, p, rec)
	if skipped != nil {
		out.Skipped = skipped
	}
	for i, v := range variants {
		if v.chosen {
			out.Chosen = v.id()
		}
		report := func(done float64) {
			if cfg.Progress != nil {
				cfg.Progress(Progress{Item: item.Name, Index: i, Options: len(variants), Label: v.label(), Done: done})
			}
		}
		o, err := p.run(ctx, v, report)
		var over *overBudgetError
		if errors.As(err, &over) {
			out.Skipped = append(out.Skipped, Skipped{Option: v.option, Why: "not replayed: " + over.Error()})
			continue
		}
		if err != nil {
			return Item{}, err
		}
		o.Verdict = verdict(p, o)
		out.Options = append(out.Options, o)
	}
	out.Warnings = warnings(p, out)
	return out, nil
}

// RunReview replays every item of a review with its recommendation
// (recs[i] is items[i]'s).
func RunReview(ctx context.Context, pack *content.Pack, r advisor.Review, recs []advisor.Recommendation, cfg Config) ([]Item, error) {
	out := make([]Item, 0, len(r.Items))
	for i, it := range r.Items {
		e, err := Run(ctx, pack, it, recs[i], cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
