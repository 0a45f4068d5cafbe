package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/evidence"
	"github.com/kvdo/kvdo/report"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The replays here are 20 simulated seconds: enough to exercise every
// path of the command, cheap enough for CI.

func TestSimulateWorkloadPrintsAVerdictPerOption(t *testing.T) {
	code, out, errs := runCapture(t, "simulate", "workload", "--answers", "../../examples/review.yaml",
		"--item", "login-rate-limiter", "--duration", "20s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"login-rate-limiter (recommended: durable-object)", "\n    durable-object: ", "\n    kv: ",
		"increments lost", "kvdo simulate workload --answers ../../examples/review.yaml --seed 1 --duration 20s --item login-rate-limiter"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "seat-counter") {
		t.Error("--item login-rate-limiter replayed other items too")
	}
}

func compile(t *testing.T, resources map[string][]byte, root string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for url, b := range resources {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(root)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, out string) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("does not validate: %v", err)
	}
}

func TestSimulateWorkloadJSONIsTheSameBytesForTheSameSeedAndValidates(t *testing.T) {
	args := []string{"simulate", "workload", "--answers", "../../examples/review.yaml", "--item", "feature-flags",
		"--duration", "20s", "--seed", "3", "--format", "json"}
	code, a, errs := runCapture(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, b, _ := runCapture(t, args...); a != b {
		t.Error("two runs with the same seed printed different JSON")
	}
	validate(t, compile(t, map[string][]byte{"evidence.json": evidence.Schema}, "evidence.json"), a)
}

func TestSimulateWorkloadRejectsBadInputWithExitCode2(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nitems:\n  - name: a\n    answers:\n      reads_per_s: lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a bad answers file", []string{"--answers", bad}, "bad.yaml:5:20: reads_per_s"},
		{"a missing answers file", []string{"--answers", filepath.Join(dir, "none.yaml")}, "no such file"},
		{"no answers file", nil, "--answers FILE is required"},
		{"an unknown item", []string{"--answers", "../../examples/review.yaml", "--item", "seat-countr"}, "expected one of session-flag, login-rate-limiter"},
		{"an unknown format", []string{"--answers", "../../examples/review.yaml", "--format", "yaml"}, "expected text or json"},
		{"too short a window", []string{"--answers", "../../examples/review.yaml", "--duration", "5s"}, "--duration 5s: expected a duration from 10s to 1h0m0s"},
		{"too long a window", []string{"--answers", "../../examples/review.yaml", "--duration", "2h"}, "expected a duration from"},
		{"a negative seed", []string{"--answers", "../../examples/review.yaml", "--seed", "-1"}, "invalid argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCapture(t, append([]string{"simulate", "workload"}, c.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2 (%s)", code, errs)
			}
			if !strings.Contains(errs, c.want) {
				t.Errorf("message %q does not mention %q", errs, c.want)
			}
			if out != "" {
				t.Errorf("printed %q", out)
			}
		})
	}
}

func TestAdviseWithEvidenceAddsTheReplayToTheRecord(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one.yaml")
	src, err := os.ReadFile("../../examples/review.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The rate limiter alone, as its own review.
	text := string(src)
	start := strings.Index(text, "  - name: login-rate-limiter")
	end := strings.Index(text, "  - name: feature-flags")
	if err := os.WriteFile(one, []byte("version: 1\nitems:\n"+text[start:end]), 0o644); err != nil {
		t.Fatal(err)
	}
	code, md, errs := runCapture(t, "advise", "--answers", one, "--evidence", "--duration", "20s", "--date", "2026-12-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"\n## Evidence\n", "> **Warning (measured):** The chosen design's read latency at p99 is over the 100 ms budget",
		"--item login-rate-limiter --seed 1 --duration 20s` reruns it", "| durable-object (chosen) |"} {
		if !strings.Contains(md, want) {
			t.Errorf("the record lacks %q", want)
		}
	}
	code, js, errs := runCapture(t, "advise", "--answers", one, "--evidence", "--duration", "20s", "--format", "json", "--date", "2026-12-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	validate(t, compile(t, map[string][]byte{"report.json": report.Schema}, "report.json"), js)
	if !strings.Contains(js, `"evidence": {`) || !strings.Contains(js, `"seed": 1`) {
		t.Error("the JSON record lacks its evidence or the seed that reproduces it")
	}
	code, html, errs := runCapture(t, "advise", "--answers", one, "--evidence", "--duration", "20s", "--format", "html")
	if code != 0 || !strings.Contains(html, "<h3>Evidence</h3>") || !strings.Contains(html, "Measured: the chosen design") {
		t.Errorf("exit %d (%s): the HTML record lacks its evidence", code, errs)
	}

	code, _, errs = runCapture(t, "advise", "--answers", one, "--seed", "4")
	if code != 2 || !strings.Contains(errs, "add --evidence") {
		t.Errorf("--seed without --evidence: exit %d: %s", code, errs)
	}
	code, _, errs = runCapture(t, "advise", "--answers", one, "--evidence", "--duration", "1s")
	if code != 2 || !strings.Contains(errs, "--duration 1s") {
		t.Errorf("--duration 1s: exit %d: %s", code, errs)
	}
}
