package main

import (
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui"
	"github.com/spf13/cobra"
)

// runHome opens the TUI home screen on a terminal. Without one (a pipe, a
// script) it says what kvdo can do from the command line and exits 0.
func runHome(cmd *cobra.Command) error {
	if !onTerminal(cmd) {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), "kvdo's home screen needs a terminal. From a script, try:\n"+
			"  kvdo advise --answers examples/review.yaml\n"+
			"  kvdo demo --list\n"+
			"  kvdo simulate propagation --pops 20 --read-rate 20000 --duration 600s --write-every 1s --seed 1\n"+
			"  kvdo --help")
		return err
	}
	opts, err := tuiOptions(cmd)
	if err != nil {
		return err
	}
	opts.Start = tui.StartHome
	return tui.Run(cmd.Context(), opts)
}

// onTerminal reports whether kvdo talks to a person: standard input and
// output are both terminals.
func onTerminal(cmd *cobra.Command) bool {
	return isTerminal(cmd.InOrStdin()) && isTerminal(cmd.OutOrStdout())
}

func isTerminal(v any) bool {
	f, ok := v.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}

// tuiOptions gathers what every TUI start needs: the content pack, the
// theme from the environment, today's date for records, and the list of
// recent reviews.
func tuiOptions(cmd *cobra.Command) (tui.Options, error) {
	dir, _ := cmd.Flags().GetString("content")
	a, err := app.Load(dir)
	if err != nil {
		return tui.Options{}, err
	}
	return tui.Options{
		App:        a,
		Date:       time.Now().Format(time.DateOnly),
		Background: tui.BackgroundFromColorFGBG(os.Getenv("COLORFGBG")),
		NoColor:    os.Getenv("NO_COLOR") != "",
		Recent:     app.DefaultRecent(),
	}, nil
}
