package app

import (
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
	b, err := yaml.Marshal(root)
	if err != nil {
		// Only strings, bools and numbers go in: yaml cannot fail on them.
		panic(fmt.Sprintf("app: marshalling a review: %v", err))
	}
	return append([]byte(reviewHeader), b...)
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
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return advisor.Review{}, BadInput("%s: no such file", path)
		}
		return advisor.Review{}, BadInput("%s: %v", path, errors.Unwrap(err))
	}
	r, err := advisor.ParseDraft(path, data, pack)
	if err != nil {
		return advisor.Review{}, &InputError{err}
	}
	return r, nil
}

// CheckNewReview refuses to start a new review in path when a file is
// there that is not a kvdo review (it would be replaced by the first
// autosave) and tells whether one is: a review there is continued rather
// than overwritten.
func CheckNewReview(path string, pack *content.Pack) (existing bool, err error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
			return false, BadInput("--save %s: directory %s does not exist", path, filepath.Dir(path))
		}
		return false, nil
	}
	if err != nil {
		return false, BadInput("--save %s: %v", path, errors.Unwrap(err))
	}
	if st.IsDir() {
		return false, BadInput("--save %s: is a directory; expected a file name", path)
	}
	if _, err := ReadReview(path, pack); err != nil {
		return false, BadInput("--save %s: the file exists and is not a kvdo review, so it is left alone (%v); choose another name", path, err)
	}
	return true, nil
}

// Saver writes a review in progress after every change, atomically, and
// never lets an older snapshot replace a newer one: saves run in tea.Cmds,
// which may finish in any order.
type Saver struct {
	Path string
	pack *content.Pack

	mu   sync.Mutex
	last uint64 // sequence number of the snapshot on disk
}

// NewSaver returns a Saver writing to path.
func NewSaver(path string, pack *content.Pack) *Saver {
	return &Saver{Path: path, pack: pack}
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
	if err := WriteAtomic(s.Path, data, true); err != nil {
		return false, err
	}
	s.last = seq
	return true, nil
}
