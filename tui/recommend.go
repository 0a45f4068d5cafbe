package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/ansi"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/internal/glamour"
	"github.com/kvdo/kvdo/internal/termsafe"
	"github.com/kvdo/kvdo/report"
	"github.com/kvdo/kvdo/tui/common"
)

// recommendScreen shows the verdict on every item of the review: one item
// at a time with its reasons, runner-up, flips, warnings, pitfalls,
// checklist, sketch and costs, or the whole decision record as
// `kvdo advise --format md` writes it, rendered with glamour (kvdo's copy,
// internal/glamour, which spares every start chroma's registries). An answer can
// be changed here and the screen says what moved; x exports.
type recommendScreen struct {
	navigator
	com  *common.Common
	sess *session
	date string
	doc  report.Doc

	item   int
	record bool // the full record instead of one item
	vp     pager
	w, h   int

	recordKey string // width and theme the record was rendered for
	recordOut string // the rendered record, "" until it arrives

	changes []string // what the last edit changed
	changed int      // the item it changed

	editing bool // choosing an answer to change
	pick    int  // cursor in the answers list
	asking  bool // the question form is open
	form    questionForm

	export    exportDialog
	exporting bool

	evidence bool // the Evidence tab is on view (evidence.go)
	ev       evidencePane
}

// recordMsg carries a glamour rendering of the record.
type recordMsg struct {
	key, out string
	err      error
}

func newRecommend(com *common.Common, sess *session, date string, w, h int) (recommendScreen, tea.Cmd) {
	s := recommendScreen{com: com, sess: sess, date: date, vp: newPager(com), ev: newEvidencePane(com)}
	s.doc = app.Evaluate(com.App.Pack, sess.review, sess.path, date)
	s.export = newExportDialog(com, sess.path)
	s = s.setSize(w, h)
	return s, nil
}

func (s recommendScreen) setSize(w, h int) recommendScreen {
	s.w, s.h = w, h
	s.vp.SetWidth(w)
	s.vp.SetHeight(max(h-s.chromeHeight(), 1))
	return s.refresh()
}

// recordCmd renders the record when it is on view and not yet rendered
// for this width, theme and review. Glamour takes a tenth of a second, so
// it runs only for a record someone is looking at, and only once the
// window has stopped changing size for a moment (recordDueMsg).
func (s recommendScreen) recordCmd() tea.Cmd {
	if !s.record || s.recordKey == s.recordKeyNow() {
		return nil
	}
	key := s.recordKeyNow()
	return tea.Tick(recordSettle, func(time.Time) tea.Msg { return recordDueMsg{key: key} })
}

// recordSettle is how long the window must keep one size before the
// record is rendered for it: resizing by dragging sends dozens of sizes.
const recordSettle = 120 * time.Millisecond

// recordDueMsg: the record may be rendered for key if nothing changed.
type recordDueMsg struct{ key string }

// chromeHeight is the lines above the viewport: the tabs and a rule.
func (s recommendScreen) chromeHeight() int { return 2 }

func (s recommendScreen) restyle() recommendScreen {
	s.export = s.export.restyle()
	s.form = s.form.restyle()
	return s.refresh()
}

// refresh re-renders the text in the viewport for the current item, width
// and theme.
func (s recommendScreen) refresh() recommendScreen {
	s.vp.SetHeight(max(s.h-s.chromeHeight(), 1))
	switch {
	case s.record && s.recordOut != "" && s.recordKey == s.recordKeyNow():
		s.vp.SetContent(s.recordOut)
	case s.record:
		s.vp.SetContent(s.com.Styles.Muted.Render("rendering the record…"))
	case s.evidence:
		s.vp.SetContent(s.evidenceView())
	default:
		s.vp.SetContent(s.changesView() + renderItem(s.com, s.doc, s.item, s.w))
	}
	return s
}

// changesView is what the last edit changed, above the item it changed.
func (s recommendScreen) changesView() string {
	if len(s.changes) == 0 || s.changed != s.item {
		return ""
	}
	st := s.com.Styles
	var b strings.Builder
	b.WriteString(" " + st.Panel.Title.Render("What the change did") + "\n")
	for _, c := range s.changes {
		b.WriteString(st.Warning.Render(hang(" ", c, s.w-2)) + "\n")
	}
	return b.String() + "\n"
}

func (s recommendScreen) recordKeyNow() string {
	return fmt.Sprintf("%d/%s/%d", s.w, s.com.Styles.Glamour, s.sess.seq)
}

// renderRecord renders the Markdown record with glamour in a command.
func (s recommendScreen) renderRecord() tea.Cmd {
	// The notes may hold control characters; the file keeps them, the
	// screen shows them (termsafe).
	md := termsafe.String(fenceFrontMatter(string(report.Markdown(s.doc))))
	key, style, width := s.recordKeyNow(), s.com.Styles.Glamour, max(s.w-2, 20)
	return func() tea.Msg {
		r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width))
		if err != nil {
			return recordMsg{key: key, err: err}
		}
		out, err := r.Render(md)
		return recordMsg{key: key, out: out, err: err}
	}
}

func (s recommendScreen) typing() bool {
	return s.exporting && s.export.typing() || s.asking && s.form.isInput()
}

func (s recommendScreen) update(msg tea.Msg) (recommendScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case recordDueMsg:
		if !s.record || msg.key != s.recordKeyNow() || s.recordKey == msg.key {
			return s, nil
		}
		return s, s.renderRecord()
	case recordMsg:
		if msg.key != s.recordKeyNow() {
			return s, nil // rendered for another width, theme or review
		}
		s.recordKey, s.recordOut = msg.key, msg.out
		if msg.err != nil {
			s.recordOut = s.com.Styles.Error.Render("the record could not be rendered: " + termsafe.String(msg.err.Error()))
		}
		return s.refresh(), nil
	case exportDoneMsg:
		s.export = s.export.done(msg)
		return s, nil
	case evidenceProgressMsg, evidenceDoneMsg:
		var cmd tea.Cmd
		s.ev, cmd = s.ev.update(msg)
		return s.refresh(), cmd
	case tea.KeyPressMsg:
		return s.updateKey(msg)
	}
	if s.exporting {
		var cmd tea.Cmd
		s.export, cmd = s.export.update(msg)
		return s, cmd
	}
	if s.asking {
		var cmd tea.Cmd
		s.form, cmd = s.form.update(msg)
		return s, cmd
	}
	var cmd tea.Cmd
	s.vp, cmd = s.vp.Update(msg)
	return s, cmd
}

func (s recommendScreen) updateKey(km tea.KeyPressMsg) (recommendScreen, tea.Cmd) {
	k := s.com.Keys
	if s.exporting {
		if key.Matches(km, k.Export.Close) && !s.export.confirm {
			s.exporting = false
			return s, nil
		}
		var cmd tea.Cmd
		s.export, cmd = s.export.update(km)
		return s, cmd
	}
	if s.asking {
		switch {
		case key.Matches(km, k.Global.Back):
			s.asking = false
			return s, nil
		case key.Matches(km, k.Interview.Answer):
			return s.commitEdit()
		case s.form.quickAnswer(km):
			s.form, _ = s.form.update(km)
			return s.commitEdit()
		}
		var cmd tea.Cmd
		s.form, cmd = s.form.update(km)
		return s, cmd
	}
	if s.editing {
		asked := app.Asked(s.com.App.Pack, s.sess.review.Items[s.item].Answers)
		switch {
		case key.Matches(km, k.Global.Back), key.Matches(km, k.Recommend.Edit):
			s.editing = false
		case key.Matches(km, k.Nav.Up):
			s.pick = max(s.pick-1, 0)
		case key.Matches(km, k.Nav.Down):
			s.pick = min(s.pick+1, len(asked)-1)
		case key.Matches(km, k.Nav.Select):
			q := asked[s.pick]
			v, has := s.sess.review.Items[s.item].Answers[q.ID]
			s.form = newQuestionForm(s.com, q, v, has)
			s.asking = true
		}
		return s, nil
	}
	if s.evidence {
		if s, cmd, handled := s.updateEvidenceKey(km); handled {
			return s, cmd
		}
	}
	switch {
	case key.Matches(km, k.Global.Back):
		s.ev = s.ev.stop() // a replay nobody will see
		s.navigate(common.BackMsg{})
		return s, nil
	case key.Matches(km, k.Recommend.Evidence):
		return s.showEvidence()
	case key.Matches(km, k.Recommend.NextItem):
		if !s.record {
			s.item = (s.item + 1) % len(s.doc.Entries)
			s.vp.GotoTop()
		}
		return s.refresh(), nil
	case key.Matches(km, k.Recommend.PrevItem):
		if !s.record {
			s.item = (s.item + len(s.doc.Entries) - 1) % len(s.doc.Entries)
			s.vp.GotoTop()
		}
		return s.refresh(), nil
	case key.Matches(km, k.Recommend.Record):
		s.record, s.evidence = !s.record, false
		s.vp.GotoTop()
		s = s.refresh()
		if s.record && s.recordKey != s.recordKeyNow() {
			return s, s.renderRecord() // asked for: at once
		}
		return s, nil
	case key.Matches(km, k.Recommend.Edit):
		s.editing, s.pick, s.record, s.evidence = true, 0, false, false
		return s.refresh(), nil
	case key.Matches(km, k.Recommend.Export):
		s.exporting = true
		s.export = s.export.open(s.doc)
		return s, nil
	case key.Matches(km, k.Recommend.Interview):
		s.ev = s.ev.stop()
		s.navigate(backToInterviewMsg{})
		return s, nil
	case key.Matches(km, k.Nav.Top):
		s.vp.GotoTop()
		return s, nil
	case key.Matches(km, k.Nav.Bottom):
		s.vp.GotoBottom()
		return s, nil
	}
	var cmd tea.Cmd
	s.vp, cmd = s.vp.Update(km)
	return s, cmd
}

// commitEdit changes one answer, re-evaluates at once, saves, and lists
// what the change moved.
func (s recommendScreen) commitEdit() (recommendScreen, tea.Cmd) {
	v, err := s.form.answer()
	if err != nil {
		s.form.err = err.Error()
		return s, nil
	}
	pack := s.com.App.Pack
	it := &s.sess.review.Items[s.item]
	before := s.doc.Entries[s.item].Recommendation
	it.Answers[s.form.q.ID] = v
	gone := app.Prune(pack, it.Answers)
	s.asking, s.editing = false, false
	save := s.sess.save()
	s.doc = app.Evaluate(pack, s.sess.review, s.sess.path, s.date)
	after := s.doc.Entries[s.item].Recommendation
	s.changes = diffRecommendations(s.com, s.form.q, v, before, after, gone)
	s.changed = s.item
	s.vp.GotoTop()
	s = s.refresh()
	return s, save
}

// diffRecommendations says, line by line, what an edit changed.
func diffRecommendations(com *common.Common, q *content.Question, v any, before, after advisor.Recommendation, gone []string) []string {
	title := func(id advisor.OptionID) string {
		if o := com.App.Pack.Option(string(id)); o != nil {
			return o.Title
		}
		return string(id)
	}
	out := []string{fmt.Sprintf("%s is now %s.", q.ID, showValue(q, v))}
	if before.Primary != after.Primary {
		out = append(out, fmt.Sprintf("The recommendation moved from %s to %s.", title(before.Primary), title(after.Primary)))
	} else {
		out = append(out, fmt.Sprintf("Still %s.", title(after.Primary)))
	}
	if before.Confidence != after.Confidence {
		out = append(out, fmt.Sprintf("Confidence went from %s to %s.", before.Confidence, after.Confidence))
	}
	rules := func(r advisor.Recommendation) []string {
		var ids []string
		for _, x := range r.Reasons {
			ids = append(ids, x.Rule)
		}
		return ids
	}
	b, a := rules(before), rules(after)
	for _, id := range a {
		if !slices.Contains(b, id) {
			out = append(out, "+ rule "+id+" now applies.")
		}
	}
	for _, id := range b {
		if !slices.Contains(a, id) {
			out = append(out, "− rule "+id+" no longer applies.")
		}
	}
	warns := func(r advisor.Recommendation) []string {
		var ids []string
		for _, x := range r.Warnings {
			ids = append(ids, x.ID)
		}
		return ids
	}
	bw, aw := warns(before), warns(after)
	for _, id := range aw {
		if !slices.Contains(bw, id) {
			out = append(out, "! new warning: "+id+".")
		}
	}
	for _, id := range bw {
		if !slices.Contains(aw, id) {
			out = append(out, "warning "+id+" is gone.")
		}
	}
	if len(gone) > 0 {
		out = append(out, "No longer asked, so dropped: "+strings.Join(gone, ", ")+".")
	}
	if len(out) == 2 && before.Primary == after.Primary {
		out = append(out, "Nothing else changed.")
	}
	return out
}

func (s recommendScreen) view(w, h int) string {
	st := s.com.Styles
	var tabs []string
	for i, e := range s.doc.Entries {
		label := e.Item.Name
		if s.record {
			tabs = append(tabs, st.Tabs.Inactive.Render(label))
			continue
		}
		if i == s.item {
			tabs = append(tabs, st.Tabs.Active.Render(label))
		} else {
			tabs = append(tabs, st.Tabs.Inactive.Render(label))
		}
	}
	recordTab := st.Tabs.Inactive.Render("full record (m)")
	if s.record {
		recordTab = st.Tabs.Active.Render("full record (m)")
	}
	evidenceTab := st.Tabs.Inactive.Render("evidence (v)")
	if s.evidence {
		evidenceTab = st.Tabs.Active.Render("evidence (v)")
	}
	top := strings.Join(tabs, st.Tabs.Sep.Render(" │ ")) + st.Tabs.Sep.Render("  ·  ") + recordTab + st.Tabs.Sep.Render("  ·  ") + evidenceTab
	top = fit(top, w, 1)
	rule := st.Subtle.Render(strings.Repeat("─", max(w, 1)))
	var b strings.Builder
	b.WriteString(top + "\n" + rule + "\n")
	b.WriteString(s.vp.View())
	body := b.String()
	switch {
	case s.exporting && s.export.showing():
		return s.export.textView(w, h)
	case s.exporting:
		return overlay(body, s.export.view(min(w-4, 70)), w, h)
	case s.asking:
		return overlay(body, s.com.Styles.Dialog.Render(s.form.view(min(w-10, 64))), w, h)
	case s.editing:
		return overlay(body, s.com.Styles.Dialog.Render(s.answersView(min(w-10, 64))), w, h)
	}
	return body
}

// answersView lists the item's questions and answers to pick one to change.
func (s recommendScreen) answersView(w int) string {
	st := s.com.Styles
	it := s.sess.review.Items[s.item]
	var b strings.Builder
	b.WriteString(st.Title.Render("Change an answer of "+it.Name) + "\n\n")
	for i, q := range app.Asked(s.com.App.Pack, it.Answers) {
		v, ok := it.Answers[q.ID]
		ans := "unanswered"
		if ok {
			ans = showValue(q, v)
		}
		line := fmt.Sprintf("%-24s %s", q.ID, ans)
		if i == s.pick {
			b.WriteString(st.Accent.Render("› ") + st.Menu.Selected.Render(line) + "\n")
		} else {
			b.WriteString("  " + st.Menu.Item.Render(line) + "\n")
		}
	}
	return fit(b.String(), w, lineCount(b.String()))
}

// overlay draws box centred over body, line by line: the body's cells
// left and right of the box stay, styles and wide characters intact.
func overlay(body, box string, w, h int) string {
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	x, y := max((w-bw)/2, 0), max((h-bh)/2, 0)
	lines := strings.Split(fit(body, w, h), "\n")
	for i, bl := range strings.Split(box, "\n") {
		if y+i >= len(lines) {
			break
		}
		l := lines[y+i]
		left := ansi.Truncate(l, x, "")
		if lw := ansi.StringWidth(left); lw < x {
			left += strings.Repeat(" ", x-lw)
		}
		right := ""
		if ansi.StringWidth(l) > x+bw {
			right = ansi.TruncateLeft(l, x+bw, "")
		}
		lines[y+i] = left + "\x1b[m" + bl + "\x1b[m" + right
	}
	return strings.Join(lines, "\n")
}

func (s recommendScreen) help() common.Help {
	k := s.com.Keys
	switch {
	case s.exporting:
		return s.export.help()
	case s.asking:
		return common.Help{Short: []key.Binding{k.Interview.Answer, k.Nav.Up, k.Nav.Down, k.Global.Back}}
	case s.editing:
		change := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "change it"))
		return common.Help{Short: []key.Binding{change, k.Nav.Up, k.Nav.Down, k.Global.Back}}
	case s.evidence:
		return s.evidenceHelp()
	}
	return common.Help{
		Short: []key.Binding{k.Recommend.NextItem, k.Recommend.Record, k.Recommend.Edit, k.Recommend.Export, k.Nav.Down, k.Global.Back, k.Global.Help},
		Full: [][]key.Binding{
			{k.Recommend.NextItem, k.Recommend.PrevItem, k.Recommend.Record, k.Recommend.Evidence, k.Recommend.Interview},
			{k.Recommend.Edit, k.Recommend.Export},
			{k.Nav.Down, k.Nav.Up, k.Nav.PageDown, k.Nav.PageUp, k.Nav.Top, k.Nav.Bottom},
			{k.Global.Back, k.Global.Help, k.Global.ForceQuit},
		},
	}
}

// renderItem draws one item's recommendation at width w.
func renderItem(com *common.Common, doc report.Doc, i int, w int) string {
	st := com.Styles
	if i < 0 || i >= len(doc.Entries) {
		return ""
	}
	e := doc.Entries[i]
	r := e.Recommendation
	pack := com.App.Pack
	w = max(w-2, 10)
	var b strings.Builder
	section := func(title string) { b.WriteString("\n" + st.Panel.Title.Render(title) + "\n") }
	bullet := func(style lipgloss.Style, mark, text string) {
		lines := strings.Split(wrap(text, w-len([]rune(mark))-1), "\n")
		for j, l := range lines {
			if j == 0 {
				b.WriteString(style.Render(mark+" "+l) + "\n")
			} else {
				b.WriteString(style.Render(strings.Repeat(" ", len([]rune(mark))+1)+l) + "\n")
			}
		}
	}
	optTitle := func(id advisor.OptionID) string {
		if o := pack.Option(string(id)); o != nil {
			return o.Title
		}
		return string(id)
	}
	answer := func(id string) string {
		v, ok := e.Item.Answers[id]
		if !ok {
			return id + " unanswered"
		}
		return id + " = " + showValue(pack.Question(id), v)
	}

	b.WriteString(st.Accent.Render(optTitle(r.Primary)) + st.Muted.Render("  ·  "+r.Confidence+" confidence") + "\n")
	b.WriteString(st.Text.Render(wrap(r.Summary, w)) + "\n")
	if len(r.Warnings) > 0 {
		section("Warnings")
		for _, wn := range r.Warnings {
			bullet(st.Warning, "!", wn.Text)
		}
	}
	section("Why")
	if len(r.Reasons) == 0 {
		b.WriteString(st.Muted.Render("no rule fired: the ranking is the options' order") + "\n")
	}
	for _, rs := range r.Reasons {
		var ans []string
		for _, q := range rs.Questions {
			ans = append(ans, answer(q))
		}
		bullet(st.Bold, "•", ruleTitle(com, rs.Rule)+" ("+rs.Rule+")")
		bullet(st.Secondary, " ", "because "+strings.Join(ans, ", ")+": "+rs.Effect)
		bullet(st.Muted, " ", rs.Text)
	}
	if len(r.Ranking) > 1 {
		section("Runner-up and the rest")
		for _, rk := range r.Ranking[1:] {
			line := fmt.Sprintf("%s: score %d", rk.Title, rk.Score)
			if !rk.Viable {
				line += ", ruled out: " + rk.RuledOut
			} else {
				line += ". " + rk.Summary
			}
			bullet(st.Text, "•", line)
		}
	}
	section("What would flip it")
	if len(r.Flips) == 0 {
		b.WriteString(st.Muted.Render("no single answer changes the primary") + "\n")
	}
	for _, f := range r.Flips {
		bullet(st.Text, "•", f.Text)
	}
	section("Pitfalls")
	for _, p := range r.Pitfalls {
		bullet(st.Text, "•", p)
	}
	section("Checklist")
	for _, c := range r.Checklist {
		bullet(st.Text, "☐", c)
	}
	if len(r.Costs) > 0 {
		section("Monthly cost (an upper bound from the answers)")
		rows := [][]string{}
		for _, c := range r.Costs {
			rows = append(rows, []string{optTitle(c.Option), fmt.Sprintf("$%.2f", c.MonthlyUSD), c.Plan, c.AsOf})
		}
		t := table.New().Headers("option", "per month", "plan", "prices as of").Rows(rows...).
			Border(lipgloss.NormalBorder()).BorderStyle(st.Table.Border).
			StyleFunc(func(row, col int) lipgloss.Style {
				s := st.Table.Cell.Padding(0, 1)
				if row == table.HeaderRow {
					s = st.Table.Header.Padding(0, 1)
				}
				if col == 1 {
					s = s.Align(lipgloss.Right)
				}
				return s
			})
		if w < 70 {
			t = t.Width(w)
		}
		b.WriteString(t.String() + "\n")
		for _, c := range r.Costs {
			if c.Option != r.Primary {
				continue
			}
			b.WriteString(st.Muted.Render("how "+optTitle(c.Option)+" adds up:") + "\n")
			for _, l := range c.Lines {
				bullet(st.Muted, "·", fmt.Sprintf("%s: %s = $%.2f", l.Item, l.Arithmetic, l.USD))
			}
			b.WriteString(st.Subtle.Render(wrap("source: "+c.Source, w)) + "\n")
		}
	}
	if code := strings.TrimRight(r.Sketch.Code, "\n"); code != "" {
		section("Code sketch (" + r.Sketch.Language + ")")
		for _, l := range strings.Split(code, "\n") {
			b.WriteString(st.Code.Render("  "+l) + "\n")
		}
	}
	section("Answers")
	for _, q := range app.Asked(pack, e.Item.Answers) {
		bullet(st.Text, "•", answer(q.ID))
	}
	if e.Item.Notes != "" {
		section("Notes")
		b.WriteString(st.Text.Render(wrap(termsafe.String(e.Item.Notes), w)) + "\n")
	}
	if len(r.Sources) > 0 {
		section("Sources")
		for _, src := range r.Sources {
			bullet(st.Muted, "•", src.Text+" ("+src.Source+", as of "+src.AsOf+")")
		}
	}
	return indent(b.String(), 1)
}

// modal reports whether a dialog has the keys.
func (s recommendScreen) modal() bool { return s.exporting || s.editing || s.asking }

// fenceFrontMatter shows the record's YAML front matter (status, date,
// decision-makers) as a YAML block: glamour would read its closing "---"
// as a heading underline. The text stays the same, line for line.
func fenceFrontMatter(md string) string {
	if !strings.HasPrefix(md, "---\n") {
		return md
	}
	end := strings.Index(md[4:], "\n---\n")
	if end < 0 {
		return md
	}
	fm := md[:4+end+5]
	return "```yaml\n" + fm + "```\n" + md[len(fm):]
}
