package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/report"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const exampleReview = "../../examples/review.yaml"

// exampleItems are the item names of examples/review.yaml, in file order.
var exampleItems = []string{"session-flag", "login-rate-limiter", "feature-flags", "event-poster", "seat-counter"}

func adviseOK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runCapture(t, append([]string{"advise", "--answers", exampleReview, "--date", "2026-11-24"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	return out
}

func TestAdviseRendersTheExampleReviewInEachFormat(t *testing.T) {
	t.Run("markdown is the default", func(t *testing.T) {
		out := adviseOK(t)
		if !strings.HasPrefix(out, "---\nstatus: proposed\ndate: \"2026-11-24\"\ndecision-makers: Ana Lima, Ravi Menon\n---\n\n# Ticketing site edge state review\n") {
			t.Errorf("no MADR front matter and title:\n%.300s", out)
		}
		for _, name := range exampleItems {
			if !strings.Contains(out, "\n## "+name+": ") {
				t.Errorf("no section for %s", name)
			}
		}
	})
	t.Run("json validates against the schema", func(t *testing.T) {
		out := adviseOK(t, "--format", "json")
		schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.Schema))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("report.json", schemaDoc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile("report.json")
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("does not match report.v1.schema.json: %v", err)
		}
		var doc struct {
			Version int `json:"version"`
			Items   []struct {
				Name           string `json:"name"`
				Recommendation struct {
					Primary string `json:"primary"`
				} `json:"recommendation"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, it := range doc.Items {
			names = append(names, it.Name)
			if it.Recommendation.Primary == "" {
				t.Errorf("%s has no primary option", it.Name)
			}
		}
		if doc.Version != 1 || !slices.Equal(names, exampleItems) {
			t.Errorf("version %d, items %v", doc.Version, names)
		}
	})
	t.Run("html is one page", func(t *testing.T) {
		out := adviseOK(t, "--format", "html")
		if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.HasSuffix(out, "</html>\n") {
			t.Errorf("not a whole HTML page")
		}
		for _, name := range exampleItems {
			if !strings.Contains(out, "<h2>"+name+": ") {
				t.Errorf("no section for %s", name)
			}
		}
	})
}

func TestAdviseGivesTheSameBytesForTheSameInput(t *testing.T) {
	for _, f := range []string{"md", "json", "html"} {
		if a, b := adviseOK(t, "--format", f), adviseOK(t, "--format", f); a != b {
			t.Errorf("%s differs between two runs", f)
		}
	}
}

func TestAdviseSeatCounterNeedsADurableObject(t *testing.T) {
	var doc struct {
		Items []struct {
			Name           string
			Recommendation struct{ Primary string }
		}
	}
	if err := json.Unmarshal([]byte(adviseOK(t, "--format", "json")), &doc); err != nil {
		t.Fatal(err)
	}
	for _, it := range doc.Items {
		if it.Name == "seat-counter" && it.Recommendation.Primary != "durable-object" && it.Recommendation.Primary != "do-plus-kv" {
			t.Errorf("seat-counter: %s, want a Durable Object as its writer", it.Recommendation.Primary)
		}
	}
}

// dirNames lists dir, so tests can check nothing else (no temporary file)
// was left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestAdviseOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "review.html")

	t.Run("writes the record and says where", func(t *testing.T) {
		stdout := adviseOK(t, "--format", "html", "-o", out)
		if stdout != "wrote "+out+"\n" {
			t.Errorf("stdout %q", stdout)
		}
		b, err := os.ReadFile(out)
		if err != nil || !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) {
			t.Fatalf("%s: %v %.40q", out, err, b)
		}
		if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", st.Mode().Perm())
		}
		if got := dirNames(t, dir); !slices.Equal(got, []string{"review.html"}) {
			t.Errorf("directory holds %v: a temporary file was left behind", got)
		}
	})
	t.Run("refuses to replace it without --force", func(t *testing.T) {
		if err := os.WriteFile(out, []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCapture(t, "advise", "--answers", exampleReview, "-o", out)
		if code != 2 || !strings.Contains(errs, "file exists; pass --force to replace it") {
			t.Errorf("exit %d: %s", code, errs)
		}
		if b, _ := os.ReadFile(out); string(b) != "keep me" {
			t.Errorf("the file was changed")
		}
	})
	t.Run("replaces it with --force", func(t *testing.T) {
		adviseOK(t, "--format", "json", "-o", out, "--force")
		b, _ := os.ReadFile(out)
		if !bytes.HasPrefix(b, []byte("{\n  \"version\": 1,")) {
			t.Errorf("not replaced: %.40q", b)
		}
		if got := dirNames(t, dir); !slices.Equal(got, []string{"review.html"}) {
			t.Errorf("directory holds %v: a temporary file was left behind", got)
		}
	})
	t.Run("- is standard output, not a file named -", func(t *testing.T) {
		answers, err := filepath.Abs(exampleReview)
		if err != nil {
			t.Fatal(err)
		}
		t.Chdir(dir)
		code, out, errs := runCapture(t, "advise", "--answers", answers, "--format", "json", "-o", "-")
		if code != 0 || !strings.HasPrefix(out, "{\n  \"version\": 1,") {
			t.Errorf("exit %d, stdout %.40q, stderr %s", code, out, errs)
		}
		if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
			t.Error("a file named - was written")
		}
	})
	t.Run("refuses a directory or a missing directory", func(t *testing.T) {
		for _, bad := range []string{dir, filepath.Join(dir, "missing", "x.md")} {
			code, _, errs := runCapture(t, "advise", "--answers", exampleReview, "-o", bad)
			if code != 2 {
				t.Errorf("-o %s: exit %d (%s)", bad, code, errs)
			}
		}
	})
}

func TestAdviseADRDirNumbersRecordsAfterTheExistingOnes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs", "adr")
	want := func(from int) []string {
		var names []string
		for i, n := range exampleItems {
			names = append(names, fmt.Sprintf("%04d-%s.md", from+i, n))
		}
		return names
	}

	stdout := adviseOK(t, "--adr-dir", dir)
	if got := dirNames(t, dir); !slices.Equal(got, want(1)) {
		t.Fatalf("first run wrote %v, want %v", got, want(1))
	}
	if !strings.Contains(stdout, "wrote "+filepath.Join(dir, "0001-session-flag.md")+"\n") {
		t.Errorf("stdout does not list the records: %q", stdout)
	}
	first, _ := os.ReadFile(filepath.Join(dir, "0001-session-flag.md"))
	if !bytes.HasPrefix(first, []byte("---\nstatus: proposed\n")) || !bytes.Contains(first, []byte("\n# 1. session-flag: ")) {
		t.Errorf("0001 is not record 1, about session-flag:\n%.300s", first)
	}

	// A second run supersedes each record rather than duplicate it
	// silently: the new one links back, the old one says so and links on.
	adviseOK(t, "--adr-dir", dir)
	got := dirNames(t, dir)
	if !slices.Equal(got, append(want(1), want(6)...)) {
		t.Errorf("second run: %v", got)
	}
	old, _ := os.ReadFile(filepath.Join(dir, "0001-session-flag.md"))
	if !bytes.HasPrefix(old, []byte("---\nstatus: superseded by ADR-0006\n")) || !bytes.Contains(old, []byte("Superseded by [6. session-flag: Workers KV](<0006-session-flag.md>).")) {
		t.Errorf("0001 does not point at 0006:\n%.400s", old)
	}
	if !bytes.Equal(bytes.Replace(old, []byte("\n\nSuperseded by [6. session-flag: Workers KV](<0006-session-flag.md>)."), nil, 1)[len("---\nstatus: superseded by ADR-0006\n"):], first[len("---\nstatus: proposed\n"):]) {
		t.Error("superseding changed more of 0001 than its status and the link")
	}
	newer, _ := os.ReadFile(filepath.Join(dir, "0006-session-flag.md"))
	if !bytes.Contains(newer, []byte("Supersedes [1. session-flag: Workers KV](<0001-session-flag.md>).")) {
		t.Errorf("0006 does not link back to 0001:\n%.600s", newer)
	}
	// A third run supersedes the live record, 0006, not 0001 again.
	adviseOK(t, "--adr-dir", dir)
	if third, _ := os.ReadFile(filepath.Join(dir, "0011-session-flag.md")); !bytes.Contains(third, []byte("Supersedes [6. session-flag")) {
		t.Errorf("0011 does not supersede 0006:\n%.600s", third)
	}

	t.Run("after records written by adr-tools, ignoring other files", func(t *testing.T) {
		dir := t.TempDir()
		// 0007 was written on a case-insensitive file system as .MD: it
		// still holds number 7.
		for _, f := range []string{"0001-record-architecture-decisions.md", "0007-use-postgres.MD", "README.md", "0099-draft.txt"} {
			if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		adviseOK(t, "--adr-dir", dir)
		if _, err := os.Stat(filepath.Join(dir, "0008-session-flag.md")); err != nil {
			t.Errorf("numbering did not continue at 0008: %v", dirNames(t, dir))
		}
	})
}

// badAnswers are answers files with one mistake each, and the position
// and words the error must show.
var badAnswers = []struct {
	name, yaml, want string
}{
	{"malformed YAML", "version: 1\nitems: [\n", `review.yaml:\d+:\d+: malformed YAML`},
	{"an unknown key", "version: 1\nitems:\n  - name: a\n    answerz: {}\n", `review.yaml:4:5:`},
	{"a wrong type", validItem("read_your_writes: maybe"), `review.yaml:5:25: read_your_writes.*expected true or false`},
	{"a value out of range", validItem("reads_per_s: -5"), `review.yaml:9:20: reads_per_s.*expected a number >= 0`},
	{"an unknown choice", validItem("reader_regions: mars"), `review.yaml:12:23: reader_regions.*expected one of`},
	{"an unknown question", validItem("colour: blue"), `review.yaml:\d+:\d+:.*colour`},
	{"a duplicate name", validItem("") + strings.TrimPrefix(validItem(""), "version: 1\nitems:\n"), `review.yaml:\d+:\d+:.*a`},
	{"version 2", strings.Replace(validItem(""), "version: 1", "version: 2", 1), `review.yaml:1:\d+:.*version`},
	{"no items", "version: 1\nitems: []\n", `review.yaml:\d+:\d+:.*item`},
	{"an empty file", "", `review.yaml:1:1:`},
	{"no version", strings.Replace(validItem(""), "version: 1\n", "", 1), `review.yaml:1:1: missing field "version": expected version: 1`},
	{"no items field", "version: 1\ntitle: t\n", `review.yaml:1:1: missing field "items": expected items: a list of one or more items`},
	{"an item without answers", "version: 1\nitems:\n  - name: a\n", `review.yaml:3:5: missing field "answers": expected answers: a mapping of question id to answer`},
}

// validItem is a complete answers file with one item, with the answer line
// replace (if it names a key) swapped in.
func validItem(replace string) string {
	answers := []string{
		"read_your_writes: true", "concurrent_writers: true", "atomic_update: true",
		"staleness_tolerance_s: 0", "reads_per_s: 300", "writes_per_s_per_key: 40",
		"value_bytes: 64", "reader_regions: global",
	}
	found := false
	for i, a := range answers {
		if key, _, _ := strings.Cut(a, ":"); replace != "" && strings.HasPrefix(replace, key+":") {
			answers[i], found = replace, true
		}
	}
	if replace != "" && !found {
		answers = append(answers, replace)
	}
	return "version: 1\nitems:\n  - name: a\n    answers:\n      " + strings.Join(answers, "\n      ") + "\n"
}

func TestAdviseRejectsABadAnswersFileWithItsPositionAndWritesNothing(t *testing.T) {
	for _, c := range badAnswers {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "review.yaml")
			if err := os.WriteFile(file, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, mode := range [][]string{nil, {"-o", filepath.Join(dir, "out.md")}, {"--adr-dir", filepath.Join(dir, "adr")}} {
				code, out, errs := runCapture(t, append([]string{"advise", "--answers", file}, mode...)...)
				if code != 2 {
					t.Fatalf("%v: exit %d, want 2 (%s)", mode, code, errs)
				}
				if !regexp.MustCompile(c.want).MatchString(errs) {
					t.Errorf("%v: message %q does not match %s", mode, errs, c.want)
				}
				if out != "" {
					t.Errorf("%v: printed %q", mode, out)
				}
				if got := dirNames(t, dir); !slices.Equal(got, []string{"review.yaml"}) {
					t.Fatalf("%v: wrote %v", mode, got)
				}
			}
		})
	}
	t.Run("a missing file", func(t *testing.T) {
		code, _, errs := runCapture(t, "advise", "--answers", "no/such/review.yaml")
		if code != 2 || !strings.Contains(errs, "no/such/review.yaml: no such file") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
}

func TestAdviseRejectsBadFlagsBeforeDoingAnything(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no answers file and no terminal", nil, "pass --answers FILE"},
		{"an unknown format", []string{"--answers", exampleReview, "--format", "pdf"}, `--format "pdf": expected md, json, html or adr`},
		{"an unknown detail", []string{"--answers", exampleReview, "--detail", "some"}, `--detail "some": expected concise or full`},
		{"an unknown status", []string{"--answers", exampleReview, "--status", "done"}, `--status "done": expected one of proposed, accepted, rejected, deprecated`},
		{"a template with answers", []string{"--template", "--answers", exampleReview}, "--template writes an answers file to fill in"},
		{"-o with --adr-dir", []string{"--answers", exampleReview, "-o", filepath.Join(dir, "x.md"), "--adr-dir", dir}, "cannot be used together"},
		{"--adr-dir with json", []string{"--answers", exampleReview, "--adr-dir", dir, "--format", "json"}, "--adr-dir writes Markdown"},
		{"--force without -o", []string{"--answers", exampleReview, "--force"}, "--force only applies to -o"},
		{"a malformed date", []string{"--answers", exampleReview, "--date", "24/11/2026"}, "expected a date as YYYY-MM-DD"},
		{"a missing content pack", []string{"--answers", exampleReview, "--content", filepath.Join(dir, "nope")}, "expected a directory holding a content pack"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCapture(t, append([]string{"advise"}, c.args...)...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, message %q; want 2 and %q", code, errs, c.want)
			}
			if got := dirNames(t, dir); len(got) != 0 {
				t.Errorf("wrote %v", got)
			}
		})
	}
	t.Run("the interview without a terminal says what to do instead", func(t *testing.T) {
		_, _, errs := runCapture(t, "advise")
		for _, want := range []string{"no terminal for the interview", "--answers FILE", "examples/review.yaml", "--accessible"} {
			if !strings.Contains(errs, want) {
				t.Errorf("message %q lacks %q", errs, want)
			}
		}
	})
}

func TestAdvisePricesTheBlobOfR2PlusKVInTheRecord(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "review.yaml")
	// 30 MiB images: only R2 with a pointer in KV can hold them.
	answers := strings.Replace(validItem("value_bytes: 31457280"), "read_your_writes: true", "read_your_writes: false", 1)
	for _, r := range []string{"concurrent_writers: false", "atomic_update: false", "staleness_tolerance_s: 3600", "writes_per_s_per_key: 0.01"} {
		key, _, _ := strings.Cut(r, ":")
		answers = regexp.MustCompile(`(?m)^(\s+)`+key+`: .*$`).ReplaceAllString(answers, "${1}"+r)
	}
	if err := os.WriteFile(file, []byte(answers), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCapture(t, "advise", "--answers", file, "--date", "2026-11-24")
	if code != 0 || !strings.Contains(out, "R2 blob, KV pointer + Cache API") {
		t.Fatalf("exit %d: %s\n%.400s", code, errs, out)
	}
	// The record puts a cache in front of the blob; in full detail every
	// option's estimate is tabled, R2's lines each priced.
	code, out, errs = runCapture(t, "advise", "--answers", file, "--date", "2026-11-24", "--detail", "full")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"R2 blob, KV pointer + Cache API",
		"| R2 Class B operations (reads such as GetObject) |",
		"| R2 Class A operations (writes such as PutObject) | 25,920 operations | 1,000,000 | $4.50 per 1,000,000 operations | $0.00 |",
		"| R2 stored data (Standard storage) | 0.03145728 GB-month | 10 | $15.00 per 1,000 GB-month | $0.00 |",
		"[developers.cloudflare.com/r2/pricing/](https://developers.cloudflare.com/r2/pricing/)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the record lacks %q", want)
		}
	}
	if strings.Contains(out, "not priced in kvdo's price list") {
		t.Error("the record still says R2 is not priced")
	}
}

func TestAdviseReadsAnswersFromStandardInput(t *testing.T) {
	data, err := os.ReadFile(exampleReview)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	root := newRootCmd()
	root.SetIn(bytes.NewReader(data))
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs([]string{"advise", "--answers", "-", "--format", "json", "--date", "2026-11-24"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"answers_file": "<stdin>"`) {
		t.Errorf("output does not name standard input as its source")
	}
}

func TestAdviseHonoursTheContentFlag(t *testing.T) {
	src, err := os.ReadFile("../../content/questions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Reword one prompt: the record must quote the pack's wording.
	re := regexp.MustCompile(`(?m)(- id: read_your_writes\n(?:\s+\w+:.*\n)*?\s+prompt: ).*`)
	if !re.Match(src) {
		t.Fatal("questions.yaml has no prompt for read_your_writes to reword")
	}
	pack := t.TempDir()
	changed := re.ReplaceAll(src, []byte("${1}Reworded prompt about fresh reads?"))
	if err := os.WriteFile(filepath.Join(pack, "questions.yaml"), changed, 0o644); err != nil {
		t.Fatal(err)
	}
	out := adviseOK(t, "--content", pack, "--detail", "full")
	if !strings.Contains(out, "Reworded prompt about fresh reads?") {
		t.Error("the record does not use the --content pack's prompt")
	}

	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "questions.yaml"), []byte("version: 1\nquestions: 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCapture(t, "advise", "--answers", exampleReview, "--content", broken)
	if code != 2 || !regexp.MustCompile(`questions\.yaml:2:\d+:`).MatchString(errs) {
		t.Errorf("a broken pack: exit %d, %q", code, errs)
	}
}

// BenchmarkAdviseJSON runs `kvdo advise --answers examples/review.yaml
// --format json` in process, from flag parsing to the last byte: content
// loading, parsing, evaluating five items and rendering.
func BenchmarkAdviseJSON(b *testing.B) {
	args := []string{"advise", "--answers", exampleReview, "--format", "json", "--date", "2026-11-24"}
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		root := newRootCmd()
		root.SetOut(&out)
		root.SetErr(io.Discard)
		root.SetArgs(args)
		if err := root.ExecuteContext(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(exampleItems))*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	b.SetBytes(int64(out.Len()))
}

func TestAdviseDetailStatusAndTemplate(t *testing.T) {
	concise, full := adviseOK(t), adviseOK(t, "--detail", "full")
	if strings.Count(full, "\n") <= strings.Count(concise, "\n") || !strings.Contains(full, "## Pros and Cons of the Options") || strings.Contains(concise, "## Pros and Cons of the Options") {
		t.Errorf("--detail full adds nothing: %d lines against %d", strings.Count(full, "\n"), strings.Count(concise, "\n"))
	}
	if out := adviseOK(t, "--status", "accepted"); !strings.HasPrefix(out, "---\nstatus: accepted\n") {
		t.Errorf("--status accepted: %.60s", out)
	}
	t.Run("the template is an answers file advise reads", func(t *testing.T) {
		code, tmpl, errs := runCapture(t, "advise", "--template")
		if code != 0 || !strings.Contains(tmpl, "reads_per_s: ") {
			t.Fatalf("exit %d: %s", code, errs)
		}
		file := filepath.Join(t.TempDir(), "review.yaml")
		if code, out, errs := runCapture(t, "advise", "--template", "-o", file); code != 0 || out != "wrote "+file+"\n" {
			t.Fatalf("exit %d: %s %s", code, out, errs)
		}
		if code, _, errs := runCapture(t, "advise", "--answers", file); code != 0 {
			t.Errorf("the template does not evaluate: exit %d: %s", code, errs)
		}
	})
	t.Run("--format adr writes into the folder .adr-dir names", func(t *testing.T) {
		root := t.TempDir()
		sub := filepath.Join(root, "src", "svc")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, ".adr-dir"), []byte("docs/decisions\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		review, err := filepath.Abs(exampleReview)
		if err != nil {
			t.Fatal(err)
		}
		t.Chdir(sub)
		code, out, errs := runCapture(t, "advise", "--answers", review, "--format", "adr", "--date", "2026-11-30")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		want := filepath.Join(root, "docs", "decisions", "0001-session-flag.md")
		if _, err := os.Stat(want); err != nil || !strings.Contains(out, "0001-session-flag.md") {
			t.Errorf("no %s: %v\n%s", want, err, out)
		}
	})
	t.Run("every problem of an answers file in one run", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "review.yaml")
		bad := strings.Replace(validItem("read_your_writes: maybe"), "reader_regions: global", "reader_regions: globl", 1)
		if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCapture(t, "advise", "--answers", file)
		if code != 2 || !strings.Contains(errs, "read_your_writes") || !strings.Contains(errs, "did you mean global?") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
}
