package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/internal/app"
)

// The answers of two items, as a person would give them.
var (
	seatCounter = advisor.Answers{"read_your_writes": true, "concurrent_writers": true, "atomic_update": true,
		"staleness_tolerance_s": 0.0, "audit_trail": false, "reads_per_s": 300.0, "writes_per_s_per_key": 40.0,
		"value_bytes": 64.0, "reader_regions": "global", "read_latency_budget_ms": 50.0, "expires": false}
	sessionFlag = advisor.Answers{"read_your_writes": false, "concurrent_writers": false, "atomic_update": false,
		"staleness_tolerance_s": 300.0, "audit_trail": false, "reads_per_s": 5000.0, "writes_per_s_per_key": 0.01,
		"value_bytes": 200.0, "reader_regions": "global", "read_latency_budget_ms": 30.0, "expires": false}
)

// walkQuestions visits an item's questions in the order the interview asks
// them given the answers in want: each with its answer, or ok false for an
// optional question want leaves out. Derived from the pack, so questions
// added later keep the tests valid.
func walkQuestions(tb testing.TB, want advisor.Answers, visit func(q *content.Question, v any, ok bool)) {
	tb.Helper()
	pack, err := app.LoadPack("")
	if err != nil {
		tb.Fatal(err)
	}
	given := advisor.Answers{}
	done := map[string]bool{}
	for {
		var q *content.Question
		for _, x := range app.Asked(pack, given) {
			if !done[x.ID] {
				q = x
				break
			}
		}
		if q == nil {
			return
		}
		done[q.ID] = true
		v, ok := want[q.ID]
		if !ok && q.Required {
			tb.Fatalf("no answer for required question %s", q.ID)
		}
		if ok {
			given[q.ID] = v
		}
		visit(q, v, ok)
	}
}

// terminalKeys are the bytes a person types to answer an item in the
// full-screen interview: y or n, a choice's number, a number typed over
// the suggestion (ctrl+u clears it) then enter, tab past the rest.
func terminalKeys(tb testing.TB, want advisor.Answers) string {
	var b strings.Builder
	walkQuestions(tb, want, func(q *content.Question, v any, ok bool) {
		switch x := v.(type) {
		case nil:
			b.WriteString("\t")
		case bool:
			b.WriteString(map[bool]string{true: "y", false: "n"}[x])
		case string:
			b.WriteString(strconv.Itoa(slices.Index(q.Options, x) + 1))
		case float64:
			b.WriteString("\x15" + content.FormatNumber(x) + "\r")
		}
	})
	return b.String()
}

// promptLines are the lines that answer an item in the accessible
// interview: a choice's number (yes is 1, no 2; skip follows the
// options), a number as text, "skip" for an optional number.
func promptLines(tb testing.TB, want advisor.Answers) string {
	var b strings.Builder
	walkQuestions(tb, want, func(q *content.Question, v any, ok bool) {
		switch x := v.(type) {
		case nil:
			if q.Type == content.TypeBool {
				b.WriteString("3\n")
			} else if q.Type == content.TypeChoice {
				b.WriteString(strconv.Itoa(len(q.Options)+1) + "\n")
			} else {
				b.WriteString("skip\n")
			}
		case bool:
			b.WriteString(map[bool]string{true: "1\n", false: "2\n"}[x])
		case string:
			b.WriteString(strconv.Itoa(slices.Index(q.Options, x)+1) + "\n")
		case float64:
			b.WriteString(content.FormatNumber(x) + "\n")
		}
	})
	return b.String()
}
