package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui/common"
	"github.com/kvdo/kvdo/tui/player"
)

// state is the screen on view.
type state int

const (
	stateHome state = iota
	stateOpen
	stateInterview
	stateRecommend
	stateLearn
	stateDemos
	stateDemo
	stateName  // a room participant's name, asked first
	statePoll  // a room poll's question
	statePanel // the host's panel (kvdo serve's facilitator view)
	stateQuit  // not a screen: the home entry that leaves
)

func (s state) String() string {
	switch s {
	case stateHome:
		return "home"
	case stateOpen:
		return "open review"
	case stateInterview:
		return "interview"
	case stateRecommend:
		return "recommendation"
	case stateLearn:
		return "learn"
	case stateDemos:
		return "demos"
	case stateDemo:
		return "demo"
	case stateName:
		return "name"
	case statePoll:
		return "poll"
	case statePanel:
		return "room"
	case stateQuit:
		return "quit"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// backToInterviewMsg returns from the recommendation to its interview.
type backToInterviewMsg struct{}

// Model is the root and only tea.Model of kvdo's TUI.
type Model struct {
	com  *common.Common
	opts Options

	state    state
	from     []state // where BackMsg returns to
	showHelp bool
	help     help.Model
	err      error // returned by Run

	sess *session // the review being worked on, nil before one starts

	// widths remembers the display width of lines drawn lately: most of
	// a frame's lines were in the frame before, and measuring a styled
	// line (grapheme by grapheme) is what drawing costs most.
	widths map[string]int
	// footerKey and footerText remember the last short help drawn: the
	// keys shown and the width, which change far less often than frames.
	footerKey, footerText string

	home      homeScreen
	open      openScreen
	interview interviewScreen
	recommend recommendScreen
	learn     learnScreen
	demos     demoListScreen
	demo      playerScreen
	init      tea.Cmd // the first screen's own start command

	rec *player.Recorder // --record: every frame drawn, kept in memory

	room  roomState // in a workshop room (Options.Room)
	panel Panel     // the host's screen (Options.Panel), nil without
}

// New builds the root model for opts. Problems with the inputs (a review
// file that cannot be resumed or created) are *app.InputErrors, returned
// before anything is drawn.
func New(opts Options) (*Model, error) {
	if opts.App == nil {
		return nil, fmt.Errorf("tui: Options.App is required")
	}
	com := common.New(opts.App, opts.NoColor)
	com.NoFiles = opts.NoFiles
	if opts.Background == BackgroundLight {
		com.Styles = common.DefaultStyles(false, opts.NoColor)
	}
	if opts.Width > 0 && opts.Height > 0 {
		com.Width, com.Height = opts.Width, opts.Height
	}
	m := &Model{com: com, opts: opts, help: help.New()}
	m.help.Styles = com.Styles.Help
	w, h := m.bodySize()
	panel := ""
	if opts.Panel != nil {
		m.panel = opts.Panel(com)
		panel = m.panel.Title()
	}
	m.home = newHome(com, panel)
	// The open, learn and demo-list screens are built when first shown
	// (ensure): each lays out lists, milliseconds a start need not spend
	// before its first frame.
	switch opts.Start {
	case StartInterview:
		if opts.Review == "" {
			return nil, app.BadInput("no review file: expected a path for --save or --resume")
		}
		if opts.Resume {
			r, err := app.ReadReview(opts.Review, opts.App.Pack)
			if err != nil {
				return nil, err
			}
			m.sess = newSession(opts.App, opts.Review, r, false)
		} else if err := app.CheckNewReview("--save", opts.Review); err != nil {
			return nil, err
		}
		m.state = stateInterview
		m.interview = newInterview(com, m.sess, opts.Review)
		m.init = tea.Batch(m.interview.focusCmd(), m.remember(opts.Review))
	case StartDemo:
		m.state = stateDemo
		m.demo, m.init = newPlayerScreen(com, opts.Demo, opts.NoMotion, opts.FPS, w, h)
	}
	if opts.Room != nil && cleanName(opts.Name) == "" {
		m.state = stateName
		m.room.name = newNamePrompt(com)
		m.init = tea.Batch(m.init, m.room.name.Focus())
	}
	m.opts.Name = cleanName(opts.Name)
	return m, nil
}

// Init asks the terminal for its background colour, unless the theme was
// given, and starts the first screen.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.opts.Background == BackgroundAuto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	cmds = append(cmds, m.init)
	return tea.Batch(cmds...)
}

// remember adds a review file to the recent list, in a command.
func (m *Model) remember(path string) tea.Cmd {
	if m.opts.Recent.File == "" || m.sess == nil {
		return nil
	}
	r := m.opts.Recent
	return func() tea.Msg {
		_ = r.Add(path) // a convenience: failing to remember is no error
		return nil
	}
}

// bodySize is the space a screen draws in: the window less the header
// and the footer lines.
func (m *Model) bodySize() (int, int) {
	return max(m.com.Width, 1), max(m.com.Height-2, 1)
}

// Update handles the global messages, then routes the rest to the screen
// on view (or, for a screen's own asynchronous results, to that screen).
// A screen that comes into view is laid out for the window first: screens
// out of view are not re-laid out at every resize.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	was := m.state
	_, cmd := m.update(msg)
	if m.state != was {
		m.resize()
		if m.state == stateRecommend {
			cmd = tea.Batch(cmd, m.recommend.recordCmd())
		}
		if m.state == statePanel {
			// However it came into view (the menu, back from a demo).
			cmd = tea.Batch(cmd, m.panel.Update(PanelOpenedMsg{}))
		}
	}
	m.report()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	keys := m.com.Keys
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.rec.Sized()
		m.com.Width, m.com.Height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.resize()
		if m.state == stateRecommend {
			return m, m.recommend.recordCmd()
		}
		return m, nil
	case tea.BackgroundColorMsg:
		if m.opts.Background == BackgroundAuto && msg.IsDark() != m.com.Styles.IsDark {
			m.com.Styles = common.DefaultStyles(msg.IsDark(), m.opts.NoColor)
			return m, m.restyle()
		}
		return m, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, keys.Global.ForceQuit) {
			return m, tea.Quit
		}
		if m.com.TooSmall() {
			// Nothing is drawn to act on: only leaving makes sense.
			if key.Matches(msg, keys.Global.Quit) && !m.typing() {
				return m, tea.Quit
			}
			return m, nil
		}
		if key.Matches(msg, keys.Global.Help) && (!m.typing() || msg.String() == "ctrl+g") {
			// ? is a letter while typing; ctrl+g is help everywhere.
			m.showHelp = !m.showHelp
			return m, nil
		}
		if m.showHelp && key.Matches(msg, keys.Global.Back) {
			m.showHelp = false
			return m, nil
		}
		if m.quitsOnQ() && key.Matches(msg, keys.Global.Quit) {
			return m, tea.Quit
		}
		if m.canRejoin() && key.Matches(msg, keys.Room.Follow) {
			return m, m.rejoin()
		}
		if m.room.following && m.state == stateDemo {
			m.leaveLead() // the player takes its clock back on this key
		}
	case FollowMsg:
		return m.onFollow(msg)
	case LeadEndMsg:
		return m.onLeadEnd()
	case PollMsg:
		return m.onPoll(msg)
	case PollCloseMsg:
		return m.onPollClose(msg)
	case tea.MouseMsg:
		if m.com.TooSmall() {
			return m, nil
		}
	case gotoMsg:
		return m.goTo(msg.to)
	case common.OpenDemoMsg:
		m.leaveLead() // a demo of one's own
		m.push(stateDemo)
		w, h := m.bodySize()
		var cmd tea.Cmd
		m.demo, cmd = newPlayerScreen(m.com, msg, m.opts.NoMotion, m.opts.FPS, w, h)
		return m, cmd
	case common.BackMsg:
		m.showHelp = false
		if m.state == stateDemo {
			m.leaveLead()
		}
		if n := len(m.from); n > 0 {
			m.state, m.from = m.from[n-1], m.from[:n-1]
		} else {
			m.state = stateHome
		}
		return m, nil
	case savedMsg:
		if msg.sess != nil {
			msg.sess.onSaved(msg)
		}
		return m, nil
	case setupDoneMsg:
		if msg.sess != nil {
			m.sess = msg.sess
		}
		var cmd tea.Cmd
		m.interview, cmd = m.interview.update(msg)
		if msg.sess != nil {
			cmd = tea.Batch(cmd, m.remember(msg.sess.path))
		}
		return m, cmd
	case freeNameMsg:
		var cmd tea.Cmd
		m.interview, cmd = m.interview.update(msg)
		return m, cmd
	case openRecommendMsg:
		return m.openRecommend()
	case backToInterviewMsg:
		if n := len(m.from); n > 0 && m.from[n-1] == stateInterview {
			m.from = m.from[:n-1]
		}
		m.state = stateInterview
		if m.interview.sess != m.sess {
			m.interview = newInterview(m.com, m.sess, "")
		} else {
			m.interview = m.interview.afterEdit()
		}
		return m, m.interview.focusCmd()
	case recentMsg:
		var cmd tea.Cmd
		m.ensure(stateOpen)
		m.open, cmd = m.open.update(msg)
		return m, cmd
	case reviewLoadedMsg:
		var cmd tea.Cmd
		m.ensure(stateOpen)
		m.open, cmd = m.open.update(msg)
		if msg.err != nil {
			return m, cmd
		}
		return m.openReview(msg)
	case recordMsg, recordDueMsg, exportDoneMsg, evidenceProgressMsg, evidenceDoneMsg:
		var cmd tea.Cmd
		m.recommend, cmd = m.recommend.update(msg)
		return m, cmd
	}
	return m.updateScreen(msg)
}

// push shows screen to, remembering the current one for BackMsg.
func (m *Model) push(to state) {
	m.showHelp = false
	if to != m.state {
		m.from = append(m.from, m.state)
	}
	m.state = to
	m.ensure(to)
}

// ensure builds the screen of state s if it has not been shown yet, laid
// out for the window and in the current theme. Every way onto those
// screens goes through push, so a screen on view is always built.
func (m *Model) ensure(s state) {
	w, h := m.bodySize()
	switch {
	case s == stateOpen && m.open.com == nil:
		m.open = newOpen(m.com, w, h)
	case s == stateLearn && m.learn.com == nil:
		m.learn = newLearn(m.com, w, h)
	case s == stateDemos && m.demos.com == nil:
		m.demos = newDemoList(m.com, w, h)
	}
}

// goTo opens a screen from the home menu.
func (m *Model) goTo(to state) (tea.Model, tea.Cmd) {
	switch to {
	case stateQuit:
		return m, tea.Quit
	case stateInterview:
		// A new review; one in progress is already saved.
		m.push(to)
		m.interview = newInterview(m.com, nil, "")
		if m.com.NoFiles {
			return m, m.interview.focusCmd()
		}
		return m, tea.Batch(m.interview.focusCmd(), func() tea.Msg {
			return freeNameMsg{path: app.FreeReviewName("kvdo-review.yaml")}
		})
	case stateOpen:
		m.push(to)
		var cmd tea.Cmd
		m.open, cmd = m.open.reset()
		return m, tea.Batch(cmd, loadRecent(m.opts.Recent))
	}
	m.push(to)
	if to == stateLearn {
		m.learn = m.learn.build()
	}
	if to == statePanel && m.panel == nil {
		m.state = stateHome
	}
	return m, nil
}

// openRecommend shows the recommendation of the session's review.
func (m *Model) openRecommend() (tea.Model, tea.Cmd) {
	if m.sess == nil {
		return m, nil
	}
	m.push(stateRecommend)
	w, h := m.bodySize()
	var cmd tea.Cmd
	m.recommend, cmd = newRecommend(m.com, m.sess, m.opts.Date, w, h)
	m.recommend.ev = m.recommend.ev.within(m.opts.EvidenceDuration)
	return m, cmd
}

// openReview continues a review read from disk: its recommendation when
// every item has its required answers, otherwise its interview at the
// first unanswered question.
func (m *Model) openReview(msg reviewLoadedMsg) (tea.Model, tea.Cmd) {
	m.sess = newSession(m.com.App, msg.path, msg.review, false)
	remember := m.remember(msg.path)
	complete := true
	for _, it := range msg.review.Items {
		if len(app.Missing(m.com.App.Pack, it.Answers)) > 0 {
			complete = false
		}
	}
	if n := len(m.from); n > 0 && m.state == stateOpen {
		m.state, m.from = m.from[n-1], m.from[:n-1] // leave the open screen behind
	}
	if complete {
		next, cmd := m.openRecommend()
		return next, tea.Batch(cmd, remember)
	}
	m.push(stateInterview)
	m.interview = newInterview(m.com, m.sess, "")
	return m, tea.Batch(m.interview.focusCmd(), remember)
}

// updateScreen hands msg to the screen on view.
func (m *Model) updateScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.state {
	case stateHome:
		m.home, cmd = m.home.update(msg)
	case stateOpen:
		m.open, cmd = m.open.update(msg)
	case stateInterview:
		m.interview, cmd = m.interview.update(msg)
	case stateRecommend:
		m.recommend, cmd = m.recommend.update(msg)
	case stateLearn:
		m.learn, cmd = m.learn.update(msg)
	case stateDemos:
		m.demos, cmd = m.demos.update(msg)
	case stateDemo:
		m.demo, cmd = m.demo.update(msg)
	case stateName:
		return m.updateName(msg)
	case statePoll:
		return m.updatePoll(msg)
	case statePanel:
		cmd = m.panel.Update(msg)
	}
	if next := m.takeNav(); next != nil {
		_, more := m.update(next)
		cmd = tea.Batch(cmd, more)
	}
	return m, cmd
}

// takeNav takes the navigation request of the screen on view.
func (m *Model) takeNav() tea.Msg {
	switch m.state {
	case stateHome:
		return m.home.take()
	case stateOpen:
		return m.open.take()
	case stateInterview:
		return m.interview.take()
	case stateRecommend:
		return m.recommend.take()
	case stateLearn:
		return m.learn.take()
	case stateDemos:
		return m.demos.take()
	case stateDemo:
		return m.demo.take()
	}
	return nil
}

// typing reports whether the screen on view is taking text, so that
// letters such as q and ? are typed rather than obeyed.
func (m *Model) typing() bool {
	switch m.state {
	case stateOpen:
		return m.open.typing()
	case stateInterview:
		return m.interview.typing()
	case stateRecommend:
		return m.recommend.typing()
	case stateLearn:
		return m.learn.typing()
	case stateDemos:
		return m.demos.typing()
	case stateDemo:
		return m.demo.typing()
	case stateName:
		return true
	case statePoll:
		return m.room.poll != nil && m.room.poll.form.isInput()
	case statePanel:
		return m.panel.Typing()
	}
	return false
}

// quitsOnQ reports whether q leaves kvdo here. Never in the interview or
// the open screen, where q may be part of what is typed (ctrl+c always
// works, and the review is saved after every answer).
func (m *Model) quitsOnQ() bool {
	switch m.state {
	case stateInterview, stateOpen, stateName:
		return false
	case stateRecommend:
		return !m.recommend.modal()
	}
	return !m.typing()
}

// resize lays the screen on view out for the window size.
func (m *Model) resize() {
	w, h := m.bodySize()
	switch m.state {
	case stateOpen:
		m.open = m.open.setSize(w, h)
	case stateLearn:
		m.learn = m.learn.setSize(w, h).build()
	case stateDemos:
		m.demos = m.demos.setSize(w, h)
	case stateDemo:
		m.demo = m.demo.setSize(w, h)
	case stateRecommend:
		m.recommend = m.recommend.setSize(w, h)
	}
}

// restyle applies a new theme to the components that copy styles.
func (m *Model) restyle() tea.Cmd {
	m.help.Styles = m.com.Styles.Help
	m.footerKey = "" // drawn in the old styles
	// A screen not built yet takes the theme when it is.
	if m.open.com != nil {
		m.open = m.open.restyle()
	}
	if m.learn.com != nil {
		m.learn = m.learn.restyle()
	}
	if m.state == stateLearn {
		m.learn = m.learn.build()
	}
	if m.demos.com != nil {
		m.demos = m.demos.restyle()
	}
	m.interview = m.interview.restyle()
	if m.state == stateDemo {
		m.demo = m.demo.restyle() // a player out of view is made afresh when a demo opens
	}
	var cmd tea.Cmd
	if m.state == stateRecommend {
		// Out of view, it is redrawn with the new styles when it comes back.
		m.recommend = m.recommend.restyle()
		cmd = m.recommend.recordCmd()
	}
	return cmd
}

// View draws the header, the screen on view and the footer with its key
// help, or a request for a larger window.
func (m *Model) View() tea.View {
	content := m.render()
	m.rec.Frame(content, m.com.Width, m.com.Height)
	v := tea.NewView(content)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "kvdo"
	return v
}

func (m *Model) render() string {
	W, H := m.com.Width, m.com.Height
	if W <= 0 || H <= 0 {
		return ""
	}
	if m.com.TooSmall() {
		return fit(m.tooSmall(), W, H)
	}
	w, h := m.bodySize()
	body := m.fit(m.body(w, h), w, h)
	if m.showHelp {
		full := m.fullHelp(w)
		n := lineCount(full)
		if n < h {
			lines := strings.Split(body, "\n")
			body = strings.Join(lines[:h-n], "\n") + "\n" + m.fit(full, w, n)
		} else {
			body = m.fit(full, w, h)
		}
	}
	return m.fit(m.header(w), w, 1) + "\n" + body + "\n" + m.fit(m.footer(w), w, 1)
}

// fit is the package's fit with the widths of recent lines remembered.
func (m *Model) fit(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	if m.widths == nil || len(m.widths) > 8192 {
		m.widths = make(map[string]int, 1024)
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if len(l) <= w {
			continue // never wider than its length in bytes
		}
		lw, ok := m.widths[l]
		if !ok {
			lw = ansi.StringWidth(l)
			m.widths[l] = lw
		}
		if lw > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) tooSmall() string {
	st := m.com.Styles
	msg := fmt.Sprintf("kvdo needs a window of at least %dx%d (this one is %dx%d): enlarge the window, or press ctrl+c to quit.",
		common.MinWidth, common.MinHeight, m.com.Width, m.com.Height)
	return st.Warning.Render(wrap(msg, m.com.Width))
}

func (m *Model) body(w, h int) string {
	switch m.state {
	case stateHome:
		return m.home.view(w, h)
	case stateOpen:
		return m.open.view(w, h)
	case stateInterview:
		return m.interview.view(w, h)
	case stateRecommend:
		return m.recommend.view(w, h)
	case stateLearn:
		return m.learn.view(w, h)
	case stateDemos:
		return m.demos.view(w, h)
	case stateDemo:
		return m.demo.view(w, h)
	case stateName:
		return m.nameView(w)
	case statePoll:
		return m.pollView(w)
	case statePanel:
		return m.panel.View(w, h)
	}
	return ""
}

func (m *Model) header(w int) string {
	st := m.com.Styles
	left := st.Header.Logo.Render("kvdo")
	if m.state != stateHome {
		left += st.Header.Crumb.Render(" › " + m.state.String())
	}
	status := ""
	if m.state == stateInterview || m.state == stateRecommend {
		status = m.sess.status()
	}
	if s := m.roomStatus(); s != "" && (status == "" || m.state == stateDemo) {
		status = s
	}
	if status == "" {
		return left
	}
	style := st.Header.Status
	if m.sess != nil && m.sess.err != nil {
		style = st.Error
	}
	return spread(left, style.Render(status), w)
}

func (m *Model) screenHelp() common.Help {
	switch m.state {
	case stateHome:
		return m.home.help()
	case stateOpen:
		return m.open.help()
	case stateInterview:
		return m.interview.help()
	case stateRecommend:
		return m.recommend.help()
	case stateLearn:
		return m.learn.help()
	case stateDemos:
		return m.demos.help()
	case stateDemo:
		return m.withFollow(m.demo.help())
	case stateName, statePoll, statePanel:
		return m.roomHelp()
	}
	return common.Help{}
}

// withFollow adds the Follow key to a screen's help while it works.
func (m *Model) withFollow(h common.Help) common.Help {
	if !m.canRejoin() {
		return h
	}
	f := m.com.Keys.Room.Follow
	h.Short = append([]key.Binding{f}, h.Short...)
	h.Full = append([][]key.Binding{{f}}, h.Full...)
	return h
}

func (m *Model) footer(w int) string {
	hm := m.help
	hm.SetWidth(w)
	if m.showHelp {
		return m.com.Styles.Muted.Render("esc or ? closes the help")
	}
	bindings := m.screenHelp().ShortHelp()
	var k strings.Builder
	k.WriteString(strconv.Itoa(w))
	for _, b := range bindings {
		if b.Enabled() {
			h := b.Help()
			k.WriteString("\x00" + h.Key + "\x01" + h.Desc)
		}
	}
	if key := k.String(); key != m.footerKey {
		m.footerKey, m.footerText = key, hm.ShortHelpView(bindings)
	}
	return m.footerText
}

func (m *Model) fullHelp(w int) string {
	hm := m.help
	hm.SetWidth(w)
	title := m.com.Styles.Panel.Title.Render("Keys on the " + m.state.String() + " screen")
	return title + "\n" + hm.FullHelpView(m.screenHelp().FullHelp())
}
