package common

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/viewport"
)

// KeyMap is every key kvdo answers to, in nested groups by screen. Screens
// match keys only through it, and the help line and `?` help are built from
// the same bindings, so what the help shows is what the keys do.
type KeyMap struct {
	Global    GlobalKeys
	Nav       NavKeys
	Home      HomeKeys
	Interview InterviewKeys
	Items     ItemKeys
	Recommend RecommendKeys
	Export    ExportKeys
	Learn     LearnKeys
	// List drives every bubbles list (demo list, glossary, facts, recent
	// files). Its quit and help keys are unbound: the root owns those.
	List list.KeyMap
	// Viewport scrolls text (the record, a demo's timeline, the decision
	// table); left and right stay free for tabs.
	Viewport viewport.KeyMap
}

// GlobalKeys work on every screen.
type GlobalKeys struct {
	Quit      key.Binding // leave kvdo from a screen that is not typing
	ForceQuit key.Binding // ctrl+c: leave from anywhere (a review is saved first)
	Help      key.Binding // toggle the full help
	Back      key.Binding // one level up; on home, quit
}

// NavKeys move through lists, menus and scrolled text.
type NavKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Select                                  key.Binding
	NextTab, PrevTab                        key.Binding
	Filter                                  key.Binding
}

// HomeKeys jump straight to a home menu entry.
type HomeKeys struct {
	Advise, Open, Demos, Learn key.Binding
}

// InterviewKeys drive the question flow. They avoid plain letters because a
// number or a name is being typed most of the time.
type InterviewKeys struct {
	Answer    key.Binding // commit the answer and go on
	Skip      key.Binding // leave an optional question unanswered / go forward
	Prev      key.Binding // the previous question
	Yes, No   key.Binding // quick answers to a yes/no question
	Items     key.Binding // the items of the review: add, rename, remove, reorder
	Note      key.Binding // the free-text note of the current item
	Recommend key.Binding // the recommendation for every item so far
	Leaning   key.Binding // show or hide the current-leaning panel on narrow screens
}

// ItemKeys act on the review's list of items.
type ItemKeys struct {
	Add, Rename, Remove, MoveUp, MoveDown, Details key.Binding
	Confirm, Cancel                                key.Binding
}

// RecommendKeys act on the recommendation screen.
type RecommendKeys struct {
	NextItem, PrevItem key.Binding
	Record             key.Binding // switch between the item view and the full record
	Edit               key.Binding // change an answer and see what moves
	Export             key.Binding
	Interview          key.Binding // back to the interview
	// The Evidence tab: the item's workload replayed on the simulator.
	Evidence key.Binding // open or leave the tab
	Replay   key.Binding // replay the item again
	Chart    key.Binding // chart the next option's latency
}

// ExportKeys act in the export dialog.
type ExportKeys struct {
	NextField, PrevField key.Binding
	Format               key.Binding // cycle md, json, html, adr
	Write                key.Binding
	Overwrite, Keep      key.Binding // the overwrite confirmation
	Close                key.Binding
}

// LearnKeys act on the Learn screen.
type LearnKeys struct {
	OpenDemo key.Binding
}

// DefaultKeyMap is kvdo's key map.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, h, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(h, desc))
	}
	k := func(keys ...string) []string { return keys }
	km := &KeyMap{
		Global: GlobalKeys{
			Quit:      b(k("q"), "q", "quit"),
			ForceQuit: b(k("ctrl+c"), "ctrl+c", "quit"),
			Help:      b(k("?", "ctrl+g"), "?", "help"),
			Back:      b(k("esc"), "esc", "back"),
		},
		Nav: NavKeys{
			Up:       b(k("up", "k"), "↑/k", "up"),
			Down:     b(k("down", "j"), "↓/j", "down"),
			PageUp:   b(k("pgup", "b"), "pgup/b", "page up"),
			PageDown: b(k("pgdown", "f", "space"), "pgdn/f", "page down"),
			Top:      b(k("home", "g"), "g", "top"),
			Bottom:   b(k("end", "G"), "G", "bottom"),
			Select:   b(k("enter"), "enter", "open"),
			NextTab:  b(k("tab", "right", "l"), "tab/→", "next tab"),
			PrevTab:  b(k("shift+tab", "left", "h"), "shift+tab/←", "previous tab"),
			Filter:   b(k("/"), "/", "filter"),
		},
		Home: HomeKeys{
			Advise: b(k("a"), "a", "advise"),
			Open:   b(k("o"), "o", "open review"),
			Demos:  b(k("d"), "d", "demos"),
			Learn:  b(k("l"), "l", "learn"),
		},
		Interview: InterviewKeys{
			Answer:    b(k("enter"), "enter", "answer"),
			Skip:      b(k("tab"), "tab", "skip / next"),
			Prev:      b(k("shift+tab"), "shift+tab", "previous"),
			Yes:       b(k("y"), "y/n", "yes/no"),
			No:        b(k("n"), "n", "no"),
			Items:     b(k("ctrl+o"), "ctrl+o", "items"),
			Note:      b(k("ctrl+t"), "ctrl+t", "note"),
			Recommend: b(k("ctrl+r"), "ctrl+r", "recommendation"),
			Leaning:   b(k("ctrl+l"), "ctrl+l", "leaning panel"),
		},
		Items: ItemKeys{
			Add:      b(k("a"), "a", "add item"),
			Rename:   b(k("r"), "r", "rename"),
			Remove:   b(k("x", "delete"), "x", "remove"),
			MoveUp:   b(k("K", "shift+up"), "K", "move up"),
			MoveDown: b(k("J", "shift+down"), "J", "move down"),
			Details:  b(k("t"), "t", "title & people"),
			Confirm:  b(k("y"), "y", "confirm"),
			Cancel:   b(k("n", "esc"), "n", "cancel"),
		},
		Recommend: RecommendKeys{
			NextItem:  b(k("tab", "right", "l"), "tab/→", "next item"),
			PrevItem:  b(k("shift+tab", "left", "h"), "shift+tab/←", "previous item"),
			Record:    b(k("m"), "m", "full record"),
			Edit:      b(k("e"), "e", "edit an answer"),
			Export:    b(k("x"), "x", "export"),
			Interview: b(k("i"), "i", "interview"),
			Evidence:  b(k("v"), "v", "evidence"),
			Replay:    b(k("r"), "r", "replay"),
			Chart:     b(k("o"), "o", "next option"),
		},
		Export: ExportKeys{
			NextField: b(k("tab", "down"), "tab", "next field"),
			PrevField: b(k("shift+tab", "up"), "shift+tab", "previous field"),
			Format:    b(k("left", "right"), "←/→", "format"),
			Write:     b(k("enter"), "enter", "write"),
			Overwrite: b(k("y"), "y", "overwrite"),
			Keep:      b(k("n"), "n", "keep the file"),
			Close:     b(k("esc"), "esc", "close"),
		},
		Learn: LearnKeys{
			OpenDemo: b(k("enter"), "enter", "open its demo"),
		},
	}
	km.List = list.KeyMap{
		CursorUp:             km.Nav.Up,
		CursorDown:           km.Nav.Down,
		PrevPage:             b(k("pgup", "b"), "pgup/b", "previous page"),
		NextPage:             b(k("pgdown", "f"), "pgdn/f", "next page"),
		GoToStart:            km.Nav.Top,
		GoToEnd:              km.Nav.Bottom,
		Filter:               km.Nav.Filter,
		ClearFilter:          b(k("esc"), "esc", "clear filter"),
		CancelWhileFiltering: b(k("esc"), "esc", "cancel filter"),
		AcceptWhileFiltering: b(k("enter", "tab", "up", "down"), "enter", "apply filter"),
		// No keys: a binding without keys never matches, whatever the
		// list enables.
		ShowFullHelp:  key.NewBinding(),
		CloseFullHelp: key.NewBinding(),
		Quit:          key.NewBinding(),
		ForceQuit:     key.NewBinding(),
	}
	km.Viewport = viewport.KeyMap{
		PageDown:     km.Nav.PageDown,
		PageUp:       km.Nav.PageUp,
		HalfPageUp:   b(k("u", "ctrl+u"), "u", "half page up"),
		HalfPageDown: b(k("d", "ctrl+d"), "d", "half page down"),
		Up:           km.Nav.Up,
		Down:         km.Nav.Down,
		Left:         key.NewBinding(),
		Right:        key.NewBinding(),
	}
	return km
}

// Help is a help.KeyMap assembled by a screen for its current state: the
// bindings it shows in the footer and the groups of its full help.
type Help struct {
	Short []key.Binding
	Full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (h Help) ShortHelp() []key.Binding { return h.Short }

// FullHelp implements help.KeyMap.
func (h Help) FullHelp() [][]key.Binding {
	if len(h.Full) == 0 {
		return [][]key.Binding{h.Short}
	}
	return h.Full
}
