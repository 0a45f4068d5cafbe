package content

import (
	"io"
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
