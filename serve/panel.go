package serve

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/tui"
	"github.com/kvdo/kvdo/tui/common"
	"github.com/kvdo/kvdo/tui/player"
)

// refreshEvery is how often the facilitator's view redraws the room while
// on view: the distribution of a poll moves live, at a pace that costs
// nothing.
const refreshEvery = 500 * time.Millisecond

// panelKeys are the facilitator's keys on the room view.
type panelKeys struct {
	NextTab, PrevTab    key.Binding
	Up, Down            key.Binding
	Kick, Yes, No       key.Binding
	Lead, StopLead      key.Binding
	Ask, About, Close   key.Binding
	ShowWhy, NewPoll    key.Binding
	Back, Help          key.Binding
	aboutDone, aboutEsc key.Binding
}

func newPanelKeys(com *common.Common) panelKeys {
	b := func(keys []string, h, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(h, desc))
	}
	k := func(keys ...string) []string { return keys }
	return panelKeys{
		NextTab:   b(k("tab"), "tab", "next section"),
		PrevTab:   b(k("shift+tab"), "shift+tab", "previous section"),
		Up:        com.Keys.Nav.Up,
		Down:      com.Keys.Nav.Down,
		Kick:      b(k("x"), "x", "close their session"),
		Yes:       b(k("y"), "y", "yes"),
		No:        b(k("n", "esc"), "n", "no"),
		Lead:      b(k("enter"), "enter", "lead the room there"),
		StopLead:  b(k("s"), "s", "stop leading"),
		Ask:       b(k("enter"), "enter", "ask the room"),
		About:     b(k("a"), "a", "the piece of state"),
		Close:     b(k("c"), "c", "close the poll"),
		ShowWhy:   b(k("d"), "d", "lead the room to the demo that shows why"),
		NewPoll:   b(k("n"), "n", "another question"),
		Back:      com.Keys.Global.Back,
		Help:      com.Keys.Global.Help,
		aboutDone: b(k("enter"), "enter", "keep"),
		aboutEsc:  b(k("esc"), "esc", "cancel"),
	}
}

// The panel's sections.
const (
	tabPeople = iota
	tabLead
	tabPoll
	tabCount
)

var tabNames = [tabCount]string{"People", "Lead", "Poll"}

// panel is the facilitator's view of the room (a tui.Panel): who is
// here and where each is, the lead, the poll and what the room's answers
// lead to. It draws a copy of the room taken at each refresh.
type panel struct {
	com  *common.Common
	room *room
	me   int
	keys panelKeys

	tab      int
	cursor   [tabCount]int
	v        roomView
	gen      int
	kicking  int  // the participant whose session to close, 0 none
	choosing bool // picking a poll question while a poll has results
	about    textinput.Model
	editing  bool
	status   string

	demos     []demos.Demo
	questions []*content.Question
}

// refreshMsg redraws the room; gen ties it to one time on view.
type refreshMsg struct {
	gen int
	at  time.Time
}

func newPanel(com *common.Common, r *room, me int) *panel {
	p := &panel{com: com, room: r, me: me, keys: newPanelKeys(com), demos: demos.All()}
	for _, q := range r.pack.InterviewOrder() {
		if q.Type == content.TypeBool || q.Type == content.TypeChoice || q.Type == content.TypeNumber || q.Type == content.TypeInteger {
			p.questions = append(p.questions, q)
		}
	}
	p.about = textinput.New()
	p.about.Prompt = "About: "
	p.about.CharLimit = 60
	p.about.SetStyles(com.Styles.Input)
	return p
}

// Title implements tui.Panel.
func (p *panel) Title() string { return "Room" }

// Typing implements tui.Panel.
func (p *panel) Typing() bool { return p.editing }

func (p *panel) tick() tea.Cmd {
	gen := p.gen
	return tea.Tick(refreshEvery, func(t time.Time) tea.Msg { return refreshMsg{gen: gen, at: t} })
}

// Update implements tui.Panel.
func (p *panel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.PanelOpenedMsg:
		p.gen++
		p.v = p.room.view(time.Now())
		return p.tick()
	case refreshMsg:
		if msg.gen != p.gen {
			return nil
		}
		p.v = p.room.view(msg.at)
		return p.tick()
	case tea.KeyPressMsg:
		cmd := p.key(msg)
		p.v = p.room.view(time.Now()) // what the key changed, at once
		return cmd
	}
	if p.editing {
		var cmd tea.Cmd
		p.about, cmd = p.about.Update(msg)
		return cmd
	}
	return nil
}

func (p *panel) key(km tea.KeyPressMsg) tea.Cmd {
	k := p.keys
	if p.editing {
		switch {
		case key.Matches(km, k.aboutDone):
			if v := strings.TrimSpace(p.about.Value()); v != "" {
				p.room.setItem(v)
			}
			p.editing = false
			p.about.Blur()
		case key.Matches(km, k.aboutEsc):
			p.editing = false
			p.about.Blur()
		default:
			var cmd tea.Cmd
			p.about, cmd = p.about.Update(km)
			return cmd
		}
		return nil
	}
	if p.kicking != 0 {
		if key.Matches(km, k.Yes) {
			if p.room.kick(p.kicking) {
				p.status = "closed " + p.nameOf(p.kicking) + "'s session"
			}
		}
		p.kicking = 0
		return nil
	}
	p.status = ""
	switch {
	case key.Matches(km, k.Back):
		if p.tab == tabPoll && p.choosing {
			p.choosing = false
			return nil
		}
		return func() tea.Msg { return common.BackMsg{} }
	case key.Matches(km, k.NextTab):
		p.tab = (p.tab + 1) % tabCount
		return nil
	case key.Matches(km, k.PrevTab):
		p.tab = (p.tab + tabCount - 1) % tabCount
		return nil
	case key.Matches(km, k.Up):
		p.cursor[p.tab] = max(p.cursor[p.tab]-1, 0)
		return nil
	case key.Matches(km, k.Down):
		p.cursor[p.tab] = min(p.cursor[p.tab]+1, max(p.rows()-1, 0))
		return nil
	}
	switch p.tab {
	case tabPeople:
		if key.Matches(km, k.Kick) {
			if pv, ok := p.selectedPerson(); ok && pv.Role == Participant {
				p.kicking = pv.ID
			}
		}
	case tabLead:
		switch {
		case key.Matches(km, k.Lead) && len(p.demos) > 0:
			return p.lead(p.demos[min(p.cursor[tabLead], len(p.demos)-1)].ID)
		case key.Matches(km, k.StopLead):
			p.room.endLead()
			p.status = "the room goes its own way"
		}
	case tabPoll:
		return p.pollKey(km)
	}
	return nil
}

func (p *panel) pollKey(km tea.KeyPressMsg) tea.Cmd {
	k := p.keys
	results := p.v.Poll != nil && !p.choosing
	switch {
	case key.Matches(km, k.About):
		p.editing = true
		p.about.SetValue(p.v.Item)
		p.about.CursorEnd()
		return p.about.Focus()
	case results && key.Matches(km, k.Close):
		p.room.closePoll()
	case results && key.Matches(km, k.NewPoll):
		p.choosing = true
	case results && key.Matches(km, k.ShowWhy) && p.v.Why != "":
		return p.lead(p.v.Why)
	case !results && key.Matches(km, k.Ask) && len(p.questions) > 0:
		q := p.questions[min(p.cursor[tabPoll], len(p.questions)-1)]
		p.room.ask("", q)
		p.choosing = false
	}
	return nil
}

// lead makes the room follow this facilitator's player and opens demo id
// in it.
func (p *panel) lead(id string) tea.Cmd {
	p.room.startLead(p.me)
	return func() tea.Msg { return common.OpenDemoMsg{ID: id, Seed: 1} }
}

func (p *panel) rows() int {
	switch p.tab {
	case tabPeople:
		return len(p.v.People)
	case tabLead:
		return len(p.demos)
	}
	if p.v.Poll == nil || p.choosing {
		return len(p.questions)
	}
	return 0
}

func (p *panel) selectedPerson() (personView, bool) {
	i := p.cursor[tabPeople]
	if i < 0 || i >= len(p.v.People) {
		return personView{}, false
	}
	return p.v.People[i], true
}

func (p *panel) nameOf(id int) string {
	for _, pv := range p.v.People {
		if pv.ID == id {
			return displayName(pv)
		}
	}
	return "that"
}

func displayName(pv personView) string {
	if pv.Name != "" {
		return pv.Name
	}
	return "#" + strconv.Itoa(pv.ID) + " (no name yet)"
}

// Help implements tui.Panel.
func (p *panel) Help() common.Help {
	k := p.keys
	switch {
	case p.editing:
		return common.Help{Short: []key.Binding{k.aboutDone, k.aboutEsc}}
	case p.kicking != 0:
		return common.Help{Short: []key.Binding{k.Yes, k.No}}
	}
	var short []key.Binding
	switch p.tab {
	case tabPeople:
		short = []key.Binding{k.Up, k.Down, k.Kick}
	case tabLead:
		short = []key.Binding{k.Lead, k.StopLead}
	case tabPoll:
		if p.v.Poll != nil && !p.choosing {
			short = []key.Binding{k.ShowWhy, k.Close, k.NewPoll, k.About}
		} else {
			short = []key.Binding{k.Ask, k.Up, k.Down, k.About}
		}
	}
	short = append(short, k.NextTab, k.Back, k.Help)
	return common.Help{Short: short, Full: [][]key.Binding{
		{k.NextTab, k.PrevTab, k.Up, k.Down, k.Back},
		{k.Kick, k.Lead, k.StopLead},
		{k.Ask, k.About, k.Close, k.ShowWhy, k.NewPoll},
	}}
}

// View implements tui.Panel.
func (p *panel) View(w, h int) string {
	st := p.com.Styles
	var b strings.Builder
	b.WriteString(p.summary(w) + "\n")
	var tabs []string
	for i, n := range tabNames {
		if i == p.tab {
			tabs = append(tabs, st.Tabs.Active.Render(n))
		} else {
			tabs = append(tabs, st.Tabs.Inactive.Render(n))
		}
	}
	b.WriteString(strings.Join(tabs, st.Tabs.Sep.Render(" │ ")) + "\n")
	b.WriteString(st.Subtle.Render(strings.Repeat("─", max(w, 1))) + "\n")
	body := h - 4
	switch p.tab {
	case tabPeople:
		b.WriteString(p.peopleView(w, body))
	case tabLead:
		b.WriteString(p.leadView(w, body))
	case tabPoll:
		b.WriteString(p.pollView(w, body))
	}
	out := strings.Split(b.String(), "\n")
	if len(out) > h-1 {
		out = out[:h-1]
	}
	for len(out) < h-1 {
		out = append(out, "")
	}
	last := st.Muted.Render(p.status)
	switch {
	case p.editing:
		last = p.about.View()
	case p.kicking != 0:
		last = st.Warning.Render("Close " + p.nameOf(p.kicking) + "'s session? y: close · n: keep")
	}
	return strings.Join(append(out, last), "\n")
}

func (p *panel) summary(w int) string {
	st := p.com.Styles
	n := 0
	following := 0
	for _, pv := range p.v.People {
		if pv.Role == Participant {
			n++
			if pv.Where.Following {
				following++
			}
		}
	}
	parts := []string{fmt.Sprintf("%d participant%s", n, plural(n))}
	if p.v.Leading {
		s := "leading"
		if p.v.Lead != nil {
			s += " " + p.v.Lead.Demo
		}
		parts = append(parts, fmt.Sprintf("%s (%d following)", s, following))
	}
	if p.v.Poll != nil {
		state := "closed"
		if p.v.Poll.Open {
			state = "open"
		}
		parts = append(parts, fmt.Sprintf("poll %s: %d answer%s", state, p.v.Poll.Total, plural(p.v.Poll.Total)))
	}
	return ansi.Truncate(st.Bold.Render("The room")+"  "+st.Muted.Render(strings.Join(parts, " · ")), w, "…")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// window is the first row to draw so that the cursor stays on view.
func window(cursor, rows, h int) int {
	if h <= 0 || rows <= h {
		return 0
	}
	return min(max(cursor-h/2, 0), rows-h)
}

func (p *panel) peopleView(w, h int) string {
	st := p.com.Styles
	if len(p.v.People) == 0 {
		return st.Muted.Render("Nobody yet: participants connect with ssh -p PORT room@HOST and the room code.")
	}
	nameW := min(max(w/4, 10), 24)
	head := fmt.Sprintf("  %-*s %-14s %-22s %s", nameW, "who", "where", "demo", "idle")
	var b strings.Builder
	b.WriteString(st.Muted.Render(ansi.Truncate(head, w, "")) + "\n")
	rows := h - 1
	first := window(p.cursor[tabPeople], len(p.v.People), rows)
	for i := first; i < len(p.v.People) && i < first+rows; i++ {
		pv := p.v.People[i]
		name := displayName(pv)
		if pv.Role == Facilitator {
			name += " ★"
		}
		where := pv.Where.Screen
		if where == "" {
			where = "arriving"
		}
		demo := ""
		if pv.Where.Demo != "" && pv.Where.Player != nil {
			demo = demoAt(pv.Where.Demo, *pv.Where.Player)
			if pv.Where.Following {
				demo = "⇢ " + demo
			}
		}
		line := fmt.Sprintf("%-*s %-14s %-22s %s", nameW, ansi.Truncate(name, nameW, "…"), ansi.Truncate(where, 14, "…"),
			ansi.Truncate(demo, 22, "…"), shortDuration(pv.Idle))
		marker := "  "
		if i == p.cursor[tabPeople] {
			marker = st.Accent.Render("› ")
			line = st.Menu.Selected.Render(line)
		}
		b.WriteString(ansi.Truncate(marker+line, w, "") + "\n")
	}
	return b.String()
}

// demoAt says where a player is: demo, variant, seed, time, playing.
func demoAt(id string, pos player.Position) string {
	s := id
	if len(pos.Runs) > 0 {
		r := pos.Runs[0]
		if r.Variant != "" {
			s += " " + r.Variant
		}
		s += " #" + strconv.FormatUint(r.Seed, 10)
	}
	s += " " + demos.FormatDuration(pos.At)
	if pos.Playing {
		s += " ▶"
	}
	return s
}

func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + "m"
	}
	return strconv.Itoa(int(d.Hours())) + "h"
}

func (p *panel) leadView(w, h int) string {
	st := p.com.Styles
	var b strings.Builder
	switch {
	case p.v.Leading && p.v.LeadBy == p.me && p.v.Lead != nil:
		b.WriteString(st.Success.Render(ansi.Truncate("You lead the room: "+demoAt(p.v.Lead.Demo, p.v.Lead.Pos)+". Your player's keys move everyone's.", w, "…")) + "\n")
	case p.v.Leading:
		b.WriteString(st.Success.Render("You lead the room: open a demo (enter) and its player drives everyone's.") + "\n")
	default:
		b.WriteString(st.Muted.Render(ansi.Truncate("Enter puts the room on a demo: your player drives everyone's (v variant, n seed, space play).", w, "…")) + "\n")
	}
	b.WriteString("\n")
	rows := h - 2
	first := window(p.cursor[tabLead], len(p.demos), rows)
	for i := first; i < len(p.demos) && i < first+rows; i++ {
		d := p.demos[i]
		line := d.Title + "  " + st.Muted.Render(d.Teaches)
		marker := "  "
		if i == p.cursor[tabLead] {
			marker = st.Accent.Render("› ")
			line = st.Menu.Selected.Render(d.Title) + "  " + st.Menu.SelectedDesc.Render(d.Teaches)
		}
		b.WriteString(ansi.Truncate(marker+line, w, "…") + "\n")
	}
	return b.String()
}

func (p *panel) pollView(w, h int) string {
	st := p.com.Styles
	var b strings.Builder
	b.WriteString(st.Muted.Render("about: ") + st.Bold.Render(p.v.Item) + st.Muted.Render("  (a: change)") + "\n\n")
	if p.v.Poll == nil || p.choosing {
		b.WriteString(st.Muted.Render("Ask the room one question of the interview:") + "\n")
		rows := h - 3
		first := window(p.cursor[tabPoll], len(p.questions), rows)
		for i := first; i < len(p.questions) && i < first+rows; i++ {
			q := p.questions[i]
			line := q.Prompt
			marker := "  "
			if i == p.cursor[tabPoll] {
				marker = st.Accent.Render("› ")
				line = st.Menu.Selected.Render(line)
			}
			b.WriteString(ansi.Truncate(marker+line, w, "…") + "\n")
		}
		return b.String()
	}
	pv := p.v.Poll
	state := "open"
	if !pv.Open {
		state = "closed"
	}
	b.WriteString(st.Bold.Render(ansi.Truncate(pv.Question.Prompt, w, "…")) + "\n")
	labelW, most := 3, 1
	for _, bk := range pv.Buckets {
		labelW = max(labelW, min(ansi.StringWidth(bk.Label), 16))
		most = max(most, bk.Count)
	}
	barW := max(w-labelW-12, 4)
	shown := 0
	for _, bk := range pv.Buckets {
		if shown >= max(h-10, 3) {
			b.WriteString(st.Muted.Render("  …") + "\n")
			break
		}
		bar := strings.Repeat("█", bk.Count*barW/most)
		b.WriteString(fmt.Sprintf("  %-*s ", labelW, ansi.Truncate(bk.Label, labelW, "…")) + st.Accent.Render(bar) + fmt.Sprintf(" %d", bk.Count) + "\n")
		shown++
	}
	b.WriteString(st.Muted.Render(fmt.Sprintf("%d answer%s, poll %s", pv.Total, plural(pv.Total), state)) + "\n\n")
	if p.v.Lean != nil {
		rec := p.v.Lean.Rec
		var given []string
		for _, q := range p.room.pack.InterviewOrder() {
			if v, ok := p.v.Answers[q.ID]; ok {
				given = append(given, q.ID+": "+answerLabel(v))
			}
		}
		b.WriteString(wrapText("The room's answers ("+strings.Join(given, ", ")+") lead to:", w) + "\n")
		opt := string(rec.Primary)
		if o := p.room.pack.Option(opt); o != nil {
			opt = o.Title
		}
		b.WriteString("  " + st.Accent.Render(opt) + st.Muted.Render(" · "+rec.Confidence+" confidence") + "\n")
		if len(rec.Reasons) > 0 {
			because := strings.ReplaceAll(wrapText("because "+rec.Reasons[0].Because, w-2), "\n", "\n  ")
			b.WriteString(st.Muted.Render("  "+because) + "\n")
		}
		if p.v.Why != "" {
			b.WriteString("\n" + st.Bold.Render("d") + " leads the room to " + st.Accent.Render(p.v.Why) + ", the demo that shows why\n")
		}
	}
	return b.String()
}

// wrapText breaks s into lines of at most w cells.
func wrapText(s string, w int) string {
	return ansi.Wordwrap(s, max(w, 10), "")
}
