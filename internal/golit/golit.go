// Package golit writes a Go value as Go source: an expression that, in
// the package it is generated for, evaluates to a value reflect.DeepEqual
// to the original. kvdo uses it to decode its embedded content pack once,
// when the pack changes, instead of at every process start.
//
// It handles what decoded data holds: booleans, numbers, strings, slices,
// arrays, maps, structs, pointers to structs and interfaces holding any of
// these (a pointer to a number or string is written as new(value), which
// needs Go 1.26). Nil and empty slices and maps stay distinct. Functions,
// channels, cycles, NaN and unexported fields of another
// package's types are refused with an error. Pointers shared by two parts
// of the value are written twice.
package golit

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Printer writes values for one package.
type Printer struct {
	// Pkg is the import path of the package the source is written for:
	// its types are named without a qualifier.
	Pkg string

	imports map[string]string // import path -> package name
	onPath  map[uintptr]bool  // pointers being written: a cycle check
}

// Expr returns v as a Go expression.
func (p *Printer) Expr(v any) (string, error) {
	var b strings.Builder
	if err := p.value(&b, reflect.ValueOf(v), true, false); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Imports are the import paths the expressions written so far need,
// sorted, with the package name each is used under.
func (p *Printer) Imports() [][2]string {
	var out [][2]string
	for path, name := range p.imports {
		out = append(out, [2]string{path, name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// TypeName is t as written in the package: qualified by its package name
// when it comes from another package.
func (p *Printer) TypeName(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" || t.PkgPath() == p.Pkg {
			return t.Name()
		}
		// t.String() is "name.Type": the name the package declares,
		// which is not always the last element of its path (yaml.v3).
		qual := t.String()
		name := qual[:strings.IndexByte(qual, '.')]
		if p.imports == nil {
			p.imports = map[string]string{}
		}
		p.imports[t.PkgPath()] = name
		return qual
	}
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + p.TypeName(t.Elem())
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), p.TypeName(t.Elem()))
	case reflect.Map:
		return "map[" + p.TypeName(t.Key()) + "]" + p.TypeName(t.Elem())
	case reflect.Pointer:
		return "*" + p.TypeName(t.Elem())
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	}
	return t.String()
}

// value writes v. typed says the context does not fix v's type (an
// interface, the top level), so a constant must carry its type; elided
// says the type may be left out (an element of a slice, array or map of
// structs, as gofmt -s writes it).
func (p *Printer) value(b *strings.Builder, v reflect.Value, typed, elided bool) error {
	if !v.IsValid() {
		b.WriteString("nil")
		return nil
	}
	t := v.Type()
	// An untyped constant where the context fixes no type takes its
	// default type (bool, int, float64 for 1.5 but int for 1, string):
	// anything else is converted.
	conv := func(lit string) {
		if typed && (t.PkgPath() != "" || t.Kind() != reflect.Bool && t.Kind() != reflect.Int && t.Kind() != reflect.String) {
			b.WriteString(p.TypeName(t) + "(" + lit + ")")
			return
		}
		b.WriteString(lit)
	}
	switch t.Kind() {
	case reflect.Bool:
		conv(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		conv(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		conv(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) {
			return fmt.Errorf("golit: NaN is not equal to itself")
		}
		switch {
		case math.IsInf(f, 1):
			b.WriteString(p.TypeName(t) + "(math.Inf(1))")
			p.use("math", "math")
		case math.IsInf(f, -1):
			b.WriteString(p.TypeName(t) + "(math.Inf(-1))")
			p.use("math", "math")
		default:
			bits := 64
			if t.Kind() == reflect.Float32 {
				bits = 32
			}
			conv(strconv.FormatFloat(f, 'g', -1, bits))
		}
	case reflect.String:
		conv(strconv.Quote(v.String()))
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		return p.value(b, v.Elem(), true, false)
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		if t.Elem().Kind() != reflect.Struct {
			// new(expression), from Go 1.26.
			b.WriteString("new(")
			if err := p.value(b, v.Elem(), true, false); err != nil {
				return err
			}
			b.WriteString(")")
			return nil
		}
		if p.onPath[v.Pointer()] {
			return fmt.Errorf("golit: a cycle through %s", t)
		}
		if p.onPath == nil {
			p.onPath = map[uintptr]bool{}
		}
		p.onPath[v.Pointer()] = true
		defer delete(p.onPath, v.Pointer())
		if !elided {
			b.WriteByte('&')
		}
		return p.value(b, v.Elem(), false, elided)
	case reflect.Struct:
		if !elided {
			b.WriteString(p.TypeName(t))
		}
		b.WriteString("{")
		first := true
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if fv.IsZero() {
				continue
			}
			if !f.IsExported() && t.PkgPath() != p.Pkg {
				return fmt.Errorf("golit: %s.%s is unexported", t, f.Name)
			}
			if first {
				b.WriteString("\n")
				first = false
			}
			b.WriteString(f.Name + ": ")
			if err := p.value(b, fv, f.Type.Kind() == reflect.Interface, false); err != nil {
				return fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
			}
			b.WriteString(",\n")
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		b.WriteString(p.TypeName(t) + "{")
		el := elidable(t.Elem())
		for i := range v.Len() {
			if i == 0 {
				b.WriteString("\n")
			}
			if err := p.value(b, v.Index(i), t.Elem().Kind() == reflect.Interface, el); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
			b.WriteString(",\n")
		}
		b.WriteString("}")
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		b.WriteString(p.TypeName(t) + "{")
		keys := v.MapKeys()
		ks := make([]string, len(keys))
		order := make([]int, len(keys))
		for i, k := range keys {
			var kb strings.Builder
			if err := p.value(&kb, k, t.Key().Kind() == reflect.Interface, false); err != nil {
				return err
			}
			ks[i], order[i] = kb.String(), i
		}
		sort.Slice(order, func(i, j int) bool { return ks[order[i]] < ks[order[j]] })
		el := elidable(t.Elem())
		for n, i := range order {
			if n == 0 {
				b.WriteString("\n")
			}
			b.WriteString(ks[i] + ": ")
			if err := p.value(b, v.MapIndex(keys[i]), t.Elem().Kind() == reflect.Interface, el); err != nil {
				return fmt.Errorf("[%s]: %w", ks[i], err)
			}
			b.WriteString(",\n")
		}
		b.WriteString("}")
	default:
		return fmt.Errorf("golit: cannot write a %s", t)
	}
	return nil
}

// elidable reports whether a composite literal of type t may leave its
// type out as an element: a struct or a pointer to one.
func elidable(t reflect.Type) bool {
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct
}

func (p *Printer) use(path, name string) {
	if p.imports == nil {
		p.imports = map[string]string{}
	}
	p.imports[path] = name
}
