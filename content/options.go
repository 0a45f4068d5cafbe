package content

import (
	"io"
	"strings"
	"text/template"
)

// OptionIDs are the fixed recommendation ids (PRODUCT.md), in the order
// the options file must list them.
var OptionIDs = []string{"kv", "durable-object", "do-plus-kv", "cache-api", "r2-plus-kv"}

// Option is one place edge state can live, with everything the
// recommendation shows when it wins.
type Option struct {
	ID          string   `yaml:"id" required:"true"`
	Title       string   `yaml:"title" required:"true"`
	Summary     string   `yaml:"summary" required:"true"` // one line
	Description string   `yaml:"description" required:"true"`
	Strengths   []string `yaml:"strengths" required:"true"`
	Costs       []string `yaml:"costs" required:"true"` // what it costs you, not only money
	Pitfalls    []Advice `yaml:"pitfalls" required:"true"`
	Checklist   []Advice `yaml:"checklist" required:"true"`
	// Sketch is the default TypeScript Worker code; Sketches are variants
	// fitted to the kind of state and the front layer. Both are Go
	// templates (see options.yaml for the fields they may use).
	Sketch    string          `yaml:"sketch" required:"true"`
	Sketches  []SketchVariant `yaml:"sketches"`
	Providers []Provider      `yaml:"providers" required:"true"`
	Facts     []string        `yaml:"facts"`
	Pos       Pos
}

// Advice is a pitfall or checklist entry, shown when its condition holds
// for the item's answers (always when it has none). {id} in Text is the
// answer to question id.
type Advice struct {
	Text string     `yaml:"text" required:"true"`
	When *Condition `yaml:"when"`
	Pos  Pos
}

// Holds reports whether the advice applies to answers.
func (a *Advice) Holds(answers map[string]any) bool { return a.When == nil || a.When.Holds(answers) }

// SketchVariant is a code sketch for some kinds of state (Kinds; empty:
// any), for a recommendation with front layer Layer ("" for none), and,
// with Fresh, only for values that must be fresher than KV's window.
type SketchVariant struct {
	Kinds []string `yaml:"kinds"`
	Layer string   `yaml:"layer"`
	Fresh bool     `yaml:"fresh"`
	Code  string   `yaml:"code" required:"true"`
	Pos   Pos
}

// Provider maps an option to another platform's nearest equivalent.
type Provider struct {
	Platform   string `yaml:"platform" required:"true"`
	Equivalent string `yaml:"equivalent" required:"true"`
	Pos        Pos
}

type optionsFile struct {
	Version int      `yaml:"version" required:"true"`
	Options []Option `yaml:"options" required:"true"`
}

// ParseOptions decodes and checks an options file: exactly the five fixed
// ids, each complete.
func ParseOptions(file string, data []byte) ([]Option, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return nil, err
	}
	var f optionsFile
	if err := Decode(file, root, &f); err != nil {
		return nil, err
	}
	top := Pos{root.Line, root.Column}
	if err := checkVersion(file, top, f.Version); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, o := range f.Options {
		if !contains(OptionIDs, o.ID) {
			return nil, posErr(file, o.Pos, "option %q: expected one of the fixed ids %s", o.ID, strings.Join(OptionIDs, ", "))
		}
		if err := checkID(file, o.Pos, "option", o.ID, seen); err != nil {
			return nil, err
		}
		for _, n := range []int{len(o.Strengths), len(o.Costs), len(o.Pitfalls), len(o.Checklist)} {
			if n == 0 {
				return nil, posErr(file, o.Pos, "option %s: strengths, costs, pitfalls and checklist each need at least one entry", o.ID)
			}
		}
		if len(o.Providers) == 0 {
			return nil, posErr(file, o.Pos, "option %s: providers: expected at least one platform mapping", o.ID)
		}
	}
	for _, id := range OptionIDs {
		if !seen[id] {
			return nil, posErr(file, top, "options: missing option %q: expected all of %s", id, strings.Join(OptionIDs, ", "))
		}
	}
	return f.Options, nil
}

// checkOptions resolves the conditions of every option's advice and checks
// its sketches once questions, derived quantities and facts are known:
// each template parses, each variant names known kinds and layers, and
// every option a layer may sit over has a sketch for it.
func checkOptions(file string, p *Pack) error {
	qs, err := conditionIndex(file, p)
	if err != nil {
		return err
	}
	facts := p.factIndex()
	var kinds []string
	if q := p.Question("kind"); q != nil {
		kinds = q.Options
	}
	for i := range p.Options {
		o := &p.Options[i]
		for _, list := range [][]Advice{o.Pitfalls, o.Checklist} {
			for j := range list {
				a := &list[j]
				if strings.TrimSpace(a.Text) == "" {
					return posErr(file, a.Pos, "option %s: advice text is empty", o.ID)
				}
				if a.When != nil {
					if err := a.When.resolve(file, qs, facts); err != nil {
						return err
					}
				}
				if err := checkAnswerRefs(file, a.Pos, "option "+o.ID, a.Text, qs); err != nil {
					return err
				}
			}
		}
		if _, err := ParseSketch(o.Sketch); err != nil {
			return posErr(file, o.Pos, "option %s: sketch: %v", o.ID, err)
		}
		for _, v := range o.Sketches {
			if _, err := ParseSketch(v.Code); err != nil {
				return posErr(file, v.Pos, "option %s: sketch variant: %v", o.ID, err)
			}
			if v.Layer != "" && !contains(LayerKinds, v.Layer) {
				return posErr(file, v.Pos, "option %s: sketch layer %q: expected one of %s", o.ID, v.Layer, strings.Join(LayerKinds, ", "))
			}
			for _, k := range v.Kinds {
				if !contains(kinds, k) {
					return posErr(file, v.Pos, "option %s: sketch kind %q: expected one of %s", o.ID, k, strings.Join(kinds, ", "))
				}
			}
		}
	}
	for _, l := range p.Layers {
		for _, over := range l.Over {
			o := p.Option(over)
			has := false
			for _, v := range o.Sketches {
				has = has || v.Layer == l.Layer
			}
			if !has {
				return posErr(file, o.Pos, "option %s: no sketch for layer %s, which layer %s may put in front of it", o.ID, l.Layer, l.ID)
			}
		}
	}
	return nil
}

// SketchVars are the fields a sketch template may use (see options.yaml).
type SketchVars struct {
	CacheTTL int    // KV cacheTtl in seconds
	MaxAge   int    // the front layer's max-age, or the cache's for cache-api
	Key      string // what one key or object is named after: user, room
	KeyFunc  string // a function that finds it in a request: userId
	Class    string // the object's class name: Limiter, Room
}

// ParseSketch parses a sketch as a template and tries it on sample
// fields, so a misspelt field fails at load rather than in a record.
func ParseSketch(code string) (*template.Template, error) {
	t, err := template.New("sketch").Option("missingkey=error").Parse(code)
	if err != nil {
		return nil, err
	}
	if err := t.Execute(io.Discard, SketchVars{CacheTTL: 60, MaxAge: 60, Key: "user", KeyFunc: "userId", Class: "Entity"}); err != nil {
		return nil, err
	}
	return t, nil
}
