package content

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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
