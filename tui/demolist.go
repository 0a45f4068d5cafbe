package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/tui/common"
)

// demoListScreen lists every demo with what it teaches; enter opens one.
type demoListScreen struct {
	navigator
	com  *common.Common
	list list.Model
}

func newDemoList(com *common.Common, w, h int) demoListScreen {
	var items []list.Item
	for _, d := range demos.All() {
		items = append(items, listItem{title: d.Title, desc: d.Teaches, id: d.ID, filter: d.ID + " " + d.Title + " " + d.Teaches})
	}
	return demoListScreen{com: com, list: newList(com, items, w, h)}
}

func (s demoListScreen) setSize(w, h int) demoListScreen {
	s.list.SetSize(w, h)
	return s
}

func (s demoListScreen) restyle() demoListScreen {
	restyleList(s.com, &s.list)
	return s
}

// typing reports whether the filter is being typed (q and ? are letters).
func (s demoListScreen) typing() bool { return s.list.SettingFilter() }

func (s demoListScreen) update(msg tea.Msg) (demoListScreen, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && !s.list.SettingFilter() {
		switch {
		case key.Matches(km, s.com.Keys.Nav.Select):
			if it, ok := s.list.SelectedItem().(listItem); ok {
				s.navigate(common.OpenDemoMsg{ID: it.id, Seed: 1})
				return s, nil
			}
			return s, nil
		case key.Matches(km, s.com.Keys.Global.Back) && s.list.FilterState() == list.Unfiltered:
			s.navigate(common.BackMsg{})
			return s, nil
		}
	}
	var cmd tea.Cmd
	s.list, cmd = updateList(s.list, msg)
	return s, cmd
}

// navigator holds a screen's request to go elsewhere (a BackMsg, an
// OpenDemoMsg...). The root acts on it within the same Update, so keys
// typed ahead already reach the next screen, as they would in a shell.
type navigator struct{ next tea.Msg }

// navigate asks the root to act on msg after this update.
func (n *navigator) navigate(msg tea.Msg) { n.next = msg }

// take returns the request, if any, and forgets it.
func (n *navigator) take() tea.Msg {
	msg := n.next
	n.next = nil
	return msg
}

func (s demoListScreen) view(w, h int) string {
	return listView(s.list)
}

func (s demoListScreen) help() common.Help {
	k := s.com.Keys
	if s.list.SettingFilter() {
		return common.Help{Short: []key.Binding{k.List.AcceptWhileFiltering, k.List.CancelWhileFiltering}}
	}
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "play demo"))
	return common.Help{
		Short: []key.Binding{open, k.Nav.Up, k.Nav.Down, k.Nav.Filter, k.Global.Back, k.Global.Help},
		Full: [][]key.Binding{
			{open, k.Nav.Up, k.Nav.Down, k.List.NextPage, k.List.PrevPage},
			{k.Nav.Filter, k.List.ClearFilter, k.Global.Back, k.Global.Help, k.Global.Quit},
		},
	}
}
