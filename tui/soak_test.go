package tui

import (
	"image/color"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/internal/app"
)

// soakDriver runs a Model as Bubble Tea does, without its terminal: it
// hands each message to Update, draws the frame with View, and runs the
// commands in goroutines whose messages come back between the random
// ones. Driving it from the test's goroutine keeps the soak fast on a busy
// machine, where every hand-over between goroutines waits for a core.
type soakDriver struct {
	m       *Model
	results chan tea.Msg
	pending sync.WaitGroup
	quit    bool
	frames  int
}

func (d *soakDriver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	_ = d.m.View()
	d.frames++
	d.run(cmd)
}

func (d *soakDriver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.pending.Add(1)
	go func() {
		defer d.pending.Done()
		d.results <- cmd()
	}()
}

// deliver hands back the messages of the commands that have finished.
func (d *soakDriver) deliver() {
	for {
		select {
		case msg := <-d.results:
			d.handle(msg)
		default:
			return
		}
	}
}

func (d *soakDriver) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.QuitMsg:
		d.quit = true
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	default:
		if isSequence(msg) {
			for _, c := range sequenceCmds(msg) {
				d.run(c)
			}
			return
		}
		if !d.quit {
			d.send(msg)
		}
	}
}

// drain waits for every command still running and drops its message.
func (d *soakDriver) drain() {
	done := make(chan struct{})
	go func() { d.pending.Wait(); close(done) }()
	for {
		select {
		case msg := <-d.results:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					d.run(c)
				}
			}
		case <-done:
			return
		}
	}
}

// soakKeys are the keys the key map uses, and some it does not.
var soakKeys = strings.Fields("up down left right enter esc tab shift+tab pgup pgdown home end space backspace delete " +
	"ctrl+o ctrl+t ctrl+r ctrl+l ctrl+u ctrl+g ctrl+a ctrl+e ctrl+k ctrl+w ? / y n a o d l m e x i r K J t g G h j k f b u " +
	"1 2 3 4 5 6 7 8 9 0 . - _ e , : # é 日 🙂")

func randomMsg(rng *rand.Rand) tea.Msg {
	switch n := rng.IntN(100); {
	case n < 78:
		k := soakKeys[rng.IntN(len(soakKeys))]
		switch k {
		case "home":
			return tea.KeyPressMsg{Code: tea.KeyHome}
		case "end":
			return tea.KeyPressMsg{Code: tea.KeyEnd}
		case "pgup":
			return tea.KeyPressMsg{Code: tea.KeyPgUp}
		case "delete":
			return tea.KeyPressMsg{Code: tea.KeyDelete}
		}
		if strings.HasPrefix(k, "shift+") && k != "shift+tab" {
			return press(k)
		}
		if r := []rune(k); len(r) == 1 {
			return tea.KeyPressMsg{Code: r[0], Text: k}
		}
		return press(k)
	case n < 86:
		var b strings.Builder
		for range rng.IntN(120) {
			switch c := rng.IntN(20); c {
			case 0:
				b.WriteByte('\n')
			case 1:
				b.WriteString("\t")
			case 2:
				b.WriteString("日本")
			case 3:
				b.WriteString("\x1b[31m")
			default:
				b.WriteByte(byte('0' + rng.IntN(75)))
			}
		}
		return tea.PasteMsg{Content: b.String()}
	case n < 92:
		w, h := 1+rng.IntN(220), 1+rng.IntN(70)
		if rng.IntN(3) == 0 {
			w, h = 1+rng.IntN(70), 1+rng.IntN(24)
		}
		return tea.WindowSizeMsg{Width: w, Height: h}
	case n < 97:
		btn := tea.MouseWheelDown
		if rng.IntN(2) == 0 {
			btn = tea.MouseWheelUp
		}
		return tea.MouseWheelMsg{X: rng.IntN(100), Y: rng.IntN(40), Button: btn}
	}
	if rng.IntN(2) == 0 {
		return tea.BackgroundColorMsg{Color: color.White}
	}
	return tea.BackgroundColorMsg{Color: color.Black}
}

// TestRandomInputNeverPanicsAndLeavesNoGoroutines sends at least 100,000
// random keys, pastes, resizes (down to 1x1), wheel turns and theme
// changes, drawing a frame after each, from home and from a finished
// review, and checks that nothing panics and that the goroutines the
// commands started are all gone afterwards. Under -race it sends 2,000
// and under -short 15,000; `go test -run TestRandomInput ./tui` (as
// .ci/run does) sends the full count.
func TestRandomInputNeverPanicsAndLeavesNoGoroutines(t *testing.T) {
	total := 100_000
	switch {
	case raceEnabled:
		total = 2_000
	case testing.Short():
		total = 15_000
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
	a := testApp(t)
	// The first signal.Notify in a process starts os/signal's one watcher
	// goroutine, which lives as long as the process; an export's atomic
	// write registers a handler. Start the watcher before counting, so the
	// count does not depend on whether an earlier test already did.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	signal.Stop(sigs)
	base := runtime.NumGoroutine()
	rng := rand.New(rand.NewPCG(7, 11))
	sent, frames, rounds := 0, 0, 0
	start := time.Now()
	for sent < total {
		rounds++
		opts := Options{App: a, Date: "2026-12-01", Width: 80, Height: 24, Recent: app.Recent{File: filepath.Join(dir, "recent")}}
		if rounds%2 == 0 {
			// A finished review, so the recommendation, the record and the
			// export dialog get their share of the keys.
			opts.Start, opts.Review, opts.Resume = StartInterview, complete, true
		}
		m, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		d := &soakDriver{m: m, results: make(chan tea.Msg, 1024)}
		d.run(m.Init())
		d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		if rounds%2 == 0 {
			d.send(press("ctrl+r"))
		}
		for i := 0; i < 4000 && sent < total && !d.quit; i++ {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("round %d, message %d (%#v) on the %s screen: panic: %v\n%s",
							rounds, sent, r, d.m.state, r, debug.Stack())
					}
				}()
				msg := randomMsg(rng)
				// q and Quit on the home menu end a round early: fine.
				d.send(msg)
				sent++
				d.deliver()
			}()
		}
		d.drain()
		frames += d.frames
	}
	// Nothing the commands started may remain.
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines after the soak, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	t.Logf("%d messages, %d frames, %d rounds in %v", sent, frames, rounds, time.Since(start).Round(time.Millisecond))
	if frames < sent {
		t.Errorf("only %d frames for %d messages", frames, sent)
	}
}
