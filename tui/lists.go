package tui

import (
	"strings"

	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
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

// pager is a bubbles viewport (its keys, wheel and scroll position) that
// draws its visible lines itself: the content is cut to the width once,
// when it is set, so a frame only joins the lines on view. The viewport's
// own View restyles every line of every frame, which costs a millisecond
// at 120x40.
type pager struct {
	viewport.Model
	raw   []string // the content as set
	lines []string // the same, cut to width lw
	lw    int
}

// newPager builds a pager keyed from com, wheel on.
func newPager(com *common.Common) pager {
	vp := viewport.New()
	vp.KeyMap = com.Keys.Viewport
	vp.MouseWheelEnabled = true
	return pager{Model: vp, lw: -1}
}

// SetContent replaces the text.
func (p *pager) SetContent(s string) {
	p.raw = strings.Split(s, "\n")
	p.lw = -1
	p.Model.SetContentLines(p.raw)
	p.cut()
}

// SetWidth sets the width, cutting the lines again if it changed.
func (p *pager) SetWidth(w int) {
	p.Model.SetWidth(w)
	p.cut()
}

func (p *pager) cut() {
	w := p.Model.Width()
	if w == p.lw {
		return
	}
	p.lines = make([]string, len(p.raw))
	for i, l := range p.raw {
		if len(l) > w && ansi.StringWidth(l) > w {
			l = ansi.Truncate(l, max(w, 0), "")
		}
		p.lines[i] = l
	}
	p.lw = w
}

// Update scrolls.
func (p pager) Update(msg tea.Msg) (pager, tea.Cmd) {
	var cmd tea.Cmd
	p.Model, cmd = p.Model.Update(msg)
	return p, cmd
}

// View is the lines on view, exactly Height of them.
func (p pager) View() string {
	h := max(p.Height(), 0)
	off := min(max(p.YOffset(), 0), len(p.lines))
	end := min(off+h, len(p.lines))
	out := strings.Join(p.lines[off:end], "\n")
	if n := end - off; n < h {
		out += strings.Repeat("\n", h-n)
	}
	return out
}

// updateList hands msg to l. While a filter is typed, the list returns a
// command that reads the filter's text in another goroutine from the very
// rune slice the next key edits in place (bubbles v2.2.1, list.filterItems):
// a data race. Giving the text input a fresh slice after every update leaves
// the command the old one, which nothing writes any more.
func updateList(l list.Model, msg tea.Msg) (list.Model, tea.Cmd) {
	l, cmd := l.Update(msg)
	if l.FilterState() != list.Unfiltered {
		l.FilterInput.SetValue(l.FilterInput.Value())
	}
	return l, cmd
}

// listView draws a list whose paginator may point past its items: after
// a filter narrows the list, bubbles v2.2.1 can keep a page beyond the
// last one, and its View then slices out of range. The page is clamped
// on this copy only; the model keeps its own.
func listView(l list.Model) string {
	if n, per := len(l.VisibleItems()), l.Paginator.PerPage; n > 0 && per > 0 && l.Paginator.Page*per >= n {
		l.Paginator.Page = (n - 1) / per
	}
	return l.View()
}
