package advisor

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kvdo/kvdo/content"
	"gopkg.in/yaml.v3"
)

// Problems is every problem found in one answers file, in file order. It
// prints one per line, each as file:line:col: what was wrong and what was
// expected, so one run shows them all. errors.As finds each *PosError.
type Problems = content.Problems

// reviewFields are the top-level keys of an answers file.
var (
	reviewFields = []string{"decided_by", "items", "title", "version"}
	itemFields   = []string{"answers", "name", "notes"}
)

// parser collects problems while it walks an answers file.
type parser struct {
	file     string
	pack     *content.Pack
	problems Problems
	full     bool
	aliases  int
}

// at records a problem at n. Past content.MaxProblems the file is likely
// not an answers file at all: one closing line says more follow.
func (p *parser) at(n *yaml.Node, format string, a ...any) {
	if p.full {
		return
	}
	msg := fmt.Sprintf(format, a...)
	if len(p.problems) == content.MaxProblems {
		msg, p.full = fmt.Sprintf("more than %d problems: fix these and run again", content.MaxProblems), true
	}
	p.problems = append(p.problems, &content.PosError{File: p.file, Pos: content.Pos{Line: n.Line, Col: n.Column}, Msg: msg})
}

// deref follows an alias to its anchor, a bounded number of times, so a
// hostile file cannot make the walk expand without end.
func (p *parser) deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		if p.aliases++; p.aliases > 1000 || n.Alias == nil {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
		}
		n = n.Alias
	}
	return n
}

// ParseReview reads an answers file (version 1) strictly against the
// pack's questions and reports every problem it finds, not only the
// first, as Problems: malformed YAML (alone: nothing after it can be
// trusted), unknown keys (with the closest known one suggested), wrong
// types, values out of range, duplicate item names, missing required
// answers, a version other than 1, no items.
//
// Numbers become float64. value_bytes also takes a size with a unit
// ("4kB", "25MiB"). decided_by may be a list or a single string. An
// optional question left out gets no entry in Answers: its default is
// only the interview's suggestion, and rules treat a missing answer as
// unknown rather than guess (see content.Condition).
func ParseReview(file string, data []byte, pack *content.Pack) (Review, error) {
	root, err := content.ParseYAML(file, data)
	if err != nil {
		return Review{}, err
	}
	p := &parser{file: file, pack: pack}
	r := p.review(p.deref(root))
	if len(p.problems) > 0 {
		sorted := p.problems
		if p.full {
			sorted = sorted[:len(sorted)-1] // the closing line stays last
		}
		slices.SortStableFunc(sorted, func(a, b *content.PosError) int {
			if a.Pos.Line != b.Pos.Line {
				return a.Pos.Line - b.Pos.Line
			}
			return a.Pos.Col - b.Pos.Col
		})
		return Review{}, p.problems
	}
	return r, nil
}

// fields walks a mapping's keys, reporting unknown and repeated ones, and
// calls f for each known key with its value.
func (p *parser) fields(n *yaml.Node, known []string, f func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := p.deref(n.Content[i]), p.deref(n.Content[i+1])
		switch {
		case !slices.Contains(known, k.Value):
			p.at(k, "unknown field %q: %sexpected one of %s", k.Value, suggest(k.Value, known), strings.Join(known, ", "))
		case seen[k.Value]:
			p.at(k, "field %q is given twice", k.Value)
		default:
			seen[k.Value] = true
			f(k.Value, k, v)
		}
	}
}

func (p *parser) review(root *yaml.Node) Review {
	r := Review{Version: 1}
	if root.Kind != yaml.MappingNode {
		p.at(root, "expected a mapping with %s (see kvdo advise --template)", strings.Join(reviewFields, ", "))
		return r
	}
	var hasVersion, hasItems bool
	p.fields(root, reviewFields, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			hasVersion = true
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Value != "1" {
				got := v.Value
				if v.Kind != yaml.ScalarNode {
					got = "a " + kindWord(v.Kind)
				}
				p.at(v, "version %s: expected version: 1", got)
			}
		case "title":
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				p.at(v, "title: expected a line of text")
				return
			}
			r.Title, _ = p.name(v, "title")
		case "decided_by":
			r.DecidedBy = p.names(v)
		case "items":
			hasItems = true
			r.Items = p.items(v)
		}
	})
	if !hasVersion {
		p.at(root, `missing field "version": expected version: 1`)
	}
	if !hasItems {
		p.at(root, `missing field "items": expected items: a list of one or more items (- name: ..., answers: {...})`)
	}
	return r
}

// name reads a name, a title or a person as kvdo keeps it: trimmed, in
// Unicode normal form C, at most content.MaxNameChars characters, with no
// character nobody could see (a zero-width space, a control character, a
// bidirectional mark), so two names that look the same are the same.
func (p *parser) name(v *yaml.Node, what string) (string, bool) {
	s, err := CheckName(what, v.Value)
	if err != nil {
		p.at(v, "%s", err)
		return "", false
	}
	return s, true
}

// CheckName reads a name (what: "name", "title", "decided_by") as the
// answers file does, for the interview to check what is typed the same
// way: it returns the name trimmed and in Unicode normal form C, or an
// error saying what is wrong with it (an invisible character, past
// content.MaxNameChars).
func CheckName(what, s string) (string, error) {
	s, problem := content.NormalName(s)
	if problem != "" {
		return "", fmt.Errorf("%s: %s", what, problem)
	}
	if n := utf8.RuneCountInString(s); n > content.MaxNameChars {
		return "", fmt.Errorf("%s: %d characters: expected at most %d (kvdo's limit)", what, n, content.MaxNameChars)
	}
	return s, nil
}

// names reads decided_by: a list of names, or one string.
func (p *parser) names(v *yaml.Node) []string {
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag != "!!null":
		if s, ok := p.name(v, "decided_by"); ok && s != "" {
			return []string{s}
		}
		return nil
	case v.Kind == yaml.SequenceNode:
		if len(v.Content) > content.MaxDecidedBy {
			p.at(v, "decided_by: %d names: expected at most %d (kvdo's limit)", len(v.Content), content.MaxDecidedBy)
			return nil
		}
		var out []string
		for _, e := range v.Content {
			e = p.deref(e)
			if e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
				p.at(e, "decided_by: expected a name")
				continue
			}
			if s, ok := p.name(e, "decided_by"); ok {
				out = append(out, s)
			}
		}
		return out
	}
	p.at(v, "decided_by: expected a name or a list of names, e.g. decided_by: [Ana, Ravi]")
	return nil
}

func (p *parser) items(v *yaml.Node) []Item {
	if v.Kind != yaml.SequenceNode {
		p.at(v, "items: expected a list of one or more items (- name: ..., answers: {...})")
		return nil
	}
	if len(v.Content) == 0 {
		p.at(v, "items: expected at least one item (- name: ..., answers: {...})")
		return nil
	}
	if len(v.Content) > content.MaxItems {
		// Refused before any item is read: evaluating and rendering
		// grow with the items.
		p.at(v, "items: %d items: expected at most %d (kvdo's limit; split the review)", len(v.Content), content.MaxItems)
		return nil
	}
	var out []Item
	names := map[string]*yaml.Node{}
	for _, n := range v.Content {
		n = p.deref(n)
		if n.Kind != yaml.MappingNode {
			p.at(n, "item: expected a mapping with %s", strings.Join(itemFields, ", "))
			continue
		}
		it := Item{}
		var nameNode, answersNode *yaml.Node
		p.fields(n, itemFields, func(key string, k, v *yaml.Node) {
			switch key {
			case "name":
				nameNode = v
			case "notes":
				if v.Kind != yaml.ScalarNode {
					p.at(v, "notes: expected text")
					return
				}
				// Notes are free text kept exactly as written, control
				// characters included: what shows them on a terminal
				// neutralises those (termsafe).
				if n := utf8.RuneCountInString(v.Value); n > content.MaxNotesChars {
					p.at(v, "notes: %d characters: expected at most %d (kvdo's limit)", n, content.MaxNotesChars)
					return
				}
				it.Notes = v.Value
			case "answers":
				answersNode = v
			}
		})
		switch {
		case nameNode == nil:
			p.at(n, `missing field "name": expected name: a short unique name such as seat-counter`)
		case nameNode.Kind != yaml.ScalarNode || strings.TrimSpace(nameNode.Value) == "":
			p.at(n, "item name is empty: expected a short unique name such as seat-counter")
		default:
			name, ok := p.name(nameNode, "name")
			if !ok {
				break
			}
			it.Name = name
			if first, dup := names[it.Name]; dup {
				p.at(n, "item name %q is used twice (first at line %d): expected unique names", it.Name, first.Line)
			}
			names[it.Name] = n
		}
		if answersNode == nil {
			p.at(n, `missing field "answers": expected answers: a mapping of question id to answer, e.g. read_your_writes: true`)
		} else {
			it.Answers = p.answers(answersNode)
		}
		out = append(out, it)
	}
	return out
}

func (p *parser) answers(n *yaml.Node) Answers {
	if n.Kind != yaml.MappingNode {
		p.at(n, "answers: expected a mapping of question id to answer, e.g. read_your_writes: true")
		return nil
	}
	ids := questionIDs(p.pack)
	answers := Answers{}
	given := map[string]bool{} // answered, even if wrongly: not "missing"
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := p.deref(n.Content[i]), p.deref(n.Content[i+1])
		q := p.pack.Question(k.Value)
		if q == nil {
			p.at(k, "unknown question %q: %sexpected one of %s", k.Value, suggest(k.Value, ids), strings.Join(ids, ", "))
			continue
		}
		if given[q.ID] {
			p.at(k, "%s is answered twice", q.ID)
			continue
		}
		given[q.ID] = true
		val, ok := q.ScalarValue(v)
		if !ok {
			got := v.Value
			if v.Kind != yaml.ScalarNode {
				got = "a " + kindWord(v.Kind)
			}
			hint := ""
			if q.Type == content.TypeChoice {
				hint = suggest(v.Value, q.Options)
			}
			p.at(v, "%s: %q: %sexpected %s", q.ID, got, hint, q.Expected())
			continue
		}
		answers[q.ID] = val
	}
	for i := range p.pack.Questions {
		q := &p.pack.Questions[i]
		if given[q.ID] || !q.Required {
			continue
		}
		if q.AskIf != nil && !q.AskIf.Holds(answers) {
			continue
		}
		p.at(n, "missing answer %s: expected %s (%s)", q.ID, q.Expected(), q.Prompt)
	}
	return answers
}

func kindWord(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

func questionIDs(pack *content.Pack) []string {
	ids := make([]string, len(pack.Questions))
	for i, q := range pack.Questions {
		ids[i] = q.ID
	}
	return ids
}

// suggest names the known word closest to a typo ("did you mean
// reads_per_s? "), or nothing when none is close: at most a third of the
// word's letters apart, and never for a word far shorter or longer.
func suggest(got string, known []string) string {
	best, bestD := "", 0
	for _, k := range known {
		d := editDistance(strings.ToLower(got), k)
		if best == "" || d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" || bestD == 0 || bestD > max(1, len(best)/3) {
		return ""
	}
	return "did you mean " + best + "? "
}

// editDistance is the Levenshtein distance between a and b, in bytes
// (ids are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
