package main

import (
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/spf13/cobra"
)

// packFiles are the files of a content pack, in the order Load reads them;
// a pack directory may hold any subset, the rest come from the embedded pack.
var packFiles = []string{
	content.TopologyFile, content.FactsFile, content.GlossaryFile, content.PricingFile,
	content.QuestionsFile, content.OptionsFile, content.RulesFile, content.NarrationFile,
}

func newContentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "content",
		Short: "Work with content packs: the questions, rules, facts and captions kvdo uses",
		Long: `kvdo's questions, rules, options, facts, prices, topology and demo captions
are data: a content pack. The embedded pack can be replaced, file by file,
with --content DIR on any command.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return badInput("content needs a subcommand: validate")
		},
	}
	cmd.AddCommand(newContentValidateCmd())
	return cmd
}

func newContentValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check a content pack and print what it holds",
		Long: `Load a content pack the way every command does and check it: strict YAML,
ids that resolve across files, figures with sources and dates, captions that
match their demos' events. Prints what the pack holds, or its problems as
file:line:col with what was expected, every one of them (exit code 2).

DIR defaults to the --content directory, or the embedded pack without one.
Files DIR lacks are taken from the embedded pack.`,
		Example: "  kvdo content validate\n  kvdo content validate ./my-pack",
		Args:    cobra.MaximumNArgs(1),
		// Problems are in the pack, not the command line: no usage text.
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, _ := cmd.Flags().GetString("content")
			if len(args) == 1 {
				dir = args[0]
			}
			return validateContent(cmd, dir)
		},
	}
}

func validateContent(cmd *cobra.Command, dir string) error {
	var (
		pack *content.Pack
		narr content.Narration
		err  error
		own  []string // pack files DIR itself holds
	)
	if dir == "" {
		// The YAML itself, not the values generated from it at build time.
		if pack, err = content.LoadDefaultYAML(); err != nil {
			return fmt.Errorf("the embedded content pack is invalid: %w", err)
		}
		if narr, err = content.DefaultNarrationYAML(); err == nil {
			err = demos.CheckNarration(narr)
		}
		if err != nil {
			return fmt.Errorf("the embedded narration is invalid: %w", err)
		}
	} else {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return badInput("%s: expected a directory holding a content pack", dir)
		}
		fsys := os.DirFS(dir)
		for _, f := range packFiles {
			if _, err := fs.Stat(fsys, f); err == nil {
				own = append(own, f)
			}
		}
		if len(own) == 0 {
			return badInput("%s: no content pack files here (expected some of %s)", dir, strings.Join(packFiles, ", "))
		}
		// Every problem of the pack and of its captions, in one run.
		var packErr, narrErr error
		pack, packErr = content.Load(fsys)
		narr, narrErr = demos.LoadNarration(fsys)
		if packErr != nil || narrErr != nil {
			msg := "content pack " + dir + ":"
			for _, e := range []error{packErr, narrErr} {
				if e != nil {
					msg += "\n" + e.Error()
				}
			}
			return badInput("%s", msg)
		}
	}

	captions := 0
	for _, cs := range narr.Demos {
		captions += len(cs)
	}
	w := cmd.OutOrStdout()
	if dir == "" {
		fmt.Fprintln(w, "content pack: embedded")
	} else {
		fmt.Fprintf(w, "content pack: %s\n  from the directory: %s\n", dir, strings.Join(own, ", "))
		if len(own) < len(packFiles) {
			fmt.Fprintln(w, "  the other files come from the embedded pack")
		}
	}
	rows := []struct {
		n    int
		what string
	}{
		{len(pack.Questions), "questions"},
		{len(pack.Rules), "rules"},
		{len(pack.Warnings), "warning rules"},
		{len(pack.Options), "options"},
		{len(pack.Facts), "facts"},
		{len(pack.Glossary), "glossary terms"},
		{len(pack.Pricing.Plans), "price plans"},
		{len(pack.Topology.PoPs), "PoPs"},
		{captions, fmt.Sprintf("captions for %d demos", len(narr.Demos))},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %5d  %s\n", r.n, r.what)
	}
	_, err = fmt.Fprintln(w, "ok")
	return err
}
