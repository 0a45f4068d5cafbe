package advisor

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// examCase is one case of testdata/exam.yaml (see its header).
type examCase struct {
	Name          string    `yaml:"name"`
	Answers       yaml.Node `yaml:"answers"`
	Primary       OptionID  `yaml:"primary"`
	Layer         string    `yaml:"layer"`
	MaxAgeS       float64   `yaml:"max_age_s"`
	Basis         string    `yaml:"basis"`
	Confidence    string    `yaml:"confidence"`
	NotConfidence string    `yaml:"not_confidence"`
	Warnings      []string  `yaml:"warnings"`
	NoWarnings    []string  `yaml:"no_warnings"`
	Reasons       []string  `yaml:"reasons"`
	NotReasons    []string  `yaml:"not_reasons"`
	RuledOut      []string  `yaml:"ruled_out"`
	ObjectsNeeded float64   `yaml:"objects_needed"`
	Sketch        []string  `yaml:"sketch"`
	NotSketch     []string  `yaml:"not_sketch"`
	Design        []string  `yaml:"design"`
	Checklist     []string  `yaml:"checklist"`
	Cost          []string  `yaml:"cost"`
	Flips         []struct {
		Question  string   `yaml:"question"`
		Threshold string   `yaml:"threshold"`
		Primary   OptionID `yaml:"primary"`
	} `yaml:"flips"`
}

// shownSketch is the code a record shows: the layered design when there
// is a layer.
func shownSketch(rec Recommendation) string {
	if rec.Layer != nil {
		return rec.Layer.Sketch.Code
	}
	return rec.Sketch.Code
}

func TestExam(t *testing.T) {
	data, err := os.ReadFile("testdata/exam.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var exam struct {
		Cases []examCase `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &exam); err != nil {
		t.Fatal(err)
	}
	if len(exam.Cases) < 10 {
		t.Fatalf("%d cases: the exam file did not load", len(exam.Cases))
	}
	p := pack(t)
	for _, c := range exam.Cases {
		t.Run(c.Name, func(t *testing.T) {
			// The answers go through the answers-file parser, units and all.
			ps := &parser{file: "exam.yaml", pack: p}
			answers := ps.answers(&c.Answers)
			if len(ps.problems) > 0 {
				t.Fatalf("answers: %v", ps.problems)
			}
			rec := Evaluate(p, Item{Name: c.Name, Answers: answers})
			if rec.Primary != c.Primary {
				t.Errorf("primary %s, want %s: %v", rec.Primary, c.Primary, rankingText(rec))
			}
			switch {
			case c.Layer == "none" && rec.Layer != nil:
				t.Errorf("layer %s, want none", rec.Layer.Kind)
			case c.Layer != "" && c.Layer != "none" && (rec.Layer == nil || rec.Layer.Kind != c.Layer):
				t.Errorf("layer %+v, want %s", rec.Layer, c.Layer)
			case c.MaxAgeS != 0 && (rec.Layer == nil || rec.Layer.MaxAgeS != c.MaxAgeS):
				t.Errorf("layer %+v, want max-age %v", rec.Layer, c.MaxAgeS)
			}
			if c.Basis != "" && rec.ConfidenceBasis != c.Basis {
				t.Errorf("basis %s (%s), want %s", rec.ConfidenceBasis, rec.ConfidenceText, c.Basis)
			}
			if c.Confidence != "" && rec.Confidence != c.Confidence {
				t.Errorf("confidence %s (%s), want %s", rec.Confidence, rec.ConfidenceText, c.Confidence)
			}
			if c.NotConfidence != "" && rec.Confidence == c.NotConfidence {
				t.Errorf("confidence %s (%s)", rec.Confidence, rec.ConfidenceText)
			}
			ws := map[string]bool{}
			for _, w := range rec.Warnings {
				ws[w.ID] = true
			}
			for _, id := range c.Warnings {
				if !ws[id] {
					t.Errorf("no warning %s; got %v", id, ws)
				}
			}
			for _, id := range c.NoWarnings {
				if ws[id] {
					t.Errorf("warning %s raised", id)
				}
			}
			for _, id := range c.Reasons {
				if !fired(rec, id) {
					t.Errorf("rule %s did not fire: %v", id, reasonIDs(rec))
				}
			}
			for _, id := range c.NotReasons {
				if fired(rec, id) {
					t.Errorf("rule %s fired", id)
				}
			}
			for _, id := range c.RuledOut {
				if rankedOf(rec, OptionID(id)).Viable {
					t.Errorf("%s is viable: %v", id, rankingText(rec))
				}
			}
			var primaryCost *CostEstimate
			for i := range rec.Costs {
				if rec.Costs[i].Option == rec.Primary {
					primaryCost = &rec.Costs[i]
				}
			}
			if primaryCost == nil {
				t.Fatal("the primary is not priced")
			}
			if c.ObjectsNeeded != 0 && primaryCost.ObjectsNeeded != c.ObjectsNeeded {
				t.Errorf("objects needed %v, want %v (%s)", primaryCost.ObjectsNeeded, c.ObjectsNeeded, primaryCost.Design)
			}
			var lines []string
			for _, l := range primaryCost.Lines {
				lines = append(lines, l.Arithmetic)
			}
			for _, s := range c.Cost {
				if !strings.Contains(strings.Join(lines, "\n"), s) {
					t.Errorf("no cost line says %q:\n%s", s, strings.Join(lines, "\n"))
				}
			}
			code := shownSketch(rec)
			for _, s := range c.Sketch {
				if !strings.Contains(code, s) {
					t.Errorf("sketch lacks %q:\n%s", s, code)
				}
			}
			for _, s := range c.NotSketch {
				if strings.Contains(code, s) {
					t.Errorf("sketch has %q:\n%s", s, code)
				}
			}
			for _, s := range c.Design {
				if !strings.Contains(rec.Design, s) {
					t.Errorf("design %q lacks %q", rec.Design, s)
				}
			}
			for _, s := range c.Checklist {
				if !slices.ContainsFunc(rec.Checklist, func(x string) bool { return strings.Contains(x, s) }) {
					t.Errorf("checklist lacks %q: %q", s, rec.Checklist)
				}
			}
			for _, want := range c.Flips {
				if !slices.ContainsFunc(rec.Flips, func(f Flip) bool {
					return f.Question == want.Question && f.Threshold == want.Threshold && f.Primary == want.Primary
				}) {
					var got []string
					for _, f := range rec.Flips {
						got = append(got, f.Question+" "+f.Threshold+" -> "+string(f.Primary))
					}
					t.Errorf("no flip %s %s -> %s; got %q", want.Question, want.Threshold, want.Primary, got)
				}
			}
		})
	}
}
