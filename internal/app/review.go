package app

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"gopkg.in/yaml.v3"
)

// reviewHeader opens every review file kvdo writes, so a reader of the
// file knows what it is and how to use it.
const reviewHeader = "# A kvdo review (answers file, version 1), saved after every answer.\n" +
	"# Resume it:   kvdo advise --resume FILE\n" +
	"# Evaluate it: kvdo advise --answers FILE\n"

// MarshalReview writes r as an answers file (version 1): the format
// `kvdo advise --answers` reads. Answers follow the interview's order;
// answers to questions the pack does not know are kept after them, sorted,
// so nothing typed is ever dropped.
func MarshalReview(pack *content.Pack, r advisor.Review) []byte {
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(m *yaml.Node, k string, v *yaml.Node) { m.Content = append(m.Content, str(k), v) }
	add(root, "version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"})
	if r.Title != "" {
		add(root, "title", str(r.Title))
	}
	if len(r.DecidedBy) > 0 {
		people := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, p := range r.DecidedBy {
			people.Content = append(people.Content, str(p))
		}
		add(root, "decided_by", people)
	}
	items := &yaml.Node{Kind: yaml.SequenceNode}
	for _, it := range r.Items {
		m := &yaml.Node{Kind: yaml.MappingNode}
		add(m, "name", str(it.Name))
		if it.Notes != "" {
			n := str(it.Notes)
			if strings.Contains(it.Notes, "\n") {
				n.Style = yaml.LiteralStyle
			}
			add(m, "notes", n)
		}
		answers := &yaml.Node{Kind: yaml.MappingNode}
		seen := map[string]bool{}
		for _, q := range pack.InterviewOrder() {
			if v, ok := it.Answers[q.ID]; ok {
				add(answers, q.ID, valueNode(v))
				seen[q.ID] = true
			}
		}
		var rest []string
		for id := range it.Answers {
			if !seen[id] {
				rest = append(rest, id)
			}
		}
		slices.Sort(rest)
		for _, id := range rest {
			add(answers, id, valueNode(it.Answers[id]))
		}
		if len(answers.Content) == 0 {
			answers.Style = yaml.FlowStyle // answers: {}
		}
		add(m, "answers", answers)
		items.Content = append(items.Content, m)
	}
	add(root, "items", items)
	var b bytes.Buffer
	b.WriteString(reviewHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		// Only strings, bools and numbers go in: yaml cannot fail on them.
		panic(fmt.Sprintf("app: marshalling a review: %v", err))
	}
	_ = enc.Close()
	return b.Bytes()
}

func valueNode(v any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode}
	switch x := v.(type) {
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(x)
	case float64:
		// Whole numbers as integers, so integer questions read them back.
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			n.Tag, n.Value = "!!int", strconv.FormatInt(int64(x), 10)
		} else {
			n.Tag, n.Value = "!!float", strconv.FormatFloat(x, 'g', -1, 64)
		}
	case string:
		n.Tag, n.Value = "!!str", x
	default:
		n.Tag, n.Value = "!!str", fmt.Sprint(x)
	}
	return n
}

// ReadReview reads a review file for the interview to continue: a draft,
// so required answers may be missing, but everything given is checked as
// `advise --answers` checks it. Problems are *InputErrors with
// file:line:col.
func ReadReview(path string, pack *content.Pack) (advisor.Review, error) {
	data, err := ReadInput("", path, content.MaxFileBytes)
	if err != nil {
		return advisor.Review{}, err
	}
	r, err := advisor.ParseDraft(path, data, pack)
	if err != nil {
		return advisor.Review{}, &InputError{err}
	}
	return r, nil
}

// CheckNewReview refuses to start a new review in path unless the file is
// free to create: an existing file, even an earlier review, is never
// replaced by a new one (resume it instead), and its directory must exist.
func CheckNewReview(flag, path string) error {
	what := path
	if flag != "" {
		what = flag + " " + path
	}
	st, err := os.Lstat(path)
	switch {
	case err == nil && st.IsDir():
		return BadInput("%s: is a directory; expected a file name for the review", what)
	case err == nil && !st.Mode().IsRegular():
		return BadInput("%s: %s: expected a file name for the review", what, fileKind(st.Mode()))
	case err == nil:
		return BadInput("%s: the file exists; continue it with kvdo advise --resume %s, or name a new file", what, path)
	case !errors.Is(err, fs.ErrNotExist):
		return BadInput("%s: %v", what, errors.Unwrap(err))
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return BadInput("%s: directory %s does not exist", what, filepath.Dir(path))
	}
	return nil
}

// FreeReviewName is the first of base, base-2, base-3... (before the
// extension) that names no file yet, for a new review started from the
// home screen.
func FreeReviewName(base string) string {
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	name := base
	for n := 2; n < 1000; n++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d%s", stem, n, ext)
	}
	return name
}

// Saver writes a review in progress after every change, atomically, and
// never lets an older snapshot replace a newer one: saves run in tea.Cmds,
// which may finish in any order.
type Saver struct {
	Path string
	pack *content.Pack

	mu    sync.Mutex
	last  uint64 // sequence number of the snapshot on disk
	fresh bool   // no snapshot written yet to a file that must be new
}

// NewSaver returns a Saver writing to path. With fresh, path must not
// exist when the first snapshot is written (a file that appeared since
// CheckNewReview is never replaced); later snapshots replace the earlier.
func NewSaver(path string, pack *content.Pack, fresh bool) *Saver {
	return &Saver{Path: path, pack: pack, fresh: fresh}
}

// Save writes snapshot number seq unless a later one is already on disk.
// It reports whether it wrote.
func (s *Saver) Save(seq uint64, r advisor.Review) (bool, error) {
	data := MarshalReview(s.pack, r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq <= s.last {
		return false, nil
	}
	if err := WriteAtomic(s.Path, data, !s.fresh); err != nil {
		if IsExists(err) {
			return false, BadInput("%s: a file appeared there since the review started; it was left alone: name a new file", s.Path)
		}
		return false, err
	}
	s.last, s.fresh = seq, false
	return true, nil
}
