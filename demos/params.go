package demos

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParamKind is the type of a demo parameter.
type ParamKind string

// Parameter kinds.
const (
	KindInt      ParamKind = "int"
	KindFloat    ParamKind = "float"
	KindDuration ParamKind = "duration"
	KindBool     ParamKind = "bool"
	KindChoice   ParamKind = "choice"
)

// Param is one knob of a demo. Default, Min and Max are written the way a
// user types them on the command line (--set name=value), so the TUI and
// the CLI edit parameters the same way. Min and Max are inclusive; empty
// means unbounded.
type Param struct {
	Name    string    `json:"name"`
	Kind    ParamKind `json:"kind"`
	Default string    `json:"default"`
	Min     string    `json:"min,omitempty"`
	Max     string    `json:"max,omitempty"`
	Choices []string  `json:"choices,omitempty"`
	Help    string    `json:"help"`
}

// Values are a run's parameters, parsed and validated.
type Values struct {
	typed map[string]any
	text  map[string]string
}

// ParseSets turns "name=value" strings (repeated --set flags) into a map.
func ParseSets(sets []string) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("--set %q: expected name=value", s)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("--set %s given twice", name)
		}
		out[name] = strings.TrimSpace(value)
	}
	return out, nil
}

// ParamNames lists the demo's parameter names in declaration order.
func (d Demo) ParamNames() []string {
	var names []string
	for _, p := range d.Params {
		names = append(names, p.Name)
	}
	return names
}

// Resolve validates overrides against the demo's parameters and fills in
// defaults. Errors name the parameter and what it accepts.
func (d Demo) Resolve(set map[string]string) (Values, error) {
	v := Values{typed: map[string]any{}, text: map[string]string{}}
	for _, name := range sortedKeys(set) {
		if _, ok := d.param(name); !ok {
			if len(d.Params) == 0 {
				return Values{}, fmt.Errorf("unknown parameter %q: demo %s has no parameters", name, d.ID)
			}
			return Values{}, fmt.Errorf("unknown parameter %q for demo %s: expected one of %s", name, d.ID, strings.Join(d.ParamNames(), ", "))
		}
	}
	for _, p := range d.Params {
		raw, ok := set[p.Name]
		if !ok {
			raw = p.Default
		}
		x, norm, err := p.Parse(raw)
		if err != nil {
			return Values{}, fmt.Errorf("parameter %s=%s: %w", p.Name, raw, err)
		}
		v.typed[p.Name], v.text[p.Name] = x, norm
	}
	if d.check != nil {
		if err := d.check(v); err != nil {
			return Values{}, err
		}
	}
	return v, nil
}

func (d Demo) param(name string) (Param, bool) {
	for _, p := range d.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Expect describes the accepted values, for help and error messages.
func (p Param) Expect() string {
	rng := func(what string) string {
		switch {
		case p.Min != "" && p.Max != "":
			return fmt.Sprintf("%s from %s to %s", what, p.Min, p.Max)
		case p.Min != "":
			return fmt.Sprintf("%s of at least %s", what, p.Min)
		case p.Max != "":
			return fmt.Sprintf("%s of at most %s", what, p.Max)
		}
		return what
	}
	switch p.Kind {
	case KindInt:
		return rng("an integer")
	case KindFloat:
		return rng("a number")
	case KindDuration:
		return rng("a duration (e.g. 30s, 1m30s)")
	case KindBool:
		return "true or false"
	case KindChoice:
		return "one of " + strings.Join(p.Choices, ", ")
	}
	return string(p.Kind)
}

// Parse checks one value of the parameter and returns it typed and in its
// canonical spelling.
func (p Param) Parse(raw string) (any, string, error) {
	bad := fmt.Errorf("expected %s", p.Expect())
	switch p.Kind {
	case KindInt:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return nil, "", bad
		}
		if p.Min != "" {
			if lo, _ := strconv.Atoi(p.Min); n < lo {
				return nil, "", bad
			}
		}
		if p.Max != "" {
			if hi, _ := strconv.Atoi(p.Max); n > hi {
				return nil, "", bad
			}
		}
		return n, strconv.Itoa(n), nil
	case KindFloat:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "", bad
		}
		if p.Min != "" {
			if lo, _ := strconv.ParseFloat(p.Min, 64); !(f >= lo) {
				return nil, "", bad
			}
		}
		if p.Max != "" {
			if hi, _ := strconv.ParseFloat(p.Max, 64); !(f <= hi) {
				return nil, "", bad
			}
		}
		return f, strconv.FormatFloat(f, 'g', -1, 64), nil
	case KindDuration:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return nil, "", bad
		}
		if p.Min != "" {
			if lo, _ := time.ParseDuration(p.Min); d < lo {
				return nil, "", bad
			}
		}
		if p.Max != "" {
			if hi, _ := time.ParseDuration(p.Max); d > hi {
				return nil, "", bad
			}
		}
		return d, flagDuration(d), nil
	case KindBool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, "", bad
		}
		return b, strconv.FormatBool(b), nil
	case KindChoice:
		for _, c := range p.Choices {
			if c == raw {
				return raw, raw, nil
			}
		}
		return nil, "", bad
	}
	return nil, "", fmt.Errorf("parameter kind %q is not supported", p.Kind)
}

// Int returns an int parameter; it panics on a name the demo does not
// declare, which is a bug in the demo, not bad input.
func (v Values) Int(name string) int { return v.typed[name].(int) }

// Float returns a float parameter.
func (v Values) Float(name string) float64 { return v.typed[name].(float64) }

// Duration returns a duration parameter.
func (v Values) Duration(name string) time.Duration { return v.typed[name].(time.Duration) }

// Bool returns a bool parameter.
func (v Values) Bool(name string) bool { return v.typed[name].(bool) }

// Choice returns a choice parameter.
func (v Values) Choice(name string) string { return v.typed[name].(string) }

// list returns the parameters sorted by name, in canonical spelling.
func (v Values) list() []ParamValue {
	out := []ParamValue{}
	for _, k := range sortedKeys(v.text) {
		out = append(out, ParamValue{Name: k, Value: v.text[k]})
	}
	return out
}

func intParam(name, def, lo, hi, help string) Param {
	return Param{Name: name, Kind: KindInt, Default: def, Min: lo, Max: hi, Help: help}
}

func durParam(name, def, lo, hi, help string) Param {
	return Param{Name: name, Kind: KindDuration, Default: def, Min: lo, Max: hi, Help: help}
}

func boolParam(name, def, help string) Param {
	return Param{Name: name, Kind: KindBool, Default: def, Help: help}
}

// flagDuration writes a duration as one would type it after --set, in
// the largest whole unit of s, ms or µs: "60s", not "1m0s".
func flagDuration(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	}
	return d.String()
}
