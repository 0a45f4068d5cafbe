package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/conformance"
)

func TestVerifyWithoutTheHarnessExitsTwoSayingWhatToInstall(t *testing.T) {
	withScript := t.TempDir()
	if err := os.WriteFile(filepath.Join(withScript, conformance.HarnessScript), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		dir    string
		noNode bool
		want   string
	}{
		{name: "no harness directory", dir: t.TempDir(), want: "harness.mjs) is not installed"},
		{name: "no Node", dir: withScript, noNode: true, want: "install Node.js 20 or later"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.noNode {
				t.Setenv("PATH", t.TempDir())
			}
			code, _, errOut := runDemoCmd(t, "verify", "race", "--harness", c.dir)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, %q; want exit 2 saying %q", code, errOut, c.want)
			}
		})
	}
}

func TestVerifyBadInputExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"verify", "nope"},
		{"verify", "race", "--format", "xml"},
		{"verify", "race", "do-latency"},
	} {
		code, _, errOut := runDemoCmd(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errOut)
		}
	}
}

// With the harness installed (CI installs it: KVDO_CONFORMANCE=1), verify
// prints kvdo's prediction beside workerd's observation.
func TestVerifyPrintsBothRuntimes(t *testing.T) {
	dir := filepath.Join("..", "..", "conformance")
	_, err := conformance.FindHarness(dir)
	var missing *conformance.MissingError
	if errors.As(err, &missing) {
		if os.Getenv("KVDO_CONFORMANCE") == "1" {
			t.Fatalf("KVDO_CONFORMANCE=1 but %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
	code, out, errOut := runDemoCmd(t, "verify", "kv/read-after-write", "--harness", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"kvdo local", "workerd", "read right after the write sees v2", "1 of 1 checks agree"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
