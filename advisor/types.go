// Package advisor is kvdo's decision engine: answers about a piece of edge
// state go in, a recommendation with its reasons comes out. It is pure: no
// clock, no files, no terminal; the same content and answers give the same
// Recommendation, field for field.
package advisor

// OptionID names one of the five places state can live. The ids are a public
// contract (PRODUCT.md): answers files, JSON reports and ADRs use them.
type OptionID string

// The fixed recommendation ids.
const (
	KV            OptionID = "kv"
	DurableObject OptionID = "durable-object"
	DOPlusKV      OptionID = "do-plus-kv"
	CacheAPI      OptionID = "cache-api"
	R2PlusKV      OptionID = "r2-plus-kv"
)

// Review is one answers file: several pieces of state of one system,
// assessed together.
type Review struct {
	Version   int      `json:"version"`
	Title     string   `json:"title,omitempty"`
	DecidedBy []string `json:"decided_by,omitempty"`
	Items     []Item   `json:"items"`
}

// Item is one piece of state and the answers given about it.
type Item struct {
	Name    string  `json:"name"`
	Notes   string  `json:"notes,omitempty"`
	Answers Answers `json:"answers"`
}

// Answers holds the answers to the interview's questions, keyed by question
// id. Values are bool, float64 (every number), or string (choices); an absent
// optional question has no entry. A map rather than a struct because content
// packs may add optional questions without a code change.
type Answers map[string]any

// Recommendation is the advisor's verdict on one Item. Every list is in a
// stable order so reports are byte-for-byte reproducible.
type Recommendation struct {
	Item       string         `json:"item"`
	Primary    OptionID       `json:"primary"`
	Confidence string         `json:"confidence"` // high | medium | low
	Summary    string         `json:"summary"`
	Ranking    []Ranked       `json:"ranking"` // every option, best first; Ranking[0].Option == Primary
	Reasons    []Reason       `json:"reasons"`
	Flips      []Flip         `json:"flips"`
	Warnings   []Warning      `json:"warnings"`
	Pitfalls   []string       `json:"pitfalls"`
	Checklist  []string       `json:"checklist"`
	Sketch     Sketch         `json:"sketch"`
	Costs      []CostEstimate `json:"costs"` // one per viable option
	Providers  []Provider     `json:"providers"`
	Sources    []Source       `json:"sources"` // every fact or price the recommendation relied on
}

// Ranked is one option's standing for this item.
type Ranked struct {
	Option   OptionID `json:"option"`
	Title    string   `json:"title"`
	Score    int      `json:"score"`
	Viable   bool     `json:"viable"` // false when a rule ruled it out
	Summary  string   `json:"summary"`
	Pros     []string `json:"pros"`
	Cons     []string `json:"cons"`
	RuledOut string   `json:"ruled_out,omitempty"` // the rationale of the rule that excluded it
}

// Reason is one rule that fired, with the answers that made it fire.
type Reason struct {
	Rule      string   `json:"rule"`
	Text      string   `json:"text"`
	Questions []string `json:"questions"` // question ids the rule's conditions read
	Effect    string   `json:"effect"`    // human summary, e.g. "rules out kv"
}

// Flip is a single answer change that would change the primary option.
type Flip struct {
	Question string   `json:"question"`
	From     any      `json:"from"`
	To       any      `json:"to"`
	Primary  OptionID `json:"primary"`
	Text     string   `json:"text"`
	// LeastBad is true when the changed answer would rule out every
	// option, so Primary would only be the least bad, not a way out.
	LeastBad bool `json:"least_bad,omitempty"`
}

// Warning flags contradictory or suspicious answers.
type Warning struct {
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Questions []string `json:"questions"`
}

// Sketch is the option's Worker code sketch.
type Sketch struct {
	Language string `json:"language"` // "typescript"
	Code     string `json:"code"`
}

// CostEstimate is a monthly cost for one option, with its arithmetic shown.
type CostEstimate struct {
	Option     OptionID   `json:"option"`
	Plan       string     `json:"plan"`
	MonthlyUSD float64    `json:"monthly_usd"`
	Lines      []CostLine `json:"lines"`
	AsOf       string     `json:"as_of"`
	Source     string     `json:"source"`
}

// CostLine is one billed quantity: usage, what is included, the unit price
// and the result, so a reader can redo the sum.
type CostLine struct {
	Item       string  `json:"item"`
	Quantity   float64 `json:"quantity"`
	Unit       string  `json:"unit"`
	Included   float64 `json:"included"`
	UnitPrice  float64 `json:"unit_price_usd"`
	PerUnits   float64 `json:"per_units"` // price is per this many units, e.g. 1e6
	USD        float64 `json:"usd"`
	Arithmetic string  `json:"arithmetic"`
}

// Provider maps the option to another platform's equivalent.
type Provider struct {
	Platform   string `json:"platform"`
	Equivalent string `json:"equivalent"`
}

// Source is a cited fact: where it comes from and when it was checked.
type Source struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Source string `json:"source"`
	AsOf   string `json:"as_of"`
}
