package content

import (
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

// resolve checks c against the questions and facts and fills Value.
func (c *Condition) resolve(file string, qs map[string]*Question, facts map[string]*Fact) error {
	group := c.IsGroup()
	if len(c.All) > 0 && len(c.Any) > 0 {
		return posErr(file, c.Pos, "condition: expected all or any, not both (nest one inside the other)")
	}
	if group {
		if c.Question != "" || c.Op != "" || c.RawValue.Kind != 0 || c.Fact != "" {
			return posErr(file, c.Pos, "condition: a group (all/any) takes no question, op, value or fact")
		}
		for i := range c.All {
			if err := c.All[i].resolve(file, qs, facts); err != nil {
				return err
			}
		}
		for i := range c.Any {
			if err := c.Any[i].resolve(file, qs, facts); err != nil {
				return err
			}
		}
		return nil
	}
	if c.Question == "" || c.Op == "" {
		return posErr(file, c.Pos, "condition: expected {question, op, value} or a non-empty all/any list")
	}
	q, ok := qs[c.Question]
	if !ok {
		return posErr(file, c.Pos, "condition: unknown question %q: expected one of %s", c.Question, strings.Join(sortedKeys(qs), ", "))
	}
	if !contains(allOps, c.Op) {
		return posErr(file, c.Pos, "condition on %s: op %q: expected one of %s", c.Question, c.Op, strings.Join(allOps, ", "))
	}
	if c.Fact != "" {
		if c.RawValue.Kind != 0 {
			return posErr(file, c.Pos, "condition on %s: expected value or fact, not both", c.Question)
		}
		f, ok := facts[c.Fact]
		if !ok {
			return posErr(file, c.Pos, "condition on %s: unknown fact %q: expected an id from %s", c.Question, c.Fact, FactsFile)
		}
		if !q.Numeric() || f.Value == nil {
			return posErr(file, c.Pos, "condition on %s: fact %s: a fact threshold needs a number question and a fact with a value", c.Question, c.Fact)
		}
		if !contains(orderOps, c.Op) && c.Op != OpEq && c.Op != OpNe {
			return posErr(file, c.Pos, "condition on %s: op %q does not compare numbers", c.Question, c.Op)
		}
		c.Value = *f.Value
		return nil
	}
	if c.RawValue.Kind == 0 {
		return posErr(file, c.Pos, "condition on %s: missing value (or fact)", c.Question)
	}
	n := &c.RawValue
	mismatch := func(want string) error {
		return Errorf(file, n, "condition on %s (%s question): op %s: value %q: expected %s", c.Question, q.Type, c.Op, n.Value, want)
	}
	switch {
	case c.Op == OpAnswered:
		var b bool
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
			return mismatch("true or false")
		}
		c.Value = b
	case c.Op == OpIn:
		if q.Type != TypeChoice {
			return mismatch("no 'in': it is for choice questions")
		}
		if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
			return mismatch("a list of " + strings.Join(q.Options, ", "))
		}
		var list []string
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode || !contains(q.Options, e.Value) {
				return Errorf(file, e, "condition on %s: %q: expected one of %s", c.Question, e.Value, strings.Join(q.Options, ", "))
			}
			list = append(list, e.Value)
		}
		c.Value = list
	case contains(orderOps, c.Op) && !q.Numeric():
		return mismatch("a question of type number or integer for " + c.Op)
	default:
		// eq/ne on any type, order ops on numbers: the value must be a
		// possible answer, so a typo cannot make a rule silently dead.
		unbounded := *q
		unbounded.Min, unbounded.Max = nil, nil
		v, ok := unbounded.ScalarValue(n)
		if !ok {
			return mismatch(unbounded.Expected())
		}
		c.Value = v
	}
	return nil
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
	Pos    Pos
}

// Rule is one step of the decision logic: when its condition holds, its
// effects apply and its rationale is shown as a reason.
type Rule struct {
	ID        string    `yaml:"id" required:"true"`
	Title     string    `yaml:"title" required:"true"`
	When      Condition `yaml:"when" required:"true"`
	Effects   []Effect  `yaml:"effects" required:"true"`
	Rationale string    `yaml:"rationale" required:"true"`
	Facts     []string  `yaml:"facts"` // ids of the facts the rule rests on
	Pos       Pos
}

// WarningRule flags contradictory or suspicious answers.
type WarningRule struct {
	ID    string    `yaml:"id" required:"true"`
	When  Condition `yaml:"when" required:"true"`
	Text  string    `yaml:"text" required:"true"`
	Facts []string  `yaml:"facts"`
	Pos   Pos
}

type rulesFile struct {
	Version  int           `yaml:"version" required:"true"`
	Rules    []Rule        `yaml:"rules" required:"true"`
	Warnings []WarningRule `yaml:"warnings"`
}

// ParseRules decodes a rules file; checkRules validates it against the
// questions, options and facts.
func ParseRules(file string, data []byte) ([]Rule, []WarningRule, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return nil, nil, err
	}
	var f rulesFile
	if err := Decode(file, root, &f); err != nil {
		return nil, nil, err
	}
	top := Pos{root.Line, root.Column}
	if err := checkVersion(file, top, f.Version); err != nil {
		return nil, nil, err
	}
	if len(f.Rules) == 0 {
		return nil, nil, posErr(file, top, "rules: expected at least one rule")
	}
	return f.Rules, f.Warnings, nil
}

func checkRules(file string, p *Pack) error {
	qs := questionIndex(p.Questions)
	facts := p.factIndex()
	seen := map[string]bool{}
	for i := range p.Rules {
		r := &p.Rules[i]
		if err := checkID(file, r.Pos, "rule", r.ID, seen); err != nil {
			return err
		}
		if err := r.When.resolve(file, qs, facts); err != nil {
			return err
		}
		if len(r.Effects) == 0 {
			return posErr(file, r.Pos, "rule %s: expected at least one effect", r.ID)
		}
		// Title and rationale are what a record shows as the reason.
		if strings.TrimSpace(r.Title) == "" || strings.TrimSpace(r.Rationale) == "" {
			return posErr(file, r.Pos, "rule %s: title or rationale is empty: expected the words a record shows as the reason", r.ID)
		}
		opts := map[string]bool{}
		for _, e := range r.Effects {
			if p.Option(e.Option) == nil {
				return posErr(file, e.Pos, "rule %s: unknown option %q: expected one of %s", r.ID, e.Option, strings.Join(p.OptionIDs(), ", "))
			}
			if opts[e.Option] {
				return posErr(file, e.Pos, "rule %s: option %s has two effects: merge them", r.ID, e.Option)
			}
			opts[e.Option] = true
			if !e.RuleOut && e.Score == 0 && !e.Prefer {
				return posErr(file, e.Pos, "rule %s: effect on %s does nothing: expected rule_out, score or prefer", r.ID, e.Option)
			}
			if e.RuleOut && (e.Score != 0 || e.Prefer) {
				return posErr(file, e.Pos, "rule %s: effect on %s rules it out, so a score or prefer means nothing", r.ID, e.Option)
			}
		}
		if err := checkFactRefs(file, r.Pos, "rule "+r.ID, r.Facts, facts); err != nil {
			return err
		}
	}
	for i := range p.Warnings {
		w := &p.Warnings[i]
		if err := checkID(file, w.Pos, "warning", w.ID, seen); err != nil {
			return err
		}
		if err := w.When.resolve(file, qs, facts); err != nil {
			return err
		}
		if strings.TrimSpace(w.Text) == "" {
			return posErr(file, w.Pos, "warning %s: text is empty: expected what a record tells the reader", w.ID)
		}
		if err := checkFactRefs(file, w.Pos, "warning "+w.ID, w.Facts, facts); err != nil {
			return err
		}
	}
	return nil
}

func checkFactRefs(file string, p Pos, what string, ids []string, facts map[string]*Fact) error {
	for _, id := range ids {
		if _, ok := facts[id]; !ok {
			return posErr(file, p, "%s: unknown fact %q: expected an id from %s", what, id, FactsFile)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
