package tui

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
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
	if v := ansi.Strip(e.view(80, "v", "o")); !strings.Contains(v, "v replays 20 s of simulated time") {
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

// shortEvidence gives the root model CI-sized replays.
func shortEvidence(o *Options) { o.EvidenceDuration = 20 * time.Second }

// evidenceSetups reach the Evidence tab by the keys a person presses.
var evidenceSetups = []struct {
	name string
	msgs []tea.Msg
}{
	{"recommend-evidence", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "v"))},
	{"recommend-evidence-chart", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "v", "o", "G"))},
	{"recommend-evidence-help", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "v", "?"))},
}

func TestTheEvidenceTabMatchesGolden(t *testing.T) {
	for _, sc := range evidenceSetups {
		for _, size := range goldenSizes {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size.w, size.h), func(t *testing.T) {
				frame := inTempDir(t, func() string {
					return step(t, newTestModel(t, size.w, size.h, true, shortEvidence), sc.msgs...).View().Content
				})
				golden.RequireEqual(t, frame)
			})
		}
	}
}

func TestTheEvidenceTabFitsTheWindowAtEverySize(t *testing.T) {
	for _, sc := range evidenceSetups {
		t.Run(sc.name, func(t *testing.T) {
			inTempDir(t, func() string {
				m := step(t, newTestModel(t, 80, 24, true, shortEvidence), sc.msgs...)
				for _, size := range []struct{ w, h int }{{1, 1}, {10, 3}, {59, 19}, {60, 20}, {80, 24}, {200, 60}} {
					m = step(t, m, tea.WindowSizeMsg{Width: size.w, Height: size.h})
					assertFits(t, m.View().Content, size.w, size.h)
				}
				return ""
			})
		})
	}
}

func TestEscCancelsAReplayAndThenLeavesTheTab(t *testing.T) {
	inTempDir(t, func() string {
		m := step(t, newTestModel(t, 80, 24, true), seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r"))...)
		// A ten-minute replay is started by hand so that esc finds it running.
		_, cmd := m.Update(press("v"))
		if !m.recommend.evidence || !m.recommend.ev.running() {
			t.Fatalf("v: evidence tab %v, replay running %v", m.recommend.evidence, m.recommend.ev.running())
		}
		if !strings.Contains(m.View().Content, "esc cancels") {
			t.Error("a running replay does not say esc cancels it")
		}
		m = step(t, m, press("esc"))
		m = drive(t, m, cmd) // the replay ends, cancelled
		if m.recommend.ev.state != evidenceCancelled || !m.recommend.evidence {
			t.Fatalf("after esc: %v, tab open %v", m.recommend.ev.state, m.recommend.evidence)
		}
		if !strings.Contains(m.View().Content, "Replay cancelled.") {
			t.Error("the tab does not say the replay was cancelled")
		}
		m = step(t, m, press("esc"))
		if m.recommend.evidence || m.state != stateRecommend {
			t.Errorf("a second esc should leave the tab for the item view: tab %v, screen %s", m.recommend.evidence, m.state)
		}
		return ""
	})
}

func TestAnEditMakesTheEvidenceStale(t *testing.T) {
	inTempDir(t, func() string {
		m := step(t, newTestModel(t, 80, 24, true, shortEvidence), seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "v"))...)
		if m.recommend.ev.state != evidenceDone {
			t.Fatalf("state %v, want done", m.recommend.ev.state)
		}
		m = step(t, m, keys("e", "enter", "n", "v")...) // change the first answer, back to the tab
		if m.recommend.ev.running() {
			m = step(t, m) // nothing: the replay for the new answers ran in step
		}
		if m.recommend.ev.key != m.recommend.evidenceKey() || m.recommend.ev.state != evidenceDone {
			t.Errorf("after an edit the tab shows evidence for %q (%v), want a fresh replay for %q",
				m.recommend.ev.key, m.recommend.ev.state, m.recommend.evidenceKey())
		}
		return ""
	})
}

// TestRandomInputOnTheEvidenceTabNeverPanics sends random keys (weighted
// to the tab's own), pastes and resizes to a recommendation with
// its Evidence tab open, replays running and finishing in between, as
// the soak does for the other screens.
func TestRandomInputOnTheEvidenceTabNeverPanics(t *testing.T) {
	total := 3_000
	if raceEnabled {
		total = 500
	}
	dir := fastTempDir(t)
	complete := filepath.Join(dir, "complete.yaml")
	data, err := os.ReadFile("../examples/review.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(complete, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	opts := Options{App: testApp(t), Date: "2026-12-01", Width: 80, Height: 24, EvidenceDuration: 10 * time.Second,
		Start: StartInterview, Review: complete, Resume: true}
	m, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	d := &soakDriver{m: m, results: make(chan tea.Msg, 1024)}
	d.run(m.Init())
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.send(press("ctrl+r"))
	d.send(press("v"))
	rng := rand.New(rand.NewPCG(3, 5))
	tabKeys := []string{"v", "r", "o", "esc", "tab", "shift+tab", "G", "g", "pgdown", "m", "e", "x"}
	for i := 0; i < total && !d.quit; i++ {
		var msg tea.Msg
		if rng.IntN(2) == 0 {
			msg = press(tabKeys[rng.IntN(len(tabKeys))])
		} else {
			msg = randomMsg(rng)
		}
		if _, ok := msg.(tea.BackgroundColorMsg); ok {
			// Glamour keeps the chroma style of the first record it renders
			// for the whole process: a light record here would recolour the
			// dark record goldens that run after this file. The soak, which
			// runs last, covers theme changes.
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("message %d (%#v) on the %s screen: panic: %v\n%s", i, msg, d.m.state, r, debug.Stack())
				}
			}()
			d.send(msg)
			d.deliver()
		}()
		if d.m.state == stateRecommend && !d.m.recommend.modal() && !d.m.recommend.evidence && rng.IntN(4) == 0 {
			d.send(press("v"))
		}
	}
	d.drain()
}
