package advisor

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kvdo/kvdo/content"
	"gopkg.in/yaml.v3"
)

// ParseAnswer reads one answer to question id as typed in the interview,
// with exactly the checks and messages of the answers file: the text is
// read as the value after "id: " in a file and goes through ParseReview
// itself, so a question a content pack adds later is checked the same way
// without a code change. The error is the loader's message without a
// position ("reads_per_s: \"lots\": expected a number >= 0 ...").
func ParseAnswer(pack *content.Pack, id, text string) (any, error) {
	q := pack.Question(id)
	if q == nil {
		return nil, fmt.Errorf("unknown question %q: expected one of %s", id, strings.Join(questionIDs(pack), ", "))
	}
	text = strings.TrimSpace(text)
	var value yaml.Node
	if err := yaml.Unmarshal([]byte(text), &value); err != nil || text == "" || len(value.Content) != 1 {
		// Not one YAML value: the file loader would stop at the syntax;
		// say what the question expects instead of where the parser gave up.
		return nil, fmt.Errorf("%s: %q: expected %s", q.ID, text, q.Expected())
	}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("version"), {Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"},
		str("items"), {Kind: yaml.SequenceNode, Content: []*yaml.Node{
			{Kind: yaml.MappingNode, Content: []*yaml.Node{
				str("name"), str("answer"),
				str("answers"), {Kind: yaml.MappingNode, Content: []*yaml.Node{str(q.ID), value.Content[0]}},
			}},
		}},
	}}
	data, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %q: expected %s", q.ID, text, q.Expected())
	}
	r, err := ParseReview("answer", data, optional(pack))
	if err != nil {
		var pe *content.PosError
		if errors.As(err, &pe) {
			return nil, errors.New(pe.Msg)
		}
		return nil, err
	}
	return r.Items[0].Answers[q.ID], nil
}

// ParseDraft reads a review file that an interview is still filling in:
// every check of ParseReview (version, items, unique names, known
// questions, types and ranges, file:line:col) except that required answers
// may still be missing.
func ParseDraft(file string, data []byte, pack *content.Pack) (Review, error) {
	return ParseReview(file, data, optional(pack))
}

// optional is pack with every question optional: the loader then checks
// the answers given and asks for none that are not.
func optional(pack *content.Pack) *content.Pack {
	p := *pack
	p.Questions = make([]content.Question, len(pack.Questions))
	copy(p.Questions, pack.Questions)
	for i := range p.Questions {
		p.Questions[i].Required = false
	}
	return &p
}
