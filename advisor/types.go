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
	Item       string   `json:"item"`
	Primary    OptionID `json:"primary"`
	Confidence string   `json:"confidence"` // high | medium | low
	// ConfidenceBasis is what the confidence rests on: "margin" (points
	// ahead of the runner-up), "preferred" (an answer settles it whatever
	// the scores), "only-viable" (every other option is ruled out) or
	// "least-bad" (every option is ruled out).
	ConfidenceBasis string `json:"confidence_basis"`
	// ConfidenceText says it in words: "7 points ahead of do-plus-kv".
	ConfidenceText string `json:"confidence_text"`
	// RunnerUp is the best other option, viable or not; "" with one option.
	RunnerUp OptionID `json:"runner_up,omitempty"`
	Summary  string   `json:"summary"`
	// Design is the recommended design in a sentence: the store, how it
	// is split, and its front layer.
	Design string `json:"design"`
	// Kind is the kind of state the sketch and checklist were fitted to:
	// the kind answer, or inferred from the other answers (KindInferred).
	Kind         string `json:"kind"`
	KindInferred bool   `json:"kind_inferred,omitempty"`
	// Layer is the front layer recommended over the primary store, if any.
	Layer     *Layer         `json:"layer,omitempty"`
	Ranking   []Ranked       `json:"ranking"` // every option, best first; Ranking[0].Option == Primary
	Reasons   []Reason       `json:"reasons"`
	Flips     []Flip         `json:"flips"`
	Warnings  []Warning      `json:"warnings"`
	Pitfalls  []string       `json:"pitfalls"`  // the primary's, those the answers make matter
	Checklist []string       `json:"checklist"` // likewise
	Sketch    Sketch         `json:"sketch"`
	Costs     []CostEstimate `json:"costs"` // one per viable option, and the primary's always
	Providers []Provider     `json:"providers"`
	Sources   []Source       `json:"sources"` // every fact or price the recommendation relied on
}

// Layer is a front layer (a cache) over the primary store, with its own
// reason, max-age and sketch. Its cost is part of the primary's estimate
// (the lines marked Layer).
type Layer struct {
	Kind      string   `json:"kind"` // cache-api
	Rule      string   `json:"rule"` // the layer rule that chose it
	Title     string   `json:"title"`
	Because   string   `json:"because"` // the reason, tied to the answers
	Text      string   `json:"text"`    // the rationale
	Questions []string `json:"questions"`
	// MaxAgeS is the cache's max-age in seconds, derived from the
	// tolerance: a copy is never older than the answers allow.
	MaxAgeS float64  `json:"max_age_s"`
	Sketch  Sketch   `json:"sketch"` // the design with the layer in front
	Facts   []string `json:"facts"`
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
	// For and Against are what the answers make matter: the texts of the
	// effects of the rules that fired, without the option's general traits
	// that Pros and Cons add.
	For     []string `json:"for"`
	Against []string `json:"against"`
}

// Reason is one rule that fired, with the answers that made it fire.
type Reason struct {
	Rule      string   `json:"rule"`
	Text      string   `json:"text"`
	Questions []string `json:"questions"` // question ids the rule's conditions read
	Effect    string   `json:"effect"`    // human summary, e.g. "rules out kv"
	// Title is the rule's title; Because its reason in one sentence with
	// the answers filled in.
	Title   string         `json:"title"`
	Because string         `json:"because"`
	Effects []ReasonEffect `json:"effects"`
	Facts   []string       `json:"facts"` // ids of the facts the rule rests on
}

// ReasonEffect is what a fired rule did to one option.
type ReasonEffect struct {
	Option  OptionID `json:"option"`
	Score   int      `json:"score"`
	RuleOut bool     `json:"rule_out,omitempty"`
	Prefer  bool     `json:"prefer,omitempty"`
	Text    string   `json:"text,omitempty"`
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
	// Threshold is the change as a person would say it: "under 60 s",
	// "over 25 MiB", "yes"; To is one value that makes it.
	Threshold string `json:"threshold"`
	// Answered is false for a flip on a question left unanswered.
	Answered bool `json:"answered"`
}

// Warning flags contradictory or suspicious answers, or adds a note.
type Warning struct {
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Questions []string `json:"questions"`
	// Level is "warning" (it lowers the confidence) or "note".
	Level string   `json:"level"`
	Facts []string `json:"facts"`
}

// Sketch is the option's Worker code sketch.
type Sketch struct {
	Language string `json:"language"` // "typescript"
	Code     string `json:"code"`
	// Note replaces the code when there is none to show (a least-bad
	// primary gets no sketch: code for a design the answers rule out would
	// teach the wrong thing).
	Note string `json:"note,omitempty"`
}

// CostEstimate is a monthly cost for one option, with its arithmetic shown.
type CostEstimate struct {
	Option     OptionID   `json:"option"`
	Plan       string     `json:"plan"`
	MonthlyUSD float64    `json:"monthly_usd"`
	Lines      []CostLine `json:"lines"`
	AsOf       string     `json:"as_of"`
	Source     string     `json:"source"`
	// Design is what was priced: how many keys or objects, and the front
	// layer if the option would carry one.
	Design string `json:"design"`
	Layer  string `json:"layer,omitempty"` // the front layer priced with it
	// ObjectsNeeded is set when one object per key cannot serve the
	// busiest key: the objects it takes to stay under the soft limit.
	ObjectsNeeded float64 `json:"objects_needed,omitempty"`
	// Viable is false for a least-bad primary priced all the same.
	Viable bool `json:"viable"`
	// Sources are the ids (in Recommendation.Sources) of the prices and
	// facts this estimate used.
	Sources []string `json:"sources"`
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
	Layer      bool    `json:"layer,omitempty"` // a line of the front layer
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
