package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/charmbracelet/x/term"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/tui"
	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var (
		list     bool
		headless bool
		variant  string
		seed     uint64
		sets     []string
		format   string
		captions bool
		pf       playerFlags
	)
	cmd := &cobra.Command{
		Use:   "demo [NAME]",
		Short: "Run a demo on the edge simulator: narrated timeline, metrics, verdict",
		Long: `Run one of kvdo's demos on the deterministic edge simulator. Each demo is
Worker code running against simulated KV, Durable Objects, Cache API and
origin; the run is narrated event by event and ends with the figures it
produced and a linearizability verdict on its history. The same seed and
parameters replay the same run, byte for byte.

  kvdo demo --list                         the demos and what each teaches
  kvdo demo race --headless                the narrated timeline as text
  kvdo demo race --headless --captions     only the narrated lines and the outcome
  kvdo demo race --variant do-storage      the same race, fixed
  kvdo demo propagation --set cache_ttl=30s --seed 7 --format json

The text wraps at the terminal's width (100 columns when the output is not
a terminal); a legend under the header names the PoPs' cities. The JSON is
a kvdo.demo.result document, version 1 (schema: demos/schema/result.v1.schema.json).`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return demos.IDs(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if format != "text" && format != "json" {
				return badInput("--format %q: expected text or json", format)
			}
			if captions && format == "json" {
				return badInput("--captions shapes the text output: expected --format text, or no --captions")
			}
			if len(args) == 0 {
				if variant != "" || len(sets) > 0 {
					return badInput("--variant and --set need a demo NAME: expected one of %s", strings.Join(demos.IDs(), ", "))
				}
				return printDemoList(out, !list)
			}
			d, err := demos.Get(args[0])
			if err != nil {
				return badInput("%v", err)
			}
			// Check every flag before --list answers, so a typo is never
			// silently ignored.
			if _, err := d.ResolveVariant(variant); err != nil {
				return badInput("%v", err)
			}
			set, err := demos.ParseSets(sets)
			if err != nil {
				return badInput("%v", err)
			}
			if _, err := d.Resolve(set); err != nil {
				return badInput("%v", err)
			}
			if list {
				return printDemoDetails(out, d)
			}
			if !headless && onTerminal(cmd) {
				return openPlayer(cmd, tui.OpenDemoMsg{ID: d.ID, Variant: variant, Seed: seed, Set: set}, pf)
			}
			if pf.record != "" {
				return badInput("--record needs the player: run kvdo demo %s on a terminal, without --headless", d.ID)
			}
			pack, err := loadContent(cmd)
			if err != nil {
				return err
			}
			narr, err := loadNarration(cmd)
			if err != nil {
				return err
			}
			res, err := d.Run(demos.RunConfig{
				Variant: variant, Seed: seed, Set: set,
				Topology: demos.EdgeTopology(pack.Topology), Narration: &narr,
				SkipStates: true, // printed, never scrubbed
			})
			if te := (*demos.TopologyError)(nil); errors.As(err, &te) {
				return badInput("%v", err)
			}
			if err != nil {
				return err
			}
			if !headless {
				fmt.Fprintln(cmd.ErrOrStderr(), "note: not a terminal, so no player; printing the narrated timeline (--headless skips this note)")
			}
			if format == "json" {
				b, err := res.JSON()
				if err != nil {
					return err
				}
				_, err = out.Write(b)
				return err
			}
			_, err = io.WriteString(out, res.TextWith(demos.TextOptions{Width: outputWidth(out), CaptionsOnly: captions}))
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVar(&list, "list", false, "list the demos with what each teaches")
	f.BoolVar(&headless, "headless", false, "run without the player and print the result")
	f.StringVar(&variant, "variant", "", "run this variant of the demo (default: its first)")
	f.Uint64Var(&seed, "seed", 1, "random seed: the same seed and parameters replay the same run")
	f.StringArrayVar(&sets, "set", nil, "set a demo parameter, name=value (repeatable)")
	f.StringVar(&format, "format", "text", "output format: text or json")
	f.BoolVar(&captions, "captions", false, "print only the narrated lines and the outcome (text format)")
	pf.register(cmd)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// loadNarration loads the captions: from --content DIR when given (falling
// back to the embedded ones if the pack has no narration.yaml), otherwise
// the embedded narration.
func loadNarration(cmd *cobra.Command) (content.Narration, error) {
	dir, _ := cmd.Flags().GetString("content")
	if dir == "" {
		return demos.DefaultNarration()
	}
	n, err := demos.LoadNarration(os.DirFS(dir))
	if err != nil {
		return content.Narration{}, badInput("--content %s: %v", dir, err)
	}
	return n, nil
}

// printDemoList prints every demo: its id and title, then what it
// teaches, wrapped under them.
func printDemoList(w io.Writer, hint bool) error {
	for i, d := range demos.All() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  %s\n", d.ID, d.Title)
		for _, line := range wrapWords(d.Teaches, outputWidth(w)-4) {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	if hint {
		_, err := fmt.Fprintln(w, "\nRun one with: kvdo demo NAME --headless [--variant V] [--seed N] [--set name=value]\n"+
			"Its variants and parameters:  kvdo demo NAME --list")
		return err
	}
	return nil
}

// printDemoDetails prints what a demo teaches, its variants and parameters.
func printDemoDetails(w io.Writer, d demos.Demo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s: %s\n%s\n\nvariants\n", d.ID, d.Title, d.Teaches)
	for _, v := range d.Variants {
		fmt.Fprintf(tw, "  %s\t%s\n", v.ID, v.Help)
	}
	fmt.Fprintf(tw, "\nparameters (--set name=value)\n")
	for _, p := range d.Params {
		fmt.Fprintf(tw, "  %s=%s\t%s; %s\n", p.Name, p.Default, p.Help, p.Expect())
	}
	return tw.Flush()
}

// outputWidth is the width text output wraps at: the terminal's when w is
// one, demos.DefaultTextWidth otherwise (a pipe, a file, a test).
func outputWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols >= 40 {
			return cols
		}
	}
	return demos.DefaultTextWidth
}

// wrapWords breaks text into lines of at most width runes, at spaces.
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
