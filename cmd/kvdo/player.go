package main

import (
	"os"
	"path/filepath"
	"strconv"

	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui"
	"github.com/spf13/cobra"
)

// playerFlags are the demo command's flags for the animated player.
// --no-motion is the root's: the player opens from home too.
type playerFlags struct {
	record string
}

func (pf *playerFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&pf.record, "record", "", "player: save the session as an asciicast v2 recording (FILE.cast) when it ends")
}

// noMotion reads --no-motion, or KVDO_NO_MOTION when the flag is not
// given, so a room's laptop can be set up once; the flag wins.
func noMotion(cmd *cobra.Command) (bool, error) {
	if f := cmd.Flags().Lookup("no-motion"); f != nil && f.Changed {
		return cmd.Flags().GetBool("no-motion")
	}
	env, ok := os.LookupEnv("KVDO_NO_MOTION")
	if !ok || env == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(env)
	if err != nil {
		return false, badInput("KVDO_NO_MOTION=%s: expected 1 or 0 (true or false)", env)
	}
	return v, nil
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
	opts.Record = pf.record
	return tui.Run(cmd.Context(), opts)
}
