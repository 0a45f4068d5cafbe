package main

import (
	"os"
	"path/filepath"

	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui"
	"github.com/spf13/cobra"
)

// playerFlags are the demo command's flags for the animated player.
type playerFlags struct {
	noMotion bool
	record   string
}

func (pf *playerFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&pf.noMotion, "no-motion", false, "player: no tweening; messages appear as routes and events at their time")
	f.StringVar(&pf.record, "record", "", "player: save the session as an asciicast v2 recording (FILE.cast) when it ends")
}

// openPlayer runs the demo once (bad parameters and too small a topology
// are bad input, said before the screen changes) and opens the player on
// it. The player runs the demo again inside the TUI, which takes
// milliseconds.
func openPlayer(cmd *cobra.Command, req tui.OpenDemoMsg, pf playerFlags) error {
	if pf.record != "" {
		if st, err := os.Stat(filepath.Dir(pf.record)); err != nil || !st.IsDir() {
			return badInput("--record %s: expected a file in an existing directory", pf.record)
		}
	}
	opts, err := tuiOptions(cmd)
	if err != nil {
		return err
	}
	if _, err := opts.App.RunDemo(app.DemoRun{ID: req.ID, Variant: req.Variant, Seed: req.Seed, Set: req.Set}); err != nil {
		return err
	}
	opts.Start = tui.StartDemo
	opts.Demo = req
	opts.NoMotion = pf.noMotion
	opts.Record = pf.record
	return tui.Run(cmd.Context(), opts)
}
