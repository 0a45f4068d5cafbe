package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui/common"
	"github.com/kvdo/kvdo/tui/player"
)

// playerScreen is the demo player (tui/player) as a screen of the root:
// it hands the player the body of the window and the theme, and runs the
// demo through internal/app so the content pack's topology and captions
// apply.
type playerScreen struct {
	navigator
	com *common.Common
	id  string // the demo on view
	p   player.Player
	err error // an unknown demo: shown instead of the player
}

func newPlayerScreen(com *common.Common, req common.OpenDemoMsg, noMotion bool, fps, w, h int) (playerScreen, tea.Cmd) {
	if req.Seed == 0 {
		req.Seed = 1
	}
	s := playerScreen{com: com, id: req.ID}
	d, err := demos.Get(req.ID)
	if err != nil {
		s.err = err
		return s, nil
	}
	a := com.App
	cfg := player.Config{
		Demo: d,
		Spec: player.RunSpec{Variant: req.Variant, Seed: req.Seed, Set: req.Set},
		Run: func(sp player.RunSpec) (*demos.Result, error) {
			return a.RunDemo(app.DemoRun{ID: d.ID, Variant: sp.Variant, Seed: sp.Seed, Set: sp.Set})
		},
		Glossary: a.Pack.Glossary,
		NoMotion: noMotion,
		FPS:      fps,
	}
	s.p = player.New(cfg, com.Styles)
	s = s.setSize(w, h)
	return s, s.p.Init()
}

func (s playerScreen) setSize(w, h int) playerScreen {
	s.p.SetSize(w, h)
	return s
}

func (s playerScreen) restyle() playerScreen {
	s.p.SetStyles(player.NewStyles(s.com.Styles))
	return s
}

func (s playerScreen) update(msg tea.Msg) (playerScreen, tea.Cmd) {
	if s.err != nil {
		if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" {
			s.navigate(common.BackMsg{})
		}
		return s, nil
	}
	var cmd tea.Cmd
	s.p, cmd = s.p.Update(msg)
	return s, cmd
}

func (s playerScreen) view(w, h int) string {
	if s.err != nil {
		return s.com.Styles.Error.Render(wrap(s.err.Error(), w))
	}
	p := s.p
	p.SetSize(w, h)
	return p.View()
}

// typing is true while the parameter form or the seek prompt has the
// keyboard, so q and ? are typed, not obeyed.
func (s playerScreen) typing() bool { return s.err == nil && s.p.Editing() }

func (s playerScreen) help() common.Help {
	return player.DefaultKeyMap().HelpFor(s.com.Keys.Global)
}
