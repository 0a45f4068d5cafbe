package advisor

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"regexp"
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
		for _, rec := range EvaluateReview(p, r) {
			if _, err := json.Marshal(rec); err != nil {
				t.Fatalf("recommendation does not encode: %v", err)
			}
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
