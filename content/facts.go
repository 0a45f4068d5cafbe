package content

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// File names of the advisor's content inside a pack.
const (
	FactsFile     = "facts.yaml"
	GlossaryFile  = "glossary.yaml"
	PricingFile   = "pricing.yaml"
	QuestionsFile = "questions.yaml"
	OptionsFile   = "options.yaml"
	RulesFile     = "rules.yaml"
)

// Fact is one figure or documented behaviour kvdo shows or reasons with.
// Rules and options cite facts by id, so a corrected figure moves every
// threshold that depends on it at once.
type Fact struct {
	ID     string   `yaml:"id" required:"true" expect:"id: lower-case words joined by - (kv-propagation-s)"`
	Text   string   `yaml:"text" required:"true" expect:"text: the fact in a sentence"`
	Value  *float64 `yaml:"value"` // nil for a behaviour with no number
	Unit   string   `yaml:"unit"`
	Source string   `yaml:"source" required:"true" expect:"source: where the figure comes from"`
	AsOf   string   `yaml:"as_of" required:"true" expect:"as_of: the date it was checked, YYYY-MM-DD"`
	// ThirdParty marks a measurement by others rather than a documented figure.
	ThirdParty bool `yaml:"third_party"`
	Pos        Pos
}

type factsFile struct {
	Version int    `yaml:"version" required:"true" expect:"version: 1"`
	Facts   []Fact `yaml:"facts" required:"true" expect:"facts: a list of facts (- id: ..., text: ..., source: ..., as_of: ...)"`
}

// Term is one glossary entry of the Learn screen.
type Term struct {
	Term       string   `yaml:"term" required:"true" expect:"term: the word or phrase explained"`
	Definition string   `yaml:"definition" required:"true" expect:"definition: a sentence or two"`
	See        []string `yaml:"see"` // other terms
	// Facts are the ids of the facts the definition rests on; every
	// figure it quotes must be the value of one of them.
	Facts []string `yaml:"facts"`
	Pos   Pos
}

type glossaryFile struct {
	Version int    `yaml:"version" required:"true" expect:"version: 1"`
	Terms   []Term `yaml:"terms" required:"true" expect:"terms: a list of terms (- term: ..., definition: ...)"`
}

// Pricing is the dated price list the cost estimates use.
type Pricing struct {
	Version int    `yaml:"version" required:"true" expect:"version: 1"`
	Plans   []Plan `yaml:"plans" required:"true" expect:"plans: a list of plans (- id: workers-paid, name: ..., items: [...])"`
}

// Plan is one Cloudflare plan's prices.
type Plan struct {
	ID    string      `yaml:"id" required:"true"`
	Name  string      `yaml:"name" required:"true"`
	Items []PriceItem `yaml:"items" required:"true"`
	Pos   Pos
}

// PriceItem is one billed quantity of a plan: what is included per period
// and what each further PerUnits cost. UnitPriceUSD is nil when the plan
// sells nothing beyond the included quantity (the Free plan's daily caps).
type PriceItem struct {
	ID           string   `yaml:"id" required:"true"`
	Product      string   `yaml:"product" required:"true"` // kv | durable-object | r2
	Text         string   `yaml:"text" required:"true"`
	Unit         string   `yaml:"unit" required:"true"`
	Period       string   `yaml:"period" required:"true"` // month | day
	Included     float64  `yaml:"included" required:"true"`
	UnitPriceUSD *float64 `yaml:"unit_price_usd"`
	PerUnits     float64  `yaml:"per_units"`
	Note         string   `yaml:"note"`
	Source       string   `yaml:"source" required:"true" expect:"source: where the price comes from"`
	AsOf         string   `yaml:"as_of" required:"true" expect:"as_of: the date it was checked, YYYY-MM-DD"`
	Pos          Pos
}

// Plan returns the plan with id, or nil.
func (p Pricing) Plan(id string) *Plan {
	for i := range p.Plans {
		if p.Plans[i].ID == id {
			return &p.Plans[i]
		}
	}
	return nil
}

// Item returns the plan's price item with id, or nil.
func (p *Plan) Item(id string) *PriceItem {
	for i := range p.Items {
		if p.Items[i].ID == id {
			return &p.Items[i]
		}
	}
	return nil
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9]+([_-][a-z0-9]+)*$`)
	datePattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)
)

func posErr(file string, p Pos, format string, a ...any) error {
	return &PosError{File: file, Pos: p, Msg: fmt.Sprintf(format, a...)}
}

// checkID rejects malformed and repeated ids; seen collects them.
func checkID(file string, p Pos, kind, id string, seen map[string]bool) error {
	if !idPattern.MatchString(id) {
		return posErr(file, p, "%s id %q: expected lower-case words joined by - or _", kind, id)
	}
	if seen[id] {
		return posErr(file, p, "%s %q is listed twice", kind, id)
	}
	seen[id] = true
	return nil
}

// checkDated insists on the two things that make a figure trustworthy.
func checkDated(file string, p Pos, what, source, asOf string) error {
	if strings.TrimSpace(source) == "" {
		return posErr(file, p, "%s: source is empty: expected where the figure comes from", what)
	}
	// The pattern keeps the form strict (time.Parse takes no leading or
	// trailing junk but is the one that knows February has no 30th).
	if _, err := time.Parse(time.DateOnly, asOf); err != nil || !datePattern.MatchString(asOf) {
		return posErr(file, p, "%s: as_of %q: expected a date YYYY-MM-DD", what, asOf)
	}
	return nil
}

func checkVersion(file string, p Pos, v int) error {
	if v != 1 {
		return posErr(file, p, "version %d: expected 1", v)
	}
	return nil
}

// ParseFacts decodes and checks a facts file: every fact has a unique id,
// a source and an as_of date.
func ParseFacts(file string, data []byte) ([]Fact, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return nil, err
	}
	var f factsFile
	if err := Decode(file, root, &f); err != nil {
		return nil, err
	}
	top := Pos{root.Line, root.Column}
	if err := checkVersion(file, top, f.Version); err != nil {
		return nil, err
	}
	if len(f.Facts) == 0 {
		return nil, posErr(file, top, "facts: expected at least one fact")
	}
	seen := map[string]bool{}
	for _, x := range f.Facts {
		if err := checkID(file, x.Pos, "fact", x.ID, seen); err != nil {
			return nil, err
		}
		if err := checkDated(file, x.Pos, "fact "+x.ID, x.Source, x.AsOf); err != nil {
			return nil, err
		}
		if x.Value != nil && x.Unit == "" {
			return nil, posErr(file, x.Pos, "fact %s: a value needs a unit", x.ID)
		}
	}
	return f.Facts, nil
}

// checkGlossary resolves the glossary's fact ids once the facts are known:
// a dangling id is an error at the term, as it is at a rule.
func checkGlossary(file string, terms []Term, facts map[string]*Fact) error {
	for _, t := range terms {
		if err := checkFactRefs(file, t.Pos, fmt.Sprintf("term %q", t.Term), t.Facts, facts); err != nil {
			return err
		}
	}
	return nil
}

// ParseGlossary decodes and checks a glossary: unique terms, and every
// "see" naming a term of the file. Fact ids are checked by checkGlossary.
func ParseGlossary(file string, data []byte) ([]Term, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return nil, err
	}
	var g glossaryFile
	if err := Decode(file, root, &g); err != nil {
		return nil, err
	}
	if err := checkVersion(file, Pos{root.Line, root.Column}, g.Version); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, t := range g.Terms {
		if seen[t.Term] {
			return nil, posErr(file, t.Pos, "term %q is listed twice", t.Term)
		}
		seen[t.Term] = true
	}
	for _, t := range g.Terms {
		for _, s := range t.See {
			if !seen[s] {
				return nil, posErr(file, t.Pos, "term %q: see %q: expected a term of this glossary", t.Term, s)
			}
		}
	}
	return g.Terms, nil
}

// Products a price item may belong to.
var priceProducts = []string{"kv", "durable-object", "r2"}

// ParsePricing decodes and checks a price list.
func ParsePricing(file string, data []byte) (Pricing, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return Pricing{}, err
	}
	var p Pricing
	if err := Decode(file, root, &p); err != nil {
		return Pricing{}, err
	}
	if err := checkVersion(file, Pos{root.Line, root.Column}, p.Version); err != nil {
		return Pricing{}, err
	}
	plans := map[string]bool{}
	for _, pl := range p.Plans {
		if err := checkID(file, pl.Pos, "plan", pl.ID, plans); err != nil {
			return Pricing{}, err
		}
		items := map[string]bool{}
		for _, it := range pl.Items {
			if err := checkID(file, it.Pos, "price item", it.ID, items); err != nil {
				return Pricing{}, err
			}
			if err := checkDated(file, it.Pos, "price "+it.ID, it.Source, it.AsOf); err != nil {
				return Pricing{}, err
			}
			if !contains(priceProducts, it.Product) {
				return Pricing{}, posErr(file, it.Pos, "price %s: product %q: expected one of %s", it.ID, it.Product, strings.Join(priceProducts, ", "))
			}
			if it.Period != "month" && it.Period != "day" {
				return Pricing{}, posErr(file, it.Pos, "price %s: period %q: expected month or day", it.ID, it.Period)
			}
			if it.Included < 0 {
				return Pricing{}, posErr(file, it.Pos, "price %s: included %v: expected >= 0", it.ID, it.Included)
			}
			if it.UnitPriceUSD != nil && (*it.UnitPriceUSD < 0 || !(it.PerUnits > 0)) {
				return Pricing{}, posErr(file, it.Pos, "price %s: expected unit_price_usd >= 0 and per_units > 0", it.ID)
			}
		}
	}
	if p.Plan("workers-paid") == nil {
		return Pricing{}, posErr(file, Pos{root.Line, root.Column}, "plans: expected a plan with id workers-paid (the cost estimates use it)")
	}
	return p, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
