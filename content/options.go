package content

import "strings"

// OptionIDs are the fixed recommendation ids (PRODUCT.md), in the order
// the options file must list them.
var OptionIDs = []string{"kv", "durable-object", "do-plus-kv", "cache-api", "r2-plus-kv"}

// Option is one place edge state can live, with everything the
// recommendation shows when it wins.
type Option struct {
	ID          string     `yaml:"id" required:"true"`
	Title       string     `yaml:"title" required:"true"`
	Summary     string     `yaml:"summary" required:"true"` // one line
	Description string     `yaml:"description" required:"true"`
	Strengths   []string   `yaml:"strengths" required:"true"`
	Costs       []string   `yaml:"costs" required:"true"` // what it costs you, not only money
	Pitfalls    []string   `yaml:"pitfalls" required:"true"`
	Checklist   []string   `yaml:"checklist" required:"true"`
	Sketch      string     `yaml:"sketch" required:"true"` // TypeScript Worker code
	Providers   []Provider `yaml:"providers" required:"true"`
	Facts       []string   `yaml:"facts"`
	Pos         Pos
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
		for _, list := range [][]string{o.Strengths, o.Costs, o.Pitfalls, o.Checklist} {
			if len(list) == 0 {
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
