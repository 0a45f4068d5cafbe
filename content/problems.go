package content

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problems is every problem found in one run over one or more files, in
// the order the files are read and then by position. It prints one per
// line, each as file:line:col: what was wrong and what was expected, so
// one run shows them all. errors.As finds each *PosError.
type Problems []*PosError

func (p Problems) Error() string {
	lines := make([]string, len(p))
	for i, e := range p {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As and errors.Is look at each problem.
func (p Problems) Unwrap() []error {
	out := make([]error, len(p))
	for i, e := range p {
		out[i] = e
	}
	return out
}

// MaxProblems caps a list of problems: past it, the input is likely not
// what it claims to be, and more lines would bury the first ones. The
// last line then says that more follow.
const MaxProblems = 50

// collector gathers problems while a file or a pack is checked. A check
// records what it finds and carries on, so one run reports everything.
type collector struct {
	list Problems
	// full is set once MaxProblems were recorded and the closing line
	// added: later problems are dropped.
	full bool
	// decoded are the places of the problems found while decoding. A
	// later check of the same entry (a missing id, then "id \"\"" is not
	// an id) would only say it again, so it is dropped.
	decoded map[posKey]bool
}

type posKey struct {
	file string
	pos  Pos
}

// decodeDone marks the problems recorded so far as decoding problems.
func (c *collector) decodeDone() {
	c.decoded = map[posKey]bool{}
	for _, e := range c.list {
		c.decoded[posKey{e.File, e.Pos}] = true
	}
}

// at records a problem at position p of file.
func (c *collector) at(file string, p Pos, format string, a ...any) {
	if c.full || c.decoded[posKey{file, p}] {
		return
	}
	if len(c.list) == MaxProblems {
		c.list = append(c.list, &PosError{File: file, Pos: p,
			Msg: fmt.Sprintf("more than %d problems: fix these and run again", MaxProblems)})
		c.full = true
		return
	}
	if p.Line < 1 || p.Col < 1 {
		p = Pos{1, 1}
	}
	c.list = append(c.list, &PosError{File: file, Pos: p, Msg: fmt.Sprintf(format, a...)})
}

// node records a problem at node n of file.
func (c *collector) node(file string, n *yaml.Node, format string, a ...any) {
	c.at(file, Pos{n.Line, n.Column}, format, a...)
}

// add records err: each problem of a Problems, a *PosError, or any other
// error at 1:1 of file (an unreadable file has no better position).
func (c *collector) add(file string, err error) {
	if err == nil {
		return
	}
	var ps Problems
	var pe *PosError
	switch {
	case errors.As(err, &ps):
		for _, e := range ps {
			c.at(e.File, e.Pos, "%s", e.Msg)
		}
	case errors.As(err, &pe):
		c.at(pe.File, pe.Pos, "%s", pe.Msg)
	default:
		c.at(file, Pos{1, 1}, "%s", err.Error())
	}
}

// err returns the problems sorted by file (in the order given, files not
// listed last in order of appearance) and position, or nil.
func (c *collector) err(files ...string) error {
	if len(c.list) == 0 {
		return nil
	}
	rank := func(f string) int {
		if i := slices.Index(files, f); i >= 0 {
			return i
		}
		return len(files)
	}
	out := slices.Clone(c.list)
	// The closing "more than N" line stays last whatever its position.
	var tail *PosError
	if c.full {
		tail, out = out[len(out)-1], out[:len(out)-1]
	}
	slices.SortStableFunc(out, func(a, b *PosError) int {
		if d := rank(a.File) - rank(b.File); d != 0 {
			return d
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	})
	if tail != nil {
		out = append(out, tail)
	}
	return out
}
