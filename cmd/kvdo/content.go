package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newContentCmd is a placeholder until its issue lands.
func newContentCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "content",
		Short:  "(in progress)",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return errors.New("kvdo content is not built yet")
		},
	}
}
