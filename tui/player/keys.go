package player

import (
	"charm.land/bubbles/v2/key"

	"github.com/kvdo/kvdo/tui/common"
)

// KeyMap is every key the player answers to, with its help text.
type KeyMap struct {
	PlayPause   key.Binding
	StepForward key.Binding
	StepBack    key.Binding
	NextCaption key.Binding
	PrevCaption key.Binding
	Faster      key.Binding
	Slower      key.Binding
	Start       key.Binding
	End         key.Binding
	Seek        key.Binding
	Restart     key.Binding
	NewSeed     key.Binding
	Edit        key.Binding
	Variant     key.Binding
	Compare     key.Binding
	View        key.Binding
	BigCaptions key.Binding
	SkipQuiet   key.Binding
	Explain     key.Binding
	Back        key.Binding
}

// DefaultKeyMap is the player's keys. PageDown and PageUp move by caption
// because presenter remotes send them.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		PlayPause:   key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "play/pause")),
		StepForward: key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "next event")),
		StepBack:    key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←", "previous event")),
		NextCaption: key.NewBinding(key.WithKeys("shift+right", "pgdown", "L"), key.WithHelp("⇧→/pgdn", "next caption")),
		PrevCaption: key.NewBinding(key.WithKeys("shift+left", "pgup", "H"), key.WithHelp("⇧←/pgup", "previous caption")),
		Faster:      key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster")),
		Slower:      key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "slower")),
		Start:       key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "start")),
		End:         key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "end")),
		Seek:        key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "go to a time")),
		Restart:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
		NewSeed:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new seed")),
		Edit:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit parameters")),
		Variant:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "next variant")),
		Compare:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare")),
		View:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "map/lanes")),
		BigCaptions: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "big captions")),
		SkipQuiet:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip quiet gaps")),
		Explain:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "what the verdict means")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// HelpFor is the player's key help for the root's footer and `?` screen;
// global holds the keys the root answers (help, quit).
func (k KeyMap) HelpFor(global common.GlobalKeys) common.Help {
	return common.Help{
		Short: []key.Binding{k.PlayPause, k.StepBack, k.StepForward, k.NextCaption, k.View, k.Compare, k.Edit, global.Help, k.Back},
		Full: [][]key.Binding{
			{k.PlayPause, k.StepForward, k.StepBack, k.NextCaption, k.PrevCaption, k.Faster, k.Slower},
			{k.Start, k.End, k.Seek, k.Restart, k.SkipQuiet},
			{k.NewSeed, k.Edit, k.Variant, k.Compare},
			{k.View, k.BigCaptions, k.Explain, global.Help, k.Back, global.Quit},
		},
	}
}
