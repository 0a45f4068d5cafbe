package demos

import (
	"embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The JavaScript twins: every demo's handler file exists again in
// JavaScript (js/NAME.js beside NAME.go), written as a Workers developer
// would write it, with async/await. The conformance suite runs the twins on
// workerd; the player shows them, because the audience writes JavaScript.
//
// A line that causes a trace event carries a step name in a trailing
// comment, "// step: kv-read-count", on the Go line and on its JavaScript
// twin line alike, so an event's Site ("race_worker.go:31") leads to the
// JavaScript line that does the same thing, and back.

//go:embed js/*.js
var twinFiles embed.FS

// stepMarker finds a step name in a line's trailing comment.
var stepMarker = regexp.MustCompile(`//\s*step:\s*([a-z0-9]+(?:-[a-z0-9]+)*)\b`)

// Twin is the JavaScript twin of one demo handler file, with the step
// names that join its lines to the Go file's.
type Twin struct {
	GoFile string `json:"go_file"` // "race_worker.go"
	File   string `json:"file"`    // "race_worker.js"
	Code   string `json:"code"`

	goLine map[string]int // step -> Go line (1-based)
	jsLine map[string]int // step -> JavaScript line
	goStep map[int]string // Go line -> step
	jsStep map[int]string // JavaScript line -> step
}

// TwinFile names the JavaScript twin of a Go handler file.
func TwinFile(goFile string) string {
	return strings.TrimSuffix(goFile, ".go") + ".js"
}

// TwinSource returns the embedded JavaScript source of a twin file.
func TwinSource(file string) (string, error) {
	b, err := twinFiles.ReadFile("js/" + file)
	if err != nil {
		return "", fmt.Errorf("no JavaScript twin %s: expected demos/js/%s", file, file)
	}
	return string(b), nil
}

// TwinFiles lists the embedded twin files in name order.
func TwinFiles() []string {
	entries, _ := twinFiles.ReadDir("js") // embedded: cannot fail
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// Twin returns the JavaScript twin of the demo's handler file, with the
// mapping between their lines.
func (d Demo) Twin() (Twin, error) {
	return NewTwin(d.Source.File, d.Source.Code)
}

// NewTwin pairs a Go handler file with its embedded JavaScript twin. It
// fails when the twin is missing, or when either file names a step twice:
// a step must lead to one line.
func NewTwin(goFile, goCode string) (Twin, error) {
	file := TwinFile(goFile)
	code, err := TwinSource(file)
	if err != nil {
		return Twin{}, err
	}
	t := Twin{GoFile: goFile, File: file, Code: code}
	if t.goLine, t.goStep, err = steps(goFile, goCode); err != nil {
		return Twin{}, err
	}
	if t.jsLine, t.jsStep, err = steps(file, code); err != nil {
		return Twin{}, err
	}
	return t, nil
}

// steps reads the step markers of a source file.
func steps(file, code string) (map[string]int, map[int]string, error) {
	byName, byLine := map[string]int{}, map[int]string{}
	for i, line := range strings.Split(code, "\n") {
		m := stepMarker.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if prev, dup := byName[m[1]]; dup {
			return nil, nil, fmt.Errorf("%s:%d: step %q is already the name of line %d: expected each step once per file", file, i+1, m[1], prev)
		}
		byName[m[1]], byLine[i+1] = i+1, m[1]
	}
	return byName, byLine, nil
}

// Step returns the step name of a trace event's Site ("file.go:LINE").
func (t Twin) Step(site string) (string, bool) {
	file, num, ok := strings.Cut(site, ":")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || file != t.GoFile {
		return "", false
	}
	s, ok := t.goStep[n]
	return s, ok
}

// JSLine maps a trace event's Site to the line (1-based) of the twin
// with the same step.
func (t Twin) JSLine(site string) (int, bool) {
	s, ok := t.Step(site)
	if !ok {
		return 0, false
	}
	n, ok := t.jsLine[s]
	return n, ok
}

// GoSite maps a line of the twin back to the Go Site with the same step.
func (t Twin) GoSite(jsLine int) (string, bool) {
	s, ok := t.jsStep[jsLine]
	if !ok {
		return "", false
	}
	n, ok := t.goLine[s]
	if !ok {
		return "", false
	}
	return t.GoFile + ":" + strconv.Itoa(n), true
}

// Steps lists the step names of the Go file, then any only the twin has,
// each in line order.
func (t Twin) Steps() []string {
	var out []string
	for _, m := range []map[int]string{t.goStep, t.jsStep} {
		lines := make([]int, 0, len(m))
		for n := range m {
			lines = append(lines, n)
		}
		sort.Ints(lines)
		for _, n := range lines {
			if s := m[n]; !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Unpaired lists the steps only one side names, as "file:LINE step": a
// Go line with no JavaScript twin line, or the other way round.
func (t Twin) Unpaired() []string {
	var out []string
	for _, s := range t.Steps() {
		g, inGo := t.goLine[s]
		j, inJS := t.jsLine[s]
		switch {
		case !inJS:
			out = append(out, fmt.Sprintf("%s:%d %s", t.GoFile, g, s))
		case !inGo:
			out = append(out, fmt.Sprintf("%s:%d %s", t.File, j, s))
		}
	}
	return out
}
