// Command kvdo advises where a piece of Cloudflare edge state should live
// (Workers KV, a Durable Object, or a combination) and shows why with
// animated demos on a deterministic simulation of the edge.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/fang/v2"
	"github.com/charmbracelet/x/term"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/internal/termsafe"
	// Starts the width tables of the first frame early; see the package.
	_ "github.com/kvdo/kvdo/internal/widthwarm"
	"github.com/spf13/cobra"
)

// version is set by the linker for releases (-ldflags "-X main.version=...").
var version = ""

func main() {
	// A fatal runtime error (stack exhausted, out of memory), which no
	// recover can catch, makes Go exit with status 2: kvdo's code for bad
	// input. "crash" makes it abort instead (SIGABRT, status 134 in a
	// shell), so a crash never reads as a mistake in the input.
	debug.SetTraceback("crash")
	os.Exit(run(context.Background(), os.Args[1:]))
}

// testCommands are added to the root by tests, to see how kvdo fails when
// a command misbehaves; always empty in kvdo itself.
var testCommands []*cobra.Command

// reportRequest closes every crash message.
const reportRequest = "This is a bug in kvdo, not in your input: please report it, with the command you ran,\n" +
	"the output of kvdo --version and this message."

// run executes kvdo with args and returns the process exit code:
// 0 ok, 1 runtime failure, 2 bad input. A panic is a runtime failure
// (kvdo's bug, never the input's): it exits 1 asking for a report.
func run(ctx context.Context, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			crashed(os.Stderr, r, debug.Stack())
			code = 1
		}
	}()
	root := newRootCmd()
	root.SetArgs(args)
	if wantsHelp(args) {
		hf := &helpFilter{w: os.Stdout, placeholders: allPlaceholders(root), strip: !term.IsTerminal(os.Stdout.Fd())}
		root.SetOut(hf)
		defer hf.Flush()
	}
	// kvdo's own man command replaces fang's (see man.go).
	root.AddCommand(newManCmd())
	root.AddCommand(testCommands...)
	opts := []fang.Option{fang.WithErrorHandler(errorHandler), fang.WithoutManpage()}
	if v := buildVersion(); v != "" {
		opts = append(opts, fang.WithVersion(v))
	}
	if err := fang.Execute(ctx, root, opts...); err != nil {
		return exitCode(err)
	}
	return 0
}

// buildVersion is the release version set by the linker or, for a build
// from a git checkout, the commit it was built from, so a workshop can tell
// which binary a participant runs.
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+modified"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		// go run and go test builds carry no VCS stamp: name the module
		// version, or say it is a development build.
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		return "devel"
	}
	return "dev-" + rev + dirty
}

// errorHandler is fang's default without its first-word title case, which
// turns "examples/review.yaml:5:25: ..." into "Examples/Review.yaml:5:25:
// ...": a path in an error must stay the path on disk.
//
// Its text is neutralised for the terminal: a message may quote what a
// file held (a name, a path), and nothing from a file may drive the
// terminal.
func errorHandler(w io.Writer, styles fang.Styles, err error) {
	styles.ErrorText = styles.ErrorText.UnsetTransform()
	msg := termsafe.String(err.Error())
	if errors.Is(err, tea.ErrProgramPanic) {
		msg += "\n\n" + reportRequest
	}
	fang.DefaultErrorHandler(w, styles, errors.New(msg))
}

// crashed tells the user kvdo failed through no fault of theirs, with
// what a report needs.
func crashed(w io.Writer, r any, stack []byte) {
	fmt.Fprintf(w, "kvdo crashed: %s\n\n%s\n%s\n",
		termsafe.String(fmt.Sprint(r)), termsafe.String(string(stack)), reportRequest)
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "kvdo",
		Short: "Decide where edge state lives: Workers KV, a Durable Object, or both",
		Long: `kvdo settles one recurring architecture question: should a piece of edge
state live in Cloudflare Workers KV, in a Durable Object, or in a combination
of them (a DO writing, KV replicating; Cache API in front; R2 for big blobs)?

It advises through a guided interview that ends in a decision record, and it
shows why through demos that run on a deterministic simulation of the edge.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHome(cmd)
		},
	}
	root.PersistentFlags().String("content", "", "use the content pack in DIR instead of the embedded one")
	root.PersistentFlags().Bool("no-motion", false, "demo player: no tweening; messages appear as routes and events at their time (or KVDO_NO_MOTION=1)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageError{err}
	})
	root.AddCommand(
		newAdviseCmd(),
		newDemoCmd(),
		newSimulateCmd(),
		newContentCmd(),
		newVerifyCmd(),
		newServeCmd(),
	)
	return root
}

// usageError marks bad input: a wrong flag, argument or file. It exits 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// badInput wraps err as bad input (exit code 2).
func badInput(format string, a ...any) error {
	return usageError{fmt.Errorf(format, a...)}
}

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) || app.IsBadInput(err) {
		return 2
	}
	// cobra reports unknown commands and argument-count errors as plain
	// errors; they are still bad input.
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag",
		"flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most"} {
		if strings.HasPrefix(msg, p) {
			return 2
		}
	}
	return 1
}
