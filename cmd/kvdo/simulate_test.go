package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
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
