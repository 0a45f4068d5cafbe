package main

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// runDemoCmd runs the command tree without fang's styling and returns the
// exit code, stdout and stderr.
func runDemoCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	root.SilenceUsage = true
	if err := root.Execute(); err != nil {
		return exitCode(err), out.String(), errb.String() + err.Error()
	}
	return 0, out.String(), errb.String()
}

func TestDemoListNamesEveryDemo(t *testing.T) {
	code, out, _ := runDemoCmd(t, "demo", "--list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, id := range []string{"race", "propagation", "local-vs-prod"} {
		if !strings.Contains(out, id) {
			t.Errorf("--list lacks %s:\n%s", id, out)
		}
	}
}

func TestDemoBadInputExitsTwoNamingTheChoices(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown demo", []string{"demo", "nope", "--headless"}, "expected one of race, propagation"},
		{"an unknown variant", []string{"demo", "race", "--headless", "--variant", "x"}, "expected one of kv-in-do, do-storage, kv-from-isolates"},
		{"an unknown parameter", []string{"demo", "race", "--headless", "--set", "foo=1"}, "expected one of writers, increments"},
		{"an out-of-range value", []string{"demo", "race", "--headless", "--set", "writers=99"}, "expected an integer from 2 to 8"},
		{"a --set without =", []string{"demo", "race", "--headless", "--set", "writers"}, "expected name=value"},
		{"an unknown format", []string{"demo", "race", "--headless", "--format", "xml"}, "expected text or json"},
		{"a variant without a demo", []string{"demo", "--variant", "nope"}, "need a demo NAME: expected one of race"},
		{"a parameter without a demo", []string{"demo", "--set", "writers=3"}, "need a demo NAME: expected one of race"},
		{"an unknown variant with --list", []string{"demo", "race", "--list", "--variant", "x"}, "expected one of kv-in-do"},
		{"an out-of-range value with --list", []string{"demo", "race", "--list", "--set", "writers=99"}, "expected an integer from 2 to 8"},
	}
	for _, c := range cases {
		t.Run(c.name+" exits 2", func(t *testing.T) {
			code, _, errOut := runDemoCmd(t, c.args...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, %q; want 2 and %q", code, errOut, c.want)
			}
		})
	}
}

func TestDemoHeadlessPrintsTheNarratedTimelineAndJSON(t *testing.T) {
	code, out, errOut := runDemoCmd(t, "demo", "local-vs-prod", "--headless", "--variant", "local", "--seed", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"local-vs-prod", "seed 3", "kv.put", "metrics", "verdict", "outcome"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
	if strings.Contains(errOut, "player") {
		t.Errorf("--headless printed the player note")
	}
	code, out, errOut = runDemoCmd(t, "demo", "race", "--headless", "--format", "json", "--set", "writers=2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Demo    string `json:"demo"`
		Trace   []any  `json:"trace"`
		Outcome string `json:"outcome"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v", err)
	}
	if res.Demo != "race" || len(res.Trace) == 0 || res.Outcome == "" {
		t.Errorf("json result: demo %q, %d events, outcome %q", res.Demo, len(res.Trace), res.Outcome)
	}
}

func TestDemoWithoutHeadlessOffATerminalSaysThereIsNoPlayer(t *testing.T) {
	code, _, errOut := runDemoCmd(t, "demo", "race")
	if code != 0 || !strings.Contains(errOut, "not a terminal, so no player") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// A customised topology with fewer PoPs than a demo's parameters need is
// bad input (exit 2) that says how to fix it, not a runtime failure.
func TestDemoOnATopologyTooSmallForItsParametersExitsTwo(t *testing.T) {
	topo, err := os.ReadFile("../../content/topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(topo)
	i := strings.Index(text, "pops:\n")
	if i < 0 {
		t.Fatal("topology.yaml has no pops: list")
	}
	var kept []string
	for _, line := range strings.Split(text[i+len("pops:\n"):], "\n") {
		if strings.Contains(line, "code: IAD") || strings.Contains(line, "code: LHR") {
			kept = append(kept, line)
		}
	}
	small := text[:i] + "pops:\n" + strings.Join(kept, "\n") + "\n"
	small = regexp.MustCompile(`(?m)^  (wnam|enam|sam|weur|eeur|apac|apac-ne|apac-se|oc|afr|me): [A-Z]+$`).ReplaceAllString(small, "  $1: IAD")
	dir := writePack(t, map[string]string{"topology.yaml": small})
	code, _, errs := runCapture(t, "--content", dir, "content", "validate")
	if code != 0 {
		t.Fatalf("the two-PoP topology should be valid: exit %d: %s", code, errs)
	}
	code, _, errs = runCapture(t, "demo", "race", "--headless", "--content", dir)
	if code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, errs)
	}
	for _, want := range []string{"needs 4 PoPs, the topology has 2", "--set"} {
		if !strings.Contains(errs, want) {
			t.Errorf("message %q lacks %q", errs, want)
		}
	}
}

// Issue 14, item 1: every --set number is bounded; one far out of range
// (the simulator's end of time, an integer past int64) is bad input with
// the bound named, never a run.
func TestDemoSetOutOfRangeExitsTwoWithTheBound(t *testing.T) {
	for _, c := range []struct {
		set, want string
	}{
		{"max_age=2562047h", "parameter max_age=2562047h: expected a duration (e.g. 30s, 1m30s) from 1m0s to 1h0m0s"},
		{"view_every=1ns", "parameter view_every=1ns: expected a duration"},
		{"pops=99999999999999999999", "parameter pops=99999999999999999999: expected an integer from 2 to 8"},
	} {
		code, _, errs := runCapture(t, "demo", "cache-purge", "--headless", "--set", c.set)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("--set %s: exit %d, %q; want exit 2 and %q", c.set, code, errs, c.want)
		}
	}
}
