package content

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// NarrationFile is the name of the narration file inside a content pack.
const NarrationFile = "narration.yaml"

//go:embed narration.yaml
var narrationYAML []byte

// Narration holds the captions of every demo, keyed by demo id. Captions are
// data, not code, so a facilitator can reword them without recompiling.
type Narration struct {
	// File is the name errors and positions refer to.
	File string
	// Demos maps a demo id to its captions, in file order: for each trace
	// event the first caption that matches wins.
	Demos map[string][]NarrationCaption
	// DemoPos is where each demo's block starts, for error messages.
	DemoPos map[string]NarrationPos
}

// NarrationPos is a position in the narration file (1-based).
type NarrationPos struct {
	Line, Col int
}

// NarrationCaption is one caption: the trace event kind it attaches to,
// optional matchers that narrow it down, and the text with placeholders.
// Matchers compare typed fields of the event, never its prose: a note is
// matched by its id, so rewording a note cannot drop its caption.
type NarrationCaption struct {
	On      string // event kind, e.g. "kv.get.done"
	Variant string // only in this variant of the demo
	Actor   string // only for events of this actor (PoP code, "do:NAME", "origin")
	Outcome string // only for events with this outcome
	Note    string // only for notes with this id (on: note)
	Op      string // only for events with this operation (a message kind, a storage operation)
	Path    string // only for events on this request path
	Count   string // only for events with this count (e.g. writes in a commit)
	Key     string // only for events on this key
	Tier    string // only for events served from this tier (hit, tier, central, local)
	// When names a condition the demo evaluates on the trace: a caption
	// that claims something about the run is shown only where it holds.
	When   string
	Once   bool // only the first matching event of a run
	Text   string
	Pos    NarrationPos // of the caption's mapping
	OnPos  NarrationPos // of its "on" value, for kind errors
	VarPos NarrationPos // of its "variant" value
}

// NarrationPlaceholders are the names a caption text may use in braces;
// each is filled from the event the caption is attached to.
var NarrationPlaceholders = []string{
	"actor", "key", "value", "version", "latency", "from", "to",
	"req", "outcome", "detail", "tier", "at", "path", "count", "queue", "expires",
}

// DefaultNarration returns the narration embedded in the binary, built
// like LoadDefault's pack from the Go values generated from its YAML.
func DefaultNarration() (Narration, error) {
	if generatedCurrent() {
		return generatedNarration(), nil
	}
	return DefaultNarrationYAML()
}

// LoadNarration reads narration.yaml from fsys (a content pack directory).
// A pack without one gets the embedded narration, so packs written before
// narration existed keep working.
func LoadNarration(fsys fs.FS) (Narration, error) {
	b, err := fs.ReadFile(fsys, NarrationFile)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultNarration()
	}
	if err != nil {
		return Narration{}, fmt.Errorf("%s: %w", NarrationFile, err)
	}
	return ParseNarration(NarrationFile, b)
}

// narrationError is a problem at a position of the narration file.
func narrationError(file string, n *yaml.Node, format string, a ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", file, n.Line, n.Column, fmt.Sprintf(format, a...))
}

var placeholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

// ParseNarration decodes and checks narration YAML strictly: unknown fields,
// wrong types, missing text and unknown placeholders are errors that name
// file:line:col and what was expected. Whether each caption's event kind
// can occur in its demo is checked by the demos package, which knows.
func ParseNarration(file string, data []byte) (Narration, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return Narration{}, err
	}
	out := Narration{File: file, Demos: map[string][]NarrationCaption{}, DemoPos: map[string]NarrationPos{}}
	if root.Kind != yaml.MappingNode {
		return Narration{}, narrationError(file, root, "expected a mapping with version and demos")
	}
	var sawVersion, sawDemos bool
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "version":
			if v.Kind != yaml.ScalarNode || v.Value != "1" {
				return Narration{}, narrationError(file, v, "version %q: expected 1", v.Value)
			}
			sawVersion = true
		case "demos":
			if v.Kind != yaml.MappingNode {
				return Narration{}, narrationError(file, v, "demos: expected a mapping from demo id to a list of captions")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				id, list := v.Content[j], v.Content[j+1]
				if _, dup := out.Demos[id.Value]; dup {
					return Narration{}, narrationError(file, id, "demo %q listed twice", id.Value)
				}
				caps, err := parseCaptions(file, list)
				if err != nil {
					return Narration{}, err
				}
				out.Demos[id.Value] = caps
				out.DemoPos[id.Value] = NarrationPos{id.Line, id.Column}
			}
			sawDemos = true
		default:
			return Narration{}, narrationError(file, k, "unknown field %q: expected version or demos", k.Value)
		}
	}
	if !sawVersion {
		return Narration{}, narrationError(file, root, "missing version: expected version: 1")
	}
	if !sawDemos {
		return Narration{}, narrationError(file, root, "missing demos: expected a mapping from demo id to captions")
	}
	return out, nil
}

func parseCaptions(file string, list *yaml.Node) ([]NarrationCaption, error) {
	if list.Kind != yaml.SequenceNode {
		return nil, narrationError(file, list, "expected a list of captions (- on: KIND, text: ...)")
	}
	var caps []NarrationCaption
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			return nil, narrationError(file, item, "expected a caption mapping with on and text")
		}
		c := NarrationCaption{Pos: NarrationPos{item.Line, item.Column}}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if k.Value == "once" {
				if v.Kind != yaml.ScalarNode || (v.Value != "true" && v.Value != "false") {
					return nil, narrationError(file, v, "once: expected true or false")
				}
				c.Once = v.Value == "true"
				continue
			}
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				return nil, narrationError(file, v, "%s: expected a string", k.Value)
			}
			switch k.Value {
			case "on":
				c.On, c.OnPos = v.Value, NarrationPos{v.Line, v.Column}
			case "variant":
				c.Variant, c.VarPos = v.Value, NarrationPos{v.Line, v.Column}
			case "actor":
				c.Actor = v.Value
			case "outcome":
				c.Outcome = v.Value
			case "note":
				c.Note = v.Value
			case "op":
				c.Op = v.Value
			case "path":
				c.Path = v.Value
			case "when":
				c.When = v.Value
			case "count":
				if _, err := strconv.Atoi(v.Value); err != nil {
					return nil, narrationError(file, v, "count %q: expected a whole number", v.Value)
				}
				c.Count = v.Value
			case "detail":
				return nil, narrationError(file, k, "detail: captions no longer match an event's text; match a note by its id (note: ID) or an event by op:, path: or count:")
			case "key":
				c.Key = v.Value
			case "tier":
				c.Tier = v.Value
			case "text":
				c.Text = strings.TrimSpace(v.Value)
				if err := checkPlaceholders(file, v); err != nil {
					return nil, err
				}
			default:
				return nil, narrationError(file, k, "unknown field %q: expected on, text, variant, actor, outcome, note, op, path, count, key, tier, when or once", k.Value)
			}
		}
		if c.On == "" {
			return nil, narrationError(file, item, "caption without on: expected the event kind it attaches to, e.g. on: kv.get.done")
		}
		if c.Text == "" {
			return nil, narrationError(file, item, "caption without text")
		}
		caps = append(caps, c)
	}
	return caps, nil
}

func checkPlaceholders(file string, v *yaml.Node) error {
	for _, m := range placeholderRE.FindAllStringSubmatch(v.Value, -1) {
		ok := false
		for _, p := range NarrationPlaceholders {
			if m[1] == p {
				ok = true
				break
			}
		}
		if !ok {
			return narrationError(file, v, "unknown placeholder {%s}: expected one of {%s}", m[1], strings.Join(NarrationPlaceholders, "} {"))
		}
	}
	return nil
}
