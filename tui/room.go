package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvdo/kvdo/content"

	"github.com/kvdo/kvdo/tui/common"
	"github.com/kvdo/kvdo/tui/player"
)

// Room links one program to a workshop room (kvdo serve): the host learns
// where the participant is and what they answer, and sends the program
// FollowMsg, LeadEndMsg, PollMsg and PollCloseMsg (tea.Program.Send). Its
// methods are called from Update: they must return at once.
type Room interface {
	// Moved reports where the participant is, each time that changes.
	Moved(Where)
	// Answered reports the participant's answer to a poll, as
	// advisor.ParseAnswer reads it (bool, float64 or string).
	Answered(poll int, value any)
}

// Where is what a room's facilitator sees of a participant.
type Where struct {
	Name   string // what they typed (or Options.Name)
	Screen string // the screen on view: home, demo, interview, ...
	Demo   string // the demo on view, "" off the player
	// Player is the player's position while a demo is on view.
	Player *player.Position
	// Following is true while the player follows a leader.
	Following bool
}

// equal reports whether two reports say the same.
func (w Where) equal(o Where) bool {
	if w.Name != o.Name || w.Screen != o.Screen || w.Demo != o.Demo || w.Following != o.Following {
		return false
	}
	if (w.Player == nil) != (o.Player == nil) {
		return false
	}
	return w.Player == nil || w.Player.Equal(*o.Player)
}

// FollowMsg puts a participant's player where the leader's is. A lead
// with a new number brings back everyone who went their own way during
// the previous one.
type FollowMsg struct {
	Lead int
	Demo string
	Pos  player.Position
}

// LeadEndMsg says the leader stopped leading: followers keep the demo
// where it was, with its clock their own again.
type LeadEndMsg struct{}

// PollMsg asks a question of the content pack about a named piece of
// state; the answer goes to Room.Answered.
type PollMsg struct {
	ID       int
	Item     string // the piece of state the question is about
	Question string // a question id of the pack
}

// PollCloseMsg closes a poll: a participant still on it goes back.
type PollCloseMsg struct{ ID int }

// Panel is a screen the host adds to the home menu (kvdo serve's
// facilitator view). The root routes keys and the host's messages to it
// while it is on view; it navigates by returning commands whose messages
// the root knows (common.OpenDemoMsg, common.BackMsg).
type Panel interface {
	Title() string
	Update(tea.Msg) tea.Cmd
	View(w, h int) string
	Help() common.Help
	// Typing reports whether a text field has the keys.
	Typing() bool
}

// NewPanel builds a host's panel with the program's Common (its styles,
// keys and window size, kept current by the root).
type NewPanel func(*common.Common) Panel

// PanelOpenedMsg tells a Panel it has come into view.
type PanelOpenedMsg struct{}

// roomState is the root's part in a room.
type roomState struct {
	name      textinput.Model // the name prompt (stateName)
	lead      *FollowMsg      // the leader's latest position; nil when nobody leads
	leadNum   int             // the lead the participant last joined
	following bool
	poll      *pollScreen
	said      Where // the last report
	reported  bool
}

// nameScreen asks a participant for the name the facilitator sees.
func newNamePrompt(com *common.Common) textinput.Model {
	in := textinput.New()
	in.Prompt = "Your name: "
	in.Placeholder = "Ana"
	in.CharLimit = 40
	in.SetStyles(com.Styles.Input)
	return in
}

// cleanName keeps a name printable and short: it is shown on someone
// else's screen.
func cleanName(s string) string {
	s = ansi.Strip(s)
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40])
	}
	return s
}

func (m *Model) updateName(msg tea.Msg) (tea.Model, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, m.com.Keys.Nav.Select) {
		name := cleanName(m.room.name.Value())
		if name == "" {
			return m, nil
		}
		m.opts.Name = name
		m.room.name.Blur()
		m.state = stateHome
		if m.room.following && m.room.lead != nil {
			return m, m.applyLead()
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.room.name, cmd = m.room.name.Update(msg)
	return m, cmd
}

func (m *Model) nameView(w int) string {
	st := m.com.Styles
	in := m.room.name
	in.SetWidth(max(w-lipgloss.Width(in.Prompt)-4, 4))
	var b strings.Builder
	b.WriteString("\n" + st.Title.Render("Welcome to the room") + "\n\n")
	b.WriteString(st.Muted.Render(wrap("The facilitator sees this name beside where you are in kvdo. Nothing you do reaches anyone else.", w-2)) + "\n\n")
	b.WriteString(in.View() + "\n\n")
	b.WriteString(st.Subtle.Render("enter: go in · ctrl+c: leave"))
	return indent(b.String(), 2)
}

// onFollow takes a leader's position: a new lead brings everyone in, and
// a follower's player goes where the leader's is.
func (m *Model) onFollow(msg FollowMsg) (tea.Model, tea.Cmd) {
	m.room.lead = &msg
	if msg.Lead != m.room.leadNum {
		m.room.leadNum = msg.Lead
		m.room.following = true
	}
	if !m.room.following || m.state == stateName || m.state == statePoll {
		return m, nil // applied when the name is given or the poll answered
	}
	return m, m.applyLead()
}

// applyLead opens the leader's demo when it is not on view and moves the
// player to the leader's position.
func (m *Model) applyLead() tea.Cmd {
	lead := m.room.lead
	if lead == nil || len(lead.Pos.Runs) == 0 {
		return nil
	}
	var cmds []tea.Cmd
	if m.state != stateDemo || m.demo.id != lead.Demo || m.demo.err != nil {
		sp := lead.Pos.Runs[0]
		m.push(stateDemo)
		w, h := m.bodySize()
		var cmd tea.Cmd
		m.demo, cmd = newPlayerScreen(m.com, common.OpenDemoMsg{ID: lead.Demo, Variant: sp.Variant, Seed: sp.Seed, Set: sp.Set}, m.opts.NoMotion, m.opts.FPS, w, h)
		cmds = append(cmds, cmd)
	}
	if m.demo.err == nil {
		var cmd tea.Cmd
		m.demo.p, cmd = m.demo.p.Follow(lead.Pos)
		cmds = append(cmds, cmd)
	}
	m.showHelp = false
	return tea.Batch(cmds...)
}

// onLeadEnd lets followers go: the player keeps its place.
func (m *Model) onLeadEnd() (tea.Model, tea.Cmd) {
	m.room.lead = nil
	m.room.following = false
	if m.state == stateDemo && m.demo.err == nil && m.demo.p.Following() {
		var cmd tea.Cmd
		m.demo.p, cmd = m.demo.p.Unfollow()
		return m, cmd
	}
	return m, nil
}

// rejoin follows the leader again (the Follow key).
func (m *Model) rejoin() tea.Cmd {
	m.room.following = true
	return m.applyLead()
}

// canRejoin reports whether the Follow key means something now.
func (m *Model) canRejoin() bool {
	return m.room.lead != nil && !m.room.following && m.state != stateName && m.state != statePoll && !m.typing()
}

// leaveLead is a participant going their own way: a key of theirs on the
// player, or leaving it.
func (m *Model) leaveLead() { m.room.following = false }

// where is the participant's place now.
func (m *Model) where() Where {
	w := Where{Name: m.opts.Name, Screen: m.state.String(), Following: m.room.following}
	if m.state == statePanel && m.panel != nil {
		w.Screen = strings.ToLower(m.panel.Title())
	}
	if m.state == stateDemo && m.demo.err == nil {
		pos := m.demo.p.Position()
		w.Demo, w.Player = m.demo.id, &pos
	}
	return w
}

// report tells the room where the participant is when that has changed.
func (m *Model) report() {
	if m.opts.Room == nil {
		return
	}
	w := m.where()
	if m.room.reported && w.equal(m.room.said) {
		return
	}
	m.room.said, m.room.reported = w, true
	m.opts.Room.Moved(w)
}

// onPoll shows a poll's question.
func (m *Model) onPoll(msg PollMsg) (tea.Model, tea.Cmd) {
	q := m.com.App.Pack.Question(msg.Question)
	if q == nil || m.opts.Room == nil {
		return m, nil
	}
	p := newPollScreen(m.com, msg, q)
	m.room.poll = &p
	if m.state == stateName {
		return m, nil // shown once the name is given
	}
	if m.state != statePoll {
		m.push(statePoll)
	}
	return m, nil
}

// onPollClose takes a closed poll off the screen.
func (m *Model) onPollClose(msg PollCloseMsg) (tea.Model, tea.Cmd) {
	if m.room.poll == nil || m.room.poll.msg.ID != msg.ID {
		return m, nil
	}
	m.room.poll = nil
	if m.state == statePoll {
		return m.leavePoll()
	}
	return m, nil
}

// leavePoll goes back to where the poll found the participant, or to the
// leader's demo when they follow.
func (m *Model) leavePoll() (tea.Model, tea.Cmd) {
	m.room.poll = nil
	if n := len(m.from); n > 0 {
		m.state, m.from = m.from[n-1], m.from[:n-1]
	} else {
		m.state = stateHome
	}
	if m.room.following && m.room.lead != nil {
		return m, m.applyLead()
	}
	return m, nil
}

func (m *Model) updatePoll(msg tea.Msg) (tea.Model, tea.Cmd) {
	p := m.room.poll
	if p == nil {
		return m.leavePoll()
	}
	km, isKey := msg.(tea.KeyPressMsg)
	if isKey && key.Matches(km, m.com.Keys.Global.Back) {
		return m.leavePoll()
	}
	if isKey && (key.Matches(km, m.com.Keys.Interview.Answer) || p.form.quickAnswer(km)) {
		if p.form.quickAnswer(km) {
			p.form, _ = p.form.update(km)
		}
		v, err := p.form.answer()
		if err != nil {
			p.form.err = err.Error()
			return m, nil
		}
		m.opts.Room.Answered(p.msg.ID, v)
		return m.leavePoll()
	}
	var cmd tea.Cmd
	p.form, cmd = p.form.update(msg)
	return m, cmd
}

// pollScreen is a room poll: one question of the pack about a named piece
// of state, answered with the interview's own widget and checks.
type pollScreen struct {
	msg  PollMsg
	form questionForm
}

func newPollScreen(com *common.Common, msg PollMsg, q *content.Question) pollScreen {
	return pollScreen{msg: msg, form: newQuestionForm(com, q, nil, false)}
}

func (m *Model) pollView(w int) string {
	p := m.room.poll
	if p == nil {
		return ""
	}
	st := m.com.Styles
	var b strings.Builder
	b.WriteString("\n" + st.Title.Render("A question to the room") + "  " + st.Muted.Render("about "+p.msg.Item) + "\n\n")
	b.WriteString(p.form.view(max(w-4, 20)) + "\n\n")
	b.WriteString(st.Subtle.Render(wrap("enter: answer · esc: not now. The facilitator sees how the room answered, not who answered what.", w-4)))
	return indent(b.String(), 2)
}

func (m *Model) roomHelp() common.Help {
	k := m.com.Keys
	switch m.state {
	case stateName:
		return common.Help{Short: []key.Binding{k.Nav.Select, k.Global.ForceQuit}}
	case statePoll:
		return common.Help{Short: []key.Binding{k.Interview.Answer, k.Nav.Up, k.Nav.Down, k.Global.Back}}
	case statePanel:
		return m.panel.Help()
	}
	return common.Help{}
}

// roomStatus is the header's account of the room: following, or how to
// follow again.
func (m *Model) roomStatus() string {
	switch {
	case m.room.lead == nil:
		return ""
	case m.room.following:
		return "following the facilitator · any key: your own way"
	}
	return m.com.Keys.Room.Follow.Help().Key + ": follow the facilitator"
}

// DemoForFact names the demo that makes a fact visible (the one Learn
// opens on it), and whether there is one.
func DemoForFact(id string) (string, bool) {
	d, ok := factDemos[id]
	return d, ok
}
