package content

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// quotedText is one glossary definition or question prompt/help, with the
// facts its entry cites.
type quotedText struct {
	where string // "glossary term cacheTtl", "question value_bytes help"
	text  string
	facts []string
}

func quotedTexts(p *Pack) []quotedText {
	var out []quotedText
	for _, t := range p.Glossary {
		out = append(out, quotedText{"glossary term " + t.Term + " definition", t.Definition, t.Facts})
	}
	for _, q := range p.Questions {
		out = append(out,
			quotedText{"question " + q.ID + " prompt", q.Prompt, q.Facts},
			quotedText{"question " + q.ID + " help", q.Help, q.Facts})
	}
	return out
}

var anyDigit = regexp.MustCompile(`[0-9]`)

func TestEveryGlossaryOrQuestionTextWithADigitCitesAFact(t *testing.T) {
	for _, q := range quotedTexts(mustLoad(t)) {
		if anyDigit.MatchString(q.text) && len(q.facts) == 0 {
			t.Errorf("%s quotes a figure but lists no facts: %q", q.where, q.text)
		}
	}
}

// A figure is a number that is not part of a name (R2, i18n), with the
// unit written after it, if any: "60 s", "25 MiB", "1,000", "0.5".
var figurePattern = regexp.MustCompile(`(?:^|[^\pL\pN_.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(MiB|KiB|GiB|MB|KB|GB|bytes|ms|seconds|s|minutes)\b)?`)

// unitScale maps a unit to its dimension and its size in that dimension's
// base unit (seconds, bytes). Units kvdo does not convert (requests/s,
// writes/s/key, operations) have no entry and compare as bare numbers.
var unitScale = map[string]struct {
	dim   string
	scale float64
}{
	"ms": {"time", 1e-3}, "s": {"time", 1}, "seconds": {"time", 1}, "minutes": {"time", 60},
	"bytes": {"size", 1}, "KB": {"size", 1e3}, "MB": {"size", 1e6}, "GB": {"size", 1e9},
	"KiB": {"size", 1 << 10}, "MiB": {"size", 1 << 20}, "GiB": {"size", 1 << 30},
}

type figure struct {
	literal string // as written, e.g. "25 MiB"
	number  float64
	unit    string
}

func figuresIn(text string) []figure {
	var out []figure
	for _, m := range figurePattern.FindAllStringSubmatch(text, -1) {
		n, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "")+m[2], 64)
		if err != nil {
			panic(err) // the pattern admits only digits
		}
		lit := m[1] + m[2]
		if m[3] != "" {
			lit += " " + m[3]
		}
		out = append(out, figure{literal: lit, number: n, unit: m[3]})
	}
	return out
}

// matches reports whether fig is f's value once both are in the same base
// unit. A figure with no unit compares with the value as the fact states
// it ("at least 60" against 60 s; "1,000 requests per second" against
// 1000 requests/s).
func (fig figure) matches(f *Fact) bool {
	if f.Value == nil {
		return false
	}
	want := *f.Value
	got := fig.number
	if fig.unit != "" {
		fu, ok1 := unitScale[f.Unit]
		tu, ok2 := unitScale[fig.unit]
		if !ok1 || !ok2 || fu.dim != tu.dim {
			return false
		}
		want, got = want*fu.scale, got*tu.scale
	}
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// unbackedFigures lists the figures of the pack's glossary and question
// texts that no cited fact backs.
func unbackedFigures(p *Pack) []string {
	var bad []string
	for _, q := range quotedTexts(p) {
		for _, fig := range figuresIn(q.text) {
			ok := false
			for _, id := range q.facts {
				if f := p.Fact(id); f != nil && fig.matches(f) {
					ok = true
					break
				}
			}
			if !ok {
				bad = append(bad, fmt.Sprintf("%s: %q is the value of none of its facts %v", q.where, fig.literal, q.facts))
			}
		}
	}
	return bad
}

func TestEveryQuotedFigureIsTheValueOfACitedFact(t *testing.T) {
	p := mustLoad(t)
	for _, msg := range unbackedFigures(p) {
		t.Error(msg)
	}
	// The check must see the figures this test exists for.
	want := map[string][]string{
		"glossary term cacheTtl definition":        {"60 s", "30 s"},
		"glossary term expirationTtl definition":   {"60"},
		"glossary term metadata definition":        {"1024 bytes"},
		"question reads_per_s help":                {"1,000"},
		"question value_bytes help":                {"25 MiB", "2 MB"},
		"question read_latency_budget_ms help":     {"90", "250 ms"},
		"question staleness_tolerance_s help":      {"60 s"},
		"glossary term input gate definition":      nil, // R2 is a name, not a figure
		"question writes_per_s_per_key help":       {"429"},
		"glossary term Workers KV definition":      nil,
		"question read_latency_budget_ms prompt":   nil,
		"question staleness_tolerance_s prompt":    nil,
		"question value_bytes prompt":              nil,
		"question reader_regions help":             nil,
		"question read_your_writes help":           nil,
		"glossary term linearizability definition": nil,
	}
	seen := map[string]bool{}
	for _, q := range quotedTexts(p) {
		w, ok := want[q.where]
		if !ok {
			continue
		}
		seen[q.where] = true
		var got []string
		for _, fig := range figuresIn(q.text) {
			got = append(got, fig.literal)
		}
		if strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("%s: figures %q, want %q", q.where, got, w)
		}
	}
	for where := range want {
		if !seen[where] {
			t.Errorf("no text %s", where)
		}
	}
}

func TestAFigureThatDriftsFromItsFactIsCaught(t *testing.T) {
	cases := []struct {
		name, file, from, to, want string
		n                          int // unbacked figures expected; 0 means 1
	}{
		{"a cacheTtl default that is not the fact's", GlossaryFile, "(default 60 s, minimum 30 s)", "(default 45 s, minimum 30 s)", `cacheTtl definition: "45 s"`, 0},
		{"a size in the wrong unit", QuestionsFile, "value can reach 25 MiB", "value can reach 25 MB", `value_bytes help: "25 MB"`, 0},
		{"a figure whose fact is not cited", QuestionsFile, "facts: [kv-value-max-bytes, do-key-value-max-bytes, r2-for-large-objects]", "facts: [do-key-value-max-bytes, r2-for-large-objects]", `value_bytes help: "25 MiB"`, 0},
		{"a corrected limit the help does not follow", FactsFile, "value: 1000\n    unit: requests/s", "value: 800\n    unit: requests/s", `reads_per_s help: "1,000"`, 2},
		{"a corrected fact the text does not follow", FactsFile, "value: 1024\n    unit: bytes", "value: 2048\n    unit: bytes", `metadata definition: "1024 bytes"`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			good, err := embedded.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			src := strings.Replace(string(good), c.from, c.to, 1)
			if src == string(good) {
				t.Fatalf("test edit %q did not apply", c.from)
			}
			p, err := Load(fstest.MapFS{c.file: {Data: []byte(src)}})
			if err != nil {
				t.Fatal(err)
			}
			bad := unbackedFigures(p)
			if c.n == 0 {
				c.n = 1
			}
			if len(bad) != c.n || !strings.Contains(bad[0], c.want) {
				t.Errorf("unbacked figures %q, want one about %s", bad, c.want)
			}
		})
	}
}
