package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/tui/player"
)

// fakeRoom records what a program tells its room.
type fakeRoom struct {
	where   []Where
	answers map[int]any
}

func (r *fakeRoom) Moved(w Where) { r.where = append(r.where, w) }
func (r *fakeRoom) Answered(poll int, v any) {
	if r.answers == nil {
		r.answers = map[int]any{}
	}
	r.answers[poll] = v
}

func (r *fakeRoom) last() Where { return r.where[len(r.where)-1] }

func roomModel(t *testing.T, name string) (*Model, *fakeRoom) {
	t.Helper()
	room := &fakeRoom{}
	m := newTestModel(t, 100, 30, true, func(o *Options) {
		o.NoFiles, o.Room, o.Name = true, room, name
	})
	return m, room
}

func TestARoomParticipantIsAskedANameFirst(t *testing.T) {
	m, room := roomModel(t, "")
	if m.state != stateName {
		t.Fatalf("a participant without a name starts on %s", m.state)
	}
	m = step(t, m, seq(typeText("  Bob\x1b[31m  Lee "), keys("enter"))...)
	if m.state != stateHome {
		t.Fatalf("after the name: %s", m.state)
	}
	if w := room.last(); !strings.HasPrefix(w.Name, "Bob") || !strings.HasSuffix(w.Name, "Lee") || strings.Contains(w.Name, "  ") {
		t.Errorf("the room was told the name %q", w.Name)
	}
	for _, r := range room.last().Name {
		if r < 0x20 {
			t.Errorf("a control character reached the facilitator's screen: %q", room.last().Name)
		}
	}
}

func TestARoomProgramNeverTouchesFiles(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	m, _ := roomModel(t, "Ana")
	home := m.View().Content
	if strings.Contains(home, "Open review") {
		t.Error("the home screen offers Open review")
	}
	m = step(t, m, keys("o")...)
	if m.state != stateHome {
		t.Fatalf("o opened %s", m.state)
	}
	// A review: title, people, the first item; no file name is asked.
	m = step(t, m, seq(keys("a"), typeText("Checkout"), keys("enter"), typeText("Ana"), keys("enter"),
		typeText("seat-counter"), keys("enter"))...)
	if m.sess == nil {
		t.Fatal("no review started without a file name")
	}
	m = step(t, m, answerKeys(seatCounter, "")...)
	if got := m.sess.status(); got != "kept in this session only" {
		t.Errorf("the review's status is %q", got)
	}
	m = step(t, m, keys("ctrl+r")...)
	if m.state != stateRecommend {
		t.Fatalf("ctrl+r opened %s", m.state)
	}
	m = step(t, m, keys("x", "enter")...)
	if !m.recommend.export.showing() {
		t.Fatal("the export did not show the record as text")
	}
	view := m.View().Content
	if !strings.Contains(view, "The record as Markdown") || !strings.Contains(m.recommend.export.text, "seat-counter") {
		t.Errorf("the record is not on view:\n%s", view)
	}
	m = step(t, m, keys("right")...)
	if !strings.HasPrefix(strings.TrimSpace(m.recommend.export.text), "{") {
		t.Errorf("→ did not show the JSON: %.80q", m.recommend.export.text)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Errorf("files appeared in the working directory: %v", entries)
	}
}

// leaderAt is a leader's player position, k events into race.
func leaderAt(t *testing.T, k int) player.Position {
	t.Helper()
	lead := openPlayer(t, "race", 100, 30)
	for range k {
		lead = step(t, lead, press("right"))
	}
	pos := lead.demo.p.Position()
	if pos.K != k || pos.Total == 0 {
		t.Fatalf("the leader is at %+v", pos)
	}
	return pos
}

func TestFollowModeDrivesTheParticipantsPlayer(t *testing.T) {
	pos := leaderAt(t, 12)
	m, room := roomModel(t, "Ana")
	m = step(t, m, FollowMsg{Lead: 1, Demo: "race", Pos: pos})
	w := room.last()
	if m.state != stateDemo || !w.Following || w.Demo != "race" || w.Player == nil || !w.Player.Equal(pos) {
		t.Fatalf("after the leader's position: %s, %+v", m.state, w)
	}
	if !strings.Contains(m.View().Content, "following the facilitator") {
		t.Error("the header does not say the player follows")
	}

	// A key of the participant's own: they go their own way from there.
	m = step(t, m, press("right"))
	w = room.last()
	if w.Following || w.Player.K != pos.K+1 {
		t.Fatalf("after → while following: %+v", w)
	}
	m = step(t, m, FollowMsg{Lead: 1, Demo: "race", Pos: leaderAt(t, 17)})
	if w := room.last(); w.Following || w.Player.K != pos.K+1 {
		t.Errorf("a participant on their own way was moved: %+v", w)
	}

	// F follows again, at the leader's latest position.
	m = step(t, m, press("F"))
	if w := room.last(); !w.Following || w.Player.K != 17 {
		t.Errorf("F did not rejoin at the leader's position: %+v", w)
	}

	// A new lead brings everyone back; the end of a lead lets them go.
	m = step(t, m, press("esc"))
	if room.last().Following || m.state == stateDemo {
		t.Fatalf("esc left following on, on %s", m.state)
	}
	m = step(t, m, FollowMsg{Lead: 2, Demo: "race", Pos: pos})
	if w := room.last(); !w.Following || m.state != stateDemo || w.Player.K != pos.K {
		t.Errorf("a new lead did not bring the participant back: %+v", w)
	}
	m = step(t, m, LeadEndMsg{})
	if w := room.last(); w.Following {
		t.Errorf("still following after the lead ended: %+v", w)
	}
	m = step(t, m, press("F"))
	if room.last().Following || m.room.following {
		t.Error("F followed a lead that had ended")
	}
}

func TestAPollIsAnsweredWithTheInterviewsChecks(t *testing.T) {
	m, room := roomModel(t, "Ana")
	m = step(t, m, PollMsg{ID: 7, Item: "seat-counter", Question: "read_your_writes"})
	if m.state != statePoll {
		t.Fatalf("a poll opened %s", m.state)
	}
	if v := m.View().Content; !strings.Contains(v, "seat-counter") {
		t.Errorf("the poll does not name its piece of state:\n%s", v)
	}
	m = step(t, m, press("y"))
	if got, ok := room.answers[7]; !ok || got != true {
		t.Errorf("the room got %v for poll 7", room.answers)
	}
	if m.state != stateHome {
		t.Errorf("after answering: %s", m.state)
	}

	// A number is checked as the answers file checks it.
	m = step(t, m, PollMsg{ID: 8, Item: "seat-counter", Question: "staleness_tolerance_s"})
	m = step(t, m, seq(keys("ctrl+u"), typeText("soon"), keys("enter"))...)
	if _, ok := room.answers[8]; ok || m.state != statePoll {
		t.Fatalf("a bad number was taken: %v, on %s", room.answers, m.state)
	}
	m = step(t, m, seq(keys("ctrl+u"), typeText("30"), keys("enter"))...)
	if room.answers[8] != 30.0 {
		t.Errorf("poll 8: %v", room.answers[8])
	}

	// A closed poll leaves the screen unanswered.
	m = step(t, m, PollMsg{ID: 9, Item: "x", Question: "concurrent_writers"}, PollCloseMsg{ID: 9})
	if m.state != stateHome {
		t.Errorf("a closed poll stayed on screen: %s", m.state)
	}
	if _, ok := room.answers[9]; ok {
		t.Error("a closed poll was answered")
	}
}
