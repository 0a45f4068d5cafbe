package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Pos is a 1-based position in a YAML file. A struct field named Pos of
// this type is filled by Decode with the position of the struct's mapping,
// so later checks (dangling ids, duplicates) can point at the right line.
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// PosError is a problem at a position of a file: it prints as
// file:line:col: message, the form every kvdo input error takes.
type PosError struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *PosError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Errorf builds a PosError at node n of file.
func Errorf(file string, n *yaml.Node, format string, a ...any) error {
	return &PosError{File: file, Pos: Pos{n.Line, n.Column}, Msg: fmt.Sprintf(format, a...)}
}

// ParseYAML parses data into its document node, turning yaml.v3's syntax
// errors ("yaml: line 3: ...") into file:line:col form.
func ParseYAML(file string, data []byte) (*yaml.Node, error) {
	if len(data) > MaxFileBytes {
		return nil, &PosError{File: file, Pos: Pos{1, 1},
			Msg: fmt.Sprintf("%d bytes: expected a file of at most %s (kvdo's limit)", len(data), FormatBytes(MaxFileBytes))}
	}
	if at, off, ok := invalidUTF8(data); ok {
		return nil, &PosError{File: file, Pos: at, Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02x): expected UTF-8 text", data[off])}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	if err == nil && len(doc.Content) > 0 {
		// yaml.Unmarshal reads the first document and drops the rest
		// silently; a second one is a mistake (two files pasted into
		// one), not something to ignore.
		var next yaml.Node
		switch err2 := dec.Decode(&next); {
		case err2 == nil && len(next.Content) > 0 && !emptyNode(next.Content[0]):
			return nil, &PosError{File: file, Pos: Pos{next.Content[0].Line, next.Content[0].Column},
				Msg: "a second YAML document: expected one document (remove the --- and what follows, or use one file each)"}
		case err2 != nil && !errors.Is(err2, io.EOF):
			err = err2
		}
	}
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 1
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if num, tail, ok := strings.Cut(rest, ":"); ok {
				if n, err := strconv.Atoi(num); err == nil {
					line, msg = n, strings.TrimSpace(tail)
				}
			}
		}
		col := 1
		// A tab in the indentation is the commonest cause; yaml.v3 words
		// it vaguely ("cannot start any token") and sometimes blames the
		// line before. Point at the tab and say what is expected.
		lines := strings.Split(string(data), "\n")
		for _, at := range []int{line, line + 1} {
			if at > len(lines) {
				break
			}
			l := lines[at-1]
			if i := strings.IndexByte(l, '\t'); i >= 0 && strings.TrimLeft(l[:i], " ") == "" {
				line, col = at, i+1
				msg += ": expected spaces for indentation, not a tab"
				break
			}
		}
		return nil, &PosError{File: file, Pos: Pos{line, col}, Msg: "malformed YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return nil, &PosError{File: file, Pos: Pos{1, 1}, Msg: "empty file: expected a YAML mapping"}
	}
	return doc.Content[0], nil
}

// invalidUTF8 finds the first byte that is not UTF-8 and returns its
// line and column (counted in characters, as yaml.v3 counts them) and its
// offset. A file
// starting with a UTF-16 byte order mark is left to yaml.v3, which reads
// UTF-16.
func invalidUTF8(data []byte) (Pos, int, bool) {
	if utf8.Valid(data) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		return Pos{}, 0, false
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return Pos{line, col}, i, true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return Pos{}, 0, false
}

// emptyNode reports a document with nothing in it, such as a trailing ---.
func emptyNode(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

// Decode fills out (a pointer) from node n strictly: unknown fields,
// duplicate keys, wrong types, numbers that are not finite, text with
// control characters and missing required fields are problems that name
// file:line:col and the expected form. Struct fields are matched by their
// yaml tag; a field tagged `required:"true"` must be present, and its
// `expect` tag, if any, is the form the message asks for (`missing field
// "version": expected version: 1`). Decode records every problem it finds
// and carries on past it, leaving that field at its zero value; the error
// is Problems. It exists because yaml.v3's own KnownFields errors carry no
// column and stop at the first type error without saying what was
// expected.
func Decode(file string, n *yaml.Node, out any) error {
	var c collector
	decodeInto(&c, file, n, out)
	return c.err(file)
}

// decodeInto is Decode recording into c.
func decodeInto(c *collector, file string, n *yaml.Node, out any) {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic(fmt.Sprintf("content.Decode: out must be a non-nil pointer, got %T", out))
	}
	d := &decoder{file: file, c: c}
	d.value(n, v.Elem(), "")
}

// Limits that keep hostile input (an alias to its own parent, a billion
// laughs) from recursing forever or expanding exponentially.
const (
	maxDepth   = 64
	maxAliases = 10000
)

type decoder struct {
	file    string
	c       *collector
	depth   int
	aliases int
}

func (d *decoder) fail(n *yaml.Node, format string, a ...any) {
	d.c.node(d.file, n, format, a...)
}

var (
	durationType = reflect.TypeOf(time.Duration(0))
	posType      = reflect.TypeOf(Pos{})
	nodeType     = reflect.TypeOf(yaml.Node{})
)

// value decodes n into v; what names the field for messages ("" at the
// top). A problem is recorded and v left as it was.
func (d *decoder) value(n *yaml.Node, v reflect.Value, what string) {
	if n.Kind == yaml.AliasNode {
		if d.aliases++; d.aliases > maxAliases || n.Alias == nil {
			d.fail(n, "too many aliases: expected plain YAML")
			return
		}
		n = n.Alias
	}
	if d.depth++; d.depth > maxDepth {
		d.depth--
		d.fail(n, "nested more than %d levels deep", maxDepth)
		return
	}
	defer func() { d.depth-- }()
	label := what
	if label != "" {
		label += ": "
	}
	switch {
	case v.Type() == nodeType:
		v.Set(reflect.ValueOf(*n))
		return
	case v.Type() == durationType:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, "%sexpected a duration such as 60s or 500ms", label)
			return
		}
		dur, err := time.ParseDuration(n.Value)
		if err != nil || dur < 0 {
			d.fail(n, "%s%q: expected a duration such as 60s or 500ms", label, n.Value)
			return
		}
		v.SetInt(int64(dur))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.structValue(n, v, label)
	case reflect.Pointer:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return // an optional field given as null is left out
		}
		elem := reflect.New(v.Type().Elem())
		before := len(d.c.list)
		d.value(n, elem.Elem(), what)
		if len(d.c.list) == before {
			v.Set(elem)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, "%sexpected a list", label)
			return
		}
		if len(n.Content) > MaxListItems {
			d.fail(n, "%s%d entries: expected at most %d", label, len(n.Content), MaxListItems)
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.value(item, s.Index(i), what)
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, "%sexpected a mapping", label)
			return
		}
		if v.Type().Key().Kind() != reflect.String {
			panic(fmt.Sprintf("content.Decode: map keys must be strings in %s", v.Type()))
		}
		if len(n.Content)/2 > MaxListItems {
			d.fail(n, "%s%d entries: expected at most %d", label, len(n.Content)/2, MaxListItems)
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if !d.text(k, k.Value, label) {
				continue
			}
			key := reflect.ValueOf(k.Value).Convert(v.Type().Key())
			if m.MapIndex(key).IsValid() {
				d.fail(k, "%q is listed twice", k.Value)
				continue
			}
			elem := reflect.New(v.Type().Elem()).Elem()
			d.value(val, elem, k.Value)
			m.SetMapIndex(key, elem)
		}
		v.Set(m)
	default:
		d.scalar(n, v, label)
	}
}

// text checks a string read from the file: valid UTF-8, no character that
// would act on a terminal, at most MaxPackText bytes.
func (d *decoder) text(n *yaml.Node, s, label string) bool {
	if p := TextProblem(s); p != "" {
		d.fail(n, "%s%s", label, p)
		return false
	}
	if len(s) > MaxPackText {
		d.fail(n, "%s%d bytes of text: expected at most %d", label, len(s), MaxPackText)
		return false
	}
	return true
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, label string) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.fail(n, "%sexpected %s", label, kindName(v.Kind()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		if d.text(n, n.Value, label) {
			v.SetString(n.Value)
		}
	case reflect.Bool:
		if n.Tag != "!!bool" {
			d.fail(n, "%s%q: expected true or false", label, n.Value)
			return
		}
		var b bool
		if n.Decode(&b) != nil {
			d.fail(n, "%s%q: expected true or false", label, n.Value)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if n.Tag != "!!int" || err != nil || v.OverflowInt(i) {
			d.fail(n, "%s%q: expected a whole number", label, n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Float64, reflect.Float32:
		f, ok := Number(n)
		if !ok {
			d.fail(n, "%s%q: expected a number between %s and %s", label, n.Value, FormatNumber(-MaxFigure), FormatNumber(MaxFigure))
			return
		}
		v.SetFloat(f)
	default:
		panic(fmt.Sprintf("content.Decode: unsupported field type %s", v.Type()))
	}
}

// Number reads a YAML scalar as a finite number within ±MaxFigure: an
// integer or a float, never NaN or an infinity however it is spelt
// (.nan, !!float NaN, .inf, 1e400), so a range check downstream cannot be
// fooled by a NaN that compares false with everything.
func Number(n *yaml.Node) (float64, bool) {
	if n.Kind != yaml.ScalarNode {
		return 0, false
	}
	var f float64
	switch n.Tag {
	case "!!int":
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil {
			return 0, false
		}
		f = float64(i)
	case "!!float":
		if n.Decode(&f) != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if !(f >= -MaxFigure && f <= MaxFigure) { // false for NaN too
		return 0, false
	}
	return f, true
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	}
	return "a value"
}

type fieldInfo struct {
	index    int
	required bool
	// expect is the field's `expect` tag: the form a missing required
	// field should take, quoted in the message ("version: 1").
	expect string
}

func (d *decoder) structValue(n *yaml.Node, v reflect.Value, label string) {
	t := v.Type()
	fields := map[string]fieldInfo{}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type == posType && f.Name == "Pos" {
			v.Field(i).Set(reflect.ValueOf(Pos{n.Line, n.Column}))
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = fieldInfo{index: i, required: f.Tag.Get("required") == "true", expect: f.Tag.Get("expect")}
		names = append(names, name)
	}
	sort.Strings(names)
	if n.Kind != yaml.MappingNode {
		d.fail(n, "%sexpected a mapping with %s", label, strings.Join(names, ", "))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		fi, ok := fields[k.Value]
		switch {
		case !ok:
			d.fail(k, "unknown field %q: expected one of %s", k.Value, strings.Join(names, ", "))
		case seen[k.Value]:
			d.fail(k, "field %q is given twice", k.Value)
		default:
			seen[k.Value] = true
			d.value(val, v.Field(fi.index), k.Value)
		}
	}
	for _, name := range names {
		if fi := fields[name]; fi.required && !seen[name] {
			if fi.expect != "" {
				d.fail(n, "missing field %q: expected %s", name, fi.expect)
			} else {
				d.fail(n, "missing field %q", name)
			}
		}
	}
}

// NodeAt follows path from n: a string selects a mapping's value by key,
// an int a sequence's item. It returns nil when the path does not exist,
// so a caller can fall back to a broader position.
func NodeAt(n *yaml.Node, path ...any) *yaml.Node {
	for _, step := range path {
		if n == nil {
			return nil
		}
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		var next *yaml.Node
		switch s := step.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == s {
						next = n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
				next = n.Content[s]
			}
		}
		n = next
	}
	return n
}

// KeyAt is NodeAt for the key of the last path step, which is where a
// message about an unknown or misplaced key should point.
func KeyAt(n *yaml.Node, path ...any) *yaml.Node {
	if len(path) == 0 {
		return nil
	}
	parent := NodeAt(n, path[:len(path)-1]...)
	s, ok := path[len(path)-1].(string)
	if parent == nil || !ok || parent.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == s {
			return parent.Content[i]
		}
	}
	return nil
}
