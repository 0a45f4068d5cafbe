package tui

import (
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
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
func newTestModel(tb testing.TB, w, h int, dark bool, edit ...func(*Options)) *Model {
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
func step(tb testing.TB, m *Model, msgs ...tea.Msg) *Model {
	tb.Helper()
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		m = drive(tb, m, cmd)
	}
	return m
}

// drive runs cmd and everything it leads to. A command that has not
// answered within five seconds (a timer, a blink) is dropped: tests want the
// state once the work is done, not the animation.
func drive(tb testing.TB, m *Model, cmd tea.Cmd) *Model {
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
			_, more := m.Update(msg)
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
	case <-time.After(5 * time.Second):
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

// typeText types s one character at a time.
func typeText(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// seq joins groups of messages.
func seq(groups ...[]tea.Msg) []tea.Msg {
	var out []tea.Msg
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// number replaces the text of a number field and answers it.
func number(v string) []tea.Msg {
	return seq(keys("ctrl+u"), typeText(v), keys("enter"))
}

// setupKeys start a new review from home: title, people, the first item
// and the suggested file name.
func setupKeys(item string) []tea.Msg {
	return seq(keys("a"), typeText("Checkout"), keys("enter"), typeText("Ana, Ravi"), keys("enter"),
		typeText(item), keys("enter", "enter"))
}

// The answers of two items, as a person would give them.
var (
	// seatCounter: reads must be current, racing read-modify-write,
	// readers everywhere.
	seatCounter = advisor.Answers{"read_your_writes": true, "concurrent_writers": true, "atomic_update": true,
		"staleness_tolerance_s": 0.0, "audit_trail": false, "reads_per_s": 300.0, "writes_per_s_per_key": 40.0,
		"value_bytes": 64.0, "reader_regions": "global", "read_latency_budget_ms": 50.0, "expires": false}
	// sessionFlag: read-mostly, a minute old is fine.
	sessionFlag = advisor.Answers{"read_your_writes": false, "concurrent_writers": false, "atomic_update": false,
		"staleness_tolerance_s": 300.0, "audit_trail": false, "reads_per_s": 5000.0, "writes_per_s_per_key": 0.01,
		"value_bytes": 200.0, "reader_regions": "global", "read_latency_budget_ms": 30.0, "expires": false}
)

var (
	packOnce sync.Once
	thePack  *content.Pack
)

// answerKeys are the keys that answer an item's questions in the order
// the pack asks them: the answers in want, tab past every other (optional)
// question, stopping on question stopAt ("" for the end). Derived from the
// pack, so a question added later does not break the tests.
func answerKeys(want advisor.Answers, stopAt string) []tea.Msg {
	packOnce.Do(func() {
		var err error
		if thePack, err = content.LoadDefault(); err != nil {
			panic(err)
		}
	})
	given := advisor.Answers{}
	done := map[string]bool{}
	var out []tea.Msg
	for {
		var q *content.Question
		for _, x := range app.Asked(thePack, given) {
			if !done[x.ID] {
				q = x
				break
			}
		}
		if q == nil || q.ID == stopAt {
			return out
		}
		done[q.ID] = true
		v, ok := want[q.ID]
		switch {
		case !ok && q.Required:
			panic("no answer for required question " + q.ID)
		case !ok:
			out = append(out, press("tab"))
			continue
		}
		given[q.ID] = v
		switch x := v.(type) {
		case bool:
			out = append(out, keys(map[bool]string{true: "y", false: "n"}[x])...)
		case string:
			out = append(out, keys(strconv.Itoa(slices.Index(q.Options, x)+1))...)
		case float64:
			out = append(out, number(content.FormatNumber(x))...)
		}
	}
}
