package report

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/evidence"
)

// withEvidence is the example review with each item's workload replayed
// for a few simulated seconds: what kvdo advise --evidence adds.
func withEvidence(t testing.TB) Doc {
	t.Helper()
	d := exampleDoc(t)
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	cfg := evidence.Config{Topology: demos.EdgeTopology(pack.Topology), Seed: 1, Duration: 10 * time.Second, Budget: 5000}
	for i := range d.Entries {
		e := &d.Entries[i]
		ev, err := evidence.Run(context.Background(), pack, e.Item, e.Recommendation, cfg)
		if err != nil {
			t.Fatal(err)
		}
		e.Evidence = &ev
	}
	d.Evidence = &EvidenceRun{Seed: 1, Duration: cfg.Duration, PoPs: len(cfg.Topology.PoPs)}
	return d
}

func TestEvidenceShowsInEveryFormatWithTheSeedThatReproducesIt(t *testing.T) {
	d := withEvidence(t)
	md := string(Markdown(d))
	for _, e := range d.Entries {
		rerun := "--item " + e.Item.Name + " --seed 1 --duration 10s"
		if !strings.Contains(md, rerun) {
			t.Errorf("markdown: no rerun command for %s", e.Item.Name)
		}
		for _, o := range e.Evidence.Options {
			if !strings.Contains(md, "- "+mdProse(o.Verdict, false)+".") {
				t.Errorf("markdown: no verdict line for %s %s", e.Item.Name, o.ID)
			}
		}
		for _, w := range e.Evidence.Warnings {
			if !strings.Contains(md, "> **Warning (measured):** "+mdProse(upperFirst(w.Text), false)) {
				t.Errorf("markdown: warning %s of %s not shown", w.ID, e.Item.Name)
			}
		}
	}
	// Every row of the evidence table has as many cells as its header.
	for _, block := range strings.Split(md, "\n\n") {
		if !strings.HasPrefix(block, "| option |") {
			continue
		}
		lines := strings.Split(strings.TrimSpace(block), "\n")
		for _, l := range lines[2:] {
			if got, want := strings.Count(l, " | "), strings.Count(lines[0], " | "); got != want {
				t.Errorf("a row with %d cells under a header of %d: %s", got+1, want+1, l)
			}
		}
	}
	html := string(HTML(d))
	if n := strings.Count(html, "<h3>Evidence</h3>"); n != len(d.Entries) {
		t.Errorf("html: %d evidence sections for %d items", n, len(d.Entries))
	}
	v := compileSchema(t)
	js := JSON(d)
	doc, err := jsonUnmarshal(js)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(doc); err != nil {
		t.Errorf("json with evidence does not validate: %v", err)
	}
	if !strings.Contains(string(js), `"rerun": "kvdo simulate workload --answers examples/review.yaml --seed 1 --duration 10s"`) {
		t.Error("json: no rerun command")
	}
	// Without evidence, nothing of it shows.
	plain := exampleDoc(t)
	if strings.Contains(string(Markdown(plain)), "Evidence") || strings.Contains(string(JSON(plain)), `"evidence"`) {
		t.Error("a record without --evidence mentions evidence")
	}
}
