package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui"
)

// readDraft reads a review file as the interview left it; ok is false
// while it is missing or half-written (it never should be: writes are
// atomic).
func readDraft(t *testing.T, path string) (advisor.Review, bool) {
	t.Helper()
	pack, err := app.LoadPack("")
	if err != nil {
		t.Fatal(err)
	}
	r, err := app.ReadReview(path, pack)
	return r, err == nil
}

// waitReview waits until the review file satisfies cond.
func waitReview(t *testing.T, path, what string, cond func(advisor.Review) bool) advisor.Review {
	t.Helper()
	var r advisor.Review
	waitFor(t, 10*time.Second, what+" in "+path, func() bool {
		var ok bool
		r, ok = readDraft(t, path)
		return ok && cond(r)
	})
	return r
}

func answered(ids ...string) func(advisor.Review) bool {
	return func(r advisor.Review) bool {
		if len(r.Items) == 0 {
			return false
		}
		for _, id := range ids {
			if _, ok := r.Items[len(r.Items)-1].Answers[id]; !ok {
				return false
			}
		}
		return true
	}
}

// TestInterviewExportsTheJSONThatAdviseAnswersPrints drives the TUI from
// the home screen through a whole item by keystrokes, opens the
// recommendation and exports JSON: the file must be byte for byte what
// `kvdo advise --answers` prints for the review the interview autosaved.
func TestInterviewExportsTheJSONThatAdviseAnswersPrints(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	a, err := app.Load("")
	if err != nil {
		t.Fatal(err)
	}
	const date = "2026-12-01"
	m, err := tui.New(tui.Options{App: a, Date: date, Background: tui.BackgroundDark, Width: 80, Height: 24})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	ctrl := func(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }
	waitScreen := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(10*time.Second))
	}

	waitScreen("Open review")
	tm.Type("a")
	waitScreen("A new review")
	tm.Type("Checkout")
	tm.Send(enter)
	tm.Type("Ana, Ravi")
	tm.Send(enter)
	tm.Type("seat-counter")
	tm.Send(enter)
	tm.Send(enter) // the suggested file name
	review := filepath.Join(dir, "kvdo-review.yaml")
	waitReview(t, review, "the new review", func(r advisor.Review) bool { return len(r.Items) == 1 })

	for _, r := range terminalKeys(t, seatCounter) {
		switch r {
		case '\x15':
			tm.Send(ctrl('u'))
		case '\r':
			tm.Send(enter)
		case '\t':
			tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		default:
			tm.Type(string(r))
		}
	}
	var ids []string
	for id := range seatCounter {
		ids = append(ids, id)
	}
	waitReview(t, review, "every answer", answered(ids...))
	tm.Send(ctrl('r'))
	waitScreen("full record")
	tm.Type("x")
	waitScreen("Export the record")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyRight}) // JSON
	tm.Send(enter)
	exported := filepath.Join(dir, "kvdo-review.json")
	waitFor(t, 10*time.Second, exported, func() bool { _, err := os.Stat(exported); return err == nil })
	tm.Send(ctrl('c'))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	got, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	code, want, errs := runCapture(t, "advise", "--answers", "kvdo-review.yaml", "--format", "json", "--date", date)
	if code != 0 {
		t.Fatalf("advise --answers on the autosaved review: exit %d: %s", code, errs)
	}
	if string(got) != want {
		t.Errorf("the exported JSON differs from advise --answers:\n--- exported\n%s\n--- advise\n%s", got, want)
	}
	if !strings.Contains(want, `"primary": "durable-object"`) {
		t.Errorf("a racing, read-your-writes seat counter should get a Durable Object:\n%.600s", want)
	}
}

func TestKvdoOpensHomeOnATerminalAndQLeavesTheTerminalRestored(t *testing.T) {
	p := startPTY(t, t.TempDir(), 80, 24)
	p.waitText(t, "Open review")
	p.send(t, "q")
	if st := p.wait(t); st.ExitCode() != 0 {
		t.Fatalf("exit %d", st.ExitCode())
	}
	<-p.done
	p.mu.Lock()
	out := p.out.String()
	p.mu.Unlock()
	for _, seq := range []string{"\x1b[?1049h", "\x1b[?1049l", "\x1b[?25h"} {
		if !strings.Contains(out, seq) {
			t.Errorf("the output lacks %q (alternate screen in and out, cursor shown again)", seq)
		}
	}
	if i, j := strings.LastIndex(out, "\x1b[?1049l"), strings.LastIndex(out, "\x1b[?1049h"); i < j {
		t.Error("the alternate screen was entered again after leaving it")
	}
}

// TestKillNineMidInterviewKeepsEveryCommittedAnswer kills kvdo with
// SIGKILL in the middle of typing an answer: every answer committed before
// is in the review file, the one being typed is not, and --resume opens on
// that question.
func TestKillNineMidInterviewKeepsEveryCommittedAnswer(t *testing.T) {
	dir := t.TempDir()
	review := filepath.Join(dir, "review.yaml")
	p := startPTY(t, dir, 80, 24, "advise", "--save", "review.yaml")
	p.waitText(t, "A new review")
	p.send(t, "Checkout\r\rseat-counter\r\r")
	waitReview(t, review, "the new review", func(r advisor.Review) bool { return len(r.Items) == 1 })
	committed := []struct{ keys, id string }{
		{"y", "read_your_writes"},
		{"y", "concurrent_writers"},
		{"n", "atomic_update"},
		{"\x150\r", "staleness_tolerance_s"},
		{"n", "audit_trail"},
	}
	var ids []string
	for _, c := range committed {
		p.send(t, c.keys)
		ids = append(ids, c.id)
		waitReview(t, review, c.id, answered(ids...))
	}
	p.send(t, "\x15300") // typed, not committed
	p.waitText(t, "Peak reads per second")
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.wait(t)

	r, ok := readDraft(t, review)
	if !ok {
		t.Fatal("the review file does not read back after SIGKILL")
	}
	want := advisor.Answers{"read_your_writes": true, "concurrent_writers": true, "atomic_update": false,
		"staleness_tolerance_s": 0.0, "audit_trail": false}
	got := r.Items[0].Answers
	for id, v := range want {
		if got[id] != v {
			t.Errorf("%s = %v after SIGKILL, want %v", id, got[id], v)
		}
	}
	if _, ok := got["reads_per_s"]; ok {
		t.Error("the answer being typed was saved although it was never committed")
	}

	p2 := startPTY(t, dir, 80, 24, "advise", "--resume", "review.yaml")
	p2.waitText(t, "Peak reads per second")
	p2.send(t, "\x153000\r")
	waitReview(t, review, "reads_per_s after resuming", answered(append(ids, "reads_per_s")...))
	p2.send(t, "\x03")
	if st := p2.wait(t); st.ExitCode() != 0 {
		t.Errorf("ctrl+c after resuming: exit %d", st.ExitCode())
	}
	r, _ = readDraft(t, review)
	if r.Items[0].Answers["reads_per_s"] != 3000.0 || r.Items[0].Answers["read_your_writes"] != true {
		t.Errorf("after resuming: %v", r.Items[0].Answers)
	}
}

func TestCtrlCMidInterviewKeepsTheAnswersAndRestoresTheTerminal(t *testing.T) {
	dir := t.TempDir()
	review := filepath.Join(dir, "review.yaml")
	p := startPTY(t, dir, 60, 20, "advise", "--save", "review.yaml")
	p.waitText(t, "A new review")
	p.send(t, "\r\rflag\r\r")
	waitReview(t, review, "the new review", func(r advisor.Review) bool { return len(r.Items) == 1 })
	p.send(t, "nn")
	waitReview(t, review, "two answers", answered("read_your_writes", "concurrent_writers"))
	p.send(t, "\x03")
	if st := p.wait(t); st.ExitCode() != 0 {
		t.Fatalf("ctrl+c: exit %d", st.ExitCode())
	}
	<-p.done
	p.mu.Lock()
	out := p.out.String()
	p.mu.Unlock()
	if strings.LastIndex(out, "\x1b[?1049l") < strings.LastIndex(out, "\x1b[?1049h") {
		t.Error("the alternate screen was not left")
	}
	r, ok := readDraft(t, review)
	if !ok || r.Items[0].Answers["read_your_writes"] != false || r.Items[0].Answers["concurrent_writers"] != false {
		t.Errorf("after ctrl+c: %+v", r)
	}
}
