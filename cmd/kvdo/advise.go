package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/report"
	"github.com/spf13/cobra"
)

// adviseFormats maps --format values to their renderers.
var adviseFormats = map[string]func(report.Doc) []byte{
	"md":   report.Markdown,
	"json": report.JSON,
	"html": report.HTML,
}

type adviseOptions struct {
	answers string
	format  string
	out     string
	adrDir  string
	force   bool
	date    string
}

func newAdviseCmd() *cobra.Command {
	var o adviseOptions
	cmd := &cobra.Command{
		Use:   "advise",
		Short: "Recommend where each piece of state in an answers file should live",
		Long: `Evaluate every item of an answers file (version 1) and print a decision
record: the recommended option with the rules that chose it, what would flip
it, pitfalls, a checklist, a code sketch and a cost estimate.

Formats: md (a MADR decision record, the default), json (versioned, see
report/schema/report.v1.schema.json) and html (one self-contained page).
With -o the record is written atomically to a file; with --adr-dir each item
gets its own numbered record (NNNN-name.md) after the ones already there.

The interactive interview (kvdo advise without --answers) comes with the TUI.`,
		Example: `  kvdo advise --answers examples/review.yaml
  kvdo advise --answers examples/review.yaml --format html -o review.html
  kvdo advise --answers examples/review.yaml --adr-dir docs/adr
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
	f.StringVar(&o.format, "format", "md", "output format: md, json or html")
	f.StringVarP(&o.out, "output", "o", "", "write the record to FILE instead of standard output (- is standard output)")
	f.StringVar(&o.adrDir, "adr-dir", "", "write one Markdown record per item into DIR, numbered after the records there")
	f.BoolVar(&o.force, "force", false, "let -o replace an existing file")
	f.StringVar(&o.date, "date", "", "date the record YYYY-MM-DD (default: today)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"md", "json", "html"}, cobra.ShellCompDirectiveNoFileComp))
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
	render, ok := adviseFormats[o.format]
	if !ok {
		return badInput("--format %q: expected md, json or html", o.format)
	}
	if o.out != "" && o.adrDir != "" {
		return badInput("-o and --adr-dir cannot be used together: -o writes one record, --adr-dir one per item")
	}
	if o.adrDir != "" && o.format != "md" {
		return badInput("--adr-dir writes Markdown records: drop --format %s, or use -o for one %s file", o.format, o.format)
	}
	if o.force && o.out == "" {
		return badInput("--force only applies to -o (--adr-dir never overwrites a record)")
	}
	date := o.date
	if date == "" {
		date = time.Now().Format(time.DateOnly)
	} else if _, err := time.Parse(time.DateOnly, date); err != nil {
		return badInput("--date %q: expected a date as YYYY-MM-DD", date)
	}
	if o.answers == "" {
		return badInput("the interactive interview comes with kvdo's TUI, which is not built yet.\n" +
			"Meanwhile, write your answers in a file and run:\n" +
			"  kvdo advise --answers FILE\n" +
			"examples/review.yaml is a complete answers file to start from")
	}
	if o.out != "" {
		if err := checkOutput(o.out, o.force); err != nil {
			return err
		}
	}

	name, data, err := readAnswers(cmd, o.answers)
	if err != nil {
		return err
	}
	pack, err := loadContent(cmd)
	if err != nil {
		return err
	}
	review, err := advisor.ParseReview(name, data, pack)
	if err != nil {
		return badInput("%v", err)
	}
	doc := reviewDoc(pack, review, advisor.EvaluateReview(pack, review), name, date)

	switch {
	case o.adrDir != "":
		return writeADRs(cmd.OutOrStdout(), o.adrDir, doc)
	case o.out != "":
		if err := writeAtomic(o.out, render(doc), o.force); err != nil {
			return err
		}
		_, err := fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", o.out)
		return err
	default:
		_, err := cmd.OutOrStdout().Write(render(doc))
		return err
	}
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

// reviewDoc gathers what the reports need: the review, its verdicts, and
// the prompts of the pack's questions so drivers read as sentences.
func reviewDoc(pack *content.Pack, r advisor.Review, recs []advisor.Recommendation, file, date string) report.Doc {
	doc := report.Doc{
		Title: r.Title, Date: date, DecidedBy: r.DecidedBy, AnswersFile: file,
	}
	for _, q := range pack.Questions {
		doc.Questions = append(doc.Questions, report.Question{ID: q.ID, Prompt: q.Prompt, Unit: q.Unit})
	}
	for i, it := range r.Items {
		e := report.Entry{Item: it}
		if i < len(recs) {
			e.Recommendation = recs[i]
		}
		doc.Entries = append(doc.Entries, e)
	}
	return doc
}

// checkOutput refuses, before any work, an -o target that is a directory,
// whose directory is missing, or that exists without --force.
func checkOutput(path string, force bool) error {
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return badInput("-o %s: directory %s does not exist", path, filepath.Dir(path))
	}
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return badInput("-o %s: is a directory; expected a file name", path)
	case err == nil && !force:
		return badInput("-o %s: file exists; pass --force to replace it", path)
	}
	return nil
}

// writeAtomic writes data to path so that readers see either the old file
// or the complete new one, never a torn write: it writes a temporary file
// in the same directory (rename is only atomic within a file system) and
// moves it into place. Without replace, an existing path is an error even
// if it appeared after checkOutput: the move is a hard link, which fails
// rather than replace.
func writeAtomic(path string, data []byte, replace bool) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once renamed; cleans up on failure
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// CreateTemp makes the file private; a report is an ordinary document.
	if err := os.Chmod(tmpName, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if replace {
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	}
	err = os.Link(tmpName, path)
	if errors.Is(err, fs.ErrExist) {
		return badInput("%s: file exists; pass --force to replace it", path)
	}
	if err != nil {
		// Some file systems (FAT, some network mounts) have no hard links:
		// check, then rename. Only a file created in between can be lost.
		if _, statErr := os.Lstat(path); statErr == nil {
			return badInput("%s: file exists; pass --force to replace it", path)
		}
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}

// adrName matches the records adr-tools and kvdo write: NNNN-slug.md, in
// any case (a record saved as .MD still holds its number).
var adrName = regexp.MustCompile(`(?i)^(\d{4,})-.*\.md$`)

// nextADRNumber is one past the highest record number in dir, as adr-tools
// numbers them; 1 for an empty or missing directory.
func nextADRNumber(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("--adr-dir %s: %w", dir, err)
	}
	highest := 0
	for _, e := range entries {
		if m := adrName.FindStringSubmatch(e.Name()); m != nil {
			n, err := strconv.Atoi(m[1])
			if err == nil {
				highest = max(highest, n)
			}
		}
	}
	return highest + 1, nil
}

// writeADRs writes one record per item into dir, numbered from the next
// free number. Every record is rendered before the first is written, and a
// record never replaces a file.
func writeADRs(w io.Writer, dir string, doc report.Doc) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return badInput("--adr-dir %s: not a directory", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--adr-dir %s: %w", dir, err)
	}
	next, err := nextADRNumber(dir)
	if err != nil {
		return err
	}
	type record struct {
		path string
		data []byte
	}
	var records []record
	for i, one := range doc.PerItem() {
		name := fmt.Sprintf("%04d-%s.md", next+i, one.Slug())
		records = append(records, record{filepath.Join(dir, name), report.Markdown(one)})
	}
	var written []string
	for _, r := range records {
		if err := writeAtomic(r.path, r.data, false); err != nil {
			// Leave no partial set behind: a half-numbered batch would
			// shift the numbers of the next run.
			for _, p := range slices.Backward(written) {
				os.Remove(p)
			}
			return err
		}
		written = append(written, r.path)
	}
	for _, p := range written {
		if _, err := fmt.Fprintf(w, "wrote %s\n", p); err != nil {
			return err
		}
	}
	return nil
}
