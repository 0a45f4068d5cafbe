package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// runHome opens the TUI home screen. The TUI is built in a later issue; until
// then kvdo without a subcommand says what it can do today.
func runHome(cmd *cobra.Command) error {
	_, err := fmt.Fprintln(cmd.OutOrStdout(), "The interactive home screen is not built yet. Try:\n"+
		"  kvdo advise --answers examples/review.yaml\n"+
		"  kvdo demo --list\n"+
		"  kvdo simulate propagation --pops 20 --read-rate 20000 --duration 600s --write-every 1s --seed 1\n"+
		"  kvdo --help")
	return err
}
