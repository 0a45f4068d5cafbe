package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/internal/termsafe"
	"github.com/kvdo/kvdo/tui/common"
)

// openScreen opens a saved review: one of the recent files, or any path.
type openScreen struct {
	navigator
	com     *common.Common
	recent  list.Model
	input   textinput.Model
	focus   int // 0 the recent files, 1 the path
	err     string
	loading bool
	w, h    int
}

type (
	// recentMsg lists the remembered review files.
	recentMsg struct{ files []string }
	// reviewLoadedMsg carries a review read from disk, or why not.
	reviewLoadedMsg struct {
		path   string
		review advisor.Review
		err    error
	}
)

func newOpen(com *common.Common, w, h int) openScreen {
	s := openScreen{com: com}
	s.recent = newList(com, nil, w, h)
	s.recent.SetStatusBarItemName("recent review", "recent reviews")
	s.recent.SetFilteringEnabled(false)
	s.input = textinput.New()
	s.input.Prompt = "Path: "
	s.input.Placeholder = "kvdo-review.yaml"
	s.input.CharLimit = 400
	s.input.SetStyles(com.Styles.Input)
	return s.setSize(w, h)
}

// loadRecent reads the recent list in a command.
func loadRecent(r app.Recent) tea.Cmd {
	return func() tea.Msg { return recentMsg{files: r.List()} }
}

// readReview reads a review in a command.
func readReview(a *app.App, path string) tea.Cmd {
	return func() tea.Msg {
		r, err := app.ReadReview(path, a.Pack)
		return reviewLoadedMsg{path: path, review: r, err: err}
	}
}

func (s openScreen) setSize(w, h int) openScreen {
	s.w, s.h = w, h
	s.recent.SetSize(w, max(h-7, 1))
	s.input.SetWidth(max(w-10, 4))
	return s
}

func (s openScreen) restyle() openScreen {
	restyleList(s.com, &s.recent)
	s.input.SetStyles(s.com.Styles.Input)
	return s
}

// reset shows the screen afresh, the path field focused when there is no
// recent file to pick.
func (s openScreen) reset() (openScreen, tea.Cmd) {
	s.err, s.loading = "", false
	if len(s.recent.Items()) == 0 {
		s.focus = 1
		return s, s.input.Focus()
	}
	s.focus = 0
	s.input.Blur()
	return s, nil
}

func (s openScreen) typing() bool { return s.focus == 1 }

func (s openScreen) update(msg tea.Msg) (openScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case recentMsg:
		var items []list.Item
		for _, f := range msg.files {
			// A path from the recent list is shown, never acted on.
			items = append(items, listItem{title: termsafe.String(f), id: f})
		}
		cmd := s.recent.SetItems(items)
		s, focus := s.reset()
		return s, tea.Batch(cmd, focus)
	case reviewLoadedMsg:
		s.loading = false
		if msg.err != nil {
			s.err = termsafe.String(msg.err.Error())
		}
		return s, nil
	case tea.KeyPressMsg:
		k := s.com.Keys
		switch {
		case key.Matches(msg, k.Global.Back):
			s.input.Blur()
			s.navigate(common.BackMsg{})
			return s, nil
		case key.Matches(msg, k.Interview.Skip), key.Matches(msg, k.Interview.Prev):
			if len(s.recent.Items()) == 0 {
				return s, nil
			}
			s.focus = 1 - s.focus
			if s.focus == 1 {
				return s, s.input.Focus()
			}
			s.input.Blur()
			return s, nil
		case key.Matches(msg, k.Nav.Select):
			path := strings.TrimSpace(s.input.Value())
			if s.focus == 0 {
				it, ok := s.recent.SelectedItem().(listItem)
				if !ok {
					return s, nil
				}
				path = it.id
			}
			if path == "" {
				s.err = "no path: expected the review file to open, such as kvdo-review.yaml"
				return s, nil
			}
			s.err, s.loading = "", true
			return s, readReview(s.com.App, path)
		}
		s.err = ""
	}
	var cmd tea.Cmd
	if s.focus == 0 {
		s.recent, cmd = updateList(s.recent, msg)
	} else {
		s.input, cmd = s.input.Update(msg)
	}
	return s, cmd
}

func (s openScreen) view(w, h int) string {
	st := s.com.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Open a review") + "\n")
	b.WriteString(st.Muted.Render(wrap("A review file (answers file, version 1): continue its interview, or see its recommendation when it is complete.", w)) + "\n\n")
	if len(s.recent.Items()) > 0 {
		b.WriteString(fit(viewList(s.recent), w, max(h-7, 1)) + "\n")
	} else {
		b.WriteString(st.Muted.Render("No recent reviews yet.") + "\n\n")
	}
	marker := "  "
	if s.focus == 1 {
		marker = st.Accent.Render("› ")
	}
	b.WriteString(marker + s.input.View() + "\n")
	switch {
	case s.loading:
		b.WriteString(st.Muted.Render("reading…"))
	case s.err != "":
		b.WriteString(st.Error.Render(wrap(s.err, w)))
	}
	return b.String()
}

func (s openScreen) help() common.Help {
	k := s.com.Keys
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	sw := key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "recent/path"))
	return common.Help{
		Short: []key.Binding{open, sw, k.Nav.Up, k.Nav.Down, k.Global.Back, k.Global.Help},
		Full:  [][]key.Binding{{open, sw, k.Nav.Up, k.Nav.Down}, {k.Global.Back, k.Global.Help, k.Global.ForceQuit}},
	}
}
