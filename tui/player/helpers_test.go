package player

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/tui/common"
)

// testPack is the embedded content pack, loaded once per test binary.
var testPack = func() *content.Pack {
	p, err := content.LoadDefault()
	if err != nil {
		panic(err)
	}
	return p
}()

// testConfig opens demo id on the embedded pack, running it the way the
// TUI does (its topology, its captions).
func testConfig(tb testing.TB, id string, spec RunSpec) Config {
	tb.Helper()
	d, err := demos.Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	topo := demos.EdgeTopology(testPack.Topology)
	run := func(sp RunSpec) (*demos.Result, error) {
		return d.Run(demos.RunConfig{Variant: sp.Variant, Seed: sp.Seed, Set: sp.Set, Topology: topo})
	}
	return Config{Demo: d, Spec: spec, Run: run, Glossary: testPack.Glossary}
}

// newTestPlayer opens the player on a finished run of demo id at w x h.
func newTestPlayer(tb testing.TB, id, variant string, w, h int, dark bool) Player {
	tb.Helper()
	return newSeededPlayer(tb, id, RunSpec{Variant: variant, Seed: 1}, w, h, dark)
}

// newSeededPlayer opens the player on a finished run of spec.
func newSeededPlayer(tb testing.TB, id string, spec RunSpec, w, h int, dark bool) Player {
	tb.Helper()
	cfg := testConfig(tb, id, spec)
	res, err := cfg.Run(cfg.Spec)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Result = res
	p := New(cfg, common.DefaultStyles(dark, false))
	p.SetSize(w, h)
	return p
}

// press sends keys by name ("right", "space", "shift+right", "e") and runs
// any run the player starts, so the next key sees its result. Ticks are
// not run: tests move the clock themselves.
func press(tb testing.TB, p Player, names ...string) Player {
	tb.Helper()
	for _, n := range names {
		var cmd tea.Cmd
		p, cmd = p.Update(keyMsg(n))
		p = settle(tb, p, cmd)
	}
	return p
}

// settle runs the run a command started (runDoneMsg) and feeds it back;
// other commands (ticks, cursor blinks) are dropped.
func settle(tb testing.TB, p Player, cmd tea.Cmd) Player {
	tb.Helper()
	if cmd == nil || !p.running {
		return p
	}
	if done, ok := cmd().(runDoneMsg); ok {
		p, _ = p.Update(done)
		return p
	}
	tb.Fatal("a run was started but its command did not answer with it")
	return p
}

// keyMsg builds the key press a terminal sends for a key name.
func keyMsg(name string) tea.KeyPressMsg {
	switch name {
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "shift+right":
		return tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift}
	case "shift+left":
		return tea.KeyPressMsg{Code: tea.KeyLeft, Mod: tea.ModShift}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}
