//go:build unix

package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/cobra"
)

// Issue 14: a crash exited 2, kvdo's code for bad input, so a script
// could not tell a bug from a mistake in its input. A panic anywhere in a
// command exits 1 and asks for a report, with nothing from a file able to
// drive the terminal.
func TestAPanicExitsOneAskingForAReport(t *testing.T) {
	testCommands = []*cobra.Command{{Use: "boom", RunE: func(*cobra.Command, []string) error {
		panic("a name from a file: \x1b]52;c;SGVsbG8=\x07")
	}}}
	defer func() { testCommands = nil }()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	code := run(context.Background(), []string{"boom"})
	os.Stderr = stderr
	w.Close()
	out, _ := io.ReadAll(r)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"kvdo crashed: a name from a file: ␛]52;c;SGVsbG8=␇", "This is a bug in kvdo, not in your input: please report it", "goroutine"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the crash message lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(string(out), 0x1b) {
		t.Error("an escape character reached the terminal")
	}
}

// A fatal runtime error cannot be recovered; Go would exit 2 on one.
// kvdo sets the traceback to crash, so it aborts instead: killed by
// SIGABRT, never exit 2. The child is this test binary, told to recurse
// without end on a small stack.
func TestAFatalErrorNeverExitsTwo(t *testing.T) {
	if os.Getenv("KVDO_TEST_STACK_OVERFLOW") != "" {
		// No core file where the tests run, whatever the machine allows.
		_ = syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{})
		debug.SetTraceback("crash") // as main does
		debug.SetMaxStack(1 << 20)
		var recurse func(int) int
		recurse = func(n int) int { return recurse(n+1) + 1 }
		recurse(0)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAFatalErrorNeverExitsTwo$")
	cmd.Env = append(os.Environ(), "KVDO_TEST_STACK_OVERFLOW=1", "GOTRACEBACK=")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("the child did not fail: %v", err)
	}
	if ee.ExitCode() == 2 {
		t.Fatalf("a fatal error exited 2:\n%.500s", out)
	}
	if ws := ee.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGABRT {
		t.Errorf("child ended with %v, want SIGABRT", err)
	}
	if !strings.Contains(string(out), "stack overflow") {
		t.Errorf("no stack overflow in the output:\n%.500s", out)
	}
}
