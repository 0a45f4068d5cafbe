package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"strings"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/evidence"
)

// JSONVersion is the version of the JSON report format. Adding an optional
// field keeps it; renaming, removing or retyping a field bumps it.
const JSONVersion = 1

// The JSON document has its own types, copied field by field, rather than
// marshalling advisor's: the report format is a public contract
// (report/schema/report.v1.schema.json) and must not change shape when the
// engine grows a field.

type jsonDoc struct {
	Version     int            `json:"version"`
	Kind        string         `json:"kind"`
	Title       string         `json:"title"`
	Date        string         `json:"date"`
	Status      string         `json:"status"`
	DecidedBy   []string       `json:"decided_by"`
	AnswersFile string         `json:"answers_file,omitempty"`
	Questions   []jsonQuestion `json:"questions"`
	Items       []jsonItem     `json:"items"`
	Sources     []jsonSource   `json:"sources"`
	// Evidence says how the items' evidence was replayed (added in v1,
	// optional: only with kvdo advise --evidence).
	Evidence *jsonEvidenceRun `json:"evidence,omitempty"`
}

type jsonEvidenceRun struct {
	Seed      uint64  `json:"seed"`
	DurationS float64 `json:"duration_s"`
	PoPs      int     `json:"pops"`
	Rerun     string  `json:"rerun"`
}

type jsonQuestion struct {
	ID     string `json:"id"`
	Prompt string `json:"prompt"`
	Unit   string `json:"unit,omitempty"` // optional: added in v1
}

type jsonItem struct {
	Name           string         `json:"name"`
	Notes          string         `json:"notes,omitempty"`
	Answers        map[string]any `json:"answers"`
	Recommendation jsonRec        `json:"recommendation"`
	// Evidence is the item's replay, in the evidence document's own
	// versioned format (evidence/schema/evidence.v1.schema.json); added in
	// v1, optional.
	Evidence *evidence.Item `json:"evidence,omitempty"`
}

// Fields marked "added in v1" are optional in the schema: reports made
// before them stay valid.
type jsonRec struct {
	Primary         string         `json:"primary"`
	Title           string         `json:"title"`
	Confidence      string         `json:"confidence"`
	ConfidenceBasis string         `json:"confidence_basis,omitempty"` // added in v1
	ConfidenceText  string         `json:"confidence_text,omitempty"`  // added in v1
	RunnerUp        string         `json:"runner_up,omitempty"`        // added in v1
	Design          string         `json:"design,omitempty"`           // added in v1
	Kind            string         `json:"kind,omitempty"`             // added in v1
	KindInferred    bool           `json:"kind_inferred,omitempty"`    // added in v1
	Layer           *jsonLayer     `json:"layer,omitempty"`            // added in v1
	Summary         string         `json:"summary"`
	Ranking         []jsonRanked   `json:"ranking"`
	Reasons         []jsonReason   `json:"reasons"`
	Flips           []jsonFlip     `json:"flips"`
	Warnings        []jsonWarning  `json:"warnings"`
	Pitfalls        []string       `json:"pitfalls"`
	Checklist       []string       `json:"checklist"`
	Sketch          jsonSketch     `json:"sketch"`
	Costs           []jsonCost     `json:"costs"`
	Providers       []jsonProvider `json:"providers"`
	Sources         []string       `json:"sources"`
}

type jsonLayer struct {
	Kind      string     `json:"kind"`
	Rule      string     `json:"rule"`
	Title     string     `json:"title"`
	Because   string     `json:"because"`
	Text      string     `json:"text"`
	Questions []string   `json:"questions"`
	MaxAgeS   float64    `json:"max_age_s"`
	Sketch    jsonSketch `json:"sketch"`
	Facts     []string   `json:"facts"`
}

type jsonRanked struct {
	Option   string   `json:"option"`
	Title    string   `json:"title"`
	Score    int      `json:"score"`
	Viable   bool     `json:"viable"`
	Summary  string   `json:"summary"`
	Pros     []string `json:"pros"`
	Cons     []string `json:"cons"`
	RuledOut string   `json:"ruled_out,omitempty"`
	For      []string `json:"for,omitempty"`     // added in v1
	Against  []string `json:"against,omitempty"` // added in v1
}

type jsonReason struct {
	Rule      string             `json:"rule"`
	Text      string             `json:"text"`
	Questions []string           `json:"questions"`
	Effect    string             `json:"effect"`
	Title     string             `json:"title,omitempty"`   // added in v1
	Because   string             `json:"because,omitempty"` // added in v1
	Effects   []jsonReasonEffect `json:"effects,omitempty"` // added in v1
	Facts     []string           `json:"facts,omitempty"`   // added in v1
}

type jsonReasonEffect struct {
	Option  string `json:"option"`
	Score   int    `json:"score"`
	RuleOut bool   `json:"rule_out,omitempty"`
	Prefer  bool   `json:"prefer,omitempty"`
	Text    string `json:"text,omitempty"`
}

type jsonFlip struct {
	Question  string `json:"question"`
	From      any    `json:"from"`
	To        any    `json:"to"`
	Primary   string `json:"primary"`
	Text      string `json:"text"`
	LeastBad  bool   `json:"least_bad,omitempty"` // optional: added in v1
	Threshold string `json:"threshold,omitempty"` // added in v1
	Answered  *bool  `json:"answered,omitempty"`  // added in v1
}

type jsonWarning struct {
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Questions []string `json:"questions"`
	Level     string   `json:"level,omitempty"` // added in v1
	Facts     []string `json:"facts,omitempty"` // added in v1
}

type jsonSketch struct {
	Language string `json:"language"`
	Code     string `json:"code"`
	Note     string `json:"note,omitempty"` // added in v1
}

type jsonCost struct {
	Option        string         `json:"option"`
	Plan          string         `json:"plan"`
	MonthlyUSD    float64        `json:"monthly_usd"`
	AsOf          string         `json:"as_of"`
	Source        string         `json:"source"`
	Lines         []jsonCostLine `json:"lines"`
	Design        string         `json:"design,omitempty"`         // added in v1
	Layer         string         `json:"layer,omitempty"`          // added in v1
	ObjectsNeeded float64        `json:"objects_needed,omitempty"` // added in v1
	Viable        *bool          `json:"viable,omitempty"`         // added in v1
	Sources       []string       `json:"sources,omitempty"`        // added in v1
}

type jsonCostLine struct {
	Item         string  `json:"item"`
	Quantity     float64 `json:"quantity"`
	Unit         string  `json:"unit"`
	Included     float64 `json:"included"`
	UnitPriceUSD float64 `json:"unit_price_usd"`
	PerUnits     float64 `json:"per_units"`
	USD          float64 `json:"usd"`
	Arithmetic   string  `json:"arithmetic"`
	Layer        bool    `json:"layer,omitempty"` // added in v1
}

type jsonProvider struct {
	Platform   string `json:"platform"`
	Equivalent string `json:"equivalent"`
}

type jsonSource struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Source string `json:"source"`
	AsOf   string `json:"as_of"`
}

// JSON renders d as the versioned JSON report: two-space indented, map keys
// sorted, empty lists as [] rather than null, so the same Doc gives the
// same bytes and consumers need no null checks. Sources are listed once at
// the top level; each recommendation refers to them by id.
func JSON(d Doc) []byte {
	doc := jsonDoc{
		Version: JSONVersion, Kind: "kvdo.report", Title: d.title(), Date: d.Date,
		Status: d.status(), DecidedBy: orEmpty(d.DecidedBy), AnswersFile: d.answersFile(),
		Questions: []jsonQuestion{}, Items: []jsonItem{}, Sources: []jsonSource{},
	}
	asked := map[string]bool{}
	for _, e := range d.Entries {
		for id := range e.Item.Answers {
			asked[id] = true
		}
	}
	for _, q := range d.Questions {
		if asked[q.ID] {
			doc.Questions = append(doc.Questions, jsonQuestion(q))
			delete(asked, q.ID) // a question listed twice appears once
		}
	}
	for _, e := range d.Entries {
		it := jsonItem{
			Name: e.Item.Name, Notes: e.Item.Notes,
			Answers:        answersOrEmpty(e.Item.Answers),
			Recommendation: toJSONRec(e.Recommendation),
		}
		if d.hasEvidence(e) {
			it.Evidence = e.Evidence
		}
		doc.Items = append(doc.Items, it)
	}
	if d.Evidence != nil {
		rerun := strings.Replace(d.rerun("NAME"), " --item NAME", "", 1)
		doc.Evidence = &jsonEvidenceRun{Seed: d.Evidence.Seed, DurationS: d.Evidence.Duration.Seconds(), PoPs: d.Evidence.PoPs, Rerun: rerun}
	}
	for _, s := range d.sources() {
		doc.Sources = append(doc.Sources, jsonSource{s.ID, s.Text, s.Source, s.AsOf})
	}
	// Encoded compact and indented as the encoder hands it over, into a
	// buffer sized once: the encoder's own indentation grows another copy
	// by doubling, which was two thirds of the bytes `kvdo advise --format
	// json` allocated, and a short-lived process pays for fresh memory in
	// page faults.
	var out bytes.Buffer
	enc := json.NewEncoder(indenter{&out})
	// Readable "<" and "&" in code sketches; the JSON is never inlined in HTML.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		// Only a non-finite float or an exotic answer value can get here;
		// the advisor produces neither, so this is a programming error.
		panic("report: encoding JSON: " + err.Error())
	}
	return out.Bytes()
}

// indenter indents each JSON value written to it (json.Encoder writes a
// whole value at once) into a buffer, two spaces a level.
type indenter struct{ out *bytes.Buffer }

func (w indenter) Write(b []byte) (int, error) {
	if err := json.Indent(w.out, b, "", "  "); err != nil {
		return 0, err
	}
	return len(b), nil
}

func toJSONRec(r advisor.Recommendation) jsonRec {
	out := jsonRec{
		Primary: string(r.Primary), Title: optionTitle(r, r.Primary),
		Confidence: r.Confidence, ConfidenceBasis: r.ConfidenceBasis, ConfidenceText: r.ConfidenceText,
		RunnerUp: string(r.RunnerUp), Design: r.Design, Kind: r.Kind, KindInferred: r.KindInferred,
		Summary: r.Summary,
		Ranking: []jsonRanked{}, Reasons: []jsonReason{}, Flips: []jsonFlip{},
		Warnings: []jsonWarning{}, Pitfalls: orEmpty(r.Pitfalls), Checklist: orEmpty(r.Checklist),
		Sketch: jsonSketch{r.Sketch.Language, r.Sketch.Code, r.Sketch.Note}, Costs: []jsonCost{}, Providers: []jsonProvider{},
		Sources: []string{},
	}
	if l := r.Layer; l != nil {
		out.Layer = &jsonLayer{Kind: l.Kind, Rule: l.Rule, Title: l.Title, Because: l.Because, Text: l.Text,
			Questions: orEmpty(l.Questions), MaxAgeS: l.MaxAgeS, Sketch: jsonSketch{l.Sketch.Language, l.Sketch.Code, l.Sketch.Note},
			Facts: orEmpty(l.Facts)}
	}
	for _, o := range r.Ranking {
		out.Ranking = append(out.Ranking, jsonRanked{
			Option: string(o.Option), Title: o.Title, Score: o.Score, Viable: o.Viable,
			Summary: o.Summary, Pros: orEmpty(o.Pros), Cons: orEmpty(o.Cons), RuledOut: o.RuledOut,
			For: o.For, Against: o.Against,
		})
	}
	for _, rs := range r.Reasons {
		jr := jsonReason{Rule: rs.Rule, Text: rs.Text, Questions: orEmpty(rs.Questions), Effect: rs.Effect,
			Title: rs.Title, Because: rs.Because, Facts: rs.Facts}
		for _, e := range rs.Effects {
			jr.Effects = append(jr.Effects, jsonReasonEffect{string(e.Option), e.Score, e.RuleOut, e.Prefer, e.Text})
		}
		out.Reasons = append(out.Reasons, jr)
	}
	for _, f := range r.Flips {
		jf := jsonFlip{Question: f.Question, From: f.From, To: f.To, Primary: string(f.Primary), Text: f.Text,
			LeastBad: f.LeastBad, Threshold: f.Threshold}
		if f.Threshold != "" {
			answered := f.Answered
			jf.Answered = &answered
		}
		out.Flips = append(out.Flips, jf)
	}
	for _, w := range r.Warnings {
		out.Warnings = append(out.Warnings, jsonWarning{w.ID, w.Text, orEmpty(w.Questions), w.Level, w.Facts})
	}
	for _, c := range r.Costs {
		jc := jsonCost{Option: string(c.Option), Plan: c.Plan, MonthlyUSD: c.MonthlyUSD,
			AsOf: c.AsOf, Source: c.Source, Lines: []jsonCostLine{},
			Design: c.Design, Layer: c.Layer, ObjectsNeeded: c.ObjectsNeeded, Sources: c.Sources}
		if c.Design != "" {
			viable := c.Viable
			jc.Viable = &viable
		}
		for _, l := range c.Lines {
			jc.Lines = append(jc.Lines, jsonCostLine{l.Item, l.Quantity, l.Unit, l.Included,
				l.UnitPrice, l.PerUnits, l.USD, l.Arithmetic, l.Layer})
		}
		out.Costs = append(out.Costs, jc)
	}
	for _, p := range r.Providers {
		out.Providers = append(out.Providers, jsonProvider{p.Platform, p.Equivalent})
	}
	for _, s := range r.Sources {
		out.Sources = append(out.Sources, s.ID)
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func answersOrEmpty(a advisor.Answers) map[string]any {
	if a == nil {
		return map[string]any{}
	}
	return a
}

// Schema is the JSON Schema (draft 2020-12) of the JSON report, embedded so
// tools and tests validate against the very file the repository documents.
//
//go:embed schema/report.v1.schema.json
var Schema []byte
