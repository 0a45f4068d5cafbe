package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"syscall"
	"time"

	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
	"github.com/spf13/cobra"
)

func newSimulateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Batch runs of the edge simulator, JSON out",
		Long: `Batch runs of the edge simulator with tracing off: the same code the demos
run, at full speed, reporting counts and latency percentiles.`,
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
		duration   time.Duration
		writeEvery time.Duration
		cacheTTL   time.Duration
		seed       uint64
		mode       string
		asJSON     bool
	)
	cmd := &cobra.Command{
		Use:   "propagation",
		Short: "Readers on N PoPs, one writer: how many reads are stale",
		Long: `Readers spread uniformly over the first N PoPs read one KV key with Poisson
arrivals at an aggregate rate; one writer at the first PoP puts a new version
every --write-every. Reports reads, stale reads, cache hits and misses,
accepted and rejected (429) writes, and the simulator's speed.`,
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
				ReadRate: rate, Duration: duration, WriteEvery: writeEvery, CacheTTL: cacheTTL,
			}
			if err := cfg.Validate(); err != nil {
				return badInput("%v", err)
			}
			if cacheTTL != 0 && cacheTTL < 30*time.Second {
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
	f.DurationVar(&duration, "duration", 600*time.Second, "virtual time to simulate")
	f.DurationVar(&writeEvery, "write-every", time.Second, "the writer puts a new version this often (0: never)")
	f.DurationVar(&cacheTTL, "cache-ttl", 0, "cacheTtl of every read (default KV's 60s; minimum 30s)")
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
	_, err := fmt.Fprintf(w, `propagation: %d PoPs, seed %d, %s mode
  reads            %12d   (%.1f%% stale)
  cache hits       %12d   (%.1f%%)
  cache misses     %12d
  writes           %12d   (%d rejected with 429)
  events           %12d
  wall time        %12.3f s  (%.0f simulated reads per wall-clock second)
`, o.PoPs, o.Seed, o.Mode, o.Reads, pct(o.StaleReads, o.Reads), o.Hits, pct(o.Hits, o.Reads), o.Misses,
		o.Writes, o.RejectedWrites, o.Events, o.WallSeconds, o.ReadsPerWallSecond)
	return err
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
