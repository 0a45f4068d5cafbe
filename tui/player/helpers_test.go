package player

import (
	"testing"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
)

// testPack is the embedded content pack, loaded once per test binary.
var testPack = func() *content.Pack {
	p, err := content.LoadDefault()
	if err != nil {
		panic(err)
	}
	return p
}()

// runConfig is a demo's run on the embedded topology.
func runConfig(variant string, seed uint64, set map[string]string) demos.RunConfig {
	return demos.RunConfig{Variant: variant, Seed: seed, Set: set, Topology: demos.EdgeTopology(testPack.Topology)}
}

// mustRun runs a demo and fails the test on error.
func mustRun(tb testing.TB, d demos.Demo, cfg demos.RunConfig) *demos.Result {
	tb.Helper()
	res, err := d.Run(cfg)
	if err != nil {
		tb.Fatalf("run %s: %v", d.ID, err)
	}
	return res
}

// newTestPlayer opens the player on a finished run at w x h.
func newTestPlayer(tb testing.TB, id, variant string, w, h int, dark bool) Player {
	tb.Helper()
	d, err := demos.Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := runConfig(variant, 1, nil)
	p := New(Config{Demo: d, Run: cfg, Result: mustRun(tb, d, cfg), Pack: testPack}, NewStyles(dark))
	p.SetSize(w, h)
	return p
}
