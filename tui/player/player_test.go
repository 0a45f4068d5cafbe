package player

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvdo/kvdo/demos"
)

// countTicks replaces the player's timer with one that counts what it is
// asked to schedule and returns its message at once.
func countTicks(p *Player) *int {
	n := new(int)
	p.tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		*n++
		return func() tea.Msg { return fn(time.Time{}) }
	}
	return n
}

// tickOf runs what a frame scheduled: the prefetches are fed back to p,
// the tick is returned (nil when there is none).
func tickOf(p Player, cmd tea.Cmd) (Player, tea.Msg) {
	if cmd == nil {
		return p, nil
	}
	var tick tea.Msg
	var run func(tea.Msg)
	run = func(m tea.Msg) {
		switch m := m.(type) {
		case tea.BatchMsg:
			for _, c := range m {
				if c != nil {
					run(c())
				}
			}
		case tickMsg:
			tick = m
		case prefetched:
			p, _ = p.Update(m)
		}
	}
	run(cmd())
	return p, tick
}

func TestNoTickIsScheduledWhilePaused(t *testing.T) {
	p := newTestPlayer(t, "race", "", 80, 24, true)
	ticks := countTicks(&p)
	// Every key but play and restart, pressed while paused, schedules
	// nothing.
	for _, k := range []string{"right", "left", "shift+right", "shift+left", "pgdown", "pgup", "home", "end",
		"+", "-", "m", "b", "s", "i", "x", "right", "left"} {
		p, _ = p.Update(keyMsg(k))
	}
	if *ticks != 0 || p.playing {
		t.Fatalf("paused: %d ticks scheduled, playing %v", *ticks, p.playing)
	}
	p, _ = p.Update(keyMsg("home"))
	var cmd tea.Cmd
	p, cmd = p.Update(keyMsg("space"))
	if *ticks != 1 || !p.playing || cmd == nil {
		t.Fatalf("play: %d ticks, playing %v", *ticks, p.playing)
	}
	pending := cmd()
	p, _ = p.Update(keyMsg("space")) // pause
	p, cmd = p.Update(pending)       // the tick already in flight arrives
	if cmd != nil || *ticks != 1 {
		t.Fatalf("a tick arriving after pause scheduled another (%d in all)", *ticks)
	}
	// Resuming starts one new chain; the stale tick of the old one does
	// nothing when it arrives.
	p, cmd = p.Update(keyMsg("space"))
	fresh := cmd()
	if _, c := p.Update(pending); c != nil {
		t.Fatal("a tick of an old chain scheduled another")
	}
	if _, c := p.Update(fresh); c == nil {
		t.Fatal("the current chain stopped")
	}
}

func TestPlayingMovesTheClockByFrameTimesSpeedAndStopsAtTheEnd(t *testing.T) {
	p := newTestPlayer(t, "do-latency", "", 80, 24, true)
	countTicks(&p)
	p.skipQuiet = false
	p = press(t, p, "+", "+") // 1x -> 4x
	if s := p.State().Speed; s != 4 {
		t.Fatalf("speed %v after two +", s)
	}
	var cmd tea.Cmd
	p, cmd = p.Update(keyMsg("space"))
	before := p.c.t
	var tick tea.Msg
	p, tick = tickOf(p, cmd)
	p, cmd = p.Update(tick)
	if got, want := p.c.t-before, 4*frameInterval; got != want {
		t.Fatalf("one frame at 4x moved the clock %v, want %v", got, want)
	}
	for cmd != nil {
		p, tick = tickOf(p, cmd)
		if tick == nil {
			break
		}
		p, cmd = p.Update(tick)
	}
	if p.playing || !p.tr.atEnd(p.c) {
		t.Fatalf("playback ended at %v of %v, playing %v", p.c.t, p.tr.end, p.playing)
	}
}

func TestSpeedStaysBetweenAQuarterAnd64(t *testing.T) {
	p := newTestPlayer(t, "race", "", 80, 24, true)
	p = press(t, p, strings.Split(strings.Repeat("+", 20), "")...)
	if s := p.State().Speed; s != 64 {
		t.Fatalf("top speed %v", s)
	}
	p = press(t, p, strings.Split(strings.Repeat("-", 20), "")...)
	if s := p.State().Speed; s != 0.25 {
		t.Fatalf("lowest speed %v", s)
	}
}

func TestPlaybackSkipsQuietGapsOnlyWhenNothingIsInFlight(t *testing.T) {
	p := newTestPlayer(t, "cache-purge", "", 80, 24, true)
	countTicks(&p)
	var cmd tea.Cmd
	p, cmd = p.Update(keyMsg("space"))
	for i := 0; cmd != nil && i < 100000; i++ {
		before := p.c
		inFlight := !p.tr.quiet(before)
		var tick tea.Msg
		p, tick = tickOf(p, cmd)
		if tick == nil {
			break
		}
		p, cmd = p.Update(tick)
		if jump := p.c.t - before.t; jump > frameInterval && inFlight {
			t.Fatalf("jumped %v at %v with a message in flight", jump, before.t)
		}
		if next, ok := p.tr.nextAt(before); ok && p.c.t > next && p.c.k == before.k {
			t.Fatalf("the clock passed the event at %v without applying it", next)
		}
	}
	if !p.tr.atEnd(p.c) {
		t.Fatal("playback did not reach the end")
	}
}

func TestCaptionKeysLandOnCaptionsAndPageKeysDoTheSame(t *testing.T) {
	p := newTestPlayer(t, "propagation", "", 80, 24, true)
	r := p.tr.runs[0]
	var seen []int
	for range len(r.res.Captions) + 2 {
		p = press(t, p, "shift+right")
		seen = append(seen, int(r.capCur[p.c.k]))
	}
	for i := range r.res.Captions {
		if seen[i] != i {
			t.Fatalf("caption step %d shows caption %d", i, seen[i])
		}
	}
	q := newTestPlayer(t, "propagation", "", 80, 24, true)
	q = press(t, q, "pgdown", "pgdown", "pgdown", "pgup")
	p = newTestPlayer(t, "propagation", "", 80, 24, true)
	p = press(t, p, "shift+right", "shift+right", "shift+right", "shift+left")
	if p.c != q.c {
		t.Fatalf("PageDown/PageUp at %+v, shift+arrows at %+v", q.c, p.c)
	}
}

func TestSeekParsesSecondsAndDurations(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"12.5": 12500 * time.Millisecond, "+12.34 s": 12340 * time.Millisecond, "1m30s": 90 * time.Second, "0": 0,
	} {
		got, err := parseSeek(in)
		if err != nil || got != want {
			t.Errorf("parseSeek(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-3", "1h-"} {
		if _, err := parseSeek(bad); err == nil || !strings.Contains(err.Error(), "expected") {
			t.Errorf("parseSeek(%q): %v", bad, err)
		}
	}
	p := newTestPlayer(t, "race", "", 80, 24, true)
	p = press(t, p, "g", "2", ".", "5", "enter")
	if p.c.t != 2500*time.Millisecond || p.Editing() {
		t.Fatalf("g 2.5 enter: clock %v, prompt open %v", p.c.t, p.Editing())
	}
	p = press(t, p, "g", "x", "enter")
	if !strings.Contains(p.status, "expected a time") {
		t.Fatalf("a bad time says %q", p.status)
	}
}

func TestCompareRunsEachDemosTwoMainVariants(t *testing.T) {
	want := map[string][2]string{
		"race": {"kv-in-do", "do-storage"}, "coalescing": {"stampede", "coordinator"},
		"local-vs-prod": {"production", "local"}, "config-fanout": {"do-plus-kv", "kv-direct"},
		"cache-purge": {"purge", "version-stamp"},
	}
	for id, pair := range want {
		p := press(t, newTestPlayer(t, id, "", 80, 24, true), "c")
		if v := p.State().Variants; len(v) != 2 || v[0] != pair[0] || v[1] != pair[1] {
			t.Errorf("%s compares %v, want %v", id, v, pair)
		}
	}
	// One variant: the current parameters against the defaults.
	p := newTestPlayer(t, "propagation", "", 80, 24, true)
	p.specs[0].Set = map[string]string{"cache_ttl": "30s"}
	p = press(t, p, "c")
	if s := p.State().Runs; len(s) != 2 || s[0].Set["cache_ttl"] != "30s" || len(s[1].Set) != 0 {
		t.Errorf("propagation compares %+v", s)
	}
	p = press(t, p, "c")
	if p.State().Compare || len(p.tr.runs) != 1 {
		t.Error("c again did not leave compare mode")
	}
}

func TestVariantKeyCyclesAndNewSeedReruns(t *testing.T) {
	p := newTestPlayer(t, "race", "", 80, 24, true)
	for _, want := range []string{"do-storage", "kv-from-isolates", "kv-in-do"} {
		p = press(t, p, "v")
		if v := p.State().Variants; v[0] != want {
			t.Fatalf("v shows %v, want %s", v, want)
		}
	}
	p = press(t, p, "n")
	if s := p.State().Runs[0].Seed; s != 2 || p.tr.runs[0].res.Seed != 2 {
		t.Fatalf("n ran seed %d", s)
	}
}

func TestEditingAParameterRerunsWithIt(t *testing.T) {
	p := newTestPlayer(t, "race", "", 100, 30, true)
	p = press(t, p, "e")
	if !p.Editing() || !strings.Contains(ansi.Strip(p.View()), "writers") {
		t.Fatal("e did not open the parameter form")
	}
	// writers is focused with "3": replace it with 5, then submit.
	p = press(t, p, "backspace", "5", "enter", "enter")
	for i := 0; p.Editing() && i < 10; i++ {
		var cmd tea.Cmd
		p, cmd = p.Update(keyMsg("enter"))
		p = settleAll(t, p, cmd)
	}
	if p.Editing() {
		t.Fatal("the form did not submit")
	}
	if got := p.State().Runs[0].Set["writers"]; got != "5" {
		t.Fatalf("runs with %v", p.State().Runs[0].Set)
	}
	if got := paramsText(p.tr.runs[0]); !strings.Contains(got, "writers=5") {
		t.Fatalf("the run on screen has %s", got)
	}
	// A value out of bounds is refused by the form itself.
	p = press(t, p, "e", "backspace", "9", "enter")
	if !p.Editing() || !strings.Contains(ansi.Strip(p.View()), "from 2 to 8") {
		t.Fatal("writers=9 was not refused with its bounds")
	}
	p = press(t, p, "esc")
	if p.Editing() || p.State().Runs[0].Set["writers"] != "5" {
		t.Fatal("esc changed the parameters")
	}
}

// settleAll runs commands (form steps, runs) until they settle. A cursor
// blink is not fed back (it would blink forever); a command that has not
// answered in 3 s is a timer nobody waits for.
func settleAll(tb testing.TB, p Player, cmd tea.Cmd) Player {
	tb.Helper()
	queue := []tea.Cmd{cmd}
	for i := 0; len(queue) > 0 && i < 100; i++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(3 * time.Second):
			continue // a timer: not part of the answer
		}
		if strings.HasPrefix(fmt.Sprintf("%T", msg), "cursor.") {
			continue
		}
		switch m := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, m...)
		case tickMsg, nil:
		default:
			var more tea.Cmd
			p, more = p.Update(m)
			queue = append(queue, more)
		}
	}
	return p
}

func TestEveryFrameFitsItsWindow(t *testing.T) {
	sizes := [][2]int{{1, 1}, {2, 1}, {10, 3}, {39, 11}, {40, 12}, {58, 18}, {60, 20}, {80, 24}, {120, 40}, {200, 60}}
	for _, d := range demos.All() {
		base := newTestPlayer(t, d.ID, "", 80, 24, true)
		modes := map[string]Player{"map": base, "lanes": press(t, base, "m"), "compare": press(t, base, "c"), "big": press(t, base, "b")}
		for name, p := range modes {
			for _, sz := range sizes {
				for _, c := range []cursor{p.tr.start(), p.tr.settle(p.tr.len() / 2), p.tr.finish()} {
					q := p
					q.SetSize(sz[0], sz[1])
					q.c = c
					out := q.View()
					lines := strings.Split(out, "\n")
					if len(lines) != sz[1] {
						t.Fatalf("%s %s %dx%d: %d lines", d.ID, name, sz[0], sz[1], len(lines))
					}
					for i, l := range lines {
						if w := ansi.StringWidth(l); w > sz[0] {
							t.Fatalf("%s %s %dx%d: line %d is %d wide: %q", d.ID, name, sz[0], sz[1], i, w, ansi.Strip(l))
						}
					}
				}
			}
		}
	}
}

func TestTheVerdictShowsAtTheEndInPlainWords(t *testing.T) {
	p := newTestPlayer(t, "race", "", 120, 40, true)
	if s := ansi.Strip(p.View()); !strings.Contains(s, "verdict comes at the end") {
		t.Fatal("no pending verdict at the start")
	}
	p = press(t, p, "end")
	s := ansi.Strip(p.View())
	if !strings.Contains(s, "✗ not linearizable: two increments of count both returned 1") {
		t.Fatalf("no verdict at the end:\n%s", s)
	}
	p = press(t, p, "i")
	s = ansi.Strip(p.View())
	for _, want := range []string{"linearizable if every operation appears to take effect", "req 1 at NRT", "porcupine checked"} {
		if !strings.Contains(s, want) {
			t.Errorf("the explanation lacks %q", want)
		}
	}
	p = press(t, p, "x")
	if p.showInfo {
		t.Error("a key did not close the explanation")
	}
}

func TestMapShowsStaleCopiesInRedWithAMark(t *testing.T) {
	p := newTestPlayer(t, "propagation", "", 120, 40, true)
	p = press(t, p, "end")
	r := p.tr.runs[0]
	st := r.state.at(len(r.trace()))
	stale := 0
	for i := range r.points {
		if st.stale(i) {
			stale++
		}
	}
	// At the end of propagation every PoP has converged.
	if stale != 0 {
		t.Fatalf("%d stale copies at the end", stale)
	}
	// Somewhere in the run a reader serves a stale copy; the frame marks it.
	found := false
	for k := 0; k <= p.tr.len() && !found; k++ {
		st := r.state.at(k)
		for i := range r.points {
			if st.stale(i) {
				q := p
				q.c = q.tr.settle(k)
				found = strings.Contains(ansi.Strip(q.View()), r.points[i].code+" v")
				break
			}
		}
	}
	if !found {
		t.Fatal("no frame shows a stale copy")
	}
}

func TestAnErrorFromARunIsShownAndKeepsThePreviousRun(t *testing.T) {
	p := newTestPlayer(t, "race", "", 80, 24, true)
	p.cfg.Run = func(RunSpec) (*demos.Result, error) { return nil, fmt.Errorf("needs 9 PoPs, the topology has 4") }
	p = press(t, p, "n")
	if !strings.Contains(ansi.Strip(p.View()), "needs 9 PoPs") || p.tr == nil || p.tr.runs[0].res.Seed != 1 {
		t.Fatal("the error is not shown, or the run on screen was lost")
	}
}
