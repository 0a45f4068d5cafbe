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

// emptyNode reports a document with nothing in it, such as a trailing ---.
func emptyNode(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

// Decode fills out (a pointer) from node n strictly: unknown fields,
// duplicate keys, wrong types and missing required fields are errors that
// name file:line:col and the expected form. Struct fields are matched by
// their yaml tag; a field tagged `required:"true"` must be present, and
// its `expect` tag, if any, is the form the message asks for
// (`missing field "version": expected version: 1`). It
// exists because yaml.v3's own KnownFields errors carry no column and stop
// at the first type error without saying what was expected.
func Decode(file string, n *yaml.Node, out any) error {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("content.Decode: out must be a non-nil pointer, got %T", out)
	}
	d := &decoder{file: file}
	return d.value(n, v.Elem(), "")
}

// Limits that keep hostile input (an alias to its own parent, a billion
// laughs) from recursing forever or expanding exponentially.
const (
	maxDepth   = 64
	maxAliases = 10000
)

type decoder struct {
	file    string
	depth   int
	aliases int
}

var (
	durationType = reflect.TypeOf(time.Duration(0))
	posType      = reflect.TypeOf(Pos{})
	nodeType     = reflect.TypeOf(yaml.Node{})
)

// value decodes n into v; what names the field for messages ("" at the top).
func (d *decoder) value(n *yaml.Node, v reflect.Value, what string) error {
	if n.Kind == yaml.AliasNode {
		if d.aliases++; d.aliases > maxAliases || n.Alias == nil {
			return Errorf(d.file, n, "too many aliases: expected plain YAML")
		}
		n = n.Alias
	}
	if d.depth++; d.depth > maxDepth {
		return Errorf(d.file, n, "nested more than %d levels deep", maxDepth)
	}
	defer func() { d.depth-- }()
	label := what
	if label != "" {
		label += ": "
	}
	switch {
	case v.Type() == nodeType:
		v.Set(reflect.ValueOf(*n))
		return nil
	case v.Type() == durationType:
		if n.Kind != yaml.ScalarNode {
			return Errorf(d.file, n, "%sexpected a duration such as 60s or 500ms", label)
		}
		dur, err := time.ParseDuration(n.Value)
		if err != nil {
			return Errorf(d.file, n, "%s%q: expected a duration such as 60s or 500ms", label, n.Value)
		}
		v.SetInt(int64(dur))
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		return d.structValue(n, v, label)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return d.value(n, v.Elem(), what)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return Errorf(d.file, n, "%sexpected a list", label)
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := d.value(item, s.Index(i), what); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return Errorf(d.file, n, "%sexpected a mapping", label)
		}
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("content.Decode: map keys must be strings in %s", v.Type())
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := reflect.ValueOf(k.Value).Convert(v.Type().Key())
			if m.MapIndex(key).IsValid() {
				return Errorf(d.file, k, "%q is listed twice", k.Value)
			}
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := d.value(val, elem, k.Value); err != nil {
				return err
			}
			m.SetMapIndex(key, elem)
		}
		v.Set(m)
		return nil
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			return Errorf(d.file, n, "%s%v", label, err)
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	}
	return d.scalar(n, v, label)
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, label string) error {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return Errorf(d.file, n, "%sexpected %s", label, kindName(v.Kind()))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Tag != "!!bool" {
			return Errorf(d.file, n, "%s%q: expected true or false", label, n.Value)
		}
		v.SetBool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE")
	case reflect.Int, reflect.Int64, reflect.Int32:
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if n.Tag != "!!int" || err != nil {
			return Errorf(d.file, n, "%s%q: expected a whole number", label, n.Value)
		}
		v.SetInt(i)
	case reflect.Float64, reflect.Float32:
		f, err := strconv.ParseFloat(n.Value, 64)
		if (n.Tag != "!!int" && n.Tag != "!!float") || err != nil {
			return Errorf(d.file, n, "%s%q: expected a number", label, n.Value)
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("content.Decode: unsupported field type %s", v.Type())
	}
	return nil
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

func (d *decoder) structValue(n *yaml.Node, v reflect.Value, label string) error {
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
		return Errorf(d.file, n, "%sexpected a mapping with %s", label, strings.Join(names, ", "))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		fi, ok := fields[k.Value]
		if !ok {
			return Errorf(d.file, k, "unknown field %q: expected one of %s", k.Value, strings.Join(names, ", "))
		}
		if seen[k.Value] {
			return Errorf(d.file, k, "field %q is given twice", k.Value)
		}
		seen[k.Value] = true
		if err := d.value(val, v.Field(fi.index), k.Value); err != nil {
			return err
		}
	}
	for _, name := range names {
		if fi := fields[name]; fi.required && !seen[name] {
			if fi.expect != "" {
				return Errorf(d.file, n, "missing field %q: expected %s", name, fi.expect)
			}
			return Errorf(d.file, n, "missing field %q", name)
		}
	}
	return nil
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
