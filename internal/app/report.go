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
	"strings"

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

// Evaluate evaluates every item of r and builds its report document: the
// one path from a review to a record, for the CLI and the TUI alike.
func Evaluate(pack *content.Pack, r advisor.Review, file, date string) report.Doc {
	return Doc(pack, r, advisor.EvaluateReview(pack, r), file, date)
}

// CheckOutput refuses, before any work, an output file that is a
// directory, whose directory is missing, that exists when replace is
// false, or that is anything but a regular file (a FIFO, a device, a
// symbolic link: replacing one destroys what it was). flag names the
// option in messages ("-o").
func CheckOutput(flag, path string, replace bool) error {
	what := path
	if flag != "" {
		what = flag + " " + path
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return BadInput("%s: directory %s does not exist", what, filepath.Dir(path))
	}
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err == nil && st.Mode().IsRegular() && !replace:
		return &ExistsError{Flag: flag, Path: path}
	}
	return checkReplaceable(what, path)
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
	if replace {
		if err := checkReplaceable(path, path); err != nil {
			return err
		}
	}
	removeStale(dir, base)
	tmp, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmpName := tmp.Name()
	done := trackTemp(tmpName)
	defer done()
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
	if beforeRename != nil {
		beforeRename(tmpName)
	}
	if replace {
		// Checked again as late as possible: a FIFO or a link put there
		// while the file was written is not replaced either.
		if err := checkReplaceable(path, path); err != nil {
			return err
		}
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

// beforeRename, when set (by tests), runs once the temporary file is
// complete and before it is moved into place.
var beforeRename func(tmp string)

// adrName matches the records adr-tools and kvdo write: NNNN-slug.md, in
// any case (a record saved as .MD still holds its number).
var adrName = regexp.MustCompile(`(?i)^(\d{4,})-.*\.md$`)

// MaxADRNumber is the highest record number kvdo writes or continues
// from: adr-tools pads numbers to four digits, and a record numbered in
// the quintillions (a typo, or a hostile file) would make the next number
// wrap around to a negative one.
const MaxADRNumber = 99_999_999

// NextADRNumber is one past the highest record number in dir, as adr-tools
// numbers them; 1 for an empty or missing directory. A record numbered
// past MaxADRNumber is bad input naming it.
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
		m := adrName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n > MaxADRNumber {
			return 0, BadInput("--adr-dir %s: %s: a record number above %d: expected numbers kvdo can continue (rename that record)", dir, e.Name(), MaxADRNumber)
		}
		highest = max(highest, n)
	}
	return highest + 1, nil
}

// WriteADRs writes one Markdown record per item into dir, numbered from
// the next free number with the number in its title ("# 4. name: ..."),
// as adr-tools numbers them, and returns the paths written. A record for
// an item that dir already holds a live record of (same slug) supersedes
// it: the new record links to the old, and the old one is rewritten to say
// "superseded by" and link back, instead of a silent duplicate. Every
// record is rendered before the first is written, a new record never
// replaces a file, and a failure removes the records already written and
// restores the ones rewritten: a half-numbered batch would shift the
// numbers of the next run.
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
	if last := next + len(doc.Entries) - 1; last > MaxADRNumber {
		return nil, BadInput("--adr-dir %s: the records would be numbered up to %d: expected at most %d", dir, last, MaxADRNumber)
	}
	live, err := liveRecords(dir)
	if err != nil {
		return nil, err
	}
	type record struct {
		path string
		data []byte
		old  []byte // the record's previous content, for a rewrite
	}
	var records, rewrites []record
	for i, one := range doc.PerItem() {
		one.Number = next + i
		name := fmt.Sprintf("%04d-%s.md", one.Number, one.Slug())
		title := one.Entries[0].Item.Name + ": " + report.DecisionTitle(one.Entries[0].Recommendation)
		if prev, ok := live[one.Slug()]; ok {
			one.Supersedes = []report.Link{{Number: prev.number, Title: prev.title, File: prev.file}}
			rewritten, err := report.Supersede(prev.data, report.Link{Number: one.Number, Title: title, File: name})
			if err != nil {
				return nil, fmt.Errorf("--adr-dir %s: %s supersedes %s, which cannot be updated: %w", dir, name, prev.file, err)
			}
			rewrites = append(rewrites, record{filepath.Join(dir, prev.file), rewritten, prev.data})
		}
		records = append(records, record{path: filepath.Join(dir, name), data: report.Markdown(one)})
	}
	var written, updated []string
	undo := func() {
		for _, p := range slices.Backward(written) {
			os.Remove(p)
		}
		for _, r := range rewrites {
			if slices.Contains(updated, r.path) {
				_ = writeAtomic(r.path, r.old, true, 0o644)
			}
		}
	}
	for _, r := range records {
		if err := WriteAtomic(r.path, r.data, false); err != nil {
			undo()
			return nil, err
		}
		written = append(written, r.path)
	}
	for _, r := range rewrites {
		if err := WriteAtomic(r.path, r.data, true); err != nil {
			undo()
			return nil, err
		}
		updated = append(updated, r.path)
	}
	return append(written, updated...), nil
}

// liveRecord is a record in an ADR directory that nothing supersedes yet.
type liveRecord struct {
	number int
	title  string
	file   string
	data   []byte
}

// liveRecords maps the slug of each record in dir (NNNN-slug.md) to the
// latest one that is not superseded.
func liveRecords(dir string) (map[string]liveRecord, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--adr-dir %s: %w", dir, err)
	}
	out := map[string]liveRecord{}
	for _, e := range entries {
		m := adrName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue // a FIFO named like a record would block the read
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		slug := strings.TrimSuffix(strings.TrimSuffix(e.Name()[len(m[1])+1:], ".md"), ".MD")
		data, err := ReadInput("--adr-dir", filepath.Join(dir, e.Name()), content.MaxFileBytes)
		if err != nil {
			return nil, err
		}
		if report.IsSuperseded(data) {
			continue
		}
		_, title, ok := report.RecordTitle(data)
		if !ok {
			title = slug
		}
		if prev, seen := out[slug]; !seen || n > prev.number {
			out[slug] = liveRecord{number: n, title: title, file: e.Name(), data: data}
		}
	}
	return out, nil
}

// ADRDir is the directory adr-tools keeps records in, for a review written
// from dir: the path in the nearest .adr-dir file (in dir or a parent,
// relative to where that file is), else doc/adr under dir, adr-tools'
// default. Reading .adr-dir is what lets kvdo write into the same folder as
// adr-tools without being told.
func ADRDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		b, err := readSmall(filepath.Join(d, ".adr-dir"))
		if err == nil {
			p := strings.TrimSpace(string(b))
			if p == "" {
				return "", BadInput("%s: empty: expected the path of the ADR directory", filepath.Join(d, ".adr-dir"))
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(d, p)
			}
			return relativeTo(dir, p), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf(".adr-dir: %w", err)
		}
		if parent := filepath.Dir(d); parent == d {
			break
		}
	}
	return filepath.Join(dir, "doc", "adr"), nil
}

// relativeTo shortens p to a path relative to dir when it lies under it,
// for messages ("wrote doc/adr/0001-x.md").
func relativeTo(dir, p string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(abs, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.Join(dir, rel)
	}
	return p
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
