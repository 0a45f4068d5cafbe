package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui/common"
)

// demoScreen shows a demo until the animated player lands: the run's
// narrated timeline (the text `kvdo demo NAME --headless` prints), from a
// real run of the simulator, in a scrollable viewport. The player replaces
// this route.
type demoScreen struct {
	com *common.Common
	req common.OpenDemoMsg
	res *demos.Result
	err error
	vp  viewport.Model
}

// demoRunMsg carries a finished run back to the demo screen.
type demoRunMsg struct {
	req common.OpenDemoMsg
	res *demos.Result
	err error
}

func newDemoScreen(com *common.Common, req common.OpenDemoMsg, w, h int) (demoScreen, tea.Cmd) {
	if req.Seed == 0 {
		req.Seed = 1
	}
	s := demoScreen{com: com, req: req, vp: newViewport(com)}
	s.vp.SoftWrap = true
	s = s.setSize(w, h)
	a := com.App
	run := func() tea.Msg {
		res, err := a.RunDemo(app.DemoRun{ID: req.ID, Variant: req.Variant, Seed: req.Seed, Set: req.Set})
		return demoRunMsg{req: req, res: res, err: err}
	}
	return s, run
}

func (s demoScreen) setSize(w, h int) demoScreen {
	s.vp.SetWidth(w)
	s.vp.SetHeight(max(h-2, 1))
	return s
}

func (s demoScreen) update(msg tea.Msg) (demoScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case demoRunMsg:
		if msg.req.ID != s.req.ID {
			return s, nil
		}
		s.res, s.err = msg.res, msg.err
		if s.res != nil {
			s.vp.SetContent(s.res.Text())
			s.vp.GotoTop()
		}
		return s, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, s.com.Keys.Global.Back) {
			return s, back
		}
	}
	var cmd tea.Cmd
	s.vp, cmd = s.vp.Update(msg)
	return s, cmd
}

func (s demoScreen) view(w, h int) string {
	st := s.com.Styles
	head := st.Title.Render(s.req.ID) + "  " + st.Warning.Render("narrated timeline (temporary view until the animated player lands)")
	switch {
	case s.err != nil:
		return head + "\n\n" + st.Error.Render(wrap(s.err.Error(), w))
	case s.res == nil:
		return head + "\n\n" + st.Muted.Render("running the demo on the simulator…")
	}
	pos := st.Muted.Render(fmt.Sprintf("seed %d · variant %s · %3.0f%%", s.res.Seed, s.res.Variant, s.vp.ScrollPercent()*100))
	return spread(head, "", w) + "\n" + pos + "\n" + s.vp.View()
}

func (s demoScreen) help() common.Help {
	k := s.com.Keys
	return common.Help{
		Short: []key.Binding{k.Nav.Down, k.Nav.Up, k.Nav.PageDown, k.Nav.PageUp, k.Global.Back, k.Global.Help},
		Full: [][]key.Binding{
			{k.Nav.Down, k.Nav.Up, k.Nav.PageDown, k.Nav.PageUp, k.Nav.Top, k.Nav.Bottom},
			{k.Global.Back, k.Global.Help, k.Global.Quit},
		},
	}
}
