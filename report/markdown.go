package report

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/kvdo/kvdo/advisor"
	"gopkg.in/yaml.v3"
)

// Markdown renders d as a decision record in the MADR 4 layout, written to
// read well both as plain text and on GitHub. A Doc with several entries
// becomes one record with a section per piece of state; a Doc with one
// entry (see PerItem) is a record about that piece of state alone.
func Markdown(d Doc) []byte {
	m := &mdWriter{}
	m.frontMatter(d)
	if len(d.Entries) == 1 {
		e := d.Entries[0]
		m.heading(1, userText(e.Item.Name)+": "+mdProse(optionTitle(e.Recommendation, e.Recommendation.Primary), false))
		if d.Title != "" {
			m.block("Part of the review *%s*.", userText(d.Title))
		}
		m.entry(d, e, 2)
	} else {
		m.heading(1, userText(d.title()))
		m.reviewContext(d)
		for _, e := range d.Entries {
			m.heading(2, userText(e.Item.Name)+": "+mdProse(optionTitle(e.Recommendation, e.Recommendation.Primary), false))
			m.entry(d, e, 3)
		}
	}
	m.moreInformation(d)
	return []byte(m.String())
}

// mdWriter builds Markdown one block at a time, keeping exactly one blank
// line between blocks so the output is tidy for diff review.
type mdWriter struct{ strings.Builder }

func (m *mdWriter) block(format string, a ...any) {
	if m.Len() > 0 {
		m.WriteString("\n")
	}
	text := fmt.Sprintf(format, a...)
	m.WriteString(text)
	if !strings.HasSuffix(text, "\n") {
		m.WriteString("\n")
	}
}

func (m *mdWriter) heading(level int, text string) {
	m.block("%s %s", strings.Repeat("#", level), text)
}

// list writes a bullet list; items are already escaped.
func (m *mdWriter) list(items []string) {
	if len(items) == 0 {
		return
	}
	var b strings.Builder
	for _, it := range items {
		b.WriteString("- " + it + "\n")
	}
	m.block("%s", b.String())
}

// table writes a GFM table; cells are already escaped for tables. Columns
// listed in right hold figures and are right-aligned so digits line up.
func (m *mdWriter) table(head []string, rows [][]string, right ...int) {
	var b strings.Builder
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for i := range head {
		if slices.Contains(right, i) {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	m.block("%s", b.String())
}

func (m *mdWriter) frontMatter(d Doc) {
	// yaml.v3 quotes whatever needs quoting, so a decision-maker called
	// "x: y" or "---" cannot break the front matter.
	fm := struct {
		Status        string `yaml:"status"`
		Date          string `yaml:"date,omitempty"`
		DecisionMaker string `yaml:"decision-makers,omitempty"`
	}{d.status(), d.Date, strings.Join(d.DecidedBy, ", ")}
	b, err := yaml.Marshal(fm)
	if err != nil {
		// Marshalling three strings cannot fail; keep the record valid anyway.
		b = []byte("status: " + d.status() + "\n")
	}
	m.WriteString("---\n")
	m.Write(b)
	m.WriteString("---\n")
}

func (m *mdWriter) reviewContext(d Doc) {
	m.heading(2, "Context and Problem Statement")
	var names []string
	for _, e := range d.Entries {
		names = append(names, "`"+codeText(e.Item.Name)+"`")
	}
	text := fmt.Sprintf("This review decides where %d pieces of edge state live: %s. "+
		"For each, the options are Workers KV, a Durable Object, a Durable Object publishing to KV, "+
		"the Cache API, and R2 with a pointer in KV. kvdo weighed the answers below against its rules; "+
		"each section records the choice, why, and what would change it.", len(d.Entries), strings.Join(names, ", "))
	if d.AnswersFile != "" {
		text += fmt.Sprintf("\n\nAnswers file: `%s`.", codeText(d.AnswersFile))
	}
	m.block("%s", text)

	m.heading(2, "Decisions at a Glance")
	var rows [][]string
	for _, e := range d.Entries {
		r := e.Recommendation
		cost := "n/a"
		for _, c := range r.Costs {
			if c.Option == r.Primary {
				cost = estimateText(c)
			}
		}
		decision := cell(mdProse(optionTitle(r, r.Primary), true)) + " (`" + codeCell(string(r.Primary)) + "`)"
		if leastBad(r) {
			decision += ", least bad: every option ruled out"
		}
		rows = append(rows, []string{
			cell(userText(e.Item.Name)),
			decision,
			cell(userText(r.Confidence)),
			cost,
		})
	}
	m.table([]string{"State", "Decision", "Confidence", "Estimated monthly cost"}, rows, 3)
}

// entry writes the MADR sections for one piece of state, with top-level
// sections at heading level h.
func (m *mdWriter) entry(d Doc, e Entry, h int) {
	r := e.Recommendation
	m.heading(h, "Context and Problem Statement")
	ctx := fmt.Sprintf("Where should `%s` live?", codeText(e.Item.Name))
	if r.Summary != "" {
		ctx += " " + mdProse(r.Summary, false)
	}
	m.block("%s", ctx)
	if n := strings.TrimSpace(e.Item.Notes); n != "" {
		m.block("%s", userParagraph(n))
	}

	m.heading(h, "Decision Drivers")
	var drivers []string
	for _, dr := range d.drivers(e.Item.Answers) {
		line := "`" + codeText(dr.ID) + "`: **" + userText(dr.Answer) + "**"
		if dr.Prompt != "" {
			line = mdProse(dr.Prompt, false) + " (" + line + ")"
		}
		drivers = append(drivers, line)
	}
	if len(drivers) == 0 {
		drivers = []string{"No answers were given."}
	}
	m.list(drivers)

	m.heading(h, "Considered Options")
	var opts []string
	for _, o := range r.Ranking {
		opts = append(opts, mdProse(o.Title, false)+" (`"+codeText(string(o.Option))+"`)")
	}
	m.list(opts)

	m.heading(h, "Decision Outcome")
	out := fmt.Sprintf("Chosen option: **%s** (`%s`), with %s confidence.",
		mdProse(optionTitle(r, r.Primary), false), codeText(string(r.Primary)), userText(r.Confidence))
	if p, ok := primary(r); ok && p.Summary != "" {
		out += " " + mdProse(p.Summary, false)
	}
	m.block("%s", out)
	// Warnings sit with the verdict they qualify, not after the costs
	// where a reader who stops at the chosen option would miss them.
	for _, w := range r.Warnings {
		line := "> **Warning:** " + mdProse(w.Text, false)
		if len(w.Questions) > 0 {
			line += " (check " + codeList(w.Questions) + ")"
		}
		m.block("%s", line)
	}
	if len(r.Reasons) > 0 {
		m.block("The rules that decided it:")
		var reasons []string
		for _, rs := range r.Reasons {
			line := "`" + codeText(rs.Rule) + "`: " + mdProse(rs.Text, false)
			var tail []string
			if rs.Effect != "" {
				tail = append(tail, mdProse(rs.Effect, false))
			}
			if len(rs.Questions) > 0 {
				tail = append(tail, "from "+codeList(rs.Questions))
			}
			if len(tail) > 0 {
				line += " (" + strings.Join(tail, "; ") + ")"
			}
			reasons = append(reasons, line)
		}
		m.list(reasons)
	}

	m.heading(h+1, "Consequences")
	var cons []string
	if p, ok := primary(r); ok {
		for _, s := range p.Pros {
			cons = append(cons, "Good, because "+lowerFirst(mdProse(s, false)))
		}
		for _, s := range p.Cons {
			cons = append(cons, "Bad, because "+lowerFirst(mdProse(s, false)))
		}
	}
	for _, s := range r.Pitfalls {
		cons = append(cons, "Watch out: "+mdProse(s, false))
	}
	m.list(cons)

	if len(r.Checklist) > 0 {
		m.heading(h+1, "Confirmation")
		m.block("Before this ships, check:")
		var b strings.Builder
		for _, c := range r.Checklist {
			b.WriteString("- [ ] " + mdProse(c, false) + "\n")
		}
		m.block("%s", b.String())
	}

	if r.Sketch.Code != "" {
		m.heading(h+1, "Implementation Sketch")
		fence := codeFence(r.Sketch.Code)
		m.block("%s%s\n%s\n%s", fence, r.Sketch.Language, strings.TrimRight(r.Sketch.Code, "\n"), fence)
	}

	m.heading(h, "Pros and Cons of the Options")
	for _, o := range r.Ranking {
		head := mdProse(o.Title, false) + " (`" + codeText(string(o.Option)) + "`)"
		m.heading(h+1, head)
		var lines []string
		if o.Summary != "" {
			m.block("%s", mdProse(o.Summary, false))
		}
		status := fmt.Sprintf("Score %d.", o.Score)
		if o.Option == r.Primary {
			status = fmt.Sprintf("Chosen; score %d.", o.Score)
		}
		if !o.Viable {
			status = fmt.Sprintf("Ruled out (score %d).", o.Score)
			if o.RuledOut != "" {
				status = "Ruled out: " + mdProse(o.RuledOut, false)
			}
		}
		m.block("%s", status)
		for _, s := range o.Pros {
			lines = append(lines, "Good, because "+lowerFirst(mdProse(s, false)))
		}
		for _, s := range o.Cons {
			lines = append(lines, "Bad, because "+lowerFirst(mdProse(s, false)))
		}
		m.list(lines)
	}

	m.costs(r, h)
	m.flips(d, r, h)

	if len(r.Providers) > 0 {
		m.heading(h, "On Other Platforms")
		var rows [][]string
		for _, p := range r.Providers {
			rows = append(rows, []string{cell(mdProse(p.Platform, true)), cell(mdProse(p.Equivalent, true))})
		}
		m.table([]string{"Platform", "Nearest equivalent"}, rows)
	}
}

func (m *mdWriter) costs(r advisor.Recommendation, h int) {
	if len(r.Costs) == 0 {
		return
	}
	m.heading(h, "Cost Estimate")
	m.block("Monthly, at the peak rates answered sustained for a 30-day month: an upper bound for one key or one object (state split over many objects pays duration for each while it is active). " +
		"Each line shows its arithmetic so it can be checked against the price list.")
	var rows [][]string
	for _, c := range r.Costs {
		rows = append(rows, []string{
			cell(mdProse(optionTitle(r, c.Option), true)) + " (`" + codeCell(string(c.Option)) + "`)",
			cell(mdProse(c.Plan, true)), "**" + estimateText(c) + "**", cell(userText(orNA(c.AsOf))),
		})
	}
	m.table([]string{"Option", "Plan", "Per month", "Prices as of"}, rows, 2)
	for _, c := range r.Costs {
		total := estimateText(c)
		if total != "not priced" {
			total += " per month"
		}
		m.heading(h+1, fmt.Sprintf("%s: %s", mdProse(optionTitle(r, c.Option), false), total))
		var rows [][]string
		for _, l := range c.Lines {
			rows = append(rows, []string{
				cell(mdProse(l.Item, true)),
				formatNumber(l.Quantity) + " " + cell(mdProse(l.Unit, true)),
				includedText(l),
				cell(mdProse(unitPrice(l), true)),
				formatUSD(l.USD),
				cell(mdProse(l.Arithmetic, true)),
			})
		}
		m.table([]string{"Billed item", "Usage", "Included", "Price", "Cost", "Arithmetic"}, rows, 1, 2, 4)
		switch {
		case c.Source != "" && c.AsOf != "":
			m.block("Source: %s (as of %s).", mdSource(c.Source, false), userText(c.AsOf))
		case c.Source != "":
			m.block("Source: %s.", mdSource(c.Source, false))
		}
	}
}

func (m *mdWriter) flips(d Doc, r advisor.Recommendation, h int) {
	if len(r.Flips) == 0 {
		return
	}
	m.heading(h, "What Would Flip It")
	var lines []string
	for _, f := range r.Flips {
		q := "`" + codeText(f.Question) + "`"
		if p := d.prompt(f.Question); p != "" {
			q = mdProse(p, false) + " (" + q + ")"
		}
		line := fmt.Sprintf("%s: **%s** instead of %s would make it **%s** (`%s`)",
			q, userText(FormatValue(f.To)), userText(FormatValue(f.From)),
			mdProse(optionTitle(r, f.Primary), false), codeText(string(f.Primary)))
		if f.LeastBad {
			line += ", " + leastBadFlip
		}
		line += "."
		// f.Text restates these fields in words; the JSON keeps it, the
		// record already says it with the question's prompt.
		lines = append(lines, line)
	}
	m.list(lines)
}

func (m *mdWriter) moreInformation(d Doc) {
	m.heading(2, "More Information")
	from := ""
	if d.AnswersFile != "" {
		from = " in `" + codeText(d.AnswersFile) + "`"
	}
	m.block("Generated by kvdo from the answers%s. The facts and prices it relied on, each with the date it was last checked:", from)
	var rows [][]string
	for _, s := range d.sources() {
		rows = append(rows, []string{"`" + codeCell(s.ID) + "`", cell(mdProse(s.Text, true)), cell(mdSource(s.Source, true)), cell(userText(s.AsOf))})
	}
	if len(rows) > 0 {
		m.table([]string{"Fact", "What it says", "Source", "As of"}, rows)
	}
	m.block("Regenerate this record with `kvdo advise --answers FILE`; re-check it when a source above changes.")
}

// prompt is the question's prompt, or "" when the Doc does not know it.
func (d Doc) prompt(id string) string {
	for _, q := range d.Questions {
		if q.ID == id {
			return q.Prompt
		}
	}
	return ""
}

// mdSpecial are the characters that can start Markdown or HTML syntax
// inline; user text gets each backslash-escaped (CommonMark allows that for
// any ASCII punctuation) so a name like "<script>" or "a|b" stays literal.
const mdSpecial = "\\`*_[]<>#|&!~"

// userText escapes a string typed by a user (names, notes, titles) so it
// renders literally wherever it lands, tables included. Newlines become
// spaces: none of the places user text goes can hold a line break.
func userText(s string) string {
	var b strings.Builder
	for _, r := range strings.Join(strings.Fields(s), " ") {
		if r < 128 && strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// userParagraph escapes multi-line user text (an item's notes), keeping its
// line breaks and defusing lines that would otherwise start a list, a
// heading underline or a quote.
func userParagraph(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = userText(l)
		if l == "" {
			continue
		}
		if strings.ContainsRune("-+=0123456789", rune(l[0])) {
			l = escapeLeadingMarker(l)
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "  \n")
}

// escapeLeadingMarker escapes what would make a line a list item or a
// setext underline: a leading -, +, = or the dot after a leading number.
func escapeLeadingMarker(l string) string {
	if strings.ContainsRune("-+=", rune(l[0])) {
		return "\\" + l
	}
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i < len(l) && (l[i] == '.' || l[i] == ')') {
		return l[:i] + "\\" + l[i:]
	}
	return l
}

// mdProse escapes text from the content pack. Content may use code spans
// and emphasis on purpose, so only what could inject HTML ("<") or break a
// table row ("|", line breaks) is escaped; code spans are left as they are,
// except that a table needs "\|" even inside them.
func mdProse(s string, inTable bool) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	inCode := false
	for _, r := range s {
		switch {
		case r == '`':
			inCode = !inCode
		case r == '|' && inTable:
			b.WriteByte('\\')
		case r == '<' && !inCode:
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeText makes s safe inside a single-backtick code span.
func codeText(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "`", "'")
}

// codeCell is codeText for a code span inside a table cell.
func codeCell(s string) string { return strings.ReplaceAll(codeText(s), "|", "\\|") }

// cell makes already-escaped text safe in a table cell: a pipe that is not
// yet escaped would end the cell.
func cell(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if r == '|' && prev != '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// codeList formats question ids as code spans: `a`, `b`.
func codeList(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "`" + codeText(id) + "`"
	}
	return strings.Join(out, ", ")
}

// codeFence returns a backtick fence longer than any run of backticks in
// code, so a sketch containing ``` cannot close its block early.
func codeFence(code string) string {
	longest, run := 0, 0
	for _, r := range code {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// lowerFirst lowercases a leading capitalised word so "Good, because"
// reads on ("Reads stay local" -> "reads stay local"), leaving acronyms and
// names with digits alone (KV, DO, R2).
func lowerFirst(s string) string {
	word := s
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); i >= 0 {
		word = s[:i]
	}
	if word == "" || word[0] < 'A' || word[0] > 'Z' {
		return s
	}
	for _, r := range word[1:] {
		if !unicode.IsLower(r) {
			return s
		}
	}
	return string(word[0]+'a'-'A') + s[1:]
}

// mdSource is mdProse for a citation: its web addresses become links, so a
// reader can check the fact in one click on GitHub.
func mdSource(s string, inTable bool) string {
	if strings.Contains(s, "`") {
		return mdProse(s, inTable)
	}
	var b strings.Builder
	linkSpans(strings.Join(strings.Fields(s), " "),
		func(t string) {
			// mdProse trims; the spaces around a link must stay.
			if strings.HasPrefix(t, " ") {
				b.WriteByte(' ')
			}
			b.WriteString(mdProse(t, inTable))
			if strings.HasSuffix(t, " ") && strings.TrimSpace(t) != "" {
				b.WriteByte(' ')
			}
		},
		func(u string) { b.WriteString("[" + u + "](https://" + u + ")") })
	return b.String()
}
