package content

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Question types.
const (
	TypeBool    = "bool"
	TypeNumber  = "number"
	TypeInteger = "integer"
	TypeChoice  = "choice"
)

var questionTypes = []string{TypeBool, TypeNumber, TypeInteger, TypeChoice}

// Question is one interview question; its id is the key of the answer in
// an answers file.
type Question struct {
	ID     string `yaml:"id" required:"true"`
	Prompt string `yaml:"prompt" required:"true"`
	Help   string `yaml:"help" required:"true"` // why the answer matters
	// Facts are the ids of the facts the prompt and help rest on; every
	// figure they quote must be the value of one of them.
	Facts []string `yaml:"facts"`
	Type  string   `yaml:"type" required:"true"` // bool | number | integer | choice
	Unit  string   `yaml:"unit"`
	Min   *float64 `yaml:"min"`
	Max   *float64 `yaml:"max"`
	// MinExclusive makes Min a strict bound (a latency budget must be > 0).
	MinExclusive bool      `yaml:"min_exclusive"`
	Options      []string  `yaml:"options"` // for choice
	RawDefault   yaml.Node `yaml:"default"`
	Required     bool      `yaml:"required"`
	Group        string    `yaml:"group" required:"true"`
	Order        int       `yaml:"order" required:"true"`
	// AskIf, when set, asks the question only when it holds; the answers
	// file may still give it.
	AskIf *Condition `yaml:"ask_if"`
	Pos   Pos

	// Default is RawDefault checked against Type: bool, float64 or
	// string; nil when the question has none.
	Default any `yaml:"-"`
}

type questionsFile struct {
	Version   int        `yaml:"version" required:"true" expect:"version: 1"`
	Questions []Question `yaml:"questions" required:"true" expect:"questions: a list of questions (- id: ..., prompt: ..., type: ...)"`
}

// Numeric reports whether answers to q are numbers.
func (q *Question) Numeric() bool { return q.Type == TypeNumber || q.Type == TypeInteger }

// Expected describes the answer q accepts, for error messages.
func (q *Question) Expected() string {
	switch q.Type {
	case TypeBool:
		return "true or false"
	case TypeChoice:
		return "one of " + strings.Join(q.Options, ", ")
	}
	kind := "a number"
	if q.Type == TypeInteger {
		kind = "a whole number"
	}
	var bounds []string
	if q.Min != nil {
		op := ">="
		if q.MinExclusive {
			op = ">"
		}
		bounds = append(bounds, op+" "+FormatNumber(*q.Min))
	}
	if q.Max != nil {
		bounds = append(bounds, "<= "+FormatNumber(*q.Max))
	}
	if len(bounds) > 0 {
		kind += " " + strings.Join(bounds, " and ")
	}
	if q.Unit != "" {
		kind += " (" + q.Unit + ")"
	}
	if q.Unit == "bytes" {
		kind += ", or a size such as 4kB or 25MiB"
	}
	return kind
}

// sizeUnits are the units a size may carry, lower-cased: decimal (kB =
// 1,000 bytes) and binary (KiB = 1,024), as Cloudflare's limits use both
// (KV values up to 25 MiB, a Durable Object entry 2 MB).
var sizeUnits = map[string]float64{
	"b": 1, "byte": 1, "bytes": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseSize reads a size such as "4kB", "25 MiB" or "2.5MB" as bytes.
// Units are case-insensitive ("4kb" is 4,000 bytes); a bare number is
// bytes.
func ParseSize(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '_') {
		i++
	}
	numPart, unit := strings.ReplaceAll(s[:i], "_", ""), strings.ToLower(strings.TrimSpace(s[i:]))
	f, err := strconv.ParseFloat(numPart, 64)
	if numPart == "" || err != nil {
		return 0, false
	}
	scale := 1.0
	if unit != "" {
		var ok bool
		if scale, ok = sizeUnits[unit]; !ok {
			return 0, false
		}
	}
	f *= scale
	// 2.5 MB is 2,500,000 exactly, not 2,499,999.9999999995.
	if r := math.Round(f); math.Abs(f-r) < 1e-6*math.Max(1, f) {
		f = r
	}
	return f, !math.IsInf(f, 0) && !math.IsNaN(f)
}

// ScalarValue reads a YAML scalar as an answer to q: bool, float64 or
// string. ok is false when the node is not of q's type or out of range; the
// message then says what was expected.
func (q *Question) ScalarValue(n *yaml.Node) (v any, ok bool) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return nil, false
	}
	switch q.Type {
	case TypeBool:
		if n.Tag != "!!bool" {
			return nil, false
		}
		var b bool
		if n.Decode(&b) != nil {
			return nil, false
		}
		return b, true
	case TypeChoice:
		if n.Tag != "!!str" || !contains(q.Options, n.Value) {
			return nil, false
		}
		return n.Value, true
	case TypeNumber, TypeInteger:
		if n.Tag == "!!str" && q.Unit == "bytes" {
			f, ok := ParseSize(n.Value)
			if !ok || !(f <= MaxFigure) || (q.Type == TypeInteger && f != math.Trunc(f)) || !q.InRange(f) {
				return nil, false
			}
			return f, true
		}
		if n.Tag != "!!int" && (n.Tag != "!!float" || q.Type == TypeInteger) {
			return nil, false
		}
		f, ok := Number(n)
		if !ok || !q.InRange(f) {
			return nil, false
		}
		return f, true
	}
	return nil, false
}

// InRange reports whether f is within q's bounds.
func (q *Question) InRange(f float64) bool {
	if q.Min != nil && (f < *q.Min || (q.MinExclusive && f == *q.Min)) {
		return false
	}
	if q.Max != nil && f > *q.Max {
		return false
	}
	return true
}

// FormatNumber prints a figure without float noise: 60, 0.5, 26214400.
func FormatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// FormatFigure prints a figure for people: thousands separators, and a
// computed fraction cut to three significant digits (33.3, 0.0125)
// rather than every digit a division leaves.
func FormatFigure(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	switch a := math.Abs(f); {
	case a >= 1e15:
		return strconv.FormatFloat(f, 'f', 0, 64)
	case a >= 100:
		f = math.Round(f)
	case f != math.Trunc(f):
		f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 3, 64), 64)
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', -1, 64)
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if f < 0 {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// FormatBytes prints a size the way the limits are written: 25 MiB for a
// whole number of mebibytes, 2 MB or 2.5 MB in decimal units otherwise,
// 120 bytes below a kilobyte.
func FormatBytes(f float64) string {
	const ki, mi, gi = 1 << 10, 1 << 20, 1 << 30
	switch {
	case f >= gi && math.Mod(f, gi) == 0:
		return FormatFigure(f/gi) + " GiB"
	case f >= mi && math.Mod(f, mi) == 0:
		return FormatFigure(f/mi) + " MiB"
	case f >= 1e12:
		return FormatFigure(f/1e12) + " TB"
	case f >= 1e9:
		return FormatFigure(f/1e9) + " GB"
	case f >= 1e6:
		return FormatFigure(f/1e6) + " MB"
	case f >= 1e3 && math.Mod(f, ki) == 0 && math.Mod(f, 1e3) != 0:
		return FormatFigure(f/ki) + " KiB"
	case f >= 1e3:
		return FormatFigure(f/1e3) + " kB"
	case f == 1:
		return "1 byte"
	}
	return FormatFigure(f) + " bytes"
}

// singularUnits are the plural units a figure of one takes in the
// singular: 1 write/s, 1 key. Symbols (s, ms, GB-s) have no plural.
var singularUnits = strings.NewReplacer("writes/", "write/", "reads/", "read/", "requests/", "request/", "keys", "key", "reads per", "read per", "locations", "location", "pairs", "pair")

// FormatAnswer prints an answer with its unit as a sentence would:
// yes/no, 60 s, 2.5 MB, 1 write/s, 2,500 reads/s.
func FormatAnswer(unit string, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case string:
		return x
	case float64:
		switch unit {
		case "":
			return FormatFigure(x)
		case "bytes":
			return FormatBytes(x)
		}
		u := unit
		if x == 1 {
			u = singularUnits.Replace(u)
		}
		return FormatFigure(x) + " " + u
	}
	return fmt.Sprint(v)
}
