package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kvdo/kvdo/conformance"
	"github.com/spf13/cobra"
)

func newVerifyCmd() *cobra.Command {
	var (
		harnessDir string
		format     string
	)
	cmd := &cobra.Command{
		Use:   "verify [NAME]",
		Short: "Run a demo's JavaScript twin on workerd and compare it with kvdo's local mode",
		Long: `Run the JavaScript twin of a demo's Worker code on workerd, the open-source
Workers runtime, through Miniflare, and print what it did beside what kvdo's
local mode predicts for the same requests and timing. NAME is a demo (all its
checks), one check, or nothing for every check.

This is the only kvdo command that needs Node.js: it runs the conformance
harness of a kvdo checkout (its conformance/ directory, found from the
current directory upwards, or --harness DIR), installed with npm ci.

  kvdo verify race                      the race demo's checks
  kvdo verify do/alarm-retry            one check
  kvdo verify --format json             every check, as JSON`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, c := range conformance.All() {
				names = append(names, c.ID)
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return badInput("--format %q: expected text or json", format)
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			checks, err := conformance.Select(name)
			if err != nil {
				return badInput("%v", err)
			}
			if harnessDir == "" {
				harnessDir = findHarnessDir()
			}
			h, err := conformance.FindHarness(harnessDir)
			var missing *conformance.MissingError
			if errors.As(err, &missing) {
				return badInput("kvdo verify runs the twins on workerd, and %v", err)
			}
			if err != nil {
				return err
			}
			return verify(cmd.Context(), cmd.OutOrStdout(), h, checks, format)
		},
	}
	f := cmd.Flags()
	f.StringVar(&harnessDir, "harness", "", "the conformance harness directory (default: conformance/ of the kvdo checkout holding the current directory)")
	f.StringVar(&format, "format", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// findHarnessDir looks for conformance/harness.mjs from the current
// directory upwards; it falls back to ./conformance, which the error then
// names.
func findHarnessDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return "conformance"
	}
	for {
		cand := filepath.Join(dir, "conformance")
		if _, err := os.Stat(filepath.Join(cand, conformance.HarnessScript)); err == nil {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "conformance"
		}
		dir = parent
	}
}

// verify runs each check on both runtimes and prints the comparisons. A
// disagreement (other than a known one, reported as such) is a failure.
func verify(ctx context.Context, out io.Writer, h *conformance.Harness, checks []conformance.Check, format string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(len(checks))*2*time.Minute)
	defer cancel()
	s, err := h.Start(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	var outcomes []conformance.Outcome
	failed := 0
	for i, c := range checks {
		o, err := c.Run(s)
		if err != nil {
			return err
		}
		outcomes = append(outcomes, o)
		if !o.Agree() && o.Known == "" {
			failed++
		}
		if format != "text" {
			continue
		}
		if i == 0 {
			fmt.Fprintf(out, "workerd %s (miniflare %s, Node %s) beside kvdo's local mode\n\n",
				o.Versions["workerd"], o.Versions["miniflare"], o.Versions["node"])
		}
		fmt.Fprintf(out, "%s: %s\n  (%s on workerd, %s.go on kvdo)\n%s", o.ID, o.Title, o.Twin, strings.TrimSuffix(o.Twin, ".js"), indent(o.Table()))
		switch {
		case o.Agree():
			fmt.Fprintf(out, "  agree\n\n")
		case o.Known != "":
			fmt.Fprintf(out, "  known disagreement: %s\n\n", o.Known)
		default:
			fmt.Fprintf(out, "  DISAGREE\n\n")
		}
	}
	if format == "json" {
		b, err := json.MarshalIndent(outcomes, "", "  ")
		if err != nil {
			return err
		}
		if _, err := out.Write(append(b, '\n')); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(out, "%d of %d checks agree", len(checks)-failed, len(checks))
		if failed == 0 {
			fmt.Fprintln(out, ".")
		} else {
			fmt.Fprintln(out, ": kvdo's local mode and workerd disagree on the others.")
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d checks disagree with workerd", failed, len(checks))
	}
	return nil
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n") + "\n"
}
