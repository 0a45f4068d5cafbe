package report

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// exampleDoc is the example review of the repository (examples/
// review.yaml) run through the embedded pack and the advisor, as
// kvdo advise builds it: the records people will read first.
func exampleDoc(t testing.TB) Doc {
	t.Helper()
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../examples/review.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := advisor.ParseReview("examples/review.yaml", data, pack)
	if err != nil {
		t.Fatal(err)
	}
	d := Doc{Title: r.Title, Date: "2026-11-30", DecidedBy: r.DecidedBy, AnswersFile: "examples/review.yaml"}
	for _, q := range pack.Questions {
		d.Questions = append(d.Questions, Question{ID: q.ID, Prompt: q.Prompt, Unit: q.Unit})
	}
	for i, rec := range advisor.EvaluateReview(pack, r) {
		d.Entries = append(d.Entries, Entry{Item: r.Items[i], Recommendation: rec})
	}
	return d
}

// Goldens of the example review: the whole review and each item's record,
// concise and full. A change in the content or the engine shows here as
// a diff to read before -update.
func TestExampleReviewMatchesGolden(t *testing.T) {
	for _, detail := range []string{DetailConcise, DetailFull} {
		t.Run(detail, func(t *testing.T) {
			d := exampleDoc(t)
			d.Detail = detail
			golden.RequireEqual(t, Markdown(d))
		})
		for i, one := range exampleDoc(t).PerItem() {
			one.Detail, one.Number = detail, i+1
			t.Run(detail+"/"+one.Slug(), func(t *testing.T) {
				golden.RequireEqual(t, Markdown(one))
			})
		}
	}
	t.Run("html", func(t *testing.T) { golden.RequireEqual(t, HTML(exampleDoc(t))) })
	t.Run("json", func(t *testing.T) { golden.RequireEqual(t, JSON(exampleDoc(t))) })
}

// The bar of a concise record: one screen of reading, under 80 lines of
// Markdown per item, front matter and sources included.
const conciseLineBar = 80

func TestConciseRecordsFitOneScreen(t *testing.T) {
	for i, one := range exampleDoc(t).PerItem() {
		one.Number = i + 1
		concise := strings.Count(string(Markdown(one)), "\n")
		one.Detail = DetailFull
		full := strings.Count(string(Markdown(one)), "\n")
		t.Logf("%s: %d lines concise, %d full", one.Entries[0].Item.Name, concise, full)
		if concise >= conciseLineBar {
			t.Errorf("%s: %d lines, want under %d", one.Entries[0].Item.Name, concise, conciseLineBar)
		}
		if full <= concise {
			t.Errorf("%s: full detail (%d lines) is no longer than concise (%d)", one.Entries[0].Item.Name, full, concise)
		}
	}
}

func TestExampleJSONValidatesAgainstTheSchema(t *testing.T) {
	s := compileSchema(t)
	for _, d := range []Doc{exampleDoc(t)} {
		v, err := jsonUnmarshal(JSON(d))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("the example review does not match the schema: %v", err)
		}
	}
}

// cheapClaim finds where a record calls an option the cheapest.
var cheapClaim = regexp.MustCompile(`(?i)cheapest[^.]*`)

// No record claims an option is cheapest unless its own cost table
// agrees, in either detail, over a spread of reviews; and the content
// itself makes no such claim (the engine says it only from the figures).
func TestNoRecordClaimsCheapestAgainstItsCostTable(t *testing.T) {
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range pack.Options {
		for _, s := range append(append([]string{o.Summary, o.Description}, o.Strengths...), o.Costs...) {
			if strings.Contains(strings.ToLower(s), "cheapest") {
				t.Errorf("option %s claims to be cheapest whatever the figures: %q", o.ID, s)
			}
		}
	}
	claims := 0
	for _, reads := range []float64{5, 800, 5000} {
		for _, tol := range []float64{10, 60, 600} {
			for _, atomic := range []bool{false, true} {
				for _, entities := range []float64{1, 10000} {
					a := advisor.Answers{"read_your_writes": false, "concurrent_writers": atomic, "atomic_update": atomic,
						"staleness_tolerance_s": tol, "reads_per_s": reads, "writes_per_s_per_key": 0.1, "value_bytes": 2000.0,
						"reader_regions": "global", "entities": entities}
					rec := advisor.Evaluate(pack, advisor.Item{Name: "x", Answers: a})
					for _, detail := range []string{DetailConcise, DetailFull} {
						d := Doc{Detail: detail, Entries: []Entry{{Item: advisor.Item{Name: "x", Answers: a}, Recommendation: rec}}}
						for _, out := range []string{string(Markdown(d)), string(HTML(d))} {
							for _, m := range cheapClaim.FindAllString(out, -1) {
								claims++
								if !isCheapest(rec) {
									t.Errorf("%s record of %v claims %q but the table says otherwise: %+v", rec.Primary, a, m, rec.Costs)
								}
							}
							// A named cheaper option must be cheaper in the table.
							if c := cheapest(rec); c != nil {
								p := primaryCost(rec)
								if c.MonthlyUSD >= p.MonthlyUSD || !strings.Contains(out, estimateText(*c)) {
									t.Errorf("cheaper option %s %v vs %v", c.Option, c.MonthlyUSD, p.MonthlyUSD)
								}
							}
						}
					}
				}
			}
		}
	}
	if claims == 0 {
		t.Fatal("no record in the spread calls its choice the cheapest: the check checked nothing")
	}
}

func jsonUnmarshal(b []byte) (any, error) {
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}
