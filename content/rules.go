package content

import (
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Condition operators. A comparison on a question the answers leave out is
// false, whatever the operator, except "answered": the rules then read as
// "this is known to hold", never as a guess about a missing answer.
const (
	OpEq       = "eq"
	OpNe       = "ne"
	OpLt       = "lt"
	OpLte      = "lte"
	OpGt       = "gt"
	OpGte      = "gte"
	OpIn       = "in"       // value is a list of choices
	OpAnswered = "answered" // value true: the question has an answer; false: it has none
)

var (
	orderOps = []string{OpLt, OpLte, OpGt, OpGte}
	allOps   = []string{OpEq, OpNe, OpLt, OpLte, OpGt, OpGte, OpIn, OpAnswered}
)

// Condition is a structured test on the answers: either a comparison
// (question, op, and a value or a fact whose value is the threshold) or a
// group (all: every sub-condition holds; any: at least one does). Data, not
// an expression language, so a content pack cannot smuggle in code and
// every threshold can be checked against its question's type at load.
type Condition struct {
	Question string      `yaml:"question"`
	Op       string      `yaml:"op"`
	RawValue yaml.Node   `yaml:"value"`
	Fact     string      `yaml:"fact"` // threshold taken from this fact's value
	All      []Condition `yaml:"all"`
	Any      []Condition `yaml:"any"`
	Pos      Pos

	// Value is the resolved operand: bool, float64, string or []string (in).
	Value any `yaml:"-"`
}

// IsGroup reports whether c is an all/any group rather than a comparison.
func (c *Condition) IsGroup() bool { return len(c.All) > 0 || len(c.Any) > 0 }

// QuestionIDs lists the questions c reads, in the order they appear, once.
func (c *Condition) QuestionIDs() []string {
	var ids []string
	c.walk(func(x *Condition) {
		if x.Question != "" && !contains(ids, x.Question) {
			ids = append(ids, x.Question)
		}
	})
	return ids
}

// Comparisons lists c's comparisons (the leaves), in order.
func (c *Condition) Comparisons() []*Condition {
	var out []*Condition
	c.walk(func(x *Condition) {
		if !x.IsGroup() {
			out = append(out, x)
		}
	})
	return out
}

func (c *Condition) walk(f func(*Condition)) {
	f(c)
	for i := range c.All {
		c.All[i].walk(f)
	}
	for i := range c.Any {
		c.Any[i].walk(f)
	}
}

// Holds evaluates c against answers keyed by question id (bool, float64 or
// string values, as advisor.Answers holds them).
func (c *Condition) Holds(answers map[string]any) bool {
	if c.IsGroup() {
		for i := range c.All {
			if !c.All[i].Holds(answers) {
				return false
			}
		}
		if len(c.Any) == 0 {
			return true
		}
		for i := range c.Any {
			if c.Any[i].Holds(answers) {
				return true
			}
		}
		return false
	}
	a, ok := answers[c.Question]
	if c.Op == OpAnswered {
		return ok == c.Value.(bool)
	}
	if !ok {
		return false
	}
	switch v := c.Value.(type) {
	case bool:
		b, isBool := a.(bool)
		return isBool && (b == v) == (c.Op == OpEq)
	case string:
		s, isStr := a.(string)
		return isStr && (s == v) == (c.Op == OpEq)
	case []string:
		s, isStr := a.(string)
		return isStr && contains(v, s)
	case float64:
		f, isNum := a.(float64)
		if !isNum {
			return false
		}
		switch c.Op {
		case OpEq:
			return f == v
		case OpNe:
			return f != v
		case OpLt:
			return f < v
		case OpLte:
			return f <= v
		case OpGt:
			return f > v
		case OpGte:
			return f >= v
		}
	}
	return false
}

// String renders c for reasons and reports, e.g.
// "staleness_tolerance_s < 60 and reader_regions = global".
func (c *Condition) String() string {
	if c.IsGroup() {
		var parts []string
		for i := range c.All {
			parts = append(parts, c.All[i].paren())
		}
		if len(c.Any) > 0 {
			var alts []string
			for i := range c.Any {
				alts = append(alts, c.Any[i].paren())
			}
			s := strings.Join(alts, " or ")
			if len(c.All) > 0 && len(c.Any) > 1 {
				s = "(" + s + ")"
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " and ")
	}
	sym := map[string]string{OpEq: "=", OpNe: "!=", OpLt: "<", OpLte: "<=", OpGt: ">", OpGte: ">=", OpIn: "in"}
	switch v := c.Value.(type) {
	case []string:
		return c.Question + " in [" + strings.Join(v, ", ") + "]"
	case float64:
		return c.Question + " " + sym[c.Op] + " " + FormatNumber(v)
	}
	if c.Op == OpAnswered {
		if c.Value == true {
			return c.Question + " is answered"
		}
		return c.Question + " is not answered"
	}
	return c.Question + " " + sym[c.Op] + " " + formatAny(c.Value)
}

func (c *Condition) paren() string {
	s := c.String()
	if c.IsGroup() && (len(c.All)+len(c.Any)) > 1 {
		return "(" + s + ")"
	}
	return s
}

func formatAny(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return FormatNumber(x)
	case string:
		return x
	}
	return ""
}

// Effect is what a rule does to one option when it fires.
type Effect struct {
	Option  string `yaml:"option" required:"true"`
	RuleOut bool   `yaml:"rule_out"` // the option cannot work with these answers
	Score   int    `yaml:"score"`    // added to the option's score (negative to penalise)
	// Prefer puts the option ahead of every viable option that no firing
	// rule prefers, whatever the scores: for answers that settle the
	// question outright.
	Prefer bool `yaml:"prefer"`
	// Text says what the effect means for this option ("far readers pay
	// a round trip"): its pro or con. A rule's title would read as both
	// a pro of one option and a con of another.
	Text string `yaml:"text"`
	Pos  Pos
}

// Good reports whether the effect counts for the option (a pro).
func (e Effect) Good() bool { return !e.RuleOut && (e.Prefer || e.Score > 0) }

// Rule is one step of the decision logic: when its condition holds, its
// effects apply and its rationale is shown as a reason.
type Rule struct {
	ID        string    `yaml:"id" required:"true"`
	Title     string    `yaml:"title" required:"true"`
	When      Condition `yaml:"when" required:"true"`
	Effects   []Effect  `yaml:"effects" required:"true"`
	Rationale string    `yaml:"rationale" required:"true"`
	// Because is the reason in one sentence tied to the answers: {id}
	// stands for the answer to question (or derived quantity) id.
	Because string   `yaml:"because"`
	Facts   []string `yaml:"facts"` // ids of the facts the rule rests on
	Pos     Pos
}

// Warning levels: a warning questions the answers or the fit of the
// primary and lowers the confidence; a note only informs.
const (
	LevelWarning = "warning"
	LevelNote    = "note"
)

// WarningRule flags contradictory or suspicious answers, or adds what a
// reader should know.
type WarningRule struct {
	ID   string    `yaml:"id" required:"true"`
	When Condition `yaml:"when" required:"true"`
	// Text may name answers as {id}, like a rule's because.
	Text  string `yaml:"text" required:"true"`
	Level string `yaml:"level"` // warning (default) or note
	// Options limits the warning to recommendations whose primary is one
	// of them; empty means any.
	Options []string `yaml:"options"`
	Facts   []string `yaml:"facts"`
	Pos     Pos
}

// Applies reports whether the warning concerns a recommendation of primary.
func (w *WarningRule) Applies(primary string) bool {
	return len(w.Options) == 0 || contains(w.Options, primary)
}

// Derived is a quantity the advisor computes from the answers (reads per
// key, total writes), declared here so rules can compare it like an
// answer. Its formula lives in the advisor; From lists the answers it
// reads, which is what a reason citing it names.
type Derived struct {
	ID   string   `yaml:"id" required:"true"`
	Type string   `yaml:"type" required:"true"` // number
	Unit string   `yaml:"unit" required:"true"`
	From []string `yaml:"from" required:"true"`
	Text string   `yaml:"text" required:"true"`
	Pos  Pos
}

// LayerRule recommends a front layer (a cache) over a primary store when
// its condition holds.
type LayerRule struct {
	ID        string    `yaml:"id" required:"true"`
	Layer     string    `yaml:"layer" required:"true"` // cache-api
	Over      []string  `yaml:"over" required:"true"`  // the primaries it may sit over
	Title     string    `yaml:"title" required:"true"`
	When      Condition `yaml:"when" required:"true"`
	Because   string    `yaml:"because" required:"true"`
	Rationale string    `yaml:"rationale" required:"true"`
	Facts     []string  `yaml:"facts"`
	Pos       Pos
}

// LayerKinds are the front layers a recommendation may carry.
var LayerKinds = []string{"cache-api"}

type rulesFile struct {
	Version  int           `yaml:"version" required:"true"`
	Derived  []Derived     `yaml:"derived"`
	Rules    []Rule        `yaml:"rules" required:"true"`
	Layers   []LayerRule   `yaml:"layers"`
	Warnings []WarningRule `yaml:"warnings"`
}

// placeholder matches {id} in a because or warning text.
var placeholder = regexp.MustCompile(`\{([a-z0-9_]+)\}`)

// Explain fills a because or warning text with the answers: {id} becomes
// the answer to question (or derived quantity) id with its unit, as
// FormatAnswer writes it, or "unanswered".
func (p *Pack) Explain(text string, answers map[string]any) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		id := m[1 : len(m)-1]
		v, ok := answers[id]
		if !ok {
			return id + " unanswered"
		}
		return FormatAnswer(p.Unit(id), v)
	})
}

// Unit is the unit of question or derived quantity id, or "".
func (p *Pack) Unit(id string) string {
	if q := p.Question(id); q != nil {
		return q.Unit
	}
	for i := range p.Derived {
		if p.Derived[i].ID == id {
			return p.Derived[i].Unit
		}
	}
	return ""
}

// Sources lists the answers behind question or derived quantity id: the
// id itself for a question, what the quantity is derived from otherwise.
func (p *Pack) Sources(id string) []string {
	for i := range p.Derived {
		if p.Derived[i].ID == id {
			return p.Derived[i].From
		}
	}
	return []string{id}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
