package advisor

import (
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/internal/hostile"
)

// Every answers file of the hostile corpus (testdata/hostile/answers and
// the generated ones: 20,000 items, a 10 MB string, 10,001-deep nesting,
// binary junk) is refused with its message at file:line:col, or, for the
// few that are valid, read and evaluated.
func TestHostileAnswersFilesAreRefusedWithAPosition(t *testing.T) {
	cases, err := hostile.AnswersFiles("..")
	if err != nil {
		t.Fatal(err)
	}
	p := pack(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			r, err := ParseReview("review.yaml", c.Data, p)
			if c.Exit == 0 {
				if err != nil {
					t.Fatalf("a valid file was refused: %v", err)
				}
				EvaluateReview(p, r)
				return
			}
			if err == nil {
				t.Fatal("the file was accepted")
			}
			if !strings.Contains(err.Error(), c.Want) {
				t.Errorf("error:\n%v\nwant one containing %q", err, c.Want)
			}
			var pe *content.PosError
			if !errors.As(err, &pe) {
				t.Errorf("error %v is not a *content.PosError", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !positioned.MatchString(line) {
					t.Errorf("line %q does not start with review.yaml:line:col", line)
				}
			}
		})
	}
}

// Issue 14: names that differ only by a zero-width character or by
// Unicode normalisation were distinct items. A name is kept in normal
// form C, and one with a character nobody can see is refused.
func TestNamesAreNormalisedAndInvisibleCharactersRefused(t *testing.T) {
	src := "version: 1\ntitle: \"Cafe\\u0301 review\"\ndecided_by: \"Ame\\u0301lie\"\nitems:\n  - name: \"cafe\\u0301\"\n    answers: {read_your_writes: false, concurrent_writers: false, atomic_update: false, staleness_tolerance_s: 60, reads_per_s: 10, writes_per_s_per_key: 0.01, value_bytes: 100, reader_regions: one}\n"
	r, err := ParseReview("review.yaml", []byte(src), pack(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Items[0].Name != "caf\u00e9" || r.Title != "Caf\u00e9 review" || r.DecidedBy[0] != "Am\u00e9lie" {
		t.Errorf("name %q, title %q, decided_by %q: want each in normal form C", r.Items[0].Name, r.Title, r.DecidedBy)
	}
}

// Issue 14: a NaN month made advise die of a stack overflow in this
// formatter. The loader now refuses NaN, and the formatter no longer
// recurses on one.
func TestTheFigureFormatterEndsOnNaNAndInfinities(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := num(f); got == "" {
			t.Errorf("num(%v) is empty", f)
		}
		_ = money(f)
	}
}

// Issue 14: +Inf on a unit price made the JSON encoder panic. The loader
// now bounds every figure; this holds the bounds to their purpose: a pack
// with every price at its largest (the highest unit price, per one unit,
// nothing included) and a month at its longest, asked the largest rates
// and sizes every question allows, still gives figures JSON can encode.
func TestAPackAtItsLimitsGivesFiniteRecords(t *testing.T) {
	read := func(name string) string {
		b, err := fs.ReadFile(contentFS(t), name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	pricing := regexp.MustCompile(`unit_price_usd: [0-9.]+`).ReplaceAllString(read(content.PricingFile), "unit_price_usd: 1000000")
	pricing = regexp.MustCompile(`per_units: [0-9]+`).ReplaceAllString(pricing, "per_units: 1")
	pricing = regexp.MustCompile(`included: [0-9.]+`).ReplaceAllString(pricing, "included: 0")
	facts := strings.Replace(read(content.FactsFile), "value: 2592000", "value: 2678400", 1)
	p, err := content.Load(fstest.MapFS{content.PricingFile: {Data: []byte(pricing)}, content.FactsFile: {Data: []byte(facts)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, extreme := range []func(q content.Question) any{
		func(q content.Question) any { return *q.Max },
		func(q content.Question) any { return *q.Min },
	} {
		a := Answers{}
		for _, q := range p.Questions {
			switch {
			case q.Numeric() && q.Max != nil && q.Min != nil:
				a[q.ID] = extreme(q)
			case q.Type == content.TypeBool:
				a[q.ID] = true
			case q.Type == content.TypeChoice:
				a[q.ID] = q.Options[len(q.Options)-1]
			}
		}
		for _, rec := range EvaluateReview(p, Review{Version: 1, Items: []Item{{Name: "x", Answers: a}}}) {
			if _, err := json.Marshal(rec); err != nil {
				t.Fatalf("answers %v: the recommendation does not encode: %v", a, err)
			}
		}
	}
}
