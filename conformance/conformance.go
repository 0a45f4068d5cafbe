// Package conformance checks kvdo's local mode against the real Workers
// runtime. Each check is a workload (demos.Workload) run twice: on kvdo's
// local mode, with a demo's Go handlers, and on workerd through Miniflare,
// with their JavaScript twins, by the Node harness in this directory
// (harness.mjs; npm ci installs Miniflare, which carries workerd). The
// same measures read both results, and each figure must agree by its rule.
//
// Node is needed for this package's checks only: kvdo itself never runs it
// except for `kvdo verify`.
package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
)

// MinNode is the oldest Node.js major version Miniflare 4 runs on.
const MinNode = 20

// HarnessScript is the harness's file name inside its directory.
const HarnessScript = "harness.mjs"

// Harness is an installed conformance harness: Node and a directory
// holding harness.mjs with Miniflare in its node_modules.
type Harness struct {
	Dir  string // the directory holding harness.mjs and node_modules
	Node string // path of the node executable
}

// MissingError says what is not installed, and how to install it.
type MissingError struct {
	What    string // e.g. "Node.js 20 or later"
	Install string // the command or step that installs it
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("%s is not installed: %s", e.What, e.Install)
}

// FindHarness checks that Node and the harness in dir are installed. A
// *MissingError says what to install.
func FindHarness(dir string) (*Harness, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, HarnessScript)); err != nil {
		return nil, &MissingError{What: "the conformance harness (" + filepath.Join(dir, HarnessScript) + ")",
			Install: "run kvdo from a checkout of the kvdo repository, or pass --harness DIR naming its conformance/ directory"}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, &MissingError{What: fmt.Sprintf("Node.js %d or later", MinNode),
			Install: fmt.Sprintf("install Node.js %d or later (https://nodejs.org) so that `node` is on PATH, then run `npm ci` in %s", MinNode, abs)}
	}
	out, err := exec.Command(node, "--version").Output()
	if major, ok := nodeMajor(string(out)); err != nil || !ok || major < MinNode {
		return nil, &MissingError{What: fmt.Sprintf("Node.js %d or later (found %s)", MinNode, strings.TrimSpace(string(out))),
			Install: fmt.Sprintf("install Node.js %d or later (https://nodejs.org)", MinNode)}
	}
	if _, err := os.Stat(filepath.Join(abs, "node_modules", "miniflare", "package.json")); err != nil {
		return nil, &MissingError{What: "Miniflare (the harness's npm packages)",
			Install: fmt.Sprintf("run `npm ci` in %s (it installs miniflare 4.20260730.0 and workerd from package-lock.json)", abs)}
	}
	return &Harness{Dir: abs, Node: node}, nil
}

// nodeMajor reads the major version from `node --version` ("v20.20.2").
func nodeMajor(v string) (int, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	return n, err == nil
}

// harnessInput is what harness.mjs reads: the workload and the twin's code.
type harnessInput struct {
	demos.Workload
	Script string `json:"script"`
}

// harnessOutput is one answer of harness.mjs: a result, or why the
// workload could not run.
type harnessOutput struct {
	demos.WorkloadResult
	Error string `json:"error"`
}

// Session is one running harness process. Loading Miniflare takes seconds,
// running a workload a fraction of that, so a suite sends every workload
// to one session. Run is not safe for concurrent use: workloads run one
// after another, each on its own fresh workerd.
type Session struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *bytes.Buffer
}

// Start starts the harness process. ctx bounds its whole life.
func (h *Harness) Start(ctx context.Context) (*Session, error) {
	cmd := exec.CommandContext(ctx, h.Node, HarnessScript)
	cmd.Dir = h.Dir
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &Session{cmd: cmd, in: in, out: bufio.NewReader(out), stderr: &bytes.Buffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("harness: %w", err)
	}
	return s, nil
}

// Run executes a workload on workerd with the given twin source.
func (s *Session) Run(wl demos.Workload, script string) (*demos.WorkloadResult, error) {
	line, err := json.Marshal(harnessInput{Workload: wl, Script: script})
	if err != nil {
		return nil, err
	}
	if _, err := s.in.Write(append(line, '\n')); err != nil {
		return nil, s.failed(err)
	}
	reply, err := s.out.ReadBytes('\n')
	if err != nil {
		return nil, s.failed(err)
	}
	var res harnessOutput
	if err := json.Unmarshal(reply, &res); err != nil {
		return nil, fmt.Errorf("harness output: %v: %.200q", err, reply)
	}
	if res.Error != "" {
		return nil, fmt.Errorf("harness: %s", res.Error)
	}
	return &res.WorkloadResult, nil
}

// failed explains a broken session with what the process wrote to stderr.
func (s *Session) failed(err error) error {
	return fmt.Errorf("harness (%s %s) stopped: %v\n%s", s.cmd.Path, HarnessScript, err, strings.TrimSpace(s.stderr.String()))
}

// Close ends the harness process and waits for it.
func (s *Session) Close() error {
	s.in.Close()
	return s.cmd.Wait()
}

// Rule says how kvdo's figure and workerd's must relate to agree.
type Rule struct {
	Text  string // shown beside the figures: "equal", "both > 0"
	agree func(kvdo, workerd float64) bool
	// shown marks a figure reported beside the others but not compared:
	// it depends on timing the two runtimes do not share.
	shown bool
}

// Agree reports whether the two figures agree by the rule.
func (r Rule) Agree(kvdo, workerd float64) bool { return r.agree(kvdo, workerd) }

var (
	// Equal: the same number on both.
	Equal = Rule{Text: "equal", agree: func(a, b float64) bool { return a == b }}
	// BothPositive: more than zero on both; how many depends on timing
	// the two runtimes do not share.
	BothPositive = Rule{Text: "both > 0", agree: func(a, b float64) bool { return a > 0 && b > 0 }}
	// BothZero: none on either.
	BothZero = Rule{Text: "both 0", agree: func(a, b float64) bool { return a == 0 && b == 0 }}
)

// Shown reports a figure without comparing it: one that depends on how
// fast each runtime happens to be (how many requests overlapped, and so
// how many updates a race lost).
var Shown = Rule{Text: "shown, timing-dependent", agree: func(float64, float64) bool { return true }, shown: true}

// Between agrees when both figures lie in [lo, hi]: a range the
// runtime's own rule allows, such as a delay with random jitter.
func Between(lo, hi float64, unit string) Rule {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return Rule{Text: fmt.Sprintf("both in %s-%s %s", f(lo), f(hi), unit), agree: func(a, b float64) bool {
		return a >= lo && a <= hi && b >= lo && b <= hi
	}}
}

// Measure is one figure a check reads from a result.
type Measure struct {
	Name string
	Unit string // "count", "ms", "yes/no"
	Rule Rule
	Read func(*demos.WorkloadResult) (float64, error)
}

// Check is one behaviour compared between kvdo's local mode and workerd.
type Check struct {
	ID       string // "race/kv-in-do"
	Demo     string // the demo whose twin runs; "" for the runtime probe
	Title    string // the behaviour, in one sentence
	Workload demos.Workload
	Measures []Measure
	// Known, if set, names a disagreement found and reported to be fixed
	// in kvdo's simulator; while the figures still disagree, the check
	// reports it instead of failing.
	Known string

	handlers demos.Handlers // nil: the demo twin's Go handlers
}

// Script returns the JavaScript the check runs on workerd.
func (c Check) Script() (string, error) {
	if c.Workload.Twin == probeTwin {
		return probeSource, nil
	}
	return demos.TwinSource(c.Workload.Twin)
}

// Predict runs the check's workload on kvdo's local mode.
func (c Check) Predict() (*demos.WorkloadResult, error) {
	pack, err := content.LoadDefault()
	if err != nil {
		return nil, err
	}
	return c.Workload.RunLocal(demos.EdgeTopology(pack.Topology), c.handlers)
}

// Figure is one measure as kvdo predicts it and as workerd shows it.
type Figure struct {
	Name    string  `json:"name"`
	Unit    string  `json:"unit"`
	Rule    string  `json:"rule"`
	Kvdo    float64 `json:"kvdo_local"`
	Workerd float64 `json:"workerd"`
	Agree   bool    `json:"agree"`
	// Compared is false for a figure only shown beside the others.
	Compared bool `json:"compared"`
}

// Outcome is a check's comparison.
type Outcome struct {
	ID       string                `json:"id"`
	Title    string                `json:"title"`
	Twin     string                `json:"twin"`
	Figures  []Figure              `json:"figures"`
	Known    string                `json:"known_disagreement,omitempty"`
	Versions map[string]string     `json:"versions,omitempty"`
	Kvdo     *demos.WorkloadResult `json:"-"`
	Workerd  *demos.WorkloadResult `json:"-"`
}

// Agree reports whether every figure agrees.
func (o Outcome) Agree() bool {
	for _, f := range o.Figures {
		if !f.Agree {
			return false
		}
	}
	return true
}

// Compare applies the check's measures to both results.
func (c Check) Compare(kvdo, workerd *demos.WorkloadResult) (Outcome, error) {
	out := Outcome{ID: c.ID, Title: c.Title, Twin: c.Workload.Twin, Known: c.Known, Versions: workerd.Versions, Kvdo: kvdo, Workerd: workerd}
	for _, m := range c.Measures {
		k, err := m.Read(kvdo)
		if err != nil {
			return out, fmt.Errorf("%s: %s on kvdo: %w", c.ID, m.Name, err)
		}
		w, err := m.Read(workerd)
		if err != nil {
			return out, fmt.Errorf("%s: %s on workerd: %w", c.ID, m.Name, err)
		}
		k, w = math.Round(k*1000)/1000, math.Round(w*1000)/1000 // microseconds at most: no float noise in JSON
		out.Figures = append(out.Figures, Figure{Name: m.Name, Unit: m.Unit, Rule: m.Rule.Text, Kvdo: k, Workerd: w,
			Agree: m.Rule.Agree(k, w), Compared: !m.Rule.shown})
	}
	return out, nil
}

// Run runs the check on both runtimes and compares them.
func (c Check) Run(s *Session) (Outcome, error) {
	kvdo, err := c.Predict()
	if err != nil {
		return Outcome{}, fmt.Errorf("%s on kvdo's local mode: %w", c.ID, err)
	}
	script, err := c.Script()
	if err != nil {
		return Outcome{}, err
	}
	workerd, err := s.Run(c.Workload, script)
	if err != nil {
		return Outcome{}, fmt.Errorf("%s on workerd: %w", c.ID, err)
	}
	return c.Compare(kvdo, workerd)
}

// Table prints the outcome's figures in aligned columns.
func (o Outcome) Table() string {
	var b strings.Builder
	rows := [][]string{{"figure", "kvdo local", "workerd", "rule", ""}}
	for _, f := range o.Figures {
		mark := "agree"
		switch {
		case !f.Compared:
			mark = ""
		case !f.Agree:
			mark = "DISAGREE"
		}
		rows = append(rows, []string{f.Name, fmtFigure(f.Kvdo, f.Unit), fmtFigure(f.Workerd, f.Unit), f.Rule, mark})
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", width[i]-len([]rune(c))+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	return b.String()
}

func fmtFigure(v float64, unit string) string {
	switch unit {
	case "yes/no":
		if v != 0 {
			return "yes"
		}
		return "no"
	case "ms":
		return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Get returns the check with the given id.
func Get(id string) (Check, error) {
	var ids []string
	for _, c := range All() {
		if c.ID == id {
			return c, nil
		}
		ids = append(ids, c.ID)
	}
	return Check{}, fmt.Errorf("unknown check %q: expected one of %s", id, strings.Join(ids, ", "))
}

// Select returns the checks of a demo (by its id), or the one check with
// that id, or every check for "".
func Select(name string) ([]Check, error) {
	all := All()
	if name == "" {
		return all, nil
	}
	var out []Check
	for _, c := range all {
		if c.Demo == name || c.ID == name || strings.HasPrefix(c.ID, name+"/") {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		var names []string
		seen := map[string]bool{}
		for _, c := range all {
			for _, n := range []string{c.Demo, c.ID} {
				if n != "" && !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
		}
		return nil, fmt.Errorf("nothing to verify for %q: expected a demo or a check, one of %s", name, strings.Join(names, ", "))
	}
	return out, nil
}

// errNoAnswer is what a measure reports when the answer it reads is absent.
var errNoAnswer = errors.New("no such answer")

// answer returns the answer to call k of client c in step s.
func answer(r *demos.WorkloadResult, s, c, k int) (demos.Answer, error) {
	for _, a := range r.Answers {
		if a.Step == s && a.Client == c && a.Call == k {
			return a, nil
		}
	}
	return demos.Answer{}, fmt.Errorf("step %d client %d call %d: %w", s, c, k, errNoAnswer)
}

// stepAnswers returns step s's answers.
func stepAnswers(r *demos.WorkloadResult, s int) []demos.Answer {
	var out []demos.Answer
	for _, a := range r.Answers {
		if a.Step == s {
			out = append(out, a)
		}
	}
	return out
}
