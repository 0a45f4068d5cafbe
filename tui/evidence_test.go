package tui

import (
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/tui/common"
)

// examplePaneItem is an item of the example review with its verdict.
func examplePaneItem(t *testing.T, name string) (advisor.Item, advisor.Recommendation) {
	t.Helper()
	pack := testApp(t).Pack
	data, err := os.ReadFile("../examples/review.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := advisor.ParseReview("examples/review.yaml", data, pack)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range r.Items {
		if it.Name == name {
			return it, advisor.Evaluate(pack, it)
		}
	}
	t.Fatalf("no item %s", name)
	return advisor.Item{}, advisor.Recommendation{}
}

// runPane runs the commands of a pane to the end, feeding it every
// message, as the runtime would.
func runPane(t *testing.T, e evidencePane, cmd tea.Cmd) evidencePane {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case nil:
		default:
			var next tea.Cmd
			e, next = e.update(msg)
			queue = append(queue, next)
		}
	}
	return e
}

func testPane(t *testing.T) evidencePane {
	e := newEvidencePane(common.New(testApp(t), false))
	e.dur = 20 * time.Second // a CI-sized replay
	return e
}

func checkWidth(t *testing.T, view string, w int) {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("a line of %d columns in a %d-column pane: %q", n, w, ansi.Strip(l))
		}
	}
}

func TestTheEvidencePaneRunsAReplayAndShowsItsFigures(t *testing.T) {
	it, rec := examplePaneItem(t, "login-rate-limiter")
	e := testPane(t)
	if v := ansi.Strip(e.view(80, "v", "o")); !strings.Contains(v, "v replays 20s of simulated time") {
		t.Errorf("idle pane does not say how to start:\n%s", v)
	}
	e, cmd := e.start("k1", it, rec)
	if !e.running() || !strings.Contains(ansi.Strip(e.view(80, "v", "o")), "esc cancels") {
		t.Fatalf("a started pane is %v and does not say esc cancels", e.state)
	}
	e = runPane(t, e, cmd)
	if e.state != evidenceDone {
		t.Fatalf("state %v (%v), want done", e.state, e.err)
	}
	for _, w := range []int{120, 80, 60} {
		v := e.view(w, "v", "o")
		checkWidth(t, v, w)
		plain := ansi.Strip(v)
		for _, o := range e.res.Options {
			if !strings.Contains(strings.Join(strings.Fields(plain), " "), o.Verdict) {
				t.Errorf("%d columns: no verdict for %s", w, o.ID)
			}
		}
		if !strings.Contains(plain, "Read latency by region: durable-object") {
			t.Errorf("%d columns: the chart does not start on the chosen design", w)
		}
		if !strings.Contains(plain, "! measured: the chosen design's read latency") {
			t.Errorf("%d columns: the measured warning is missing", w)
		}
	}
	e = e.nextChart()
	if !strings.Contains(ansi.Strip(e.view(80, "v", "o")), "Read latency by region: "+e.res.Options[1].ID) {
		t.Error("o did not move the chart to the next option")
	}
}

func TestCancellingTheReplayStopsItAndSaysSo(t *testing.T) {
	it, rec := examplePaneItem(t, "feature-flags")
	e, cmd := testPane(t).start("k1", it, rec)
	e = e.stop()
	e = runPane(t, e, cmd)
	if e.state != evidenceCancelled {
		t.Fatalf("state %v, want cancelled", e.state)
	}
	if v := ansi.Strip(e.view(80, "v", "o")); !strings.Contains(v, "Replay cancelled.") {
		t.Errorf("the pane does not say it was cancelled:\n%s", v)
	}
}

func TestAReplayForOtherAnswersIsDropped(t *testing.T) {
	it, rec := examplePaneItem(t, "seat-counter")
	e, cmd := testPane(t).start("old", it, rec)
	// The answers change while it runs: a new replay starts for them.
	e, _ = e.start("new", it, rec)
	e = runPane(t, e, cmd) // the old replay ends
	if e.state != evidenceRunning || e.key != "new" {
		t.Errorf("the old replay's end changed the new one: %v %q", e.state, e.key)
	}
	if !e.stale("newer") || e.stale("new") {
		t.Error("stale does not compare the answers the evidence is for")
	}
	e.stop()
}
