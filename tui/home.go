package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/kvdo/kvdo/tui/common"
)

// homeEntry is one line of the home menu.
type homeEntry struct {
	title, desc string
	key         key.Binding
	to          state // stateQuit leaves
}

// homeScreen is the menu kvdo opens on.
type homeScreen struct {
	navigator
	com     *common.Common
	entries []homeEntry
	cursor  int
}

// newHome builds the menu; panel, when not empty, is the title of the
// host's panel (kvdo serve's facilitator view), listed before Quit.
func newHome(com *common.Common, panel string) homeScreen {
	k := com.Keys
	s := homeScreen{com: com, entries: []homeEntry{
		{"Advise", "a new review: answer questions, watch the leaning form", k.Home.Advise, stateInterview},
		{"Open review", "continue a saved review file", k.Home.Open, stateOpen},
		{"Demos", "lost updates, stale reads, stampedes on a simulated edge", k.Home.Demos, stateDemos},
		{"Learn", "the decision table, glossary, every fact and its source", k.Home.Learn, stateLearn},
		{"Quit", "", k.Global.Quit, stateQuit},
	}}
	if com.NoFiles {
		// Review files live on the machine kvdo runs on, not the user's.
		s.entries = append(s.entries[:1], s.entries[2:]...)
	}
	if panel != "" {
		n := len(s.entries)
		s.entries = append(s.entries[:n-1:n-1], homeEntry{panel, "who is here, where each is, lead a demo, ask the room", k.Home.Room, statePanel}, s.entries[n-1])
	}
	return s
}

// gotoMsg asks the root to open a screen from home.
type gotoMsg struct{ to state }

func (s homeScreen) update(msg tea.Msg) (homeScreen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	nav := s.com.Keys.Nav
	switch {
	case key.Matches(km, nav.Up):
		s.cursor = (s.cursor + len(s.entries) - 1) % len(s.entries)
	case key.Matches(km, nav.Down):
		s.cursor = (s.cursor + 1) % len(s.entries)
	case key.Matches(km, nav.Top):
		s.cursor = 0
	case key.Matches(km, nav.Bottom):
		s.cursor = len(s.entries) - 1
	case key.Matches(km, nav.Select):
		s.navigate(gotoMsg{s.entries[s.cursor].to})
	default:
		for i, e := range s.entries {
			if key.Matches(km, e.key) {
				s.cursor = i
				s.navigate(gotoMsg{e.to})
				return s, nil
			}
		}
	}
	return s, nil
}

func (s homeScreen) view(w, h int) string {
	st := s.com.Styles
	var b strings.Builder
	b.WriteString("\n")
	b.WriteString(st.Title.Render("kvdo") + "  " + st.Subtitle.Render("where should this edge state live?") + "\n")
	b.WriteString(st.Muted.Render(wrap("Workers KV, a Durable Object, or both: an interview that ends in a decision record, and demos that show why.", w-2)) + "\n\n")
	titleW := 0
	for _, e := range s.entries {
		titleW = max(titleW, len(e.title))
	}
	for i, e := range s.entries {
		marker, title, desc := "  ", st.Menu.Item.Render(e.title), st.Menu.Desc.Render(e.desc)
		if i == s.cursor {
			marker, title, desc = st.Accent.Render("› "), st.Menu.Selected.Render(e.title), st.Menu.SelectedDesc.Render(e.desc)
		}
		if w >= 70 && 2+5+titleW+2+lipgloss.Width(desc) > w {
			desc = ansi.Truncate(desc, max(w-titleW-9, 0), "…")
		}
		hot := st.Menu.Key.Render(e.key.Help().Key)
		line := marker + hot + "  " + title + strings.Repeat(" ", titleW-len(e.title))
		if e.desc != "" && w >= 70 {
			line += "  " + desc
		}
		b.WriteString(line + "\n")
		if e.desc != "" && w < 70 && i == s.cursor {
			b.WriteString(indent(st.Menu.SelectedDesc.Render(wrap(e.desc, w-10)), 6) + "\n")
		}
	}
	return indent(b.String(), 2)
}

func (s homeScreen) help() common.Help {
	k := s.com.Keys
	// The entries' own keys, so a menu without an entry has no key for it.
	var jump []key.Binding
	for _, e := range s.entries {
		if e.to != stateQuit {
			jump = append(jump, e.key)
		}
	}
	return common.Help{
		Short: append(append([]key.Binding{k.Nav.Select}, jump...), k.Global.Help, k.Global.Quit),
		Full: [][]key.Binding{
			{k.Nav.Up, k.Nav.Down, k.Nav.Top, k.Nav.Bottom, k.Nav.Select},
			jump,
			{k.Global.Help, k.Global.Back, k.Global.Quit, k.Global.ForceQuit},
		},
	}
}
