package tui

import (
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/internal/app"
)

// finishedReview is a model at w x h on the recommendation of
// examples/review.yaml, resumed from a copy.
func finishedReview(tb testing.TB, w, h int) *Model {
	tb.Helper()
	data, err := os.ReadFile("../examples/review.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "review.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	m := newTestModel(tb, w, h, true, func(o *Options) {
		o.Start, o.Review, o.Resume = StartInterview, path, true
	})
	m = step(tb, m, keys("ctrl+r")...)
	if m.state != stateRecommend {
		tb.Fatalf("on %s, not the recommendation", m.state)
	}
	return m
}

// BenchmarkRecommendationView draws the recommendation screen at 120x40
// (bar: under 1 ms a frame).
//
//	go test ./tui -run XXX -bench RecommendationView
func BenchmarkRecommendationView(b *testing.B) {
	m := finishedReview(b, 120, 40)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkRecordView draws the full record (glamour, rendered once) at
// 120x40.
func BenchmarkRecordView(b *testing.B) {
	m := finishedReview(b, 120, 40)
	m = step(b, m, keys("m")...)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkAnswerOneQuestion is the work of one answer in the interview:
// the key, ParseAnswer, advisor.Evaluate for the leaning and the snapshot
// for the autosave (the write itself runs in a command, off the UI's
// path) (bar: evaluation after one answer under 2 ms).
//
//	go test ./tui -run XXX -bench AnswerOneQuestion
func BenchmarkAnswerOneQuestion(b *testing.B) {
	b.Chdir(fastTempDir(b))
	m := newTestModel(b, 80, 24, true)
	m = step(b, m, setupKeys("seat-counter")...)
	m = step(b, m, answerKeys(seatCounter, "reader_regions")...)
	// On reader_regions: answer it, step back, again.
	back := press("shift+tab")
	answer := press("3")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Update(answer)
		b.StopTimer()
		m.Update(back)
		b.StartTimer()
	}
}

// BenchmarkInterviewKeystroke is one typed character in a number field.
func BenchmarkInterviewKeystroke(b *testing.B) {
	b.Chdir(fastTempDir(b))
	m := newTestModel(b, 80, 24, true)
	m = step(b, m, setupKeys("seat-counter")...)
	m = step(b, m, keys("y", "y", "y")...)
	k := tea.KeyPressMsg{Code: '1', Text: "1"}
	bs := press("backspace")
	b.ReportAllocs()
	for b.Loop() {
		m.Update(k)
		m.Update(bs)
	}
}

// BenchmarkFirstFrameInProcess is kvdo's own share of a start: loading
// the content pack, building the root model and drawing the home screen
// (the rest of a process start is the Go runtime and package
// initialisation; see BenchmarkStartToFirstFrame in cmd/kvdo).
//
//	go test ./tui -run XXX -bench FirstFrameInProcess
func BenchmarkFirstFrameInProcess(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		a, err := app.Load("")
		if err != nil {
			b.Fatal(err)
		}
		m, err := New(Options{App: a, Width: 80, Height: 24, Background: BackgroundDark})
		if err != nil {
			b.Fatal(err)
		}
		_ = m.View()
	}
}
