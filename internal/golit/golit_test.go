package golit

import (
	"go/parser"
	"math"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type point struct {
	X, Y   float64
	Label  string
	Tags   []string
	Empty  []string
	Any    any
	Next   *point
	Ptr    *float64
	hidden int
}

// oneLine drops the newlines the printer puts between fields and
// elements (gofmt lays them out in the generated file).
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// Each value is written as the expression Go reads back as an equal value:
// constants typed where the context fixes no type, nil and empty kept
// apart, zero fields left out, element types elided as gofmt -s does.
func TestExprWritesValuesAsGoReadsThemBack(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
		want string
	}{
		{"a float at the top is typed", 1.0, "float64(1)"},
		{"an int needs no type", 3, "3"},
		{"a string needs no type", "a\"b\n", `"a\"b\n"`},
		{"a named type is converted", yaml.ScalarNode, "yaml.Kind(8)"},
		{"a nil slice", []string(nil), "nil"},
		{"an empty slice stays empty", []string{}, "[]string{}"},
		{"a map is sorted by key", map[string]int{"b": 2, "a": 1}, `map[string]int{ "a": 1, "b": 2, }`},
		{"zero fields are left out", point{X: 1.5}, "point{ X: 1.5, }"},
		{"a float field needs no type", point{Y: 2}, "point{ Y: 2, }"},
		{"nil and empty slices in a struct", point{Empty: []string{}}, "point{ Empty: []string{}, }"},
		{"an interface field carries its type", point{Any: 2.0}, "point{ Any: float64(2), }"},
		{"an interface holding a slice", point{Any: []string{"x"}}, `point{ Any: []string{ "x", }, }`},
		{"a pointer to a struct", &point{Label: "a"}, `&point{ Label: "a", }`},
		{"a pointer to a float", point{Ptr: new(2.5)}, "point{ Ptr: new(float64(2.5)), }"},
		{"slice elements elide their type", []point{{X: 1}}, "[]point{ { X: 1, }, }"},
		{"pointer elements elide & and type", []*point{{X: 1}}, "[]*point{ { X: 1, }, }"},
		{"an unexported field of this package", point{hidden: 4}, "point{ hidden: 4, }"},
		{"infinity", math.Inf(1), "float64(math.Inf(1))"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &Printer{Pkg: "github.com/kvdo/kvdo/internal/golit"}
			got, err := p.Expr(c.v)
			if err != nil {
				t.Fatal(err)
			}
			if oneLine(got) != c.want {
				t.Errorf("Expr(%#v) = %s, want %s", c.v, oneLine(got), c.want)
			}
			if _, err := parser.ParseExpr(got); err != nil {
				t.Errorf("%s does not parse: %v", got, err)
			}
		})
	}
}

// What Go source cannot rebuild equal is refused, never written wrong.
func TestExprRefusesWhatItCannotWrite(t *testing.T) {
	loop := &point{}
	loop.Next = loop
	for name, v := range map[string]any{
		"a cycle":                       loop,
		"NaN":                           math.NaN(),
		"a function":                    func() {},
		"a channel":                     make(chan int),
		"an unexported field elsewhere": point{hidden: 1},
	} {
		p := &Printer{Pkg: "example.com/other"}
		if got, err := p.Expr(v); err == nil {
			t.Errorf("%s: written as %s, want an error", name, got)
		}
	}
}

// Types from other packages are qualified by the name the package
// declares, and their import paths are listed.
func TestImportsNameThePackagesUsed(t *testing.T) {
	p := &Printer{Pkg: "example.com/other"}
	if _, err := p.Expr([]yaml.Node{{Kind: yaml.MappingNode}, {Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	got := p.Imports()
	if len(got) != 1 || got[0] != [2]string{"gopkg.in/yaml.v3", "yaml"} {
		t.Errorf("Imports() = %v, want gopkg.in/yaml.v3 as yaml", got)
	}
	if name := p.TypeName(reflect.TypeFor[map[string][]*point]()); name != "map[string][]*golit.point" {
		t.Errorf("TypeName = %s", name)
	}
}
