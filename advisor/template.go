package advisor

import (
	"fmt"
	"strings"

	"github.com/kvdo/kvdo/content"
	"gopkg.in/yaml.v3"
)

// Template writes a commented answers file (version 1) holding one item
// with every question of the pack, in interview order: its prompt, its
// unit and range, what it means, whether it is required, and whether a
// rate counts all keys or the busiest one. Required questions carry their
// default, so the file evaluates as it is; optional ones are commented
// out, with their default or an example value to uncomment. It is what kvdo advise --template
// prints, and ParseReview reads it back.
func Template(pack *content.Pack) []byte {
	var b strings.Builder
	b.WriteString(`# An answers file for kvdo advise (version 1). Fill in one item per piece
# of state, then run:  kvdo advise --answers FILE
#
# Rates: reads_per_s and writes_per_s count every key and location together
# (totals); reads_per_s_per_key and writes_per_s_per_key are those of the
# busiest single key or object. Sizes take units: 4kB, 25MiB, 2.5MB.
# Optional questions may be left out: the advice then does not guess them.
version: 1
title: My system's edge state review      # optional
decided_by: [Ana, Ravi]                   # optional: a list, or one name
items:
  - name: my-state                        # required, unique in the file
    notes: what this state is and who uses it   # optional
    answers:
`)
	for _, q := range pack.InterviewOrder() {
		b.WriteString("\n")
		for _, l := range wrap(q.Prompt, 70) {
			b.WriteString("      # " + l + "\n")
		}
		for _, l := range wrap(questionForm(q), 70) {
			b.WriteString("      #   " + l + "\n")
		}
		for _, l := range wrap(q.Help, 70) {
			b.WriteString("      #   " + l + "\n")
		}
		if q.Required {
			b.WriteString("      " + q.ID + ": " + templateValue(q) + "\n")
		} else {
			b.WriteString("      # " + q.ID + ": " + templateValue(q) + "\n")
		}
	}
	return []byte(b.String())
}

// questionForm says what a question takes: its type, unit and range, and
// whether it is required or asked only in some cases.
func questionForm(q *content.Question) string {
	s := "Required. "
	if !q.Required {
		s = "Optional. "
	}
	s += "Expects " + q.Expected() + "."
	if q.AskIf != nil {
		s += " Asked only when " + q.AskIf.String() + "."
	}
	return s
}

// templateValue is the value a template shows for q: its default, else an
// example of the right type.
func templateValue(q *content.Question) string {
	v := q.Default
	if v == nil {
		switch q.Type {
		case content.TypeBool:
			v = false
		case content.TypeChoice:
			v = q.Options[0]
		default:
			v = 1.0
			if q.Min != nil && *q.Min > 1 {
				v = *q.Min
			}
		}
	}
	switch x := v.(type) {
	case float64:
		return content.FormatNumber(x)
	case string:
		// Quoted only when YAML would read it as something else.
		if b, err := yaml.Marshal(x); err == nil {
			return strings.TrimSpace(string(b))
		}
		return x
	}
	return fmt.Sprint(v)
}

// wrap breaks text into lines of at most width bytes at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
