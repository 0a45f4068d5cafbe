package app_test

import (
	"testing"

	"github.com/kvdo/kvdo/internal/app"
)

// BenchmarkLeanAfterOneAnswer is the current-leaning panel's evaluation
// after one more answer: advisor.Evaluate (rules, ranking, the flip
// search, costs) and the comparison with the evaluation before (bar:
// under 2 ms).
//
//	go test ./internal/app -run XXX -bench LeanAfterOneAnswer
func BenchmarkLeanAfterOneAnswer(b *testing.B) {
	p := pack(b)
	it := exampleReview(b).Items[4] // seat-counter, every answer given
	prev := app.Lean(p, it, nil).Rec
	b.ReportAllocs()
	for b.Loop() {
		_ = app.Lean(p, it, &prev)
	}
}
