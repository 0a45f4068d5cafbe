package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
)

// fang title-cases the first word of an error; a path must survive as is.
func TestErrorsKeepTheFilePathAsWritten(t *testing.T) {
	var b bytes.Buffer
	errorHandler(&b, fang.Styles{ErrorText: lipgloss.NewStyle().Transform(strings.ToUpper)}, errors.New("examples/review.yaml:5:25: bad"))
	if !strings.Contains(b.String(), "examples/review.yaml:5:25") {
		t.Fatalf("error output %q changed the path's case", b.String())
	}
}

func TestKvdoWithoutATerminalPrintsWhatToRunAndExitsZero(t *testing.T) {
	code, out, errs := runCapture(t)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"needs a terminal", "kvdo advise --answers", "kvdo demo --list"} {
		if !strings.Contains(out, want) {
			t.Errorf("the hint lacks %q:\n%s", want, out)
		}
	}
}
