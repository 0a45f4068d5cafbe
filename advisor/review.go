package advisor

import (
	"fmt"
	"strings"

	"github.com/kvdo/kvdo/content"
	"gopkg.in/yaml.v3"
)

// reviewFile is the answers file v1 as written (PRODUCT.md). Answers stay
// a node so each answer is checked against its question, with positions.
type reviewFile struct {
	Version   int        `yaml:"version" required:"true" expect:"version: 1"`
	Title     string     `yaml:"title"`
	DecidedBy []string   `yaml:"decided_by"`
	Items     []itemFile `yaml:"items" required:"true" expect:"items: a list of one or more items (- name: ..., answers: {...})"`
}

type itemFile struct {
	Name    string    `yaml:"name" required:"true" expect:"name: a short unique name such as seat-counter"`
	Notes   string    `yaml:"notes"`
	Answers yaml.Node `yaml:"answers" required:"true" expect:"answers: a mapping of question id to answer, e.g. read_your_writes: true"`
	Pos     content.Pos
}

// ParseReview reads an answers file (version 1) strictly against the
// pack's questions. Every problem is a *content.PosError naming
// file:line:col and the expected form: malformed YAML, unknown keys, wrong
// types, values out of range, duplicate item names, missing required
// answers, a version other than 1, no items.
//
// Numbers become float64. An optional question left out gets no entry in
// Answers: its default is only the interview's suggestion, and rules treat
// a missing answer as unknown rather than guess (see content.Condition).
func ParseReview(file string, data []byte, pack *content.Pack) (Review, error) {
	root, err := content.ParseYAML(file, data)
	if err != nil {
		return Review{}, err
	}
	var f reviewFile
	if err := content.Decode(file, root, &f); err != nil {
		return Review{}, err
	}
	at := func(p content.Pos, format string, a ...any) error {
		return &content.PosError{File: file, Pos: p, Msg: fmt.Sprintf(format, a...)}
	}
	top := content.Pos{Line: root.Line, Col: root.Column}
	if f.Version != 1 {
		return Review{}, at(versionPos(root, top), "version %d: expected version: 1", f.Version)
	}
	if len(f.Items) == 0 {
		return Review{}, at(top, "items: expected at least one item (- name: ..., answers: {...})")
	}
	r := Review{Version: 1, Title: f.Title, DecidedBy: f.DecidedBy}
	names := map[string]content.Pos{}
	for _, it := range f.Items {
		name := strings.TrimSpace(it.Name)
		if name == "" {
			return Review{}, at(it.Pos, "item name is empty: expected a short unique name such as seat-counter")
		}
		if first, dup := names[name]; dup {
			return Review{}, at(it.Pos, "item name %q is used twice (first at line %d): expected unique names", name, first.Line)
		}
		names[name] = it.Pos
		answers, err := parseAnswers(file, &it.Answers, pack)
		if err != nil {
			return Review{}, err
		}
		r.Items = append(r.Items, Item{Name: name, Notes: it.Notes, Answers: answers})
	}
	return r, nil
}

// versionPos points at the version's value when there is one.
func versionPos(root *yaml.Node, fallback content.Pos) content.Pos {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "version" {
			v := root.Content[i+1]
			return content.Pos{Line: v.Line, Col: v.Column}
		}
	}
	return fallback
}

func parseAnswers(file string, n *yaml.Node, pack *content.Pack) (Answers, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil, content.Errorf(file, n, "answers: expected a mapping of question id to answer, e.g. read_your_writes: true")
	}
	answers := Answers{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		q := pack.Question(k.Value)
		if q == nil {
			return nil, content.Errorf(file, k, "unknown question %q: expected one of %s", k.Value, strings.Join(questionIDs(pack), ", "))
		}
		if _, dup := answers[q.ID]; dup {
			return nil, content.Errorf(file, k, "%s is answered twice", q.ID)
		}
		val, ok := q.ScalarValue(v)
		if !ok {
			got := v.Value
			if v.Kind != yaml.ScalarNode {
				got = "a " + kindWord(v.Kind)
			}
			return nil, content.Errorf(file, v, "%s: %q: expected %s", q.ID, got, q.Expected())
		}
		answers[q.ID] = val
	}
	for i := range pack.Questions {
		q := &pack.Questions[i]
		if _, ok := answers[q.ID]; ok || !q.Required {
			continue
		}
		if q.AskIf != nil && !q.AskIf.Holds(answers) {
			continue
		}
		return nil, content.Errorf(file, n, "missing answer %s: expected %s (%s)", q.ID, q.Expected(), q.Prompt)
	}
	return answers, nil
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
