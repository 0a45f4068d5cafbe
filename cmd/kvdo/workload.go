package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/evidence"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/spf13/cobra"
)

type workloadOptions struct {
	answers  string
	item     string
	duration time.Duration
	seed     uint64
	format   string
}

func newSimulateWorkloadCmd() *cobra.Command {
	var o workloadOptions
	cmd := &cobra.Command{
		Use:   "workload",
		Short: "Replay an answers file's own workload on every option it weighs",
		Long: `Replay each item's workload, built from its answers (reads and writes per
second, keys, reader regions, tolerance, read-modify-write, read-your-writes),
on the edge simulator for every option the recommendation weighs: Workers KV,
a Durable Object and a Durable Object publishing to KV (measured even when
ruled out, to show why), each with its front layer when the advisor prices
one, and the Cache API and R2 designs where they are viable.

Per option it measures stale reads and their age against the tolerance,
missed read-your-writes, lost increments (checked with porcupine on a sample
of the busiest key), KV's 429s, a Durable Object's overload errors and
queueing, read latency per region and origin fetches, beside the advisor's
cost estimate, and ends in a one-line verdict. Warnings say where the chosen
design breaks a requirement the answers state.

Traffic too large to simulate read by read is scaled, and says so: a share of
the keys is simulated (the busiest always), edge reads may be sampled, and a
hot object may be simulated for part of the window; counts are scaled back.
The same answers, seed and duration give the same output, byte for byte.`,
		Example: `  kvdo simulate workload --answers examples/review.yaml
  kvdo simulate workload --answers examples/review.yaml --item login-rate-limiter --seed 7
  kvdo simulate workload --answers examples/review.yaml --duration 2m --format json`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWorkload(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.answers, "answers", "", "the answers file FILE whose workload to replay (- reads standard input)")
	f.StringVar(&o.item, "item", "", "replay only the item called NAME (default: every item)")
	f.DurationVar(&o.duration, "duration", evidence.DefaultDuration, "simulated time to replay, from 10s to 1h")
	f.Uint64Var(&o.seed, "seed", 1, "random seed: the same seed gives the same figures")
	f.StringVar(&o.format, "format", "text", "output format: text or json (versioned, see evidence/schema/evidence.v1.schema.json)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagFilename("answers", "yaml", "yml")
	return cmd
}

func runWorkload(cmd *cobra.Command, o workloadOptions) error {
	if o.format != "text" && o.format != "json" {
		return badInput("--format %q: expected text or json", o.format)
	}
	if err := app.CheckEvidenceDuration("--duration", o.duration); err != nil {
		return err
	}
	if o.answers == "" {
		return badInput("--answers FILE is required: the answers file whose workload to replay (examples/review.yaml is one)")
	}
	name, pack, review, err := loadReview(cmd, o.answers)
	if err != nil {
		return err
	}
	if o.item != "" {
		var names []string
		var keep []advisor.Item
		for _, it := range review.Items {
			names = append(names, it.Name)
			if it.Name == o.item {
				keep = append(keep, it)
			}
		}
		if keep == nil {
			return badInput("--item %q: %s has no such item; expected one of %s", o.item, name, strings.Join(names, ", "))
		}
		review.Items = keep
	}
	recs := advisor.EvaluateReview(pack, review)
	file := ""
	if name != "<stdin>" {
		file = name
	}
	doc, err := app.Replay(cmd.Context(), pack, review, recs, app.EvidenceOptions{Seed: o.seed, Duration: o.duration}, file)
	if err != nil {
		return fmt.Errorf("replaying the workload: %w", err)
	}
	out := evidence.Text(doc)
	if o.format == "json" {
		out = evidence.JSON(doc)
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}

// loadReview reads and checks the answers file at path (- for standard
// input) against the content pack: what every command that takes
// --answers does first. name is what error positions cite.
func loadReview(cmd *cobra.Command, path string) (string, *content.Pack, advisor.Review, error) {
	name, data, err := readAnswers(cmd, path)
	if err != nil {
		return "", nil, advisor.Review{}, err
	}
	pack, err := loadContent(cmd)
	if err != nil {
		return "", nil, advisor.Review{}, err
	}
	review, err := advisor.ParseReview(name, data, pack)
	if err != nil {
		return "", nil, advisor.Review{}, badInput("%v", err)
	}
	return name, pack, review, nil
}
