// Package content holds kvdo's embedded content pack (topology, narration,
// and the advisor's questions, rules, options, facts and pricing) with its
// loader and validator. Content is data so that facts can be corrected and
// captions reworded without recompiling; every figure carries a source and
// an "as of" date. The package reads an fs.FS and never the disk itself.
package content

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
)

//go:embed *.yaml
var embedded embed.FS

// Pack is a loaded, validated content pack. Lists keep file order, which
// is the order the interview asks, the rules fire and reports list.
type Pack struct {
	Topology  Topology
	Questions []Question
	Rules     []Rule
	Warnings  []WarningRule
	// Derived are the quantities rules may compare besides the answers
	// (reads per key, total writes); Layers the front layers a
	// recommendation may carry.
	Derived  []Derived
	Layers   []LayerRule
	Options  []Option
	Facts    []Fact
	Glossary []Term
	Pricing  Pricing
}

// LoadDefault loads the pack embedded in the binary: built from the Go
// values generated from its YAML (see generated.go), or decoded from the
// YAML when those are not current.
func LoadDefault() (*Pack, error) {
	if generatedCurrent() {
		return generatedPack(), nil
	}
	return LoadDefaultYAML()
}

// Load reads a pack from fsys. A file the pack lacks is taken from the
// embedded pack, so a customised pack need only hold what it changes.
// Every problem is a *PosError naming file:line:col, cross-file ones (a
// rule naming a question that does not exist) at the referring file.
func Load(fsys fs.FS) (*Pack, error) {
	p := &Pack{}
	read := func(file string, parse func(string, []byte) error) error {
		name, data, err := readFile(fsys, file)
		if err != nil {
			return err
		}
		return parse(name, data)
	}
	steps := []struct {
		file  string
		parse func(string, []byte) error
	}{
		{TopologyFile, func(n string, d []byte) (err error) { p.Topology, err = ParseTopology(n, d); return }},
		{FactsFile, func(n string, d []byte) (err error) { p.Facts, err = ParseFacts(n, d); return }},
		{GlossaryFile, func(n string, d []byte) (err error) {
			if p.Glossary, err = ParseGlossary(n, d); err != nil {
				return err
			}
			return checkGlossary(n, p.Glossary, p.factIndex())
		}},
		{PricingFile, func(n string, d []byte) (err error) { p.Pricing, err = ParsePricing(n, d); return }},
		{QuestionsFile, func(n string, d []byte) (err error) {
			if p.Questions, err = ParseQuestions(n, d); err != nil {
				return err
			}
			return checkQuestions(n, p.Questions, p.factIndex())
		}},
		{OptionsFile, func(n string, d []byte) (err error) {
			if p.Options, err = ParseOptions(n, d); err != nil {
				return err
			}
			facts := p.factIndex()
			for _, o := range p.Options {
				if err := checkFactRefs(n, o.Pos, "option "+o.ID, o.Facts, facts); err != nil {
					return err
				}
			}
			return nil
		}},
		{RulesFile, func(n string, d []byte) (err error) {
			rs, err := ParseRules(n, d)
			if err != nil {
				return err
			}
			p.Derived, p.Rules, p.Layers, p.Warnings = rs.Derived, rs.Rules, rs.Layers, rs.Warnings
			return checkRules(n, p)
		}},
	}
	for _, s := range steps {
		if err := read(s.file, s.parse); err != nil {
			return nil, err
		}
	}
	// Options' advice may compare derived quantities, which the rules
	// file declares: check it once both are loaded.
	if err := checkOptions(OptionsFile, p); err != nil {
		return nil, err
	}
	return p, nil
}

// readFile reads name from fsys, falling back to the embedded copy when
// fsys has none. The returned name is what errors should cite.
func readFile(fsys fs.FS, name string) (string, []byte, error) {
	b, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) && fsys != fs.FS(embedded) {
		b, err = embedded.ReadFile(name)
		return name, b, err
	}
	if err != nil {
		return name, nil, fmt.Errorf("%s: %w", name, err)
	}
	return name, b, nil
}

// Question returns the question with id, or nil.
func (p *Pack) Question(id string) *Question {
	for i := range p.Questions {
		if p.Questions[i].ID == id {
			return &p.Questions[i]
		}
	}
	return nil
}

// Option returns the option with id, or nil.
func (p *Pack) Option(id string) *Option {
	for i := range p.Options {
		if p.Options[i].ID == id {
			return &p.Options[i]
		}
	}
	return nil
}

// OptionIDs lists the pack's option ids in file order.
func (p *Pack) OptionIDs() []string {
	ids := make([]string, len(p.Options))
	for i, o := range p.Options {
		ids[i] = o.ID
	}
	return ids
}

// Fact returns the fact with id, or nil.
func (p *Pack) Fact(id string) *Fact {
	i := slices.IndexFunc(p.Facts, func(f Fact) bool { return f.ID == id })
	if i < 0 {
		return nil
	}
	return &p.Facts[i]
}

// InterviewOrder lists the questions as the interview asks them: by group
// order of first appearance, then by order, then by file position.
func (p *Pack) InterviewOrder() []*Question {
	out := make([]*Question, len(p.Questions))
	for i := range p.Questions {
		out[i] = &p.Questions[i]
	}
	groups := map[string]int{}
	for _, q := range out {
		if _, ok := groups[q.Group]; !ok {
			groups[q.Group] = len(groups)
		}
	}
	slices.SortStableFunc(out, func(a, b *Question) int {
		if d := groups[a.Group] - groups[b.Group]; d != 0 {
			return d
		}
		return a.Order - b.Order
	})
	return out
}

func (p *Pack) factIndex() map[string]*Fact {
	m := make(map[string]*Fact, len(p.Facts))
	for i := range p.Facts {
		m[p.Facts[i].ID] = &p.Facts[i]
	}
	return m
}
