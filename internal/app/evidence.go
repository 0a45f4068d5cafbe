package app

import (
	"context"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/evidence"
	"github.com/kvdo/kvdo/report"
)

// Bounds of the replay's window: shorter than 10 s shows no propagation,
// longer than an hour only costs time.
const (
	MinEvidenceDuration = 10 * time.Second
	MaxEvidenceDuration = time.Hour
)

// EvidenceOptions are the replay's settings, as the CLI and the TUI take
// them.
type EvidenceOptions struct {
	Seed     uint64
	Duration time.Duration // 0: evidence.DefaultDuration
	// Progress, if set, hears how far the replay has come.
	Progress func(evidence.Progress)
}

// Config is the evidence configuration for pack's topology.
func (o EvidenceOptions) Config(pack *content.Pack) evidence.Config {
	d := o.Duration
	if d <= 0 {
		d = evidence.DefaultDuration
	}
	return evidence.Config{Topology: demos.EdgeTopology(pack.Topology), Seed: o.Seed, Duration: d, Progress: o.Progress}
}

// CheckEvidenceDuration refuses a window outside the bounds, naming flag.
func CheckEvidenceDuration(flag string, d time.Duration) error {
	if d < MinEvidenceDuration || d > MaxEvidenceDuration {
		return BadInput("%s %v: expected a duration from %v to %v, such as 10m", flag, d, MinEvidenceDuration, MaxEvidenceDuration)
	}
	return nil
}

// ReplayItem replays one item's workload on every option its
// recommendation weighs: the one path the CLI and the TUI share.
func ReplayItem(ctx context.Context, pack *content.Pack, item advisor.Item, rec advisor.Recommendation, o EvidenceOptions) (evidence.Item, error) {
	return evidence.Run(ctx, pack, item, rec, o.Config(pack))
}

// Replay replays every item of a review (recs[i] is item i's verdict)
// and returns the evidence document; file names the answers file for
// the rerun command.
func Replay(ctx context.Context, pack *content.Pack, r advisor.Review, recs []advisor.Recommendation, o EvidenceOptions, file string) (evidence.Doc, error) {
	cfg := o.Config(pack)
	items, err := evidence.RunReview(ctx, pack, r, recs, cfg)
	if err != nil {
		return evidence.Doc{}, err
	}
	return evidence.NewDoc(items, cfg, file), nil
}

// AttachEvidence replays every entry of doc and puts its figures into the
// record, with the seed and window that reproduce them.
func AttachEvidence(ctx context.Context, pack *content.Pack, doc *report.Doc, o EvidenceOptions) error {
	cfg := o.Config(pack)
	for i := range doc.Entries {
		e := &doc.Entries[i]
		ev, err := evidence.Run(ctx, pack, e.Item, e.Recommendation, cfg)
		if err != nil {
			return err
		}
		e.Evidence = &ev
	}
	doc.Evidence = &report.EvidenceRun{Seed: cfg.Seed, Duration: cfg.Duration, PoPs: len(cfg.Topology.PoPs)}
	return nil
}
