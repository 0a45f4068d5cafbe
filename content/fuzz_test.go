package content

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// fuzzFiles are the files FuzzLoadContent replaces, by index.
var fuzzFiles = []string{QuestionsFile, RulesFile, OptionsFile, FactsFile, GlossaryFile, PricingFile, TopologyFile}

// FuzzLoadContent feeds arbitrary bytes as each file of the pack in turn
// (the seeds in testdata/fuzz/FuzzLoadContent hold NaN, infinities, huge
// and negative numbers in every file). The loader must never panic; every
// error is a list of problems each at file:line:col; and a pack it
// accepts holds no figure that is not a finite number within ±MaxFigure,
// and passes Validate again (the check a pack decoded another way gets).
func FuzzLoadContent(f *testing.F) {
	for i, name := range fuzzFiles {
		b, _ := embedded.ReadFile(name)
		f.Add(uint8(i), b)
	}
	f.Add(uint8(1), []byte("version: 1\nrules:\n  - id: x\n    title: t\n    when: {all: [{any: []}]}\n    effects: [{option: kv, score: 1}]\n    rationale: r\n"))
	f.Add(uint8(1), []byte("version: 1\nrules:\n  - id: x\n    title: t\n    when: &w {all: [*w]}\n    effects: [{option: kv, score: 1}]\n    rationale: r\n"))
	f.Add(uint8(0), []byte("version: 1\nquestions: [{id: a, prompt: p, help: h, type: number, group: g, order: 1, default: .nan}]"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := fuzzFiles[int(which)%len(fuzzFiles)]
		p, err := Load(fstest.MapFS{name: {Data: data}})
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error is not Problems: %v", err)
			}
			for _, pe := range ps {
				if pe.Pos.Line < 1 || pe.Pos.Col < 1 || pe.File == "" {
					t.Fatalf("problem without a position: %v", pe)
				}
			}
			return
		}
		if where := nonFinite(reflect.ValueOf(p).Elem(), "pack"); where != "" {
			t.Fatalf("an accepted pack holds %s", where)
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Load accepted a pack Validate refuses: %v", err)
		}
	})
}

// nonFinite finds a float in v that is NaN, infinite or past MaxFigure.
func nonFinite(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Float64, reflect.Float32:
		if f := v.Float(); math.IsNaN(f) || math.Abs(f) > MaxFigure {
			return path + " = " + FormatNumber(f)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nonFinite(v.Elem(), path)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if s := nonFinite(v.Field(i), path+"."+v.Type().Field(i).Name); s != "" {
					return s
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if s := nonFinite(v.Index(i), path); s != "" {
				return s
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if s := nonFinite(v.MapIndex(k), path); s != "" {
				return s
			}
		}
	}
	return ""
}

// FuzzParseNarration: any bytes either parse into captions that each
// attach to an event kind and carry text a terminal shows as text, or
// fail with problems at file:line:col.
func FuzzParseNarration(f *testing.F) {
	f.Add(narrationYAML)
	f.Add([]byte("version: 1\ndemos:\n  race:\n    - on: note\n      text: \"a\\e[2J {detail}\"\n"))
	f.Add([]byte("version: 1\ndemos:\n  race: &a [*a]\n"))
	f.Add([]byte("version: 1\ndemos: {race: [{on: kv.get, count: 99999999999999999999, text: x}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseNarration(NarrationFile, data)
		if err != nil {
			var pe *PosError
			if !errors.As(err, &pe) || pe.Pos.Line < 1 || pe.Pos.Col < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		for id, caps := range n.Demos {
			for _, c := range caps {
				if c.On == "" || strings.TrimSpace(c.Text) == "" {
					t.Fatalf("demo %s: a caption without on or text: %+v", id, c)
				}
				if p := TextProblem(c.Text); p != "" {
					t.Fatalf("demo %s: caption text %q: %s", id, c.Text, p)
				}
			}
		}
	})
}

// FuzzParseSize: a size that parses is a finite number of bytes, never
// negative.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"4kB", "25 MiB", "2.5MB", "1e400", "NaN", "-1", "1_000", ".5TiB", "9999999999999999999999TiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseSize(s)
		if ok && (math.IsNaN(v) || math.IsInf(v, 0) || v < 0) {
			t.Fatalf("ParseSize(%q) = %v", s, v)
		}
	})
}
