package tui

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kvdo/kvdo/demos"
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

// openVariant is the root model started on one variant of demo id, its
// first run answered however long it takes (under the race detector on a
// busy machine, longer than drive waits for a command).
func openVariant(tb testing.TB, id, variant string, w, h int) *Model {
	tb.Helper()
	m, err := New(Options{App: testApp(tb), Width: w, Height: h, Date: "2026-12-01", Background: BackgroundDark,
		Start: StartDemo, Demo: OpenDemoMsg{ID: id, Variant: variant, Seed: 1}})
	if err != nil {
		tb.Fatal(err)
	}
	m = answerRun(m, m.Init())
	if m.demo.p.State().Total == 0 {
		tb.Fatalf("%s/%s: the first run did not answer", id, variant)
	}
	return step(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// answerRun runs cmd, a demo run (alone or in a batch), to its answer and
// feeds it to m. A run always ends, so there is no time limit.
func answerRun(m *Model, cmd tea.Cmd) *Model {
	if cmd == nil {
		return m
	}
	msg := cmd()
	if isBatch(msg) || isSequence(msg) {
		for _, c := range subCmds(msg) {
			m = answerRun(m, c)
		}
		return m
	}
	if msg != nil {
		m, _ = soakUpdate(m, msg)
	}
	return m
}

// soakUpdate hands msg to the root model: the one place the soak touches
// its Update, so a change in how the root model is held is one edit.
func soakUpdate(m *Model, msg tea.Msg) (*Model, tea.Cmd) {
	next, cmd := m.Update(msg)
	return next.(*Model), cmd
}

// soakKey is a key press for the soak's key names, including the ones
// press does not know (home, end, pgup, shift+arrows).
func soakKey(k string) tea.KeyPressMsg {
	switch k {
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "shift+right":
		return tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift}
	case "shift+left":
		return tea.KeyPressMsg{Code: tea.KeyLeft, Mod: tea.ModShift}
	}
	return press(k)
}

// soakResult is what a command answered, for the model it was asked by.
type soakResult struct {
	model int // the model instance that asked (a reopened player drops the old ones' answers)
	depth int // how many answers led to it
	msg   tea.Msg
}

// The random-input soak for the player: every demo, each of its variants
// opened at least once, with keys a person might press (and some they
// might not), compare, the parameter form, the variant key and resizes
// down to 1x1. Commands run in the background as the runtime runs them
// and their answers arrive between later keys, out of step with them (a
// tick after a pause, a run after the next key); a chain of answers is
// followed two deep and then dropped, so playing never runs a whole demo.
// Nothing may panic and every frame must fit its window.
func TestPlayerSurvivesRandomInput(t *testing.T) {
	steps := 150
	if raceEnabled {
		steps = 40
	}
	rnd := rand.New(rand.NewPCG(8, 8))
	keyset := []string{"space", "right", "left", "pgdown", "pgup", "shift+right", "shift+left", "+", "-", "m", "b",
		"s", "i", "j", "g", "1", ".", "enter", "esc", "tab", "backspace", "e", "v", "c", "n", "r", "x", "?", "0",
		"up", "down", "home", "end"}
	answers := make(chan soakResult, 4096)
	var inflight sync.WaitGroup
	var launch func(model, depth int, cmd tea.Cmd)
	launch = func(model, depth int, cmd tea.Cmd) {
		if depth > 2 || cmd == nil {
			return // the chain goes on in a real program; here it stops
		}
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			msg := cmd()
			switch {
			case msg == nil:
			case isBatch(msg) || isSequence(msg):
				for _, c := range subCmds(msg) {
					launch(model, depth, c)
				}
			default:
				select {
				case answers <- soakResult{model, depth, msg}:
				default: // the soak is over or far behind: drop it
				}
			}
		}()
	}
	model := 0
	for _, d := range demos.All() {
		for _, variant := range d.VariantIDs() {
			model++
			m := soakPrelude(t, openVariant(t, d.ID, variant, 80, 24), d)
			w, h := 80, 24
			for i := range steps {
				var msg tea.Msg
				switch {
				case i == steps/2:
					w, h = 1, 1 // every run of the soak shrinks to nothing once
					msg = tea.WindowSizeMsg{Width: w, Height: h}
				case i == steps/2+1:
					w, h = 80, 24
					msg = tea.WindowSizeMsg{Width: w, Height: h}
				case rnd.IntN(12) == 0:
					w, h = 1+rnd.IntN(200), 1+rnd.IntN(60)
					msg = tea.WindowSizeMsg{Width: w, Height: h}
				default:
					msg = soakKey(keyset[rnd.IntN(len(keyset))])
				}
				// Answers that came in since the last key go first.
			drain:
				for {
					select {
					case a := <-answers:
						if a.model != model {
							continue
						}
						if _, quit := a.msg.(tea.QuitMsg); quit {
							continue
						}
						var cmd tea.Cmd
						m, cmd = soakUpdate(m, a.msg)
						launch(model, a.depth+1, cmd)
					default:
						break drain
					}
				}
				var cmd tea.Cmd
				m, cmd = soakUpdate(m, msg)
				launch(model, 1, cmd)
				if m.state != stateDemo {
					model++ // esc left the player: open it again
					m = openVariant(t, d.ID, variant, 80, 24)
					w, h = 80, 24
					continue
				}
				if bad := misfit(m.View().Content, w, h); bad != "" {
					t.Fatalf("%s/%s step %d at %dx%d after %v: %s", d.ID, variant, i, w, h, msg, bad)
				}
			}
		}
	}
	done := make(chan struct{})
	go func() { inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("commands the soak started were still running 5 s after it ended")
	}
}

// soakPrelude takes a freshly opened player through what a person does
// with every demo, whatever the dice later say: compare, the next
// variant, the parameter form (left with esc), and back to one run.
func soakPrelude(t *testing.T, m *Model, d demos.Demo) *Model {
	t.Helper()
	send := func(k string) {
		t.Helper()
		var cmd tea.Cmd
		m, cmd = soakUpdate(m, soakKey(k))
		if m.demo.p.State().Running { // a run: wait for it
			m = answerRun(m, cmd)
		}
		if bad := misfit(m.View().Content, 80, 24); bad != "" {
			t.Fatalf("%s after %s: %s", d.ID, k, bad)
		}
	}
	before := m.demo.p.State().Variants
	send("c")
	if st := m.demo.p.State(); !st.Compare || len(st.Variants) != 2 || st.Running {
		t.Fatalf("%s: c did not compare two runs: %+v", d.ID, st)
	}
	send("v")
	if st := m.demo.p.State(); len(d.Variants) > 1 && st.Variants[0] == before[0] {
		t.Fatalf("%s: v stayed on variant %s", d.ID, before[0])
	}
	if len(d.Params) > 0 {
		m, _ = soakUpdate(m, soakKey("e")) // the form's blink is not waited for
		if !m.demo.p.Editing() {
			t.Fatalf("%s: e did not open the parameter form", d.ID)
		}
		send("esc")
		if m.demo.p.Editing() || m.state != stateDemo {
			t.Fatalf("%s: esc did not close the parameter form", d.ID)
		}
	}
	send("c")
	if st := m.demo.p.State(); st.Compare || len(st.Variants) != 1 {
		t.Fatalf("%s: c again did not go back to one run: %+v", d.ID, st)
	}
	return m
}

// misfit says how a frame overflows a w x h window, "" when it fits.
func misfit(frame string, w, h int) string {
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		return strconv.Itoa(len(lines)) + " lines"
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			return "line " + strconv.Itoa(i+1) + " is " + strconv.Itoa(lw) + " columns"
		}
	}
	return ""
}

// isBatch recognises tea.Batch's message.
func isBatch(msg tea.Msg) bool {
	_, ok := msg.(tea.BatchMsg)
	return ok
}

// subCmds are the commands of a batch or a sequence.
func subCmds(msg tea.Msg) []tea.Cmd {
	if b, ok := msg.(tea.BatchMsg); ok {
		return b
	}
	return sequenceCmds(msg)
}
