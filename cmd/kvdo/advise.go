package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/evidence"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/report"
	"github.com/kvdo/kvdo/tui"
	"github.com/spf13/cobra"
)

type adviseOptions struct {
	answers    string
	format     string
	out        string
	adrDir     string
	force      bool
	date       string
	detail     string
	status     string
	template   bool
	save       string
	resume     string
	accessible bool
	// evidence replays each item's workload on the simulator into the record.
	evidence     bool
	evidenceSeed uint64
	evidenceDur  time.Duration
}

// defaultReview is where a new interview saves its review.
const defaultReview = "kvdo-review.yaml"

func newAdviseCmd() *cobra.Command {
	var o adviseOptions
	cmd := &cobra.Command{
		Use:   "advise",
		Short: "Recommend where each piece of state in an answers file should live",
		Long: `Evaluate every item of an answers file (version 1) and print a decision
record: the recommended option with the rules that chose it, what would flip
it, pitfalls, a checklist, a code sketch and a cost estimate.

Formats: md (a MADR decision record, the default), json (versioned, see
report/schema/report.v1.schema.json), html (one self-contained page) and
adr (one numbered Markdown record per item, NNNN-name.md, after the ones
already there, in --adr-dir DIR or else the folder named by adr-tools'
.adr-dir file, or doc/adr). A record for an item the folder already holds
supersedes it: both link to each other. With -o the record is written
atomically to a file.

Records are concise by default (one screen per item); --detail full adds
every rule, option, estimate and source. --template prints a commented
answers file with every question, its unit, range and meaning.

--evidence replays each item's own workload on the edge simulator for every
option (as kvdo simulate workload does) and adds the measured figures, a
verdict per option and any requirement the chosen design breaks to the
record, with the seed and duration that reproduce them.

Without --answers, on a terminal, kvdo runs the interview: a review of one
or more pieces of state, saved after every answer to --save FILE (default
kvdo-review.yaml; an existing file is never replaced: continue it with
--resume FILE). --accessible (or ACCESSIBLE=1) asks the questions as plain
line prompts, for screen readers and dumb terminals, and prints the
recommendation as text.`,
		Example: `  kvdo advise                                   the interview, saved to kvdo-review.yaml
  kvdo advise --save checkout.yaml              the interview, saved to checkout.yaml
  kvdo advise --resume checkout.yaml            continue it at the first unanswered question
  kvdo advise --accessible                      the interview as line prompts
  kvdo advise --template -o review.yaml
  kvdo advise --answers examples/review.yaml
  kvdo advise --answers examples/review.yaml --detail full --format html -o review.html
  kvdo advise --answers examples/review.yaml --adr-dir docs/adr --status accepted
  kvdo advise --answers examples/review.yaml --format adr
  kvdo advise --answers examples/review.yaml --evidence --format html -o review.html
  kvdo advise --answers - --format json < review.yaml`,
		Args: cobra.NoArgs,
		// A bad answers file is not a usage mistake: the usage text would
		// only bury the file:line:col message.
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAdvise(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.answers, "answers", "", "evaluate the answers file FILE (- reads standard input)")
	f.StringVar(&o.format, "format", "md", "output format: md, json, html, or adr (one record per item in the ADR folder)")
	f.StringVarP(&o.out, "output", "o", "", "write the record to FILE instead of standard output (- is standard output)")
	f.StringVar(&o.adrDir, "adr-dir", "", "write one Markdown record per item into DIR, numbered after the records there (default with --format adr: the folder named by .adr-dir, or doc/adr)")
	f.BoolVar(&o.force, "force", false, "let -o replace an existing file")
	f.StringVar(&o.date, "date", "", "date the record YYYY-MM-DD (default: today)")
	f.StringVar(&o.detail, "detail", report.DetailConcise, "how much a md or html record holds: concise (one screen per item) or full")
	f.StringVar(&o.status, "status", "proposed", "the records' status: "+strings.Join(report.Statuses, ", "))
	f.BoolVar(&o.template, "template", false, "print a commented answers file with every question, its unit, range and meaning")
	f.BoolVar(&o.evidence, "evidence", false, "replay each item's workload on the simulator for every option and add the measured evidence to the record")
	f.Uint64Var(&o.evidenceSeed, "seed", 1, "with --evidence: the replay's random seed, recorded so the figures can be reproduced")
	f.DurationVar(&o.evidenceDur, "duration", evidence.DefaultDuration, "with --evidence: simulated time to replay, from 10s to 1h")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"md", "json", "html", "adr"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("detail", cobra.FixedCompletions([]string{report.DetailConcise, report.DetailFull}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(report.Statuses, cobra.ShellCompDirectiveNoFileComp))
	f.StringVar(&o.save, "save", "", "interview: save the new review to FILE (default kvdo-review.yaml)")
	f.StringVar(&o.resume, "resume", "", "interview: continue the review in FILE")
	f.BoolVar(&o.accessible, "accessible", false, "interview: plain line prompts for screen readers (also ACCESSIBLE=1)")
	_ = cmd.MarkFlagFilename("save", "yaml", "yml")
	_ = cmd.MarkFlagFilename("resume", "yaml", "yml")
	_ = cmd.MarkFlagFilename("answers", "yaml", "yml")
	_ = cmd.MarkFlagDirname("adr-dir")
	return cmd
}

func runAdvise(cmd *cobra.Command, o adviseOptions) error {
	// Every flag is checked before anything is read or written, so a
	// mistake costs nothing.
	if o.out == "-" {
		// The usual spelling of standard output; a file named "-" is
		// never what was meant.
		o.out = ""
	}
	if o.template {
		return runTemplate(cmd, o)
	}
	adr := o.format == "adr"
	render, ok := app.Formats[o.format]
	if !ok && !adr {
		return badInput("--format %q: expected md, json, html or adr", o.format)
	}
	if o.out != "" && (o.adrDir != "" || adr) {
		return badInput("-o and --adr-dir cannot be used together: -o writes one record, --adr-dir one per item")
	}
	if o.adrDir != "" && o.format != "md" && !adr {
		return badInput("--adr-dir writes Markdown records: drop --format %s, or use -o for one %s file", o.format, o.format)
	}
	if o.force && o.out == "" {
		return badInput("--force only applies to -o (--adr-dir never overwrites a record)")
	}
	if o.detail != report.DetailConcise && o.detail != report.DetailFull {
		return badInput("--detail %q: expected %s or %s", o.detail, report.DetailConcise, report.DetailFull)
	}
	if !slices.Contains(report.Statuses, o.status) {
		return badInput("--status %q: expected one of %s", o.status, strings.Join(report.Statuses, ", "))
	}
	if adr && o.adrDir == "" {
		dir, err := app.ADRDir(".")
		if err != nil {
			return err
		}
		o.adrDir = dir
	}
	date := o.date
	if date == "" {
		date = time.Now().Format(time.DateOnly)
	} else if _, err := time.Parse(time.DateOnly, date); err != nil {
		return badInput("--date %q: expected a date as YYYY-MM-DD", date)
	}
	if !o.evidence && (cmd.Flags().Changed("seed") || cmd.Flags().Changed("duration")) {
		return badInput("--seed and --duration set the evidence replay: add --evidence")
	}
	if o.evidence {
		if err := app.CheckEvidenceDuration("--duration", o.evidenceDur); err != nil {
			return err
		}
	}
	if o.answers == "" {
		if o.evidence {
			return badInput("--evidence adds the replay to the record of --answers FILE; in the interview, the recommendation's Evidence tab (v) runs it")
		}
		return runInterview(cmd, o, date)
	}
	if o.save != "" || o.resume != "" || o.accessible {
		return badInput("--save, --resume and --accessible are for the interview: drop them with --answers, which evaluates a finished review")
	}
	if o.out != "" {
		if err := app.CheckOutput("-o", o.out, o.force); err != nil {
			return err
		}
	}

	name, pack, review, err := loadReview(cmd, o.answers)
	if err != nil {
		return err
	}
	doc := app.Evaluate(pack, review, name, date)
	doc.Detail, doc.Status = o.detail, o.status
	if o.evidence {
		opts := app.EvidenceOptions{Seed: o.evidenceSeed, Duration: o.evidenceDur}
		if err := app.AttachEvidence(cmd.Context(), pack, &doc, opts); err != nil {
			return fmt.Errorf("replaying the workload: %w", err)
		}
	}

	switch {
	case o.adrDir != "":
		written, err := app.WriteADRs(o.adrDir, doc)
		if err != nil {
			return err
		}
		for _, p := range written {
			if _, err := fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", p); err != nil {
				return err
			}
		}
		return nil
	case o.out != "":
		if err := app.WriteAtomic(o.out, render(doc), o.force); err != nil {
			return err
		}
		_, err := fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", o.out)
		return err
	default:
		_, err := cmd.OutOrStdout().Write(render(doc))
		return err
	}
}

// runInterview runs the interview: full screen on a terminal, as line
// prompts with --accessible. Nothing to talk to is bad input.
func runInterview(cmd *cobra.Command, o adviseOptions, date string) error {
	if o.save != "" && o.resume != "" {
		return badInput("--save starts a new review and --resume continues one: use one of them")
	}
	if o.out != "" || o.adrDir != "" || o.force {
		return badInput("-o, --adr-dir and --force write the record of --answers FILE; in the interview, export from the recommendation screen (x)")
	}
	accessible := o.accessible || os.Getenv("ACCESSIBLE") != ""
	if !accessible && !onTerminal(cmd) {
		return badInput("no terminal for the interview: pass --answers FILE to evaluate a review file (examples/review.yaml is a complete one), or run kvdo advise in a terminal; --accessible asks plain line prompts")
	}
	opts, err := tuiOptions(cmd)
	if err != nil {
		return err
	}
	opts.Start, opts.Date = tui.StartInterview, date
	opts.Review, opts.Resume = o.save, false
	if opts.Review == "" {
		opts.Review = defaultReview
	}
	if o.resume != "" {
		opts.Review, opts.Resume = o.resume, true
	}
	if accessible {
		return tui.RunAccessible(opts, cmd.InOrStdin(), cmd.OutOrStdout())
	}
	return tui.Run(cmd.Context(), opts)
}

// runTemplate prints (or with -o writes) a commented answers file with
// every question of the pack.
func runTemplate(cmd *cobra.Command, o adviseOptions) error {
	if o.answers != "" || o.adrDir != "" || o.format == "adr" {
		return badInput("--template writes an answers file to fill in: drop --answers, --adr-dir and --format adr")
	}
	if o.force && o.out == "" {
		return badInput("--force only applies to -o")
	}
	pack, err := loadContent(cmd)
	if err != nil {
		return err
	}
	tmpl := advisor.Template(pack)
	if o.out == "" {
		_, err := cmd.OutOrStdout().Write(tmpl)
		return err
	}
	if err := app.CheckOutput("-o", o.out, o.force); err != nil {
		return err
	}
	if err := app.WriteAtomic(o.out, tmpl, o.force); err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", o.out)
	return err
}

// readAnswers reads the answers file, or standard input for "-". The name
// it returns is what error positions cite.
func readAnswers(cmd *cobra.Command, path string) (string, []byte, error) {
	if path == "-" {
		b, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return "", nil, fmt.Errorf("reading answers from standard input: %w", err)
		}
		return "<stdin>", b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil, badInput("--answers %s: no such file", path)
		}
		return "", nil, badInput("--answers %s: %v", path, errors.Unwrap(err))
	}
	return path, b, nil
}

// loadContent loads the embedded content pack, or --content DIR.
func loadContent(cmd *cobra.Command) (*content.Pack, error) {
	dir, _ := cmd.Flags().GetString("content")
	return app.LoadPack(dir)
}
