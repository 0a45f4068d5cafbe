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
// flag that prints and exits, the accessible interview) does not start it.
package widthwarm

import (
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-runewidth"
)

func init() {
	if os.Getenv("ACCESSIBLE") == "" && Wanted(os.Args[1:]) &&
		term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()) {
		go runewidth.RuneWidth('─')
	}
}

// Wanted reports whether kvdo's arguments open the full-screen program:
// the home screen, the interview (advise without an answers file) or the
// player (demo NAME without --headless). It errs towards no: a wrong yes
// costs a second core some work, a wrong no only leaves the fill to the
// first frame, as before.
func Wanted(args []string) bool {
	var positional []string
	for i := 0; i < len(args); i++ {
		flag, _, hasValue := strings.Cut(args[i], "=")
		switch flag {
		case "--answers", "--headless", "--template", "--list", "--accessible",
			"-h", "--help", "-v", "--version":
			return false
		case "--content", "--resume", "--save", "--seed", "--set", "--variant",
			"--format", "-o", "--output", "--date", "--status", "--detail", "--duration":
			if !hasValue {
				i++ // the next argument is its value, not a command
			}
			continue
		}
		if !strings.HasPrefix(flag, "-") {
			positional = append(positional, flag)
		}
	}
	switch {
	case len(positional) == 0:
		return true // the home screen
	case positional[0] == "advise":
		return true
	case positional[0] == "demo":
		return len(positional) > 1 // without a NAME, demo prints the list
	}
	return false
}
