package main

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
)

// runCapture runs kvdo with args and returns its exit code and output.
func runCapture(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	code := 0
	if err := root.ExecuteContext(context.Background()); err != nil {
		errb.WriteString(err.Error())
		code = exitCode(err)
	}
	return code, out.String(), errb.String()
}

func TestSimulatePropagationPrintsTheDocumentedJSONFields(t *testing.T) {
	code, out, errs := runCapture(t, "simulate", "propagation", "--pops", "5", "--read-rate", "500",
		"--duration", "30s", "--write-every", "1s", "--seed", "1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	for _, f := range []string{"reads", "stale_reads", "hits", "misses", "writes", "rejected_writes", "events", "wall_seconds", "reads_per_wall_second"} {
		if _, ok := doc[f]; !ok {
			t.Errorf("JSON lacks %q", f)
		}
	}
	if doc["reads"].(float64) < 10000 {
		t.Errorf("reads = %v, want about 15000", doc["reads"])
	}
}

func TestSimulatePropagationRejectsBadFlagsWithExitCode2(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"zero PoPs", []string{"--pops", "0"}, "--pops 0: expected 1.."},
		{"more PoPs than the topology has", []string{"--pops", "5000"}, "expected 1.."},
		{"a negative read rate", []string{"--read-rate", "-1"}, "--read-rate"},
		{"a duration without a unit", []string{"--duration", "600"}, "duration"},
		{"an unknown mode", []string{"--mode", "staging"}, "expected production or local"},
		{"a cacheTtl below 30 s", []string{"--cache-ttl", "10s"}, "at least 30s"},
		{"an unknown flag", []string{"--bogus"}, "unknown flag"},
		{"a NaN read rate", []string{"--read-rate", "NaN"}, "--read-rate NaN"},
		{"more reads than a run can finish", []string{"--read-rate", "1e9", "--duration", "1000h"}, "expected at most 1e+09"},
		{"more writes than a run can finish", []string{"--write-every", "1ns", "--duration", "10s"}, "expected at most 1e+07"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCapture(t, append([]string{"simulate", "propagation", "--duration", "1s"}, c.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2 (%s)", code, errs)
			}
			if !strings.Contains(errs, c.want) {
				t.Errorf("message %q does not mention %q", errs, c.want)
			}
		})
	}
}

// Issue 14, item 1: these flags once hung, growing to gigabytes (the next
// event's time overflowed and the clock stopped). Each is now bad input,
// refused at once with exit code 2 and the bound it broke.
func TestSimulateFlagsThatOnceHungExitTwoAtOnce(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--read-rate", "1e-300"}, "--read-rate 1e-300: expected a rate from 0.001 to 1e+09 reads/s"},
		{[]string{"--read-rate", "1e-20"}, "--read-rate 1e-20: expected a rate from 0.001"},
		{[]string{"--read-rate", "5e-324"}, "--read-rate 5e-324: expected a rate from 0.001"},
		{[]string{"--duration", "2562047h", "--write-every", "2000000h"}, "--duration 2562047h0m0s: expected a positive duration of at most 8760h0m0s"},
		{[]string{"--write-every", "2000000h"}, "--write-every 2000000h0m0s: expected a duration from 0 (no writes) to 8760h0m0s"},
		{[]string{"--cache-ttl", "2000000h"}, "--cache-ttl 2000000h0m0s: expected a duration of at most 8760h0m0s"},
		{[]string{"--read-rate", "+Inf"}, "--read-rate +Inf: expected a rate from 0.001"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, errs := runCapture(t, append([]string{"simulate", "propagation"}, c.args...)...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, message %q; want exit 2 and %q", code, errs, c.want)
			}
		})
	}
}

// propagationConfig is the workload the simulator issue sets its speed bar
// on: 20 PoPs, 20,000 reads/s, one write per second, the embedded topology.
func propagationConfig(t testing.TB, duration time.Duration) edge.PropagationConfig {
	t.Helper()
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return edge.PropagationConfig{Seed: 1, Topology: demos.EdgeTopology(pack.Topology), PoPs: 20,
		ReadRate: 20000, Duration: duration, WriteEvery: time.Second}
}

// TestPropagationMemoryDoesNotGrowWithReads checks that with the trace off
// a read allocates nothing that lives on: ten times the reads may cost only
// what the extra writes and cache refills need, not bytes per read.
func TestPropagationMemoryDoesNotGrowWithReads(t *testing.T) {
	measure := func(d time.Duration) (reads int64, bytes uint64) {
		cfg := propagationConfig(t, d)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, err := edge.RunPropagation(cfg)
		if err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return res.Reads, after.TotalAlloc - before.TotalAlloc
	}
	r1, b1 := measure(10 * time.Second)
	r2, b2 := measure(100 * time.Second)
	perRead := float64(b2-b1) / float64(r2-r1)
	t.Logf("%d reads: %d B allocated; %d reads: %d B; %.3f B per extra read", r1, b1, r2, b2, perRead)
	if perRead > 8 {
		t.Errorf("each extra read allocates %.1f bytes; reads must not allocate", perRead)
	}
}

// BenchmarkSimulatePropagation runs the bar's workload (600 s of virtual
// time, about 12 million reads) and reports simulated reads per second.
func BenchmarkSimulatePropagation(b *testing.B) {
	cfg := propagationConfig(b, 600*time.Second)
	var reads int64
	for b.Loop() {
		res, err := edge.RunPropagation(cfg)
		if err != nil {
			b.Fatal(err)
		}
		reads += res.Reads
	}
	b.ReportMetric(float64(reads)/b.Elapsed().Seconds(), "reads/s")
}

func TestSimulateHelpSaysSummaryOrJSONAndShowsTheCacheTTLDefault(t *testing.T) {
	code, out, errs := runCapture(t, "simulate", "propagation", "--help")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"summary", "--json", "(default 60s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("simulate propagation --help lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = runCapture(t, "simulate", "--help")
	if !strings.Contains(out, "summary") || !strings.Contains(out, "--json") {
		t.Errorf("simulate --help does not say it prints a summary or JSON:\n%s", out)
	}
}

func TestSimulateLocalModeReportsCacheHitsAsNotApplicable(t *testing.T) {
	code, out, errs := runCapture(t, "simulate", "propagation", "--pops", "3", "--read-rate", "500",
		"--duration", "10s", "--mode", "local")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "n/a") || strings.Contains(out, "(100.0%)") {
		t.Errorf("local mode's summary should say hits do not apply:\n%s", out)
	}
	code, out, _ = runCapture(t, "simulate", "propagation", "--pops", "3", "--read-rate", "500",
		"--duration", "10s", "--mode", "local", "--json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if doc["hits"] != nil || doc["misses"] != nil {
		t.Errorf("local mode's JSON has hits %v, misses %v; want null", doc["hits"], doc["misses"])
	}
}
