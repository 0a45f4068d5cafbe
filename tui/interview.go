package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/internal/termsafe"
	"github.com/kvdo/kvdo/tui/common"
)

// stage is where the interview is.
type stage int

const (
	stageSetup    stage = iota // title, people, first item, file
	stageDetails               // title and people, edited later
	stageQuestion              // one question of the current item
	stageItemDone              // the current item has every answer
	stageItems                 // the review's items: add, rename, remove, reorder
	stageItemName              // typing an item's name (add or rename)
	stageNote                  // typing the current item's note
)

func (s stage) String() string {
	return [...]string{"setup", "details", "question", "item done", "items", "item name", "note"}[s]
}

// Messages of the interview.
type (
	// setupDoneMsg: the new review's file was checked; sess is nil on error.
	setupDoneMsg struct {
		sess *session
		err  error
	}
	// freeNameMsg proposes a file name for a new review.
	freeNameMsg struct{ path string }
	// openRecommendMsg asks the root for the recommendation screen.
	openRecommendMsg struct{}
)

// setup fields.
const (
	fieldTitle = iota
	fieldPeople
	fieldItem
	fieldPath
)

// interviewScreen runs a review's interview: setup, each item's questions
// with the current leaning beside them, notes, and the items themselves.
type interviewScreen struct {
	navigator
	com   *common.Common
	sess  *session
	stage stage

	fields [4]textinput.Model // setup and details
	focus  int
	err    string // an input problem, shown under the input
	info   string // a passing remark (what is missing, what was pruned)

	item  int          // the current item
	qi    int          // index of the current question in app.Asked
	form  questionForm // the current question
	lean  app.Leaning
	last  string // the last answer given, "atomic_update: yes"
	doneC int    // cursor of the item-done menu

	itemC    int  // cursor in the items list
	removing bool // asking to confirm a removal
	renaming int  // item being renamed, -1 when adding
	name     textinput.Model
	note     textarea.Model

	hideLean bool // the leaning panel, hidden by ctrl+l on narrow screens
}

func newInterview(com *common.Common, sess *session, path string) interviewScreen {
	s := interviewScreen{com: com, sess: sess, renaming: -1}
	labels := [4]string{"Review title (optional)", "Who decides (names, commas between)", "First piece of state (a short name)", "Save the review as"}
	placeholders := [4]string{"Checkout platform state review", "Ana, Ravi", "seat-counter", "kvdo-review.yaml"}
	for i := range s.fields {
		in := textinput.New()
		in.Prompt = labels[i] + ": "
		in.Placeholder = placeholders[i]
		in.CharLimit = 200
		in.SetStyles(com.Styles.Input)
		s.fields[i] = in
	}
	s.fields[fieldPath].SetValue(path)
	s.name = textinput.New()
	s.name.Prompt = "Name: "
	s.name.Placeholder = "seat-counter"
	s.name.CharLimit = 100
	s.name.SetStyles(com.Styles.Input)
	s.note = textarea.New()
	s.note.ShowLineNumbers = false
	s.note.CharLimit = 4000 // a note, not a document: the record keeps it whole
	s.note.Placeholder = "Why this state exists, who owns it, what was decided and why…"
	s.note.SetStyles(com.Styles.TextArea)
	if sess == nil {
		s.stage = stageSetup
		s.focusField(fieldTitle)
		return s
	}
	return s.resume()
}

// resume puts the cursor on the first unanswered question of the review,
// or on the last item's summary when every question has an answer.
func (s interviewScreen) resume() interviewScreen {
	pack := s.com.App.Pack
	for i, it := range s.sess.review.Items {
		if qi := app.FirstUnanswered(pack, it.Answers); qi >= 0 {
			return s.goToQuestion(i, qi)
		}
	}
	s = s.goToQuestion(len(s.sess.review.Items)-1, 0)
	s.stage = stageItemDone
	return s
}

func (s *interviewScreen) focusField(i int) {
	for j := range s.fields {
		s.fields[j].Blur()
	}
	s.focus = i
	s.fields[i].Focus()
	s.fields[i].CursorEnd()
}

// current is the item being answered.
func (s interviewScreen) current() *advisor.Item { return &s.sess.review.Items[s.item] }

// asked is the current item's list of questions.
func (s interviewScreen) asked() []*content.Question {
	return app.Asked(s.com.App.Pack, s.current().Answers)
}

// goToQuestion opens question qi of item i, refreshing the leaning when
// the item changes.
func (s interviewScreen) goToQuestion(i, qi int) interviewScreen {
	s.item = i
	if s.current().Answers == nil {
		s.current().Answers = advisor.Answers{}
	}
	asked := s.asked()
	s.qi = min(max(qi, 0), len(asked)-1)
	q := asked[s.qi]
	v, has := s.current().Answers[q.ID]
	s.form = newQuestionForm(s.com, q, v, has)
	s.stage = stageQuestion
	if s.lean.Rec.Item != s.current().Name {
		// Another item: its leaning, with no last answer to explain.
		s.lean = app.Lean(s.com.App.Pack, *s.current(), nil)
		s.last = ""
	}
	return s
}

// typing reports whether a free-text field has the keys (q and ? are then
// letters).
func (s interviewScreen) typing() bool {
	switch s.stage {
	case stageSetup, stageDetails, stageItemName, stageNote:
		return true
	}
	return false
}

func (s interviewScreen) restyle() interviewScreen {
	if s.com == nil {
		return s // never opened
	}
	for i := range s.fields {
		s.fields[i].SetStyles(s.com.Styles.Input)
	}
	s.name.SetStyles(s.com.Styles.Input)
	s.note.SetStyles(s.com.Styles.TextArea)
	s.form = s.form.restyle()
	return s
}

func (s interviewScreen) update(msg tea.Msg) (interviewScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case freeNameMsg:
		if s.stage == stageSetup && s.fields[fieldPath].Value() == "" {
			s.fields[fieldPath].SetValue(msg.path)
		}
		return s, nil
	case setupDoneMsg:
		if msg.err != nil {
			s.err = termsafe.String(msg.err.Error())
			s.focusField(fieldPath)
			return s, nil
		}
		s.sess = msg.sess
		s.err = ""
		s = s.goToQuestion(0, 0)
		return s, s.sess.save()
	case tea.PasteMsg, tea.KeyPressMsg:
	default:
		return s.forward(msg)
	}
	s.info = ""
	switch s.stage {
	case stageSetup, stageDetails:
		return s.updateSetup(msg)
	case stageQuestion:
		return s.updateQuestion(msg)
	case stageItemDone:
		return s.updateItemDone(msg)
	case stageItems:
		return s.updateItems(msg)
	case stageItemName:
		return s.updateItemName(msg)
	case stageNote:
		return s.updateNote(msg)
	}
	return s, nil
}

// forward hands other messages (a cursor's, a paste's) to the widget with
// the focus.
func (s interviewScreen) forward(msg tea.Msg) (interviewScreen, tea.Cmd) {
	var cmd tea.Cmd
	switch s.stage {
	case stageSetup, stageDetails:
		s.fields[s.focus], cmd = s.fields[s.focus].Update(msg)
	case stageQuestion:
		s.form, cmd = s.form.update(msg)
	case stageItemName:
		s.name, cmd = s.name.Update(msg)
	case stageNote:
		s.note, cmd = s.note.Update(msg)
	}
	return s, cmd
}

func (s interviewScreen) updateSetup(msg tea.Msg) (interviewScreen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s.forward(msg)
	}
	k := s.com.Keys
	last := s.lastField()
	switch {
	case key.Matches(km, k.Global.Back):
		if s.stage == stageDetails {
			s.stage = stageItems
			return s, nil
		}
		s.navigate(common.BackMsg{})
		return s, nil
	case key.Matches(km, k.Interview.Skip), key.Matches(km, k.Nav.Down) && km.String() == "down":
		s.focusField((s.focus + 1) % (last + 1))
		return s, nil
	case key.Matches(km, k.Interview.Prev), key.Matches(km, k.Nav.Up) && km.String() == "up":
		s.focusField((s.focus + last) % (last + 1))
		return s, nil
	case key.Matches(km, k.Nav.Select):
		if s.focus < last {
			s.focusField(s.focus + 1)
			return s, nil
		}
		return s.submitSetup()
	}
	s.err = ""
	return s.forward(msg)
}

// people splits "Ana, Ravi" into names.
func people(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// lastField is the last setup field on view: no file name where the
// review is kept in memory (Common.NoFiles).
func (s interviewScreen) lastField() int {
	switch {
	case s.stage == stageDetails:
		return fieldPeople
	case s.com.NoFiles:
		return fieldItem
	}
	return fieldPath
}

// checkPeople checks the title and the people as the answers file does.
func checkPeople(title string, who []string) (string, []string, error) {
	title, err := advisor.CheckName("title", title)
	if err != nil {
		return "", nil, err
	}
	for i := range who {
		if who[i], err = advisor.CheckName("decided_by", who[i]); err != nil {
			return "", nil, err
		}
	}
	return title, who, nil
}

func (s interviewScreen) submitSetup() (interviewScreen, tea.Cmd) {
	title, who, err := checkPeople(s.fields[fieldTitle].Value(), people(s.fields[fieldPeople].Value()))
	if err != nil {
		s.err = err.Error()
		return s, nil
	}
	if s.stage == stageDetails {
		s.sess.review.Title, s.sess.review.DecidedBy = title, who
		s.stage = stageItems
		s.info = "title and people saved"
		return s, s.sess.save()
	}
	name, problem := s.checkName(s.fields[fieldItem].Value(), -1)
	if problem != "" {
		s.err = problem
		s.focusField(fieldItem)
		return s, nil
	}
	a := s.com.App
	r := advisor.Review{Version: 1, Title: title, DecidedBy: who, Items: []advisor.Item{{Name: name, Answers: advisor.Answers{}}}}
	if s.com.NoFiles {
		return s, func() tea.Msg { return setupDoneMsg{sess: newSession(a, "", r, true)} }
	}
	path := strings.TrimSpace(s.fields[fieldPath].Value())
	if path == "" {
		s.err = "no file name: expected where to save the review, such as kvdo-review.yaml"
		s.focusField(fieldPath)
		return s, nil
	}
	return s, func() tea.Msg {
		if err := app.CheckNewReview("", path); err != nil {
			return setupDoneMsg{err: err}
		}
		return setupDoneMsg{sess: newSession(a, path, r, true)}
	}
}

func (s interviewScreen) updateQuestion(msg tea.Msg) (interviewScreen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s.forward(msg)
	}
	k := s.com.Keys
	switch {
	case key.Matches(km, k.Global.Back):
		s.navigate(common.BackMsg{})
		return s, nil
	case key.Matches(km, k.Interview.Answer):
		return s.commit()
	case key.Matches(km, k.Interview.Skip):
		_, answered := s.current().Answers[s.form.q.ID]
		if s.form.q.Required && !answered {
			s.form.err = "required: the record needs this answer (" + s.form.q.Expected() + ")"
			return s, nil
		}
		return s.advance(), nil
	case key.Matches(km, k.Interview.Prev):
		switch {
		case s.qi > 0:
			return s.goToQuestion(s.item, s.qi-1), nil
		case s.item > 0:
			s = s.goToQuestion(s.item-1, 1<<30)
			return s, nil
		}
		return s, nil
	case key.Matches(km, k.Interview.Items):
		s.stage, s.itemC = stageItems, s.item
		return s, nil
	case key.Matches(km, k.Interview.Note):
		return s.openNote()
	case key.Matches(km, k.Interview.Recommend):
		return s.recommend()
	case key.Matches(km, k.Interview.Leaning):
		s.hideLean = !s.hideLean
		return s, nil
	}
	if s.form.quickAnswer(km) {
		s.form, _ = s.form.update(msg)
		return s.commit()
	}
	return s.forward(msg)
}

// commit records the answer on the form, re-evaluates the item, saves the
// review and moves to the next question.
func (s interviewScreen) commit() (interviewScreen, tea.Cmd) {
	v, err := s.form.answer()
	if err != nil {
		s.form.err = err.Error()
		return s, nil
	}
	pack := s.com.App.Pack
	it := s.current()
	q := s.form.q
	it.Answers[q.ID] = v
	if gone := app.Prune(pack, it.Answers); len(gone) > 0 {
		s.info = "no longer asked, so dropped: " + strings.Join(gone, ", ")
	}
	prev := s.lean.Rec
	s.lean = app.Lean(pack, *it, &prev)
	s.last = q.ID + ": " + showValue(q, v)
	s = s.advance()
	return s, s.sess.save()
}

// advance moves past the current question: to the next one asked, or to
// the item's summary after the last.
func (s interviewScreen) advance() interviewScreen {
	asked := s.asked()
	i := slices.Index(asked, s.form.q)
	if i < 0 {
		i = s.qi
	}
	if i+1 < len(asked) {
		return s.goToQuestion(s.item, i+1)
	}
	s.stage, s.doneC = stageItemDone, 0
	return s
}

// recommend opens the recommendation once every item has its required
// answers, and otherwise says which are missing.
func (s interviewScreen) recommend() (interviewScreen, tea.Cmd) {
	if missing := s.missing(); missing != "" {
		s.info = "Still to answer before the record: " + missing
		return s, nil
	}
	s.navigate(openRecommendMsg{})
	return s, nil
}

// missing lists, per item, the required questions without an answer.
func (s interviewScreen) missing() string {
	var parts []string
	for _, it := range s.sess.review.Items {
		if m := app.Missing(s.com.App.Pack, it.Answers); len(m) > 0 {
			parts = append(parts, it.Name+": "+strings.Join(m, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

var doneChoices = []string{"Add another piece of state", "Write a note about this item", "See the recommendation", "Go over this item's answers"}

func (s interviewScreen) updateItemDone(msg tea.Msg) (interviewScreen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	k := s.com.Keys
	switch {
	case key.Matches(km, k.Global.Back):
		s.navigate(common.BackMsg{})
		return s, nil
	case key.Matches(km, k.Nav.Up):
		s.doneC = (s.doneC + len(doneChoices) - 1) % len(doneChoices)
	case key.Matches(km, k.Nav.Down):
		s.doneC = (s.doneC + 1) % len(doneChoices)
	case key.Matches(km, k.Interview.Prev):
		return s.goToQuestion(s.item, 1<<30), nil
	case key.Matches(km, k.Interview.Items):
		s.stage, s.itemC = stageItems, s.item
	case key.Matches(km, k.Interview.Note):
		return s.openNote()
	case key.Matches(km, k.Interview.Recommend):
		return s.recommend()
	case key.Matches(km, k.Nav.Select):
		switch s.doneC {
		case 0:
			return s.openName(-1)
		case 1:
			return s.openNote()
		case 2:
			return s.recommend()
		case 3:
			return s.goToQuestion(s.item, 0), nil
		}
	}
	return s, nil
}

func (s interviewScreen) openNote() (interviewScreen, tea.Cmd) {
	s.stage = stageNote
	s.note.SetValue(s.current().Notes)
	return s, s.note.Focus()
}

func (s interviewScreen) updateNote(msg tea.Msg) (interviewScreen, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, s.com.Keys.Global.Back, s.com.Keys.Interview.Note) {
		s.note.Blur()
		s.current().Notes = strings.TrimSpace(s.note.Value())
		s.info = "note saved"
		s = s.afterEdit()
		return s, s.sess.save()
	}
	return s.forward(msg)
}

// afterEdit returns from a side stage to the question (or summary) of the
// current item.
func (s interviewScreen) afterEdit() interviewScreen {
	if qi := app.FirstUnanswered(s.com.App.Pack, s.current().Answers); qi >= 0 {
		return s.goToQuestion(s.item, qi)
	}
	s.stage = stageItemDone
	return s
}

// openName starts typing a name: for a new item (i < 0) or to rename i.
func (s interviewScreen) openName(i int) (interviewScreen, tea.Cmd) {
	s.renaming = i
	s.stage = stageItemName
	s.err = ""
	s.name.SetValue("")
	if i >= 0 {
		s.name.SetValue(s.sess.review.Items[i].Name)
	}
	s.name.CursorEnd()
	return s, s.name.Focus()
}

func (s interviewScreen) updateItemName(msg tea.Msg) (interviewScreen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s.forward(msg)
	}
	k := s.com.Keys
	switch {
	case key.Matches(km, k.Global.Back):
		s.name.Blur()
		s.stage = stageItems
		return s, nil
	case key.Matches(km, k.Nav.Select):
		name, err := s.checkName(s.name.Value(), s.renaming)
		if err != "" {
			s.err = err
			return s, nil
		}
		s.name.Blur()
		items := &s.sess.review.Items
		if s.renaming >= 0 {
			(*items)[s.renaming].Name = name
			s.stage, s.itemC = stageItems, s.renaming
			s.info = "renamed"
			return s, s.sess.save()
		}
		*items = append(*items, advisor.Item{Name: name, Answers: advisor.Answers{}})
		s = s.goToQuestion(len(*items)-1, 0)
		return s, s.sess.save()
	}
	s.err = ""
	return s.forward(msg)
}

// checkName applies the answers file's rules for item names.
// checkName checks a typed item name as the answers file checks it
// (normal form C, nothing invisible, not too long, unique) and returns it
// as it will be kept, or what is wrong with it.
func (s interviewScreen) checkName(typed string, self int) (string, string) {
	name, err := advisor.CheckName("item name", typed)
	switch {
	case err != nil:
		return "", err.Error()
	case name == "":
		return "", "item name is empty: expected a short unique name such as seat-counter"
	}
	if s.sess == nil {
		return name, "" // the first item of a new review
	}
	for i, it := range s.sess.review.Items {
		if i != self && it.Name == name {
			return "", fmt.Sprintf("item name %q is used twice: expected unique names", name)
		}
	}
	return name, ""
}

func (s interviewScreen) updateItems(msg tea.Msg) (interviewScreen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	k := s.com.Keys
	items := &s.sess.review.Items
	if s.removing {
		s.removing = false
		if key.Matches(km, k.Items.Confirm) {
			gone := (*items)[s.itemC].Name
			*items = slices.Delete(*items, s.itemC, s.itemC+1)
			s.itemC = min(s.itemC, len(*items)-1)
			s.item = min(s.item, len(*items)-1)
			s.lean = app.Lean(s.com.App.Pack, *s.current(), nil)
			s.info = "removed " + gone
			return s, s.sess.save()
		}
		s.info = "kept"
		return s, nil
	}
	switch {
	case key.Matches(km, k.Global.Back), key.Matches(km, k.Interview.Items):
		return s.afterEdit(), nil
	case key.Matches(km, k.Nav.Up):
		s.itemC = max(s.itemC-1, 0)
	case key.Matches(km, k.Nav.Down):
		s.itemC = min(s.itemC+1, len(*items)-1)
	case key.Matches(km, k.Nav.Select):
		s = s.goToQuestion(s.itemC, 0)
		return s.afterEdit(), nil
	case key.Matches(km, k.Items.Add):
		return s.openName(-1)
	case key.Matches(km, k.Items.Rename):
		return s.openName(s.itemC)
	case key.Matches(km, k.Items.Remove):
		if len(*items) == 1 {
			s.info = "a review needs at least one item: add another before removing this one"
			return s, nil
		}
		s.removing = true
	case key.Matches(km, k.Items.MoveUp) && s.itemC > 0:
		s = s.swap(s.itemC, s.itemC-1)
		return s, s.sess.save()
	case key.Matches(km, k.Items.MoveDown) && s.itemC < len(*items)-1:
		s = s.swap(s.itemC, s.itemC+1)
		return s, s.sess.save()
	case key.Matches(km, k.Items.Details):
		s.stage = stageDetails
		s.fields[fieldTitle].SetValue(s.sess.review.Title)
		s.fields[fieldPeople].SetValue(strings.Join(s.sess.review.DecidedBy, ", "))
		s.focusField(fieldTitle)
	case key.Matches(km, k.Interview.Recommend):
		return s.recommend()
	}
	return s, nil
}

// swap exchanges items a and b, keeping the cursor and the current item
// on the items they were on.
func (s interviewScreen) swap(a, b int) interviewScreen {
	items := s.sess.review.Items
	items[a], items[b] = items[b], items[a]
	switch s.item {
	case a:
		s.item = b
	case b:
		s.item = a
	}
	s.itemC = b
	return s
}

// ---- view

func (s interviewScreen) view(w, h int) string {
	switch s.stage {
	case stageSetup, stageDetails:
		return s.setupView(w)
	case stageItems, stageItemName:
		return s.itemsView(w)
	}
	main := s.mainView
	side := w >= 76
	if !side {
		body := main(w)
		if s.hideLean {
			return body
		}
		panel := s.leanCompact(w)
		gap := h - lineCount(body) - lineCount(panel)
		if gap < 1 {
			return body
		}
		return body + strings.Repeat("\n", gap) + panel
	}
	pw := min(max(w/3, 30), 44)
	left := main(w - pw - 2)
	panel := s.com.Styles.Panel.Box.Width(pw).Height(h).Render(s.leanView(pw - 4))
	return lipgloss.JoinHorizontal(lipgloss.Top, pad(fit(left, w-pw-2, h), w-pw-2), "  ", panel)
}

func (s interviewScreen) setupView(w int) string {
	st := s.com.Styles
	var b strings.Builder
	if s.stage == stageSetup {
		b.WriteString(st.Title.Render("A new review") + "\n")
		intro := "A review assesses one or more pieces of state of a system. Name the first one now; add more as you go. The file is saved after every answer."
		if s.com.NoFiles {
			intro = "A review assesses one or more pieces of state of a system. Name the first one now; add more as you go. It is kept while you are here; export shows the record as text to copy."
		}
		b.WriteString(st.Muted.Render(wrap(intro, w)) + "\n\n")
	} else {
		b.WriteString(st.Title.Render("The review's title and people") + "\n\n")
	}
	last := s.lastField()
	for i := 0; i <= last; i++ {
		in := s.fields[i]
		in.SetWidth(max(w-lipgloss.Width(in.Prompt)-2, 4))
		b.WriteString(in.View() + "\n")
		if i == s.focus && s.err != "" {
			b.WriteString(st.Error.Render(wrap(s.err, w)) + "\n")
		}
	}
	b.WriteString("\n" + st.Subtle.Render("enter: next field, then start · tab/shift+tab: move · esc: back"))
	return b.String()
}

// mainView is the question, or the item's summary, with the progress.
func (s interviewScreen) mainView(w int) string {
	st := s.com.Styles
	it := s.current()
	asked := s.asked()
	answered := 0
	for _, q := range asked {
		if _, ok := it.Answers[q.ID]; ok {
			answered++
		}
	}
	var b strings.Builder
	head := st.Accent.Render(it.Name)
	if n := len(s.sess.review.Items); n > 1 {
		head += st.Muted.Render(fmt.Sprintf("  item %d of %d", s.item+1, n))
	}
	b.WriteString(head + "\n")
	if s.stage == stageItemDone {
		b.WriteString(st.Muted.Render(fmt.Sprintf("%d of %d questions answered", answered, len(asked))) + "\n\n")
		b.WriteString(st.Success.Render("✓ "+it.Name+" is answered.") + "\n\n")
		for i, c := range doneChoices {
			if i == s.doneC {
				b.WriteString(st.Accent.Render("› ") + st.Menu.Selected.Render(c) + "\n")
			} else {
				b.WriteString("  " + st.Menu.Item.Render(c) + "\n")
			}
		}
	} else if s.stage == stageNote {
		b.WriteString(st.Muted.Render("A note about "+it.Name+" (it goes in the record)") + "\n\n")
		n := s.note
		n.SetWidth(max(w, 10))
		n.SetHeight(6)
		b.WriteString(n.View() + "\n")
		b.WriteString(st.Subtle.Render("esc or ctrl+t: save the note and go back"))
	} else {
		g, gi, gn := groupPosition(asked, s.form.q)
		b.WriteString(st.Muted.Render(fmt.Sprintf("%s %d of %d · %d of %d answered", g, gi, gn, answered, len(asked))) + "\n\n")
		b.WriteString(s.form.view(w))
	}
	if s.info != "" {
		b.WriteString("\n\n" + st.Warning.Render(wrap(s.info, w)))
	}
	return b.String()
}

// groupPosition places q in its group: "correctness", 2, 5.
func groupPosition(asked []*content.Question, q *content.Question) (string, int, int) {
	i, n := 0, 0
	for _, x := range asked {
		if x.Group == q.Group {
			n++
			if x == q {
				i = n
			}
		}
	}
	return q.Group, i, n
}

// optionTitle names an option as the content pack titles it.
func (s interviewScreen) optionTitle(id advisor.OptionID) string {
	if o := s.com.App.Pack.Option(string(id)); o != nil {
		return o.Title
	}
	return string(id)
}

// leanView is the current-leaning panel at width w.
func (s interviewScreen) leanView(w int) string {
	st := s.com.Styles
	l := s.lean
	var b strings.Builder
	b.WriteString(st.Panel.Title.Render("Current leaning") + "\n")
	if l.Answered == 0 {
		b.WriteString(st.Muted.Render(wrap("No answers yet: every option is open.", w)) + "\n")
	} else {
		b.WriteString(st.Accent.Render(wrap(s.optionTitle(l.Rec.Primary), w)) + "\n")
		b.WriteString(st.Muted.Render(l.Rec.Confidence+" confidence") + "\n")
		if l.RunnerUp != nil {
			b.WriteString(st.Secondary.Render(wrap(fmt.Sprintf("runner-up: %s, %d behind", l.RunnerUp.Title, l.Margin), w)) + "\n")
		} else {
			b.WriteString(st.Muted.Render("no viable runner-up") + "\n")
		}
	}
	if s.last != "" {
		b.WriteString("\n" + st.Panel.Title.Render("Last answer") + "\n" + st.Text.Render(wrap(s.last, w)) + "\n")
		if l.Moved {
			b.WriteString(st.Warning.Render(wrap("moved the leaning from "+s.optionTitle(l.Was), w)) + "\n")
		}
		for _, r := range l.Fired {
			b.WriteString(st.Success.Render(wrap("+ "+ruleTitle(s.com, r.Rule), w)) + "\n")
		}
		for _, r := range l.Stopped {
			b.WriteString(st.Muted.Render(wrap("− "+ruleTitle(s.com, r.Rule), w)) + "\n")
		}
		if len(l.Fired) == 0 && len(l.Stopped) == 0 && !l.Moved {
			b.WriteString(st.Muted.Render("no rule changed") + "\n")
		}
	}
	b.WriteString("\n" + st.Panel.Title.Render(fmt.Sprintf("Still open (%d)", len(l.Open))) + "\n")
	if len(l.Deciding) > 0 && l.Answered > 0 {
		b.WriteString(st.Muted.Render(wrap("could change it: "+strings.Join(l.Deciding, ", "), w)) + "\n")
	} else if len(l.Open) > 0 && l.Answered > 0 {
		b.WriteString(st.Muted.Render(wrap("none of them can change it", w)) + "\n")
	}
	if n := len(l.Rec.Warnings); n > 0 && l.Answered > 0 {
		b.WriteString("\n" + st.Warning.Render(fmt.Sprintf("Warnings (%d)", n)) + "\n")
		for _, wn := range l.Rec.Warnings {
			// Three lines each: the full text is on the recommendation.
			b.WriteString(st.Warning.Render(clampLines(wrap("! "+wn.Text, w), 3)) + "\n")
		}
	}
	return b.String()
}

// leanCompact is the leaning in three lines, for narrow windows.
func (s interviewScreen) leanCompact(w int) string {
	st := s.com.Styles
	l := s.lean
	rule := st.Subtle.Render(strings.Repeat("─", max(w, 1)))
	if l.Answered == 0 {
		return rule + "\n" + st.Panel.Title.Render("Leaning: ") + st.Muted.Render("no answers yet")
	}
	line := st.Panel.Title.Render("Leaning: ") + st.Accent.Render(s.optionTitle(l.Rec.Primary)) + st.Muted.Render(" ("+l.Rec.Confidence+")")
	second := "no viable runner-up"
	if l.RunnerUp != nil {
		second = fmt.Sprintf("runner-up %s, %d behind", l.RunnerUp.Title, l.Margin)
	}
	if n := len(l.Rec.Warnings); n > 0 {
		second += fmt.Sprintf(" · %d warning(s)", n)
	}
	third := fmt.Sprintf("%d open", len(l.Open))
	if len(l.Deciding) > 0 {
		third += "; could change it: " + strings.Join(l.Deciding, ", ")
	}
	if l.Moved {
		third = "moved from " + s.optionTitle(l.Was) + " · " + third
	}
	return rule + "\n" + line + "\n" + st.Secondary.Render(second) + "\n" + st.Muted.Render(third)
}

// ruleTitle is a rule's title from the pack, or its id.
func ruleTitle(com *common.Common, id string) string {
	for _, r := range com.App.Pack.Rules {
		if r.ID == id {
			return r.Title
		}
	}
	return id
}

func (s interviewScreen) itemsView(w int) string {
	st := s.com.Styles
	pack := s.com.App.Pack
	var b strings.Builder
	title := s.sess.review.Title
	if title == "" {
		title = "(untitled review)"
	}
	b.WriteString(st.Title.Render(title) + "\n")
	if len(s.sess.review.DecidedBy) > 0 {
		b.WriteString(st.Muted.Render("decided by "+strings.Join(s.sess.review.DecidedBy, ", ")) + "\n")
	}
	b.WriteString("\n")
	for i, it := range s.sess.review.Items {
		asked := app.Asked(pack, it.Answers)
		n := 0
		for _, q := range asked {
			if _, ok := it.Answers[q.ID]; ok {
				n++
			}
		}
		prog := fmt.Sprintf("%d/%d answered", n, len(asked))
		if i == s.itemC {
			b.WriteString(st.Accent.Render("› ") + st.Menu.Selected.Render(it.Name) + "  " + st.Menu.SelectedDesc.Render(prog) + "\n")
		} else {
			b.WriteString("  " + st.Menu.Item.Render(it.Name) + "  " + st.Menu.Desc.Render(prog) + "\n")
		}
	}
	b.WriteString("\n")
	switch {
	case s.stage == stageItemName:
		what := "The new item's name"
		if s.renaming >= 0 {
			what = "A new name for " + s.sess.review.Items[s.renaming].Name
		}
		in := s.name
		in.SetWidth(max(w-10, 4))
		b.WriteString(st.Bold.Render(what) + "\n" + in.View() + "\n")
		if s.err != "" {
			b.WriteString(st.Error.Render(wrap(s.err, w)) + "\n")
		}
		b.WriteString(st.Subtle.Render("enter: save · esc: cancel"))
	case s.removing:
		b.WriteString(st.Warning.Render(wrap(fmt.Sprintf("Remove %s and its answers? y: remove · n: keep", s.sess.review.Items[s.itemC].Name), w)))
	case s.info != "":
		b.WriteString(st.Warning.Render(wrap(s.info, w)))
	}
	return b.String()
}

func (s interviewScreen) help() common.Help {
	k := s.com.Keys
	switch s.stage {
	case stageSetup, stageDetails:
		next := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next / start"))
		return common.Help{
			Short: []key.Binding{next, k.Interview.Skip, k.Interview.Prev, k.Global.Back, k.Global.ForceQuit},
			Full:  [][]key.Binding{{next, k.Interview.Skip, k.Interview.Prev}, {k.Global.Back, k.Global.Help, k.Global.ForceQuit}},
		}
	case stageItems:
		if s.removing {
			return common.Help{Short: []key.Binding{k.Items.Confirm, k.Items.Cancel}}
		}
		open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "answer it"))
		return common.Help{
			Short: []key.Binding{open, k.Items.Add, k.Items.Rename, k.Items.Remove, k.Items.MoveUp, k.Items.MoveDown, k.Global.Back},
			Full: [][]key.Binding{
				{k.Nav.Up, k.Nav.Down, open, k.Items.Details},
				{k.Items.Add, k.Items.Rename, k.Items.Remove, k.Items.MoveUp, k.Items.MoveDown},
				{k.Interview.Recommend, k.Global.Back, k.Global.Help, k.Global.ForceQuit},
			},
		}
	case stageItemName:
		save := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save"))
		return common.Help{Short: []key.Binding{save, k.Global.Back, k.Global.ForceQuit}}
	case stageNote:
		done := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "save note"))
		return common.Help{Short: []key.Binding{done, k.Global.ForceQuit}}
	case stageItemDone:
		choose := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
		return common.Help{
			Short: []key.Binding{choose, k.Interview.Recommend, k.Interview.Items, k.Interview.Note, k.Interview.Prev, k.Global.Help},
			Full: [][]key.Binding{
				{k.Nav.Up, k.Nav.Down, choose, k.Interview.Prev},
				{k.Interview.Recommend, k.Interview.Items, k.Interview.Note},
				{k.Global.Back, k.Global.Help, k.Global.ForceQuit},
			},
		}
	}
	short := []key.Binding{k.Interview.Answer, k.Interview.Skip, k.Interview.Prev}
	if !s.form.isInput() {
		short = append([]key.Binding{k.Nav.Up, k.Nav.Down}, short...)
		if s.form.q.Type == content.TypeBool {
			short = append(short, k.Interview.Yes)
		}
	}
	short = append(short, k.Interview.Items, k.Interview.Note, k.Interview.Recommend, k.Global.Help)
	return common.Help{
		Short: short,
		Full: [][]key.Binding{
			{k.Interview.Answer, k.Interview.Skip, k.Interview.Prev, k.Nav.Up, k.Nav.Down, k.Interview.Yes, k.Interview.No},
			{k.Interview.Items, k.Interview.Note, k.Interview.Recommend, k.Interview.Leaning},
			{k.Global.Back, k.Global.Help, k.Global.ForceQuit},
		},
	}
}

// focusCmd starts the focused widget (its cursor).
func (s interviewScreen) focusCmd() tea.Cmd {
	switch s.stage {
	case stageSetup, stageDetails:
		return s.fields[s.focus].Focus()
	case stageQuestion:
		if s.form.isInput() {
			return s.form.input.Focus()
		}
	}
	return nil
}
