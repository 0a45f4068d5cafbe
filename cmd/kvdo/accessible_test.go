package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runWithInput runs kvdo with args and standard input in.
func runWithInput(t *testing.T, in string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRootCmd()
	root.SetIn(strings.NewReader(in))
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	code := 0
	if err := root.ExecuteContext(context.Background()); err != nil {
		errb.WriteString(err.Error())
		code = exitCode(err)
	}
	return code, out.String(), errb.String()
}

// accessibleSeatCounter is the seat counter's interview as line prompts:
// title, people, item, the answers in interview order, the note, and no
// more items.
func accessibleSeatCounter(t *testing.T) string {
	return "Checkout\nAna, Ravi\nseat-counter\n" + promptLines(t, seatCounter) + "Owned by ticketing\nn\n"
}

func TestAccessibleInterviewPrintsTheRecordAndSavesTheReview(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, out, errs := runWithInput(t, accessibleSeatCounter(t), "advise", "--accessible", "--save", "r.yaml", "--date", "2026-12-01")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("the line prompts carry escape sequences a screen reader would read aloud")
	}
	for _, want := range []string{"correctness, question 1 of 5.", "Current leaning for seat-counter: durable-object", "The review is saved in r.yaml"} {
		if !strings.Contains(out, want) {
			t.Errorf("the prompts lack %q", want)
		}
	}
	// The text printed at the end is the record advise --answers writes.
	_, record, errs := runCapture(t, "advise", "--answers", "r.yaml", "--date", "2026-12-01")
	if errs != "" {
		t.Fatal(errs)
	}
	if !strings.HasSuffix(out, record) {
		t.Errorf("the printed recommendation is not the record of the saved review:\n%.400s", out[max(len(out)-len(record), 0):])
	}
	if !strings.Contains(record, "Owned by ticketing") {
		t.Error("the note is not in the record")
	}
}

func TestAccessibleInterviewReasksAnInvalidNumberWithTheFileLoadersMessage(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	in := strings.Replace(accessibleSeatCounter(t), "\n300\n", "\nlots\n300\n", 1)
	code, out, errs := runWithInput(t, in, "advise", "--accessible", "--save", "r.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `reads_per_s: "lots": expected a number >= 0 and <= 1000000000 (reads/s)`) {
		t.Errorf("no loader message for a bad number:\n%s", out)
	}
}

func TestAccessibleInterviewCutShortKeepsTheAnswersAndExitsTwo(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, errs := runWithInput(t, "x\n\nitem\n1\n", "advise", "--accessible", "--save", "r.yaml")
	if code != 2 || !strings.Contains(errs, "kvdo advise --resume r.yaml") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "r.yaml"))
	if err != nil || !strings.Contains(string(b), "read_your_writes: true") {
		t.Errorf("the answer given before the input ended is not saved: %v\n%s", err, b)
	}
	// And the interview continues where it stopped.
	rest := strings.SplitN(promptLines(t, seatCounter), "\n", 2)[1] // read_your_writes is answered
	code, out, errs := runWithInput(t, rest+"\nn\n", "advise", "--accessible", "--resume", "r.yaml")
	if code != 0 || !strings.Contains(out, "Continuing the review in r.yaml") || !strings.Contains(out, "correctness, question 2 of 5.") {
		t.Errorf("resume: exit %d %s\n%.600s", code, errs, out)
	}
}

func TestTheInterviewRefusesToReplaceAFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("kvdo-review.yaml", []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runWithInput(t, accessibleSeatCounter(t), "advise", "--accessible")
	if code != 2 || !strings.Contains(errs, "kvdo advise --resume kvdo-review.yaml") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile("kvdo-review.yaml"); string(b) != "mine\n" {
		t.Error("the file was replaced")
	}
	for _, args := range [][]string{
		{"advise", "--save", "a.yaml", "--resume", "b.yaml"},
		{"advise", "--answers", "x.yaml", "--save", "a.yaml"},
		{"advise", "--resume", "missing.yaml", "--accessible"},
		{"advise", "--accessible", "-o", "x.md"},
	} {
		if code, _, errs := runWithInput(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errs)
		}
	}
}
