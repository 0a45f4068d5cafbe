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

// RuleSet is the content of a rules file.
type RuleSet struct {
	Derived  []Derived
	Rules    []Rule
	Layers   []LayerRule
	Warnings []WarningRule
}

// ParseRules decodes a rules file; checkRules validates it against the
// questions, options and facts.
func ParseRules(file string, data []byte) (RuleSet, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return RuleSet{}, err
	}
	var f rulesFile
	if err := Decode(file, root, &f); err != nil {
		return RuleSet{}, err
	}
	top := Pos{root.Line, root.Column}
	if err := checkVersion(file, top, f.Version); err != nil {
		return RuleSet{}, err
	}
	if len(f.Rules) == 0 {
		return RuleSet{}, posErr(file, top, "rules: expected at least one rule")
	}
	return RuleSet{Derived: f.Derived, Rules: f.Rules, Layers: f.Layers, Warnings: f.Warnings}, nil
}

// conditionIndex is what conditions may compare: the questions and the
// derived quantities, the latter as number questions without bounds.
func conditionIndex(file string, p *Pack) (map[string]*Question, error) {
	qs := questionIndex(p.Questions)
	seen := map[string]bool{}
	for i := range p.Derived {
		d := &p.Derived[i]
		if err := checkID(file, d.Pos, "derived quantity", d.ID, seen); err != nil {
			return nil, err
		}
		if _, clash := qs[d.ID]; clash {
			return nil, posErr(file, d.Pos, "derived quantity %s: a question has that id: expected a name of its own", d.ID)
		}
		if d.Type != TypeNumber {
			return nil, posErr(file, d.Pos, "derived quantity %s: type %q: expected number", d.ID, d.Type)
		}
		for _, f := range d.From {
			if _, ok := questionIndex(p.Questions)[f]; !ok {
				return nil, posErr(file, d.Pos, "derived quantity %s: from %q: expected a question id", d.ID, f)
			}
		}
		qs[d.ID] = &Question{ID: d.ID, Type: TypeNumber, Unit: d.Unit, Pos: d.Pos}
	}
	return qs, nil
}

func checkRules(file string, p *Pack) error {
	qs, err := conditionIndex(file, p)
	if err != nil {
		return err
	}
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
		if err := checkAnswerRefs(file, r.Pos, "rule "+r.ID+": because", r.Because, qs); err != nil {
			return err
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
	for i := range p.Layers {
		l := &p.Layers[i]
		if err := checkID(file, l.Pos, "layer", l.ID, seen); err != nil {
			return err
		}
		if !contains(LayerKinds, l.Layer) {
			return posErr(file, l.Pos, "layer %s: layer %q: expected one of %s", l.ID, l.Layer, strings.Join(LayerKinds, ", "))
		}
		if len(l.Over) == 0 {
			return posErr(file, l.Pos, "layer %s: over: expected the options it may sit in front of", l.ID)
		}
		for _, o := range l.Over {
			if p.Option(o) == nil || o == l.Layer {
				return posErr(file, l.Pos, "layer %s: over %q: expected one of %s, other than the layer itself", l.ID, o, strings.Join(p.OptionIDs(), ", "))
			}
		}
		if err := l.When.resolve(file, qs, facts); err != nil {
			return err
		}
		if err := checkAnswerRefs(file, l.Pos, "layer "+l.ID+": because", l.Because, qs); err != nil {
			return err
		}
		if err := checkFactRefs(file, l.Pos, "layer "+l.ID, l.Facts, facts); err != nil {
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
		switch w.Level {
		case "":
			w.Level = LevelWarning
		case LevelWarning, LevelNote:
		default:
			return posErr(file, w.Pos, "warning %s: level %q: expected warning or note", w.ID, w.Level)
		}
		for _, o := range w.Options {
			if p.Option(o) == nil {
				return posErr(file, w.Pos, "warning %s: option %q: expected one of %s", w.ID, o, strings.Join(p.OptionIDs(), ", "))
			}
		}
		if err := checkAnswerRefs(file, w.Pos, "warning "+w.ID+": text", w.Text, qs); err != nil {
			return err
		}
		if err := checkFactRefs(file, w.Pos, "warning "+w.ID, w.Facts, facts); err != nil {
			return err
		}
	}
	return nil
}

// placeholder matches {id} in a because or warning text.
var placeholder = regexp.MustCompile(`\{([a-z0-9_]+)\}`)

// checkAnswerRefs rejects a {id} that names no question or derived
// quantity, so a typo cannot print as literal braces in every record.
func checkAnswerRefs(file string, p Pos, what, text string, qs map[string]*Question) error {
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if _, ok := qs[m[1]]; !ok {
			return posErr(file, p, "%s: {%s}: expected a question or derived quantity id", what, m[1])
		}
	}
	return nil
}

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
