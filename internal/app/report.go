package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/report"
)

// Formats are the report formats a single file can hold, by name.
var Formats = map[string]func(report.Doc) []byte{
	"md":   report.Markdown,
	"json": report.JSON,
	"html": report.HTML,
}

// FormatNames lists the single-file formats in the order help shows them.
var FormatNames = []string{"md", "json", "html"}

// Doc gathers what the reports need: the review, its verdicts, and the
// prompts of the pack's questions so drivers read as sentences. file names
// the answers file the review came from; date is YYYY-MM-DD.
func Doc(pack *content.Pack, r advisor.Review, recs []advisor.Recommendation, file, date string) report.Doc {
	doc := report.Doc{
		Title: r.Title, Date: date, DecidedBy: r.DecidedBy, AnswersFile: file,
	}
	for _, q := range pack.Questions {
		doc.Questions = append(doc.Questions, report.Question{ID: q.ID, Prompt: q.Prompt})
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

// Evaluate evaluates every item of r and builds its report document: the
// one path from a review to a record, for the CLI and the TUI alike.
func Evaluate(pack *content.Pack, r advisor.Review, file, date string) report.Doc {
	return Doc(pack, r, advisor.EvaluateReview(pack, r), file, date)
}

// CheckOutput refuses, before any work, an output file that is a
// directory, whose directory is missing, or that exists when replace is
// false. flag names the option in messages ("-o").
func CheckOutput(flag, path string, replace bool) error {
	what := path
	if flag != "" {
		what = flag + " " + path
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return BadInput("%s: directory %s does not exist", what, filepath.Dir(path))
	}
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return BadInput("%s: is a directory; expected a file name", what)
	case err == nil && !replace:
		return &ExistsError{Flag: flag, Path: path}
	}
	return nil
}

// ExistsError says a file is already there and was not replaced. The CLI
// suggests --force; the TUI asks before overwriting.
type ExistsError struct {
	Flag, Path string
}

func (e *ExistsError) Error() string {
	if e.Flag != "" {
		return fmt.Sprintf("%s %s: file exists; pass --force to replace it", e.Flag, e.Path)
	}
	return fmt.Sprintf("%s: file exists; pass --force to replace it", e.Path)
}

// IsExists reports whether err is, or wraps, an *ExistsError.
func IsExists(err error) bool {
	var ee *ExistsError
	return errors.As(err, &ee)
}

// WriteAtomic writes data to path so that readers see either the old file
// or the complete new one, never a torn write: it writes a temporary file
// in the same directory (rename is only atomic within a file system) and
// moves it into place. Without replace, an existing path is an
// *ExistsError even if it appeared after CheckOutput: the move is a hard
// link, which fails rather than replace.
func WriteAtomic(path string, data []byte, replace bool) error {
	return writeAtomic(path, data, replace, 0o644)
}

func writeAtomic(path string, data []byte, replace bool, perm fs.FileMode) error {
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
	if err := os.Chmod(tmpName, perm); err != nil {
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
		return &ExistsError{Path: path}
	}
	if err != nil {
		// Some file systems (FAT, some network mounts) have no hard links:
		// check, then rename. Only a file created in between can be lost.
		if _, statErr := os.Lstat(path); statErr == nil {
			return &ExistsError{Path: path}
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

// NextADRNumber is one past the highest record number in dir, as adr-tools
// numbers them; 1 for an empty or missing directory.
func NextADRNumber(dir string) (int, error) {
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

// WriteADRs writes one Markdown record per item into dir, numbered from
// the next free number, and returns the paths written. Every record is
// rendered before the first is written, a record never replaces a file,
// and a failure removes the records already written: a half-numbered batch
// would shift the numbers of the next run.
func WriteADRs(dir string, doc report.Doc) ([]string, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, BadInput("--adr-dir %s: not a directory", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--adr-dir %s: %w", dir, err)
	}
	next, err := NextADRNumber(dir)
	if err != nil {
		return nil, err
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
		if err := WriteAtomic(r.path, r.data, false); err != nil {
			for _, p := range slices.Backward(written) {
				os.Remove(p)
			}
			return nil, err
		}
		written = append(written, r.path)
	}
	return written, nil
}

// Export is one export request: a format (md, json, html, or adr for an
// adr-tools folder), where to write it, and whether an existing file may be
// replaced (adr never replaces).
type Export struct {
	Format  string
	Path    string
	Replace bool
}

// ExportFormats lists every export format, the ADR folder last.
var ExportFormats = []string{"md", "json", "html", "adr"}

// Write renders doc as e asks and writes it atomically, returning the
// paths written. An existing file without Replace is an *ExistsError.
func (e Export) Write(doc report.Doc) ([]string, error) {
	if e.Path == "" {
		return nil, BadInput("no path given: expected a file name (or a directory for adr)")
	}
	if e.Format == "adr" {
		return WriteADRs(e.Path, doc)
	}
	render, ok := Formats[e.Format]
	if !ok {
		return nil, BadInput("format %q: expected md, json, html or adr", e.Format)
	}
	if err := CheckOutput("", e.Path, e.Replace); err != nil {
		return nil, err
	}
	if err := WriteAtomic(e.Path, render(doc), e.Replace); err != nil {
		return nil, err
	}
	return []string{e.Path}, nil
}
