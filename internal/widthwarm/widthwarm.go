// Package widthwarm starts building go-runewidth's width tables at the
// start of a process that is about to open the full-screen program.
//
// Bubble Tea measures cells with wcwidth until the terminal says it
// clusters graphemes, and go-runewidth v0.0.31 fills its 2 MB table on the
// first rune past U+02FF, which the first frame always has (borders,
// bullets). That fill costs about 10 ms here, most of it page faults.
// Package initialisation of the rest of kvdo takes longer than that, so
// starting the fill from this package's init, which has almost no imports
// and so runs early, takes it off the path to the first frame. Importing
// the package is enough; a process that will not draw a screen (a pipe, a
// headless flag) does not start it.
package widthwarm

import (
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-runewidth"
)

func init() {
	if Wanted(os.Args[1:]) && term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()) {
		go runewidth.RuneWidth('─')
	}
}

// Wanted reports whether kvdo's arguments open the full-screen program:
// the home screen, the interview or the demo player. It errs towards no,
// because a wrong yes only costs a second core some work, and a wrong no
// only leaves the fill to the first frame, as before.
func Wanted(args []string) bool {
	sub := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch a {
		case "--content", "--resume", "--save", "--seed", "--set", "--variant":
			i++ // its value is not a command
			continue
		case "--answers", "--headless", "--template", "--list", "--format", "--accessible",
			"-h", "--help", "-v", "--version", "-o", "--output":
			return false
		}
		if sub == "" && len(a) > 0 && a[0] != '-' {
			sub = a
		}
	}
	return sub == "" || sub == "advise" || sub == "demo"
}
