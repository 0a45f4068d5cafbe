package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
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
	stateQuit // not a screen: the home entry that leaves
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
	case stateQuit:
		return "quit"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Model is the root and only tea.Model of kvdo's TUI.
type Model struct {
	com  *common.Common
	opts Options

	state    state
	from     []state // where BackMsg returns to
	showHelp bool
	help     help.Model
	err      error // returned by Run

	home  homeScreen
	demos demoListScreen
	demo  playerScreen
	init  tea.Cmd // the first screen's own start command

	rec *player.Recorder // --record: every frame drawn, kept in memory
}

// New builds the root model for opts. Problems with the inputs (a review
// file that cannot be resumed, say) are *app.InputErrors.
func New(opts Options) (Model, error) {
	if opts.App == nil {
		return Model{}, fmt.Errorf("tui: Options.App is required")
	}
	com := common.New(opts.App, opts.NoColor)
	if opts.Background == BackgroundLight {
		com.Styles = common.DefaultStyles(false, opts.NoColor)
	}
	if opts.Width > 0 && opts.Height > 0 {
		com.Width, com.Height = opts.Width, opts.Height
	}
	m := Model{com: com, opts: opts, help: help.New()}
	m.help.Styles = com.Styles.Help
	w, h := m.bodySize()
	m.home = newHome(com)
	m.demos = newDemoList(com, w, h)
	switch opts.Start {
	case StartDemo:
		m.state = stateDemo
		m.demo, m.init = newPlayerScreen(com, opts.Demo, opts.NoMotion, w, h)
	}
	return m, nil
}

// Init asks the terminal for its background colour, unless the theme was
// given, and starts the first screen.
func (m Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.opts.Background == BackgroundAuto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	cmds = append(cmds, m.init)
	return tea.Batch(cmds...)
}

// bodySize is the space a screen draws in: the window less the header
// and the footer lines.
func (m Model) bodySize() (int, int) {
	return max(m.com.Width, 1), max(m.com.Height-2, 1)
}

// Update handles the global messages, then routes the rest to the screen
// on view (or, for a screen's own asynchronous results, to that screen).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	keys := m.com.Keys
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.rec.Sized()
		m.com.Width, m.com.Height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m.resize(), nil
	case tea.BackgroundColorMsg:
		if m.opts.Background == BackgroundAuto && msg.IsDark() != m.com.Styles.IsDark {
			m.com.Styles = common.DefaultStyles(msg.IsDark(), m.opts.NoColor)
			return m.restyle(), nil
		}
		return m, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, keys.Global.ForceQuit) {
			return m, tea.Quit
		}
		if m.com.TooSmall() {
			// Nothing is drawn to act on: only leaving makes sense.
			if key.Matches(msg, keys.Global.Quit) {
				return m, tea.Quit
			}
			return m, nil
		}
		if !m.typing() && key.Matches(msg, keys.Global.Help) {
			m.showHelp = !m.showHelp
			return m, nil
		}
		if m.showHelp && key.Matches(msg, keys.Global.Back) {
			m.showHelp = false
			return m, nil
		}
		if !m.typing() && key.Matches(msg, keys.Global.Quit) {
			return m, tea.Quit
		}
	case gotoMsg:
		return m.open(msg.to)
	case common.OpenDemoMsg:
		m.from = append(m.from, m.state)
		w, h := m.bodySize()
		var cmd tea.Cmd
		m.demo, cmd = newPlayerScreen(m.com, msg, m.opts.NoMotion, w, h)
		m.state = stateDemo
		m.showHelp = false
		return m, cmd
	case common.BackMsg:
		m.showHelp = false
		if n := len(m.from); n > 0 {
			m.state, m.from = m.from[n-1], m.from[:n-1]
		} else {
			m.state = stateHome
		}
		return m, nil
	}
	return m.updateScreen(msg)
}

// open shows screen to, opened from the current one.
func (m Model) open(to state) (tea.Model, tea.Cmd) {
	if to == stateQuit {
		return m, tea.Quit
	}
	m.showHelp = false
	if to != m.state {
		m.from = append(m.from, m.state)
	}
	m.state = to
	return m, nil
}

// updateScreen hands msg to the screen on view.
func (m Model) updateScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.state {
	case stateHome:
		m.home, cmd = m.home.update(msg)
	case stateDemos:
		m.demos, cmd = m.demos.update(msg)
	case stateDemo:
		m.demo, cmd = m.demo.update(msg)
	}
	return m, cmd
}

// typing reports whether the screen on view is taking text, so that
// letters such as q and ? are typed rather than obeyed.
func (m Model) typing() bool {
	switch m.state {
	case stateDemos:
		return m.demos.typing()
	case stateDemo:
		return m.demo.typing()
	}
	return false
}

// resize lays every screen out for the new window size.
func (m Model) resize() Model {
	w, h := m.bodySize()
	m.demos = m.demos.setSize(w, h)
	m.demo = m.demo.setSize(w, h)
	return m
}

// restyle applies a new theme to the components that copy styles.
func (m Model) restyle() Model {
	m.help.Styles = m.com.Styles.Help
	m.demos = m.demos.restyle()
	m.demo = m.demo.restyle()
	return m
}

// View draws the header, the screen on view and the footer with its key
// help, or a request for a larger window.
func (m Model) View() tea.View {
	content := m.render()
	m.rec.Frame(content, m.com.Width, m.com.Height)
	v := tea.NewView(content)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "kvdo"
	return v
}

func (m Model) render() string {
	W, H := m.com.Width, m.com.Height
	if W <= 0 || H <= 0 {
		return ""
	}
	if m.com.TooSmall() {
		return fit(m.tooSmall(), W, H)
	}
	w, h := m.bodySize()
	body := fit(m.body(w, h), w, h)
	if m.showHelp {
		full := m.fullHelp(w)
		n := lineCount(full)
		if n < h {
			lines := strings.Split(body, "\n")
			body = strings.Join(lines[:h-n], "\n") + "\n" + full
		} else {
			body = fit(full, w, h)
		}
	}
	return fit(m.header(w)+"\n"+body+"\n"+m.footer(w), W, H)
}

func (m Model) tooSmall() string {
	st := m.com.Styles
	msg := fmt.Sprintf("kvdo needs a window of at least %dx%d (this one is %dx%d): enlarge the window, or press q to quit.",
		common.MinWidth, common.MinHeight, m.com.Width, m.com.Height)
	return st.Warning.Render(wrap(msg, m.com.Width))
}

func (m Model) body(w, h int) string {
	switch m.state {
	case stateHome:
		return m.home.view(w, h)
	case stateDemos:
		return m.demos.view(w, h)
	case stateDemo:
		return m.demo.view(w, h)
	}
	return ""
}

func (m Model) header(w int) string {
	st := m.com.Styles
	left := st.Header.Logo.Render("kvdo")
	if m.state != stateHome {
		left += st.Header.Crumb.Render(" › " + m.state.String())
	}
	return spread(left, st.Header.Status.Render(m.status()), w)
}

// status is the right-hand side of the header.
func (m Model) status() string { return "" }

func (m Model) screenHelp() common.Help {
	switch m.state {
	case stateHome:
		return m.home.help()
	case stateDemos:
		return m.demos.help()
	case stateDemo:
		return m.demo.help()
	}
	return common.Help{}
}

func (m Model) footer(w int) string {
	hm := m.help
	hm.SetWidth(w)
	if m.showHelp {
		return m.com.Styles.Muted.Render("esc or ? closes the help")
	}
	return hm.ShortHelpView(m.screenHelp().ShortHelp())
}

func (m Model) fullHelp(w int) string {
	hm := m.help
	hm.SetWidth(w)
	title := m.com.Styles.Panel.Title.Render("Keys on the " + m.state.String() + " screen")
	return title + "\n" + hm.FullHelpView(m.screenHelp().FullHelp())
}
