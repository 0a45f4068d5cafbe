package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/tui/common"
)

// factDemos names, for each fact a demo makes visible, the demo that
// shows it: enter on the fact opens it. A fact no demo shows has no entry.
// TestEveryFactLinkNamesAFactAndADemo keeps both ends real.
var factDemos = map[string]string{
	"kv-propagation-s":         "propagation",
	"kv-read-own-write":        "propagation",
	"kv-negative-cache":        "propagation",
	"kv-cachettl-default-s":    "propagation",
	"kv-cachettl-min-s":        "propagation",
	"kv-cold-read-ms":          "propagation",
	"kv-last-write-wins":       "race",
	"do-input-gate":            "race",
	"kv-writes-per-s-per-key":  "coalescing",
	"kv-write-limit-status":    "coalescing",
	"kv-hot-read-ms":           "do-latency",
	"do-single-instance":       "do-latency",
	"do-placement":             "do-latency",
	"do-far-caller-rtt-ms":     "do-latency",
	"do-far-caller-rtt-max-ms": "do-latency",
	"cache-api-per-location":   "cache-purge",
	"miniflare-local-kv":       "local-vs-prod",
}

// learnTab is a section of the Learn screen.
type learnTab int

const (
	tabTable learnTab = iota
	tabGlossary
	tabFacts
)

var learnTabs = []string{"Decision table", "Glossary", "Facts"}

// learnScreen explains: the decision table (the rules in the order they
// apply), the glossary, and every fact with its source and date, the
// last two filterable; a fact a demo shows opens that demo.
type learnScreen struct {
	navigator
	com      *common.Common
	tab      learnTab
	vp       pager
	glossary list.Model
	facts    list.Model
	w, h     int
	tableW   int // the width the decision table was drawn for; 0: not yet
	// tables keeps the decision table drawn at recent widths: dragging a
	// window's edge back and forth redraws the same few.
	tables map[int]string
}

func newLearn(com *common.Common, w, h int) learnScreen {
	pack := com.App.Pack
	var terms []list.Item
	for _, t := range pack.Glossary {
		terms = append(terms, listItem{title: t.Term, desc: t.Definition, id: t.Term})
	}
	titles := map[string]string{}
	for _, d := range demos.All() {
		titles[d.ID] = d.Title
	}
	var facts []list.Item
	for _, f := range pack.Facts {
		desc := "as of " + f.AsOf + " · " + f.Source
		if d, ok := factDemos[f.ID]; ok {
			desc = "▶ " + d + " · " + desc
		}
		facts = append(facts, listItem{title: f.Text, desc: desc, id: f.ID, filter: f.ID + " " + f.Text + " " + f.Source})
	}
	s := learnScreen{com: com, vp: newPager(com)}
	s.glossary = newList(com, terms, w, h)
	s.facts = newList(com, facts, w, h)
	s.glossary.SetStatusBarItemName("term", "terms")
	s.facts.SetStatusBarItemName("fact", "facts")
	return s.setSize(w, h)
}

// detailHeight is the lines under a list that show its entry in full.
const detailHeight = 6

func (s learnScreen) setSize(w, h int) learnScreen {
	s.w, s.h = w, h
	s.vp.SetWidth(w)
	s.vp.SetHeight(max(h-2, 1))
	lh := max(h-2-detailHeight, 1)
	s.glossary.SetSize(w, lh)
	s.facts.SetSize(w, lh)
	return s
}

// build draws the decision table for the current width, once: its
// wrapped table takes milliseconds, too long to pay at every start.
func (s learnScreen) build() learnScreen {
	if s.tableW == s.w {
		return s
	}
	t, ok := s.tables[s.w]
	if !ok {
		t = s.decisionTable(s.w)
		if s.tables == nil || len(s.tables) >= 16 {
			s.tables = map[int]string{}
		}
		s.tables[s.w] = t
	}
	s.vp.SetContent(t)
	s.tableW = s.w
	return s
}

func (s learnScreen) restyle() learnScreen {
	restyleList(s.com, &s.glossary)
	restyleList(s.com, &s.facts)
	s.tableW, s.tables = 0, nil
	return s.setSize(s.w, s.h)
}

func (s learnScreen) typing() bool {
	return s.tab == tabGlossary && s.glossary.SettingFilter() || s.tab == tabFacts && s.facts.SettingFilter()
}

// filtered reports whether the list on view has a filter applied, so esc
// clears it rather than leaving.
func (s learnScreen) filtered() bool {
	switch s.tab {
	case tabGlossary:
		return s.glossary.FilterState() != list.Unfiltered
	case tabFacts:
		return s.facts.FilterState() != list.Unfiltered
	}
	return false
}

func (s learnScreen) update(msg tea.Msg) (learnScreen, tea.Cmd) {
	k := s.com.Keys
	if km, ok := msg.(tea.KeyPressMsg); ok && !s.typing() {
		switch {
		case key.Matches(km, k.Global.Back) && !s.filtered():
			s.navigate(common.BackMsg{})
			return s, nil
		case key.Matches(km, k.Nav.NextTab):
			s.tab = (s.tab + 1) % learnTab(len(learnTabs))
			return s, nil
		case key.Matches(km, k.Nav.PrevTab):
			s.tab = (s.tab + learnTab(len(learnTabs)) - 1) % learnTab(len(learnTabs))
			return s, nil
		case s.tab == tabFacts && key.Matches(km, k.Learn.OpenDemo):
			if it, ok := s.facts.SelectedItem().(listItem); ok {
				if d, ok := factDemos[it.id]; ok {
					s.navigate(common.OpenDemoMsg{ID: d, Seed: 1})
					return s, nil
				}
			}
			return s, nil
		case s.tab == tabTable && key.Matches(km, k.Nav.Top):
			s.vp.GotoTop()
			return s, nil
		case s.tab == tabTable && key.Matches(km, k.Nav.Bottom):
			s.vp.GotoBottom()
			return s, nil
		}
	}
	var cmd tea.Cmd
	switch s.tab {
	case tabTable:
		s.vp, cmd = s.vp.Update(msg)
	case tabGlossary:
		s.glossary, cmd = updateList(s.glossary, msg)
	case tabFacts:
		s.facts, cmd = updateList(s.facts, msg)
	}
	return s, cmd
}

func (s learnScreen) view(w, h int) string {
	st := s.com.Styles
	var tabs []string
	for i, t := range learnTabs {
		if learnTab(i) == s.tab {
			tabs = append(tabs, st.Tabs.Active.Render(t))
		} else {
			tabs = append(tabs, st.Tabs.Inactive.Render(t))
		}
	}
	head := fit(strings.Join(tabs, st.Tabs.Sep.Render(" │ ")), w, 1) + "\n" + st.Subtle.Render(strings.Repeat("─", max(w, 1))) + "\n"
	switch s.tab {
	case tabGlossary:
		return head + fit(listView(s.glossary), w, max(h-2-detailHeight, 1)) + "\n" + s.termDetail(w)
	case tabFacts:
		return head + fit(listView(s.facts), w, max(h-2-detailHeight, 1)) + "\n" + s.factDetail(w)
	}
	return head + s.vp.View()
}

func (s learnScreen) termDetail(w int) string {
	st := s.com.Styles
	it, ok := s.glossary.SelectedItem().(listItem)
	if !ok {
		return ""
	}
	var t *content.Term
	for i := range s.com.App.Pack.Glossary {
		if s.com.App.Pack.Glossary[i].Term == it.id {
			t = &s.com.App.Pack.Glossary[i]
		}
	}
	if t == nil {
		return ""
	}
	out := st.Subtle.Render(strings.Repeat("─", max(w, 1))) + "\n" + st.Bold.Render(t.Term) + "\n" + st.Text.Render(wrap(t.Definition, w))
	if len(t.See) > 0 {
		out += "\n" + st.Muted.Render("see also: "+strings.Join(t.See, ", "))
	}
	return fit(out, w, detailHeight)
}

func (s learnScreen) factDetail(w int) string {
	st := s.com.Styles
	it, ok := s.facts.SelectedItem().(listItem)
	if !ok {
		return ""
	}
	f := s.com.App.Pack.Fact(it.id)
	if f == nil {
		return ""
	}
	head := st.Bold.Render(f.ID)
	if f.Value != nil {
		head += st.Secondary.Render("  " + content.FormatNumber(*f.Value) + " " + f.Unit)
	}
	if f.ThirdParty {
		head += st.Warning.Render("  (measured by others, not Cloudflare's figure)")
	}
	src := "source: " + f.Source + " · as of " + f.AsOf
	out := st.Subtle.Render(strings.Repeat("─", max(w, 1))) + "\n" + head + "\n" + st.Text.Render(wrap(f.Text, w)) + "\n" + st.Muted.Render(wrap(src, w))
	if d, ok := factDemos[f.ID]; ok {
		out += "\n" + st.Accent.Render("enter: watch it in the "+d+" demo")
	}
	return fit(out, w, detailHeight)
}

// decisionTable draws the rules in the order they apply: the three ordered
// questions first, then every rule with its condition and effects.
func (s learnScreen) decisionTable(w int) string {
	st := s.com.Styles
	pack := s.com.App.Pack
	var b strings.Builder
	b.WriteString(st.Muted.Render(wrap("Every rule whose condition holds for an item's answers applies its effects. Options a rule rules out cannot win; the rest rank by preference, then score. The first three rules are the ordered questions: consistency first, then writers, then read-mostly data that may be a minute old.", w-1)) + "\n\n")
	var ordered [][]string
	for _, r := range pack.Rules {
		if strings.HasPrefix(r.Title, "Question ") {
			ordered = append(ordered, []string{r.Title, r.When.String(), effects(r)})
		}
	}
	if len(ordered) > 0 {
		b.WriteString(st.Panel.Title.Render("The three ordered questions") + "\n")
		for i, row := range ordered {
			b.WriteString(st.Bold.Render(fmt.Sprintf("%d. %s", i+1, strings.TrimPrefix(strings.TrimPrefix(row[0], fmt.Sprintf("Question %d: ", i+1)), "Question "))) + "\n")
			b.WriteString(st.Secondary.Render(hang("   when ", row[1], w-1)) + "\n")
			b.WriteString(st.Text.Render(hang("   leads to: ", row[2], w-1)) + "\n")
			if i < len(ordered)-1 {
				b.WriteString(st.Muted.Render("   otherwise, go on to the next question") + "\n")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString(st.Panel.Title.Render("Every rule, in the order it applies") + "\n")
	var rows [][]string
	for _, r := range pack.Rules {
		rows = append(rows, []string{r.Title, r.When.String(), effects(r)})
	}
	t := table.New().Headers("rule", "when", "effect").Rows(rows...).
		Border(lipgloss.NormalBorder()).BorderStyle(st.Table.Border).BorderRow(true).
		Width(max(w-1, 20)).Wrap(true).
		StyleFunc(func(row, _ int) lipgloss.Style {
			if row == table.HeaderRow {
				return st.Table.Header.Padding(0, 1)
			}
			return st.Table.Cell.Padding(0, 1)
		})
	b.WriteString(t.String() + "\n")
	if len(pack.Warnings) > 0 {
		b.WriteString("\n" + st.Panel.Title.Render("Warnings about contradictory answers") + "\n")
		for _, wr := range pack.Warnings {
			b.WriteString(st.Warning.Render(hang("! when ", wr.When.String(), w-1)) + "\n" + st.Text.Render(hang("  ", wr.Text, w-1)) + "\n")
		}
	}
	return b.String()
}

// effects summarises a rule's effects: "prefers durable-object (+5);
// rules out kv, cache-api; do-plus-kv -5".
func effects(r content.Rule) string {
	var out, parts []string
	for _, e := range r.Effects {
		if e.RuleOut {
			out = append(out, e.Option)
		}
	}
	if len(out) > 0 {
		parts = append(parts, "rules out "+strings.Join(out, ", "))
	}
	for _, e := range r.Effects {
		switch {
		case e.RuleOut:
		case e.Prefer:
			parts = append(parts, fmt.Sprintf("prefers %s (%+d)", e.Option, e.Score))
		default:
			parts = append(parts, fmt.Sprintf("%s %+d", e.Option, e.Score))
		}
	}
	return strings.Join(parts, "; ")
}

func (s learnScreen) help() common.Help {
	k := s.com.Keys
	if s.typing() {
		return common.Help{Short: []key.Binding{k.List.AcceptWhileFiltering, k.List.CancelWhileFiltering}}
	}
	tabs := []key.Binding{k.Nav.NextTab, k.Nav.PrevTab}
	switch s.tab {
	case tabTable:
		return common.Help{
			Short: append(tabs, k.Nav.Down, k.Nav.Up, k.Nav.PageDown, k.Global.Back, k.Global.Help),
			Full:  [][]key.Binding{tabs, {k.Nav.Down, k.Nav.Up, k.Nav.PageDown, k.Nav.PageUp, k.Nav.Top, k.Nav.Bottom}, {k.Global.Back, k.Global.Help, k.Global.Quit}},
		}
	case tabFacts:
		return common.Help{
			Short: append(tabs, k.Learn.OpenDemo, k.Nav.Filter, k.Nav.Down, k.Global.Back, k.Global.Help),
			Full:  [][]key.Binding{tabs, {k.Nav.Down, k.Nav.Up, k.List.NextPage, k.List.PrevPage, k.Learn.OpenDemo}, {k.Nav.Filter, k.List.ClearFilter, k.Global.Back, k.Global.Help, k.Global.Quit}},
		}
	}
	return common.Help{
		Short: append(tabs, k.Nav.Filter, k.Nav.Down, k.Nav.Up, k.Global.Back, k.Global.Help),
		Full:  [][]key.Binding{tabs, {k.Nav.Down, k.Nav.Up, k.List.NextPage, k.List.PrevPage}, {k.Nav.Filter, k.List.ClearFilter, k.Global.Back, k.Global.Help, k.Global.Quit}},
	}
}
