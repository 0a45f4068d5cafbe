package player

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestFPSSetsTheTimeBetweenFrames(t *testing.T) {
	for _, c := range []struct {
		fps  int
		want time.Duration
	}{{0, time.Second / 30}, {15, time.Second / 15}} {
		p := newTestPlayer(t, "race", "", 100, 30, true)
		p.cfg.FPS = c.fps
		var got time.Duration
		p.tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
			got = d
			return nil
		}
		p = press(t, p, "space")
		if got != c.want {
			t.Errorf("FPS %d: frames every %s, expected %s", c.fps, got, c.want)
		}
	}
}

func TestAFollowerDrawsTheLeadersCursorAndStopsFollowingOnAKey(t *testing.T) {
	lead := press(t, newTestPlayer(t, "race", "", 100, 30, true), "right", "right", "right", "right")
	pos := lead.Position()
	if pos.K != 4 || pos.Total == 0 {
		t.Fatalf("the leader is at %+v", pos)
	}
	f := newTestPlayer(t, "race", "", 100, 30, true)
	ticks := countTicks(&f)
	f, cmd := f.Follow(pos)
	if cmd != nil || !f.Following() || !f.Position().Equal(pos) {
		t.Fatalf("following %+v: at %+v (cmd %v)", pos, f.Position(), cmd != nil)
	}
	if f.View() != lead.View() {
		t.Error("the follower draws another frame than the leader at the same cursor")
	}
	// Playing: the leader's clock, not the follower's, moves it.
	pos.Playing = true
	f, _ = f.Follow(pos)
	if *ticks != 0 {
		t.Errorf("a follower scheduled %d ticks of its own", *ticks)
	}
	// A key takes the clock back; playing goes on from there.
	f, cmd = f.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	if f.Following() || f.Position().K != 5 {
		t.Errorf("after →: following %v at %d", f.Following(), f.Position().K)
	}
	_ = cmd
	// Another run (a variant) is made first, then the position applied.
	other := pos
	other.Runs = []RunSpec{{Variant: "do-storage", Seed: 1}}
	other.K, other.At, other.Playing = 3, 0, false
	f, cmd = f.Follow(other)
	if cmd == nil {
		t.Fatal("no run started for another variant")
	}
	f, _ = f.Update(cmd())
	if got := f.Position(); got.K != 3 || got.Runs[0].Variant != "do-storage" {
		t.Errorf("after the run: %+v", got)
	}
}
