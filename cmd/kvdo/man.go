package main

import (
	"fmt"
	"strings"

	"github.com/muesli/mango"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newManCmd prints kvdo's man page. fang's own generator renders a short
// flag as "--o --output", breaks a long description into one paragraph
// per line and has no EXIT STATUS, EXAMPLES or ENVIRONMENT sections; this
// one builds the same page from the command tree with those mended.
func newManCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "man",
		Short:  "Print kvdo's man page (roff) to standard output",
		Args:   cobra.NoArgs,
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), manPage(cmd.Root()))
			return err
		},
	}
}

// manPage renders the man page of root's command tree.
func manPage(root *cobra.Command) string {
	page := mango.NewManPage(1, root.Name(), root.Short).WithLongDescription(paragraphs(root.Long))
	page.Root = *mango.NewCommand(root.Name(), "", "")
	addManCommand(&page.Root, root)
	page.WithSection("Exit status", "0 on success; 1 when a run fails; 2 on bad input (a flag, an argument or a file), "+
		"with a message naming the file, line and column and what was expected. Nothing is half-written on error.")
	page.WithSection("Examples", strings.Join([]string{
		"kvdo advise --answers examples/review.yaml --format html -o review.html",
		"kvdo demo --list",
		"kvdo demo race --headless --captions",
		"kvdo demo propagation --set cache_ttl=30s --seed 7 --format json",
		"kvdo simulate propagation --pops 20 --read-rate 20000 --duration 600s --write-every 1s --json",
		"kvdo content validate ./my-pack",
	}, "\n"))
	page.WithSection("Environment", "NO_COLOR: when set (to anything), kvdo prints no colours.")
	return page.Build(roff.NewDocument())
}

// addManCommand adds c's flags and subcommands to item, flags written
// the way a user types them: "-o, --output FILE", "--content DIR".
func addManCommand(item *mango.Command, c *cobra.Command) {
	add := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := "-" + f.Name // mango writes "-" in front: "--name"
		if p := placeholder(f); p != "" {
			name += " " + p
		}
		_ = item.AddFlag(mango.Flag{Name: name, Short: f.Shorthand, Usage: f.Usage})
	}
	c.Flags().VisitAll(add)
	c.PersistentFlags().VisitAll(add)
	for _, sub := range c.Commands() {
		if sub.Hidden || sub.Name() == "help" {
			continue
		}
		child := mango.NewCommand(sub.Name(), sub.Short, sub.Use)
		addManCommand(child, sub)
		_ = item.AddCommand(child)
	}
}

// paragraphs joins the lines of each paragraph of text (blank lines part
// them), so the man page reflows them instead of breaking every line.
func paragraphs(text string) string {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		out = append(out, strings.Join(strings.Fields(p), " "))
	}
	return strings.Join(out, "\n") // the roff writer makes each line a paragraph
}
