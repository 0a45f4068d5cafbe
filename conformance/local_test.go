package conformance

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
)

// Every rule must hold between kvdo's prediction and itself: a workerd
// that behaved exactly as kvdo's local mode would agree. This runs without
// Node, so a change to the simulator that breaks a check shows up in every
// `go test`, not only where the harness is installed.
func TestKvdoLocalModeMeetsEveryRuleOnItsOwn(t *testing.T) {
	for _, c := range All() {
		t.Run(c.ID, func(t *testing.T) {
			k, err := c.Predict()
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.Compare(k, k)
			if err != nil {
				t.Fatal(err)
			}
			if !out.Agree() {
				t.Errorf("kvdo's local mode breaks its own check:\n%s", out.Table())
			}
		})
	}
}

func TestEveryDemoHasAConformanceCheck(t *testing.T) {
	for _, id := range demos.IDs() {
		cs, err := Select(id)
		if err != nil || len(cs) == 0 {
			t.Errorf("demo %s has no check running its twin on workerd", id)
		}
	}
}

// Each check is a named test of conformance_test.go, so a failure names
// the behaviour.
func TestEveryCheckHasANamedTest(t *testing.T) {
	src, err := os.ReadFile("conformance_test.go")
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`runCheck\(t, "([^"]+)"\)`).FindAllStringSubmatch(string(src), -1) {
		named[m[1]] = true
	}
	for _, c := range All() {
		if !named[c.ID] {
			t.Errorf("check %s has no test calling runCheck(t, %q)", c.ID, c.ID)
		}
	}
}

// The local-vs-prod check's workload is the demo's local variant: the same
// requests at the same times give kvdo the same outcome.
func TestLocalVsProdWorkloadIsTheDemosLocalVariant(t *testing.T) {
	d, err := demos.Get("local-vs-prod")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Get("local-vs-prod/local")
	if err != nil {
		t.Fatal(err)
	}
	demo, err := d.Run(demos.RunConfig{Variant: "local", Seed: 1, Topology: mustTopology(t)})
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{}
	for _, p := range demo.Params {
		params[p.Name] = p.Value
	}
	if params["requests"] != "10" || params["spacing"] != "50ms" {
		t.Fatalf("the demo's defaults are %v; the check sends 10 increments 50 ms apart", params)
	}
	k, err := c.Predict()
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Compare(k, k)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range out.Figures {
		want, ok := map[string]string{"increments answered 200": "increments acknowledged", "final count": "final count", "updates lost": "updates lost"}[f.Name]
		if !ok {
			continue
		}
		if v, _ := demo.Metric(want); v != f.Kvdo {
			t.Errorf("%s: the demo's local variant says %v, the workload %v", f.Name, v, f.Kvdo)
		}
	}
}

func mustTopology(t *testing.T) edge.Topology {
	t.Helper()
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return demos.EdgeTopology(pack.Topology)
}

func TestFindHarnessSaysWhatToInstall(t *testing.T) {
	empty := t.TempDir()
	_, err := FindHarness(empty)
	var missing *MissingError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), HarnessScript) {
		t.Fatalf("no harness.mjs: got %v, want a MissingError naming %s", err, HarnessScript)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, HarnessScript), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("without Node", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := FindHarness(dir)
		if !errors.As(err, &missing) || !strings.Contains(err.Error(), "Node.js 20 or later") {
			t.Fatalf("got %v, want a MissingError asking for Node.js 20 or later", err)
		}
	})
	t.Run("without npm ci", func(t *testing.T) {
		if _, err := exec.LookPath("node"); err != nil {
			t.Skip("needs Node on PATH")
		}
		_, err := FindHarness(dir)
		if !errors.As(err, &missing) || !strings.Contains(err.Error(), "npm ci") {
			t.Fatalf("got %v, want a MissingError asking for npm ci", err)
		}
	})
}
