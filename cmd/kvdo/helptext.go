package main

import (
	"bytes"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// fang renders help well on a terminal but, for kvdo, falls short in
// three ways this file mends without touching fang: a flag's value is not
// named (--content, not --content DIR), the first word of a flag's help
// is title-cased (kvdo's help therefore never starts with an identifier),
// and when the output is not a terminal every line is padded with spaces.

// flagPlaceholders name the value each flag takes, for help and the man
// page; a flag not listed gets one from its type.
var flagPlaceholders = map[string]string{
	"content":     "DIR",
	"answers":     "FILE",
	"output":      "FILE",
	"adr-dir":     "DIR",
	"date":        "YYYY-MM-DD",
	"format":      "FORMAT",
	"variant":     "VARIANT",
	"seed":        "N",
	"set":         "NAME=VALUE",
	"pops":        "N",
	"read-rate":   "RATE",
	"duration":    "DURATION",
	"write-every": "DURATION",
	"cache-ttl":   "DURATION",
	"mode":        "MODE",
}

// placeholder is the name of f's value, "" for a switch.
func placeholder(f *pflag.Flag) string {
	if p, ok := flagPlaceholders[f.Name]; ok {
		return p
	}
	switch f.Value.Type() {
	case "bool":
		return ""
	case "int", "int64", "uint64", "float64":
		return "N"
	case "duration":
		return "DURATION"
	}
	return "VALUE"
}

// allPlaceholders maps "--name" to its placeholder for every flag of the
// command tree.
func allPlaceholders(root *cobra.Command) map[string]string {
	out := map[string]string{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		visit := func(f *pflag.Flag) {
			if p := placeholder(f); p != "" {
				out["--"+f.Name] = p
			}
		}
		c.Flags().VisitAll(visit)
		c.PersistentFlags().VisitAll(visit)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// wantsHelp reports whether args ask for help rather than a run.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--help" || a == "-h" {
			return true
		}
		if a == "--" {
			break
		}
	}
	return len(args) > 0 && args[0] == "help"
}

// helpFilter rewrites help text line by line on its way out. Flag lines
// are held until their block ends, so that once their values are named
// the descriptions can be lined up again.
type helpFilter struct {
	w            io.Writer
	placeholders map[string]string
	strip        bool // not a terminal: drop trailing padding
	buf          bytes.Buffer
	block        []flagRow
}

// flagRow is one flag line: what comes before the description (the flag,
// its styling, its value's name) and the description.
type flagRow struct {
	head, desc string
	width      int // head's width on screen
}

// flagLine matches a flag at the start of a help line, with the styling
// codes around it and the padding after it.
var flagLine = regexp.MustCompile(`^(\s*(?:\x1b\[[0-9;]*m)*(?:-[a-zA-Z] )?)(--[a-z][a-z0-9-]*)((?:\x1b\[[0-9;]*m)*)( {2,})`)

var ansiCode = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func (h *helpFilter) Write(p []byte) (int, error) {
	h.buf.Write(p)
	for {
		i := bytes.IndexByte(h.buf.Bytes(), '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(h.buf.Next(i + 1))
		if err := h.line(strings.TrimSuffix(line, "\n")); err != nil {
			return len(p), err
		}
	}
}

// Flush writes what is left: a pending block, an unfinished line.
func (h *helpFilter) Flush() error {
	if err := h.flushBlock(); err != nil {
		return err
	}
	if h.buf.Len() == 0 {
		return nil
	}
	rest := h.buf.String()
	h.buf.Reset()
	_, err := io.WriteString(h.w, h.trim(rest))
	return err
}

func (h *helpFilter) line(line string) error {
	if m := flagLine.FindStringSubmatchIndex(line); m != nil {
		head := line[:m[7]]
		if p, ok := h.placeholders[line[m[4]:m[5]]]; ok {
			head += " " + p
		}
		h.block = append(h.block, flagRow{head: head, desc: line[m[9]:], width: len(ansiCode.ReplaceAllString(head, ""))})
		return nil
	}
	if err := h.flushBlock(); err != nil {
		return err
	}
	_, err := io.WriteString(h.w, h.trim(line)+"\n")
	return err
}

// flushBlock writes the held flag lines with their descriptions in one
// column, two spaces after the widest flag.
func (h *helpFilter) flushBlock() error {
	col := 0
	for _, r := range h.block {
		col = max(col, r.width+2)
	}
	for _, r := range h.block {
		line := r.head + strings.Repeat(" ", col-r.width) + r.desc
		if _, err := io.WriteString(h.w, h.trim(line)+"\n"); err != nil {
			return err
		}
	}
	h.block = h.block[:0]
	return nil
}

func (h *helpFilter) trim(line string) string {
	if h.strip {
		return strings.TrimRight(line, " ")
	}
	return line
}
