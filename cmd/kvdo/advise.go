package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newAdviseCmd is a placeholder until its issue lands.
func newAdviseCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "advise",
		Short:  "(in progress)",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return errors.New("kvdo advise is not built yet")
		},
	}
}
