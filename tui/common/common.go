// Package common holds what every screen of kvdo's TUI shares: the window
// size, the styles of the current theme, the key map and the application
// handle (content pack, report writing) through internal/app.
package common

import (
	"github.com/kvdo/kvdo/internal/app"
)

// MinWidth and MinHeight are the smallest window kvdo lays out for; below
// them it asks for a larger window instead of drawing a broken screen.
const (
	MinWidth  = 60
	MinHeight = 20
)

// Common is shared by the root model and every screen. Only the root
// changes it, in its Update, before handing a message to a screen.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
	App           *app.App
	// NoFiles keeps the program off the file system it runs on (kvdo
	// serve): reviews live in memory, exports are shown as text to copy.
	NoFiles bool
}

// New returns a Common for a dark terminal at the design size.
func New(a *app.App, noColor bool) *Common {
	return &Common{Width: 80, Height: 24, Styles: DefaultStyles(true, noColor), Keys: DefaultKeyMap(), App: a}
}

// TooSmall reports whether the window is below the size kvdo lays out for.
func (c *Common) TooSmall() bool { return c.Width < MinWidth || c.Height < MinHeight }
