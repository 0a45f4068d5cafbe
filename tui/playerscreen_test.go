package tui

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// openPlayer is the root model started on demo id, as `kvdo demo id` does.
func openPlayer(tb testing.TB, id string, w, h int) *Model {
	tb.Helper()
	return newTestModel(tb, w, h, true, func(o *Options) {
		o.Start = StartDemo
		o.Demo = OpenDemoMsg{ID: id}
	})
}

func TestPlayerEndToEnd(t *testing.T) {
	m, err := New(Options{App: testApp(t), Start: StartDemo, Demo: OpenDemoMsg{ID: "race"},
		Background: BackgroundDark, Width: 120, Height: 40, Date: "2026-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitFor := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	send := func(ks ...string) {
		for _, k := range ks {
			tm.Send(press(k))
		}
	}
	waitFor("kv-in-do")
	send("space") // play
	waitFor("▶")
	send("space") // pause
	waitFor("⏸")
	send("left", "left") // step back
	send("e")            // edit: writers 3 -> 4
	waitFor("race: parameters")
	send("backspace", "4", "enter", "enter")
	waitFor("parameters changed")
	send("v") // next variant
	waitFor("variant do-storage")
	send("c") // compare
	waitFor("compare")
	send("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	fm, ok := tm.FinalModel(t).(*Model)
	if !ok {
		t.Fatalf("final model %T", tm.FinalModel(t))
	}
	st := fm.demo.p.State()
	if !st.Compare || len(st.Variants) != 2 || st.Variants[0] != "do-storage" || st.Variants[1] != "kv-in-do" {
		t.Errorf("compare shows %v (compare %v)", st.Variants, st.Compare)
	}
	if st.Runs[0].Set["writers"] != "4" || st.Runs[1].Set["writers"] != "4" {
		t.Errorf("runs %+v: the edited parameter did not stick", st.Runs)
	}
	if st.Playing {
		t.Error("still playing after pause")
	}
}

func TestPlayerRecordsTheSession(t *testing.T) {
	path := t.TempDir() + "/s.cast"
	var out bytes.Buffer
	prof := colorprofile.Ascii
	opts := Options{App: testApp(t), Start: StartDemo, Demo: OpenDemoMsg{ID: "race"}, Background: BackgroundDark,
		Width: 80, Height: 24, Date: "2026-12-01", Record: path, Output: &out, Profile: &prof,
		Input: slowKeys("  l l q")}
	if err := Run(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cast := string(b)
	lines := strings.Split(strings.TrimSpace(cast), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], `{"version":2,"width":80,"height":24`) {
		t.Fatalf("recording starts %q (%d lines)", lines[0], len(lines))
	}
	if !strings.Contains(cast, "race · Lost updates") {
		t.Error("the recording does not show the player")
	}
}

// slowKeys types s one key at a time, after the demo has had time to run.
func slowKeys(s string) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		time.Sleep(500 * time.Millisecond)
		for _, r := range s {
			if _, err := pw.Write([]byte(string(r))); err != nil {
				return
			}
			time.Sleep(60 * time.Millisecond)
		}
		// Keep the pipe open: an input that ends looks like a closed
		// terminal. The program quits on the q above.
	}()
	return pr
}

// The random-input soak for the player: keys a person might press (and
// some they might not), resizes down to 1x1, with the runs, forms and
// ticks they start answered as the runtime would. Nothing may panic and
// every frame must fit its window.
func TestPlayerSurvivesRandomInput(t *testing.T) {
	rnd := rand.New(rand.NewPCG(8, 8))
	keyset := []string{"space", "right", "left", "pgdown", "pgup", "+", "-", "m", "b", "s", "i", "g", "1", ".",
		"enter", "esc", "tab", "backspace", "e", "v", "c", "n", "r", "x", "?", "0", "up", "down", "home", "end"}
	for _, id := range []string{"race", "coalescing"} {
		m := openPlayer(t, id, 80, 24)
		w, h := 80, 24
		for i := range 300 {
			var msg tea.Msg
			if rnd.IntN(12) == 0 {
				w, h = 1+rnd.IntN(200), 1+rnd.IntN(60)
				msg = tea.WindowSizeMsg{Width: w, Height: h}
			} else {
				msg = press(keyset[rnd.IntN(len(keyset))])
			}
			m = soakStep(t, m, msg, 2)
			if m.state != stateDemo {
				m = openPlayer(t, id, 80, 24) // esc left the player: open it again
				w, h = 80, 24
				continue
			}
			out := m.View().Content
			lines := strings.Split(out, "\n")
			if len(lines) > h {
				t.Fatalf("%s step %d at %dx%d: %d lines", id, i, w, h, len(lines))
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > w {
					t.Fatalf("%s step %d at %dx%d: a line of %d cells", id, i, w, h, ansi.StringWidth(l))
				}
			}
		}
	}
}

// soakStep delivers msg and answers the commands it returns, depth levels
// deep, dropping what does not answer within soakWait (the animation's
// later frames, cursor blinks): enough to exercise ticks and runs without
// playing every run to its end.
func soakStep(tb testing.TB, m *Model, msg tea.Msg, depth int) *Model {
	tb.Helper()
	_, cmd := m.Update(msg)
	if depth == 0 {
		return m
	}
	for _, c := range flatten(cmd) {
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		select {
		case got := <-ch:
			switch got.(type) {
			case nil, tea.QuitMsg:
			default:
				m = soakStep(tb, m, got, depth-1)
			}
		case <-time.After(soakWait):
		}
	}
	return m
}

func flatten(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	return []tea.Cmd{func() tea.Msg {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				if c != nil {
					if m := c(); m != nil {
						return m
					}
				}
			}
			return nil
		}
		if isSequence(msg) {
			for _, c := range sequenceCmds(msg) {
				if c != nil {
					if m := c(); m != nil {
						return m
					}
				}
			}
			return nil
		}
		return msg
	}}
}

// soakWait is how long the soak waits for a command: a frame tick (33 ms)
// answers within it; a cursor blink does not.
const soakWait = 45 * time.Millisecond
