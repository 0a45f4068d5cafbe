package app_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/internal/app"
)

func pack(t testing.TB) *content.Pack {
	t.Helper()
	p, err := app.LoadPack("")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func exampleReview(t testing.TB) advisor.Review {
	t.Helper()
	data, err := os.ReadFile("../../examples/review.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := advisor.ParseReview("review.yaml", data, pack(t))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestParseAnswerChecksAsTheAnswersFileDoes types the same texts as
// answers in the interview and in an answers file, for every question of
// the pack: same value, or same message.
func TestParseAnswerChecksAsTheAnswersFileDoes(t *testing.T) {
	p := pack(t)
	inputs := []string{"abc", "-1", "0", "1", "0.5", "1e30", "300", "1_000", "0x10", "yes", "no", "true", "false",
		"global", "few", "one", `"300"`, "'true'", "~", "[1]", "{a: 1}", "12 # a comment", "5000000000001", "60001"}
	checked := 0
	for _, q := range p.Questions {
		for _, in := range inputs {
			t.Run(q.ID+"="+in, func(t *testing.T) {
				got, gotErr := advisor.ParseAnswer(p, q.ID, in)
				file := fmt.Sprintf("version: 1\nitems:\n  - name: x\n    answers:\n      %s: %s\n", q.ID, in)
				r, fileErr := advisor.ParseDraft("f.yaml", []byte(file), p)
				var pe *content.PosError
				if fileErr != nil && !errors.As(fileErr, &pe) {
					t.Skipf("the file does not parse as YAML: %v", fileErr)
				}
				switch {
				case gotErr == nil && fileErr == nil:
					if want := r.Items[0].Answers[q.ID]; got != want {
						t.Errorf("ParseAnswer = %#v, the file gives %#v", got, want)
					}
				case gotErr != nil && fileErr != nil:
					if gotErr.Error() != pe.Msg {
						t.Errorf("ParseAnswer says %q, the file loader %q", gotErr, pe.Msg)
					}
				default:
					t.Errorf("ParseAnswer: %v, %v; the file: %v", got, gotErr, fileErr)
				}
				checked++
			})
		}
	}
	if checked < len(p.Questions)*len(inputs)/2 {
		t.Fatalf("only %d comparisons were made", checked)
	}
}

func TestParseAnswerRejectsTextThatIsNotOneValue(t *testing.T) {
	p := pack(t)
	for _, in := range []string{"", "   ", "1\n2", "[1", "a: b: c"} {
		_, err := advisor.ParseAnswer(p, "reads_per_s", in)
		if err == nil || !strings.Contains(err.Error(), "expected a number >= 0") {
			t.Errorf("%q: %v, want the question's expected form", in, err)
		}
	}
	if _, err := advisor.ParseAnswer(p, "no_such_question", "1"); err == nil || !strings.Contains(err.Error(), "unknown question") {
		t.Errorf("unknown question: %v", err)
	}
}

func TestAReviewWrittenByTheInterviewReadsBackAsTheSameReview(t *testing.T) {
	p := pack(t)
	r := exampleReview(t)
	data := app.MarshalReview(p, r)
	back, err := advisor.ParseReview("saved.yaml", data, p)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("round trip changed the review:\n%#v\n%#v", back, r)
	}
	if !strings.HasPrefix(string(data), "# A kvdo review") {
		t.Errorf("no header:\n%.200s", data)
	}
}

func TestADraftWithMissingAnswersReadsBackButIsNotARecordYet(t *testing.T) {
	p := pack(t)
	r := advisor.Review{Version: 1, Title: "t: with a colon", DecidedBy: []string{"Ana"}, Items: []advisor.Item{
		{Name: "a", Notes: "line one\nline two", Answers: advisor.Answers{"read_your_writes": true, "value_bytes": 64.0, "reader_regions": "few"}},
		{Name: "b", Answers: advisor.Answers{}},
	}}
	path := filepath.Join(t.TempDir(), "draft.yaml")
	if _, err := app.NewSaver(path, p, true).Save(1, r); err != nil {
		t.Fatal(err)
	}
	back, err := app.ReadReview(path, p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("draft round trip:\n%#v\n%#v", back, r)
	}
	data, _ := os.ReadFile(path)
	if _, err := advisor.ParseReview(path, data, p); err == nil || !strings.Contains(err.Error(), "missing answer concurrent_writers") {
		t.Errorf("advise --answers on a draft should name the first missing answer, got %v", err)
	}
}

func TestTheSaverNeverReplacesANewerSnapshotWithAnOlderOne(t *testing.T) {
	p := pack(t)
	path := filepath.Join(t.TempDir(), "r.yaml")
	s := app.NewSaver(path, p, false)
	newer := advisor.Review{Version: 1, Items: []advisor.Item{{Name: "newer", Answers: advisor.Answers{}}}}
	older := advisor.Review{Version: 1, Items: []advisor.Item{{Name: "older", Answers: advisor.Answers{}}}}
	if wrote, err := s.Save(2, newer); err != nil || !wrote {
		t.Fatalf("save 2: %v %v", wrote, err)
	}
	if wrote, err := s.Save(1, older); err != nil || wrote {
		t.Fatalf("save 1 after 2 wrote=%v err=%v", wrote, err)
	}
	r, err := app.ReadReview(path, p)
	if err != nil || r.Items[0].Name != "newer" {
		t.Fatalf("on disk: %v %v", r, err)
	}
}

func TestANewReviewNeverReplacesAFile(t *testing.T) {
	p := pack(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "kvdo-review.yaml")
	if err := os.WriteFile(path, []byte("notes: mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := app.CheckNewReview("--save", path)
	if err == nil || !app.IsBadInput(err) || !strings.Contains(err.Error(), "kvdo advise --resume") {
		t.Errorf("an existing file: %v", err)
	}
	if err := app.CheckNewReview("--save", filepath.Join(dir, "nope", "r.yaml")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing directory: %v", err)
	}
	// A file that appears after the check is not replaced either.
	r := advisor.Review{Version: 1, Items: []advisor.Item{{Name: "x", Answers: advisor.Answers{}}}}
	if _, err := app.NewSaver(path, p, true).Save(1, r); err == nil {
		t.Error("a fresh saver replaced an existing file")
	}
	if b, _ := os.ReadFile(path); string(b) != "notes: mine\n" {
		t.Errorf("the file changed: %q", b)
	}
	if got := app.FreeReviewName(path); got != filepath.Join(dir, "kvdo-review-2.yaml") {
		t.Errorf("FreeReviewName = %s", got)
	}
}

func TestExportWritesEachFormatAndAsksBeforeReplacing(t *testing.T) {
	p := pack(t)
	doc := app.Evaluate(p, exampleReview(t), "review.yaml", "2026-12-01")
	dir := t.TempDir()
	for _, f := range app.FormatNames {
		path := filepath.Join(dir, "r."+f)
		paths, err := app.Export{Format: f, Path: path}.Write(doc)
		if err != nil || len(paths) != 1 {
			t.Fatalf("%s: %v %v", f, paths, err)
		}
		want := app.Formats[f](doc)
		if got, _ := os.ReadFile(path); string(got) != string(want) {
			t.Errorf("%s: the file is not the rendered record", f)
		}
		if _, err := (app.Export{Format: f, Path: path}).Write(doc); !app.IsExists(err) {
			t.Errorf("%s: a second write without Replace: %v", f, err)
		}
		if _, err := (app.Export{Format: f, Path: path, Replace: true}).Write(doc); err != nil {
			t.Errorf("%s: replace: %v", f, err)
		}
	}
	adr := filepath.Join(dir, "docs", "adr")
	paths, err := app.Export{Format: "adr", Path: adr}.Write(doc)
	if err != nil || len(paths) != len(doc.Entries) || filepath.Base(paths[0]) != "0001-session-flag.md" {
		t.Fatalf("adr: %v %v", paths, err)
	}
	paths, err = app.Export{Format: "adr", Path: adr}.Write(doc)
	if err != nil || !strings.HasPrefix(filepath.Base(paths[0]), fmt.Sprintf("%04d-", len(doc.Entries)+1)) {
		t.Errorf("a second adr export should number after the first: %v %v", paths, err)
	}
	if _, err := (app.Export{Format: "pdf", Path: filepath.Join(dir, "x")}).Write(doc); !app.IsBadInput(err) {
		t.Errorf("an unknown format: %v", err)
	}
}

// TestTheLeaningIsTheRecordsVerdict: the panel's evaluation of an item is
// the recommendation the record carries for it, field for field.
func TestTheLeaningIsTheRecordsVerdict(t *testing.T) {
	p := pack(t)
	r := exampleReview(t)
	doc := app.Evaluate(p, r, "review.yaml", "2026-12-01")
	for i, it := range r.Items {
		l := app.Lean(p, it, nil)
		if !reflect.DeepEqual(l.Rec, doc.Entries[i].Recommendation) {
			t.Errorf("%s: the leaning differs from the record", it.Name)
		}
		for _, id := range l.Open {
			if p.Question(id).Required {
				t.Errorf("%s: required question %s is open on a complete item", it.Name, id)
			}
		}
	}
}

func TestTheLeaningSaysWhatTheLastAnswerMoved(t *testing.T) {
	p := pack(t)
	before := app.Lean(p, advisor.Item{Name: "x", Answers: advisor.Answers{}}, nil)
	if before.Answered != 0 || len(before.Open) == 0 {
		t.Fatalf("an item without answers: %+v", before)
	}
	after := app.Lean(p, advisor.Item{Name: "x", Answers: advisor.Answers{"read_your_writes": true}}, &before.Rec)
	if after.Rec.Primary != advisor.DurableObject || !after.Moved || after.Was != before.Rec.Primary {
		t.Errorf("read_your_writes=true should move the leaning to a Durable Object: %+v", after)
	}
	if len(after.Fired) != 1 || after.Fired[0].Rule != "q1-read-your-writes" {
		t.Errorf("fired %v, want q1-read-your-writes", after.Fired)
	}
	back := app.Lean(p, advisor.Item{Name: "x", Answers: advisor.Answers{"read_your_writes": false}}, &after.Rec)
	if len(back.Stopped) != 1 || back.Stopped[0].Rule != "q1-read-your-writes" {
		t.Errorf("stopped %v, want q1-read-your-writes", back.Stopped)
	}
}

func TestPruneDropsAnswersToQuestionsNoLongerAsked(t *testing.T) {
	p := pack(t)
	a := advisor.Answers{"reader_regions": "one", "read_latency_budget_ms": 50.0, "reads_per_s": 1.0}
	if gone := app.Prune(p, a); !reflect.DeepEqual(gone, []string{"read_latency_budget_ms"}) {
		t.Errorf("pruned %v", gone)
	}
	if _, ok := a["read_latency_budget_ms"]; ok || a["reads_per_s"] != 1.0 {
		t.Errorf("after prune: %v", a)
	}
	a = advisor.Answers{"reader_regions": "few", "read_latency_budget_ms": 50.0}
	if gone := app.Prune(p, a); len(gone) != 0 {
		t.Errorf("pruned %v from an asked question", gone)
	}
}

func TestRecentRemembersNewestFirstAndOnlyFilesThatExist(t *testing.T) {
	dir := t.TempDir()
	rec := app.Recent{File: filepath.Join(dir, "cfg", "recent")}
	var files []string
	for i := range 10 {
		f := filepath.Join(dir, fmt.Sprintf("r%d.yaml", i))
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		if err := rec.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Add(files[3]); err != nil {
		t.Fatal(err)
	}
	os.Remove(files[9])
	got := rec.List()
	if len(got) != 7 || got[0] != files[3] || got[1] != files[8] {
		t.Errorf("recent = %v", got)
	}
	if (app.Recent{}).List() != nil || (app.Recent{}).Add("x") != nil {
		t.Error("a disabled list remembers")
	}
}
