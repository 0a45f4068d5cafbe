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
	"reflect"
	"slices"

	"gopkg.in/yaml.v3"
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

	// src holds each file's YAML while Load checks it, so a problem can
	// point at the value it is about rather than its whole entry.
	src map[string]*yaml.Node
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

// packFiles are the files of the advisor's pack and the topology, in the
// order Load reads them and reports their problems.
var packFiles = []string{TopologyFile, FactsFile, GlossaryFile, PricingFile, QuestionsFile, OptionsFile, RulesFile}

// Load reads a pack from fsys. A file the pack lacks is taken from the
// embedded pack, so a customised pack need only hold what it changes.
// Every problem of every file is reported in one run, as Problems: each a
// *PosError naming file:line:col, cross-file ones (a rule naming a
// question that does not exist) at the referring file. A file past
// MaxFileBytes is refused before it is read.
func Load(fsys fs.FS) (*Pack, error) {
	var c collector
	p := &Pack{src: map[string]*yaml.Node{}}
	broken := map[string]bool{}
	for _, file := range packFiles {
		name, data, err := readFile(fsys, file)
		if err != nil {
			c.add(file, err)
			broken[file] = true
			continue
		}
		root, err := ParseYAML(name, data)
		if err != nil {
			c.add(name, err)
			broken[file] = true
			continue
		}
		p.src[file] = root
		p.decode(&c, file, root)
	}
	c.decodeDone()
	v := &validator{c: &c, p: p, broken: broken}
	v.local()
	// With a file that could not be read at all, every reference to it
	// would be reported as dangling: report the file alone.
	if len(broken) == 0 {
		v.crossFile()
	}
	p.src = nil
	if err := c.err(packFiles...); err != nil {
		return nil, err
	}
	return p, nil
}

// Validate checks a decoded pack as Load does, on the structs alone, and
// resolves what Load resolves (each condition's value, each question's
// default, each warning's level, the topology's network figures): for a
// pack decoded some other way than from its YAML. Positions are those the
// structs carry.
func (p *Pack) Validate() error {
	var c collector
	v := &validator{c: &c, p: p}
	// What the YAML decoder checks on its way (text, numbers, list
	// lengths), checked here on the values themselves.
	for _, part := range []struct {
		file string
		v    any
	}{
		{TopologyFile, &p.Topology}, {FactsFile, p.Facts}, {GlossaryFile, p.Glossary}, {PricingFile, &p.Pricing},
		{QuestionsFile, p.Questions}, {OptionsFile, p.Options},
		{RulesFile, p.Derived}, {RulesFile, p.Rules}, {RulesFile, p.Layers}, {RulesFile, p.Warnings},
	} {
		v.values(part.file, reflect.ValueOf(part.v), Pos{1, 1}, "")
	}
	v.local()
	v.crossFile()
	return c.err(packFiles...)
}

// decode fills the part of p that file holds from its YAML, recording
// every problem, with the checks that need the file's own shape (its
// version, a non-empty list).
func (p *Pack) decode(c *collector, file string, root *yaml.Node) {
	top := Pos{root.Line, root.Column}
	// A missing version is the decoder's "missing field"; a version that
	// is not a number, its type error.
	version := func(v int) {
		if n := NodeAt(root, "version"); n != nil && v != 1 {
			c.at(file, Pos{n.Line, n.Column}, "version %d: expected 1", v)
		}
	}
	nonEmpty := func(n int, what string) {
		if n == 0 && NodeAt(root, what) != nil {
			c.at(file, top, "%s: expected at least one entry", what)
		}
	}
	switch file {
	case TopologyFile:
		decodeInto(c, file, root, &p.Topology)
		version(p.Topology.Version)
	case FactsFile:
		var f factsFile
		decodeInto(c, file, root, &f)
		version(f.Version)
		nonEmpty(len(f.Facts), "facts")
		p.Facts = f.Facts
	case GlossaryFile:
		var f glossaryFile
		decodeInto(c, file, root, &f)
		version(f.Version)
		p.Glossary = f.Terms
	case PricingFile:
		decodeInto(c, file, root, &p.Pricing)
		version(p.Pricing.Version)
	case QuestionsFile:
		var f questionsFile
		decodeInto(c, file, root, &f)
		version(f.Version)
		nonEmpty(len(f.Questions), "questions")
		p.Questions = f.Questions
	case OptionsFile:
		var f optionsFile
		decodeInto(c, file, root, &f)
		version(f.Version)
		p.Options = f.Options
	case RulesFile:
		var f rulesFile
		decodeInto(c, file, root, &f)
		version(f.Version)
		nonEmpty(len(f.Rules), "rules")
		p.Derived, p.Rules, p.Layers, p.Warnings = f.Derived, f.Rules, f.Layers, f.Warnings
	}
}

// readFile reads name from fsys, falling back to the embedded copy when
// fsys has none. The returned name is what errors should cite. A file
// larger than MaxFileBytes is refused before it is read.
func readFile(fsys fs.FS, name string) (string, []byte, error) {
	if fsys != fs.FS(embedded) {
		st, err := fs.Stat(fsys, name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			b, err := embedded.ReadFile(name)
			return name, b, err
		case err != nil:
			return name, nil, &PosError{File: name, Pos: Pos{1, 1}, Msg: fmt.Sprintf("cannot read it: %v", errors.Unwrap(err))}
		case !st.Mode().IsRegular():
			return name, nil, &PosError{File: name, Pos: Pos{1, 1}, Msg: "not a regular file: expected a YAML file"}
		case st.Size() > MaxFileBytes:
			return name, nil, &PosError{File: name, Pos: Pos{1, 1},
				Msg: fmt.Sprintf("%d bytes: expected a file of at most %s (kvdo's limit)", st.Size(), FormatBytes(MaxFileBytes))}
		}
	}
	b, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) && fsys != fs.FS(embedded) {
		b, err = embedded.ReadFile(name)
		return name, b, err
	}
	if err != nil {
		return name, nil, &PosError{File: name, Pos: Pos{1, 1}, Msg: fmt.Sprintf("cannot read it: %v", err)}
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
