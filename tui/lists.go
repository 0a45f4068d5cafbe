package tui

import (
	"charm.land/bubbles/v2/list"
	"github.com/kvdo/kvdo/tui/common"
)

// listItem is a row of a bubbles list: a title, a description line and
// the text the filter searches.
type listItem struct {
	title, desc, filter string
	id                  string // what the row stands for (a demo id, a fact id...)
}

func (i listItem) Title() string       { return i.title }
func (i listItem) Description() string { return i.desc }
func (i listItem) FilterValue() string {
	if i.filter != "" {
		return i.filter
	}
	return i.title + " " + i.desc
}

// newList builds a bubbles list styled and keyed from com: no title, help
// or quit keys of its own (the root's footer and keys cover them).
func newList(com *common.Common, items []list.Item, w, h int) list.Model {
	d := list.NewDefaultDelegate()
	d.Styles = com.Styles.ListItem
	l := list.New(items, d, w, h)
	l.KeyMap = com.Keys.List
	l.DisableQuitKeybindings()
	l.SetShowHelp(false)
	l.SetShowTitle(false)
	l.Styles = com.Styles.List
	l.FilterInput.SetStyles(com.Styles.Input)
	l.SetStatusBarItemName("entry", "entries")
	return l
}

// restyleList applies com's current styles to l (after a theme change).
func restyleList(com *common.Common, l *list.Model) {
	d := list.NewDefaultDelegate()
	d.Styles = com.Styles.ListItem
	l.SetDelegate(d)
	l.Styles = com.Styles.List
	l.FilterInput.SetStyles(com.Styles.Input)
}
