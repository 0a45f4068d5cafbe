package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
	"github.com/spf13/cobra"
)

func newSimulateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Batch runs of the edge simulator: a summary, or JSON with --json",
		Long: `Batch runs of the edge simulator with tracing off: the same code the demos
run, at full speed. Each workload prints a short summary of counts and the
simulator's speed, or, with --json, a JSON document with every counter and
latency percentile.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return badInput("simulate needs a workload: propagation")
		},
	}
	cmd.AddCommand(newSimulatePropagationCmd(), newSimulateWorkloadCmd())
	return cmd
}

// propagationOutput is the JSON document `kvdo simulate propagation --json`
// prints; its field names are a public format.
type propagationOutput struct {
	Workload string `json:"workload"`
	Seed     uint64 `json:"seed"`
	Mode     string `json:"mode"`
	PoPs     int    `json:"pops"`
	edge.PropagationResult
	WallSeconds        float64 `json:"wall_seconds"`
	ReadsPerWallSecond float64 `json:"reads_per_wall_second"`
	MaxRSSBytes        int64   `json:"max_rss_bytes"`
}

func newSimulatePropagationCmd() *cobra.Command {
	var (
		pops       int
		rate       float64
		duration   secondsFlag
		writeEvery secondsFlag
		cacheTTL   secondsFlag
		seed       uint64
		mode       string
		asJSON     bool
	)
	cmd := &cobra.Command{
		Use:   "propagation",
		Short: "Readers on N PoPs, one writer: how many reads are stale",
		Long: `Readers spread uniformly over the first N PoPs read one KV key with Poisson
arrivals at an aggregate rate; one writer at the first PoP puts a new version
every --write-every. Prints a summary of reads, stale reads, cache hits and
misses, accepted and rejected (429) writes and the simulator's speed, or
all of it as JSON with --json. In local mode (Miniflare's single store)
there is no cache, so hits and misses do not apply.`,
		Example: "  kvdo simulate propagation --pops 20 --read-rate 20000 --duration 600s --write-every 1s --seed 1 --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := edge.ParseMode(mode)
			if err != nil {
				return badInput("--mode: %v", err)
			}
			pack, err := loadContent(cmd)
			if err != nil {
				return err
			}
			cfg := edge.PropagationConfig{
				Seed: seed, Mode: m, Topology: demos.EdgeTopology(pack.Topology), PoPs: pops,
				ReadRate: rate, Duration: time.Duration(duration), WriteEvery: time.Duration(writeEvery), CacheTTL: time.Duration(cacheTTL),
			}
			if err := cfg.Validate(); err != nil {
				return badInput("%v", err)
			}
			if time.Duration(cacheTTL) < 30*time.Second {
				return badInput("--cache-ttl %v: expected at least 30s (KV's minimum cacheTtl)", cacheTTL)
			}
			start := time.Now()
			res, err := edge.RunPropagation(cfg)
			if err != nil {
				return err
			}
			wall := time.Since(start).Seconds()
			out := propagationOutput{
				Workload: "propagation", Seed: seed, Mode: m.String(), PoPs: pops,
				PropagationResult: res, WallSeconds: wall, MaxRSSBytes: maxRSS(),
			}
			if wall > 0 {
				out.ReadsPerWallSecond = float64(res.Reads) / wall
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return printPropagation(cmd.OutOrStdout(), out)
		},
	}
	f := cmd.Flags()
	f.IntVar(&pops, "pops", 20, "readers spread over the first N PoPs of the topology")
	f.Float64Var(&rate, "read-rate", 20000, "aggregate reads per second (Poisson arrivals)")
	duration, writeEvery = secondsFlag(600*time.Second), secondsFlag(time.Second)
	f.Var(&duration, "duration", "virtual time to simulate")
	f.Var(&writeEvery, "write-every", "the writer puts a new version this often (0: never)")
	cacheTTL = secondsFlag(60 * time.Second)
	f.Var(&cacheTTL, "cache-ttl", "the cacheTtl of every read (KV's default; minimum 30s)")
	f.Uint64Var(&seed, "seed", 1, "random seed: the same seed gives the same run")
	f.StringVar(&mode, "mode", "production", "production (Cloudflare's behaviour) or local (Miniflare's)")
	f.BoolVar(&asJSON, "json", false, "print JSON instead of a summary")
	return cmd
}

func printPropagation(w io.Writer, o propagationOutput) error {
	pct := func(a, b int64) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	n := func(v int64) string { return demos.FormatCount(v) }
	// Miniflare's KV is one store with no cache: no hit, no miss.
	hits, misses := fmt.Sprintf("%16s   (local mode has no cache)", "n/a"), fmt.Sprintf("%16s", "n/a")
	if o.Hits != nil && o.Misses != nil {
		hits = fmt.Sprintf("%16s   (%.1f%%)", n(*o.Hits), pct(*o.Hits, o.Reads))
		misses = fmt.Sprintf("%16s", n(*o.Misses))
	}
	_, err := fmt.Fprintf(w, `propagation: %s, seed %d, %s mode
  reads        %16s   (%.1f%% stale)
  cache hits   %s
  cache misses %s
  writes       %16s   (%s rejected with 429)
  events       %16s
  wall time    %16.3f s (%s simulated reads per wall-clock second)
`, plural(o.PoPs, "PoP"), o.Seed, o.Mode, n(o.Reads), pct(o.StaleReads, o.Reads), hits, misses,
		n(o.Writes), n(o.RejectedWrites), n(o.Events), o.WallSeconds, n(int64(o.ReadsPerWallSecond)))
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return demos.FormatCount(int64(n)) + " " + noun + "s"
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// maxRSS is the process's peak resident set size, for the memory figure of
// batch runs; 0 where the platform does not report it.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss
	}
	return ru.Maxrss * 1024
}

// secondsFlag is a duration flag that prints whole seconds as people write
// them ("60s", not Go's "1m0s"), so the help shows KV's default as 60s.
type secondsFlag time.Duration

func (d *secondsFlag) String() string {
	v := time.Duration(*d)
	if v%time.Second == 0 {
		return strconv.FormatInt(int64(v/time.Second), 10) + "s"
	}
	return v.String()
}

func (d *secondsFlag) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("expected a duration such as 60s")
	}
	*d = secondsFlag(v)
	return nil
}

func (d *secondsFlag) Type() string { return "duration" }
