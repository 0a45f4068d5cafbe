package content

import (
	_ "embed"
	"io/fs"
	"regexp"
	"slices"
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
	name, b, err := readFile(fsys, NarrationFile)
	if err != nil {
		return Narration{}, err
	}
	return ParseNarration(name, b)
}

var placeholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

// ParseNarration decodes and checks narration YAML strictly: unknown fields,
// wrong types, missing text, unknown placeholders and text with control
// characters are problems that name file:line:col and what was expected,
// all of them in one run (Problems). Whether each caption's event kind can
// occur in its demo is checked by the demos package, which knows.
func ParseNarration(file string, data []byte) (Narration, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return Narration{}, err
	}
	var c collector
	out := Narration{File: file, Demos: map[string][]NarrationCaption{}, DemoPos: map[string]NarrationPos{}}
	if root.Kind != yaml.MappingNode {
		c.node(file, root, "expected a mapping with version and demos")
		return Narration{}, c.err(file)
	}
	var sawVersion, sawDemos bool
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "version":
			if v.Kind != yaml.ScalarNode || v.Value != "1" {
				c.node(file, v, "version %q: expected 1", v.Value)
			}
			sawVersion = true
		case "demos":
			sawDemos = true
			if v.Kind != yaml.MappingNode {
				c.node(file, v, "demos: expected a mapping from demo id to a list of captions")
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				id, list := v.Content[j], v.Content[j+1]
				if _, dup := out.Demos[id.Value]; dup {
					c.node(file, id, "demo %q listed twice", id.Value)
					continue
				}
				if !idPattern.MatchString(id.Value) {
					c.node(file, id, "demo id %q: expected lower-case words joined by - or _", id.Value)
					continue
				}
				out.Demos[id.Value] = parseCaptions(&c, file, list)
				out.DemoPos[id.Value] = NarrationPos{id.Line, id.Column}
			}
		default:
			c.node(file, k, "unknown field %q: expected version or demos", k.Value)
		}
	}
	if !sawVersion {
		c.node(file, root, "missing version: expected version: 1")
	}
	if !sawDemos {
		c.node(file, root, "missing demos: expected a mapping from demo id to captions")
	}
	if err := c.err(file); err != nil {
		return Narration{}, err
	}
	return out, nil
}

func parseCaptions(c *collector, file string, list *yaml.Node) []NarrationCaption {
	if list.Kind != yaml.SequenceNode {
		c.node(file, list, "expected a list of captions (- on: KIND, text: ...)")
		return nil
	}
	if len(list.Content) > MaxListItems {
		c.node(file, list, "%d captions: expected at most %d (kvdo's limit)", len(list.Content), MaxListItems)
		return nil
	}
	var caps []NarrationCaption
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			c.node(file, item, "expected a caption mapping with on and text")
			continue
		}
		cp := NarrationCaption{Pos: NarrationPos{item.Line, item.Column}}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if k.Value == "once" {
				if v.Kind != yaml.ScalarNode || (v.Value != "true" && v.Value != "false") {
					c.node(file, v, "once: expected true or false")
				}
				cp.Once = v.Value == "true"
				continue
			}
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				c.node(file, v, "%s: expected a string", k.Value)
				continue
			}
			if p := TextProblem(v.Value); p != "" {
				c.node(file, v, "%s: %s", k.Value, p)
				continue
			}
			if len(v.Value) > MaxPackText {
				c.node(file, v, "%s: %d bytes of text: expected at most %d", k.Value, len(v.Value), MaxPackText)
				continue
			}
			switch k.Value {
			case "on":
				cp.On, cp.OnPos = v.Value, NarrationPos{v.Line, v.Column}
			case "variant":
				cp.Variant, cp.VarPos = v.Value, NarrationPos{v.Line, v.Column}
			case "actor":
				cp.Actor = v.Value
			case "outcome":
				cp.Outcome = v.Value
			case "note":
				cp.Note = v.Value
			case "op":
				cp.Op = v.Value
			case "path":
				cp.Path = v.Value
			case "when":
				cp.When = v.Value
			case "count":
				if _, err := strconv.Atoi(v.Value); err != nil {
					c.node(file, v, "count %q: expected a whole number", v.Value)
				}
				cp.Count = v.Value
			case "detail":
				c.node(file, k, "detail: captions no longer match an event's text; match a note by its id (note: ID) or an event by op:, path: or count:")
			case "key":
				cp.Key = v.Value
			case "tier":
				cp.Tier = v.Value
			case "text":
				cp.Text = strings.TrimSpace(v.Value)
				checkPlaceholders(c, file, v)
			default:
				c.node(file, k, "unknown field %q: expected on, text, variant, actor, outcome, note, op, path, count, key, tier, when or once", k.Value)
			}
		}
		if cp.On == "" {
			c.node(file, item, "caption without on: expected the event kind it attaches to, e.g. on: kv.get.done")
		}
		if cp.Text == "" {
			c.node(file, item, "caption without text")
		}
		caps = append(caps, cp)
	}
	return caps
}

func checkPlaceholders(c *collector, file string, v *yaml.Node) {
	for _, m := range placeholderRE.FindAllStringSubmatch(v.Value, -1) {
		if !slices.Contains(NarrationPlaceholders, m[1]) {
			c.node(file, v, "unknown placeholder {%s}: expected one of {%s}", m[1], strings.Join(NarrationPlaceholders, "} {"))
		}
	}
}
