package tui

import (
	"reflect"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/internal/app"
)

var (
	appOnce sync.Once
	theApp  *app.App
	appErr  error
)

// testApp is the embedded content pack, loaded once per test binary.
func testApp(tb testing.TB) *app.App {
	tb.Helper()
	appOnce.Do(func() { theApp, appErr = app.Load("") })
	if appErr != nil {
		tb.Fatal(appErr)
	}
	return theApp
}

// newTestModel is a root model at w x h on a dark or light background.
func newTestModel(tb testing.TB, w, h int, dark bool, edit ...func(*Options)) Model {
	tb.Helper()
	o := Options{App: testApp(tb), Width: w, Height: h, Date: "2026-12-01", Background: BackgroundLight}
	if dark {
		o.Background = BackgroundDark
	}
	for _, e := range edit {
		e(&o)
	}
	m, err := New(o)
	if err != nil {
		tb.Fatal(err)
	}
	m = drive(tb, m, m.Init())
	return step(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// step sends msg to m and runs the commands it returns, as the runtime
// would, feeding their messages back in.
func step(tb testing.TB, m Model, msgs ...tea.Msg) Model {
	tb.Helper()
	for _, msg := range msgs {
		next, cmd := m.Update(msg)
		m = next.(Model)
		m = drive(tb, m, cmd)
	}
	return m
}

// drive runs cmd and everything it leads to. A command that has not
// answered within a second (a timer, a blink) is dropped: tests want the
// state once the work is done, not the animation.
func drive(tb testing.TB, m Model, cmd tea.Cmd) Model {
	tb.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			tb.Fatal("commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := runCmd(c)
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
		default:
			if isSequence(msg) {
				queue = append(queue, sequenceCmds(msg)...)
				continue
			}
			next, more := m.Update(msg)
			m = next.(Model)
			queue = append(queue, more)
		}
	}
	return m
}

func runCmd(c tea.Cmd) tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(time.Second):
		return nil
	}
}

// isSequence recognises tea.Sequence's message, which is unexported.
func isSequence(msg tea.Msg) bool {
	v := reflect.ValueOf(msg)
	return v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil))
}

func sequenceCmds(msg tea.Msg) []tea.Cmd {
	v := reflect.ValueOf(msg)
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out
}

// press is a key press as the terminal sends it: "enter", "ctrl+c", "a".
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	}
	if len(k) > 5 && k[:5] == "ctrl+" {
		return tea.KeyPressMsg{Code: rune(k[5]), Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// keys presses each key in turn.
func keys(ks ...string) []tea.Msg {
	out := make([]tea.Msg, len(ks))
	for i, k := range ks {
		out[i] = press(k)
	}
	return out
}
