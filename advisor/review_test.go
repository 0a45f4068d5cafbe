package advisor

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kvdo/kvdo/content"
)

const seatCounter = `version: 1
title: Checkout platform state review
decided_by: [Ana, Ravi]
items:
  - name: seat-counter
    notes: free text
    answers:
      read_your_writes: true
      concurrent_writers: true
      atomic_update: true
      staleness_tolerance_s: 0
      reads_per_s: 300
      writes_per_s_per_key: 40
      value_bytes: 64
      reader_regions: global
      read_latency_budget_ms: 50
      expires: false
      audit_trail: false
`

func TestTheProductExampleParses(t *testing.T) {
	r, err := ParseReview("review.yaml", []byte(seatCounter), pack(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.Title != "Checkout platform state review" || len(r.DecidedBy) != 2 || len(r.Items) != 1 {
		t.Fatalf("%+v", r)
	}
	a := r.Items[0].Answers
	if a["reads_per_s"] != 300.0 || a["value_bytes"] != 64.0 || a["reader_regions"] != "global" || a["read_your_writes"] != true {
		t.Errorf("answers %#v: numbers must be float64, choices strings", a)
	}
	if len(a) != 11 {
		t.Errorf("%d answers, want 11", len(a))
	}
}

func TestMissingOptionalAnswersGetNoEntry(t *testing.T) {
	src := strings.Replace(seatCounter, "      read_latency_budget_ms: 50\n      expires: false\n      audit_trail: false\n", "", 1)
	r, err := ParseReview("review.yaml", []byte(src), pack(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"read_latency_budget_ms", "expires", "audit_trail"} {
		if _, ok := r.Items[0].Answers[id]; ok {
			t.Errorf("%s has an entry though unanswered", id)
		}
	}
}

var positioned = regexp.MustCompile(`^review\.yaml:[1-9][0-9]*:[1-9][0-9]*: `)

func TestAnswersFileErrorsNameFileLineColumnAndTheExpectedForm(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"malformed YAML", "items:\n", "items: [\n", "review.yaml:4:1: malformed YAML"},
		{"a tab in the indentation", "    notes: free text", "  \tnotes: free text", "review.yaml:6:3: malformed YAML: found a tab character that violates indentation: expected spaces for indentation, not a tab"},
		{"an unknown top-level key", "title:", "owner: me\ntitle:", `review.yaml:2:1: unknown field "owner": expected one of decided_by, items, title, version`},
		{"an unknown answer", "      expires: false", "      colour: blue", `review.yaml:17:7: unknown question "colour": expected one of read_your_writes`},
		{"a number for a bool", "read_your_writes: true", "read_your_writes: 1", `review.yaml:8:25: read_your_writes: "1": expected true or false`},
		{"a string for a number", "reads_per_s: 300", "reads_per_s: lots", `review.yaml:12:20: reads_per_s: "lots": expected a number >= 0 and <= 1000000000 (reads/s)`},
		{"a negative staleness", "staleness_tolerance_s: 0", "staleness_tolerance_s: -5", `review.yaml:11:30: staleness_tolerance_s: "-5": expected a number >= 0 and <= 31536000 (s)`},
		{"a fraction of a byte", "value_bytes: 64", "value_bytes: 64.5", `review.yaml:14:20: value_bytes: "64.5": expected a whole number >= 0 and <= 5000000000000 (bytes)`},
		{"a huge number", "reads_per_s: 300", "reads_per_s: 99999999999999999999", `review.yaml:12:20: reads_per_s: "99999999999999999999": expected a number >= 0 and <= 1000000000 (reads/s)`},
		{"the largest float", "writes_per_s_per_key: 40", "writes_per_s_per_key: 1.7e308", `review.yaml:13:29: writes_per_s_per_key: "1.7e308": expected a number >= 0 and <= 1000000000 (writes/s)`},
		{"infinity", "staleness_tolerance_s: 0", "staleness_tolerance_s: .inf", `review.yaml:11:30: staleness_tolerance_s: ".inf": expected a number >= 0 and <= 31536000 (s)`},
		{"not a number", "staleness_tolerance_s: 0", "staleness_tolerance_s: .nan", `review.yaml:11:30: staleness_tolerance_s: ".nan": expected a number`},
		{"a region that is not a choice", "reader_regions: global", "reader_regions: europe", `review.yaml:15:23: reader_regions: "europe": expected one of one, few, global`},
		{"a zero latency budget", "read_latency_budget_ms: 50", "read_latency_budget_ms: 0", `expected a number > 0 and <= 60000 (ms)`},
		{"a list for a bool", "expires: false", "expires: [false]", `review.yaml:17:16: expires: "a list": expected true or false`},
		{"an answer given twice", "      expires: false", "      expires: false\n      expires: true", `review.yaml:18:7: expires is answered twice`},
		{"a missing required answer", "      reader_regions: global\n", "", `review.yaml:8:7: missing answer reader_regions: expected one of one, few, global`},
		{"a missing version", "version: 1\n", "", `review.yaml:1:1: missing field "version": expected version: 1`},
		{"version 2", "version: 1", "version: 2", `review.yaml:1:10: version 2: expected version: 1`},
		{"no items", "items:\n  - name: seat-counter", "items: []\nold:\n  - name: seat-counter", `unknown field "old"`},
		{"a duplicate item name", "", "", `review.yaml:19:5: item name "seat-counter" is used twice (first at line 5)`},
		{"an item without a name", "  - name: seat-counter\n    notes: free text\n", "  - notes: free text\n", `review.yaml:5:5: missing field "name": expected name: a short unique name`},
		{"answers that are not a mapping", "    answers:\n      read_your_writes: true", "    answers: yes\n    x:\n      read_your_writes: true", `unknown field "x"`},
	}
	p := pack(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(seatCounter, c.from, c.to, 1)
			if c.from == "" {
				// The same item twice.
				src = seatCounter + seatCounter[strings.Index(seatCounter, "items:\n")+len("items:\n"):]
			}
			if src == seatCounter {
				t.Fatalf("test edit %q did not apply", c.from)
			}
			_, err := ParseReview("review.yaml", []byte(src), p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v\nwant one containing %q", err, c.want)
			}
			var pe *content.PosError
			if !errors.As(err, &pe) || !positioned.MatchString(err.Error()) {
				t.Errorf("error %q is not a *content.PosError with file:line:col", err)
			}
		})
	}
	t.Run("a missing required field says what is expected", func(t *testing.T) {
		for _, c := range []struct{ name, src, want string }{
			{"version", "items:\n  - name: a\n    answers: {}\n", `review.yaml:1:1: missing field "version": expected version: 1`},
			{"items", "version: 1\ntitle: t\n", `review.yaml:1:1: missing field "items": expected items: a list of one or more items (- name: ..., answers: {...})`},
			{"an item's answers", "version: 1\nitems:\n  - name: a\n    notes: n\n", `review.yaml:3:5: missing field "answers": expected answers: a mapping of question id to answer, e.g. read_your_writes: true`},
		} {
			_, err := ParseReview("review.yaml", []byte(c.src), p)
			var pe *content.PosError
			if err == nil || strings.Split(err.Error(), "\n")[0] != c.want || !errors.As(err, &pe) {
				t.Errorf("%s: error %v\nwant first %s", c.name, err, c.want)
			}
		}
	})
	t.Run("an empty item list", func(t *testing.T) {
		_, err := ParseReview("review.yaml", []byte("version: 1\nitems: []\n"), p)
		if err == nil || err.Error() != "review.yaml:2:8: items: expected at least one item (- name: ..., answers: {...})" {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a second document after ---", func(t *testing.T) {
		_, err := ParseReview("review.yaml", []byte(seatCounter+"---\nversion: 1\n"), p)
		if err == nil || !strings.HasPrefix(err.Error(), "review.yaml:20:1: a second YAML document: expected one document") {
			t.Errorf("error %v", err)
		}
		for _, ok := range []string{"---\n" + seatCounter, seatCounter + "---\n", seatCounter + "...\n"} {
			if _, err := ParseReview("review.yaml", []byte(ok), p); err != nil {
				t.Errorf("document markers around one document: %v", err)
			}
		}
	})
	t.Run("answers that are a scalar", func(t *testing.T) {
		_, err := ParseReview("review.yaml", []byte("version: 1\nitems:\n  - name: a\n    answers: yes\n"), p)
		if err == nil || !strings.HasPrefix(err.Error(), "review.yaml:4:14: answers: expected a mapping") {
			t.Errorf("error %v", err)
		}
	})
}

// FuzzParseReview: any bytes either parse into answers the engine can
// evaluate and encode, or fail with a *content.PosError with a position.
func FuzzParseReview(f *testing.F) {
	p, err := content.LoadDefault()
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(seatCounter))
	f.Add([]byte("version: 1\nitems:\n  - name: a\n    answers: &x {reads_per_s: *x}\n"))
	f.Add([]byte("version: 1\nitems:\n  - name: a\n    answers: {read_your_writes: false, concurrent_writers: false, atomic_update: false, staleness_tolerance_s: 1e308, reads_per_s: 1.7e308, writes_per_s_per_key: 0x10, value_bytes: 1_000, reader_regions: few}\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReview("f.yaml", data, p)
		if err != nil {
			var pe *content.PosError
			if !errors.As(err, &pe) || pe.Pos.Line < 1 || pe.Pos.Col < 1 || pe.File != "f.yaml" {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		// Names are kept as the interview would type them back: in
		// normal form C, nothing invisible, within the limits.
		names := append([]string{r.Title}, r.DecidedBy...)
		for _, it := range r.Items {
			names = append(names, it.Name)
		}
		for _, n := range names {
			if got, problem := content.NormalName(n); problem != "" || got != n {
				t.Fatalf("name %q was accepted: %s", n, problem)
			}
		}
		if len(r.Items) > content.MaxItems {
			t.Fatalf("%d items accepted", len(r.Items))
		}
		for _, rec := range EvaluateReview(p, r) {
			if _, err := json.Marshal(rec); err != nil {
				t.Fatalf("recommendation does not encode: %v", err)
			}
		}
	})
}

// FuzzParseAnswer: an answer typed in the interview is refused with a
// message, or is a value of its question's type within its range.
func FuzzParseAnswer(f *testing.F) {
	p, err := content.LoadDefault()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"300", "-1", ".nan", "!!float +Inf", "1e400", "25MiB", "1e30TiB", "yes", "few", "\x1b[2J", "*a", "&a [*a]", "0x7fffffffffffffff"} {
		f.Add(uint8(4), s)
		f.Add(uint8(7), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		q := &p.Questions[int(which)%len(p.Questions)]
		v, err := ParseAnswer(p, q.ID, text)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty message")
			}
			return
		}
		switch x := v.(type) {
		case bool:
			if q.Type != content.TypeBool {
				t.Fatalf("%s: a bool for a %s question", q.ID, q.Type)
			}
		case string:
			if q.Type != content.TypeChoice || !slices.Contains(q.Options, x) {
				t.Fatalf("%s: %q is not one of its options", q.ID, x)
			}
		case float64:
			if !q.Numeric() || !q.InRange(x) || x != x || x > content.MaxFigure || x < -content.MaxFigure {
				t.Fatalf("%s: %v accepted", q.ID, x)
			}
		default:
			t.Fatalf("%s: %T accepted", q.ID, v)
		}
	})
}

func TestARequiredQuestionIsOnlyRequiredWhenItsAskIfHolds(t *testing.T) {
	good, err := fs.ReadFile(contentFS(t), content.QuestionsFile)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(good), "    required: false\n    ask_if: {question: reader_regions", "    required: true\n    ask_if: {question: reader_regions", 1)
	if src == string(good) {
		t.Fatal("edit did not apply")
	}
	p, err := content.Load(fstest.MapFS{content.QuestionsFile: {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	noBudget := strings.Replace(seatCounter, "      read_latency_budget_ms: 50\n", "", 1)
	if _, err := ParseReview("review.yaml", []byte(noBudget), p); err == nil || !strings.Contains(err.Error(), "missing answer read_latency_budget_ms") {
		t.Errorf("global readers without a budget: %v", err)
	}
	oneRegion := strings.Replace(noBudget, "reader_regions: global", "reader_regions: one", 1)
	if _, err := ParseReview("review.yaml", []byte(oneRegion), p); err != nil {
		t.Errorf("readers in one region need no budget: %v", err)
	}
}

// contentFS is the repository's content directory; a test may read the
// shipped files from disk, the advisor itself never does.
func contentFS(t *testing.T) fs.FS {
	t.Helper()
	return os.DirFS("../content")
}

// The template kvdo advise --template prints is an answers file that
// parses as it is, names every question with its unit and range, and each
// optional one, uncommented, still parses.
func TestTheTemplateIsAValidAnswersFileWithEveryQuestion(t *testing.T) {
	p := pack(t)
	tmpl := Template(p)
	r, err := ParseReview("template.yaml", tmpl, p)
	if err != nil {
		t.Fatalf("the template does not parse:\n%v\n%s", err, tmpl)
	}
	if len(r.Items) != 1 || len(r.DecidedBy) != 2 {
		t.Errorf("%+v", r)
	}
	for _, q := range p.Questions {
		if !strings.Contains(string(tmpl), q.Prompt[:min(len(q.Prompt), 40)]) {
			t.Errorf("%s: prompt missing", q.ID)
		}
		if q.Required {
			if _, ok := r.Items[0].Answers[q.ID]; !ok {
				t.Errorf("required %s is not answered", q.ID)
			}
			continue
		}
		if !strings.Contains(string(tmpl), "      # "+q.ID+": ") {
			t.Errorf("optional %s is not offered commented out", q.ID)
		}
	}
	joined := regexp.MustCompile(`\n\s*#\s+`).ReplaceAllString(string(tmpl), " ")
	for _, want := range []string{"(reads/s)", "(bytes), or a size such as 4kB or 25MiB", "(totals)", "busiest single key"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the template does not say %q", want)
		}
	}
	uncommented := regexp.MustCompile(`(?m)^      # ([a-z_]+: .*)$`).ReplaceAll(tmpl, []byte("      $1"))
	if _, err := ParseReview("template.yaml", uncommented, p); err != nil {
		t.Errorf("with every optional answer uncommented: %v", err)
	}
}

// One run reports every problem of a file, in file order, each with its
// position, and suggests the id a typo meant.
func TestEveryProblemInOneRun(t *testing.T) {
	src := `version: 1
decided-by: Ana
items:
  - name: a
    answers:
      read_your_writes: maybe
      concurrent_writers: false
      atomic_update: false
      staleness_tolerance_s: 60
      reads_per_sec: 100
      writes_per_s_per_key: 1
      value_bytes: 4 parsecs
      reader_regions: globl
  - name: a
    answers: {}
`
	_, err := ParseReview("r.yaml", []byte(src), pack(t))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %T %v, want Problems", err, err)
	}
	want := []string{
		`r.yaml:2:1: unknown field "decided-by": did you mean decided_by? expected one of decided_by, items, title, version`,
		`r.yaml:6:7: missing answer reads_per_s: expected a number >= 0 and <= 1000000000 (reads/s)`,
		`r.yaml:6:25: read_your_writes: "maybe": expected true or false`,
		`r.yaml:10:7: unknown question "reads_per_sec": did you mean reads_per_s? expected one of`,
		`r.yaml:12:20: value_bytes: "4 parsecs": expected a whole number >= 0 and <= 5000000000000 (bytes), or a size such as 4kB or 25MiB`,
		`r.yaml:13:23: reader_regions: "globl": did you mean global? expected one of one, few, global`,
		`r.yaml:14:5: item name "a" is used twice (first at line 4): expected unique names`,
	}
	lines := strings.Split(err.Error(), "\n")
	for _, w := range want {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, w) }) {
			t.Errorf("no problem %q in\n%s", w, err)
		}
	}
	if !slices.IsSortedFunc(ps, func(a, b *content.PosError) int { return a.Pos.Line - b.Pos.Line }) {
		t.Errorf("problems out of file order:\n%s", err)
	}
	var pe *content.PosError
	if !errors.As(err, &pe) || pe.Pos.Line != 2 {
		t.Errorf("errors.As finds %+v, want the first problem", pe)
	}
}

func TestSizesAndADecisionMakerAsOneString(t *testing.T) {
	src := strings.Replace(strings.Replace(seatCounter, "value_bytes: 64", "value_bytes: 25MiB", 1), "decided_by: [Ana, Ravi]", "decided_by: Ana Lima", 1)
	r, err := ParseReview("review.yaml", []byte(src), pack(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Items[0].Answers["value_bytes"]; got != float64(25<<20) {
		t.Errorf("value_bytes %v, want 26214400", got)
	}
	if !slices.Equal(r.DecidedBy, []string{"Ana Lima"}) {
		t.Errorf("decided_by %q", r.DecidedBy)
	}
	for _, bad := range []string{"value_bytes: 1.5B", "value_bytes: 6TiB"} {
		if _, err := ParseReview("review.yaml", []byte(strings.Replace(seatCounter, "value_bytes: 64", bad, 1)), pack(t)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
