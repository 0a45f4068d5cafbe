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
//
// Concise detail (the default) keeps each item to about one screen: the
// answers on one line, the decision with its design and confidence,
// consequences tied to the answers, one line per other option, a
// checklist, a sketch, the cost of the recommended design and what would
// flip it. Full detail adds every rule that fired, the pros and cons of
// every option, every estimate and flip, and the sources with their text.
func Markdown(d Doc) []byte {
	m := &mdWriter{}
	// A concise record is about 6 KB an item: sized once, it takes one
	// allocation instead of a dozen doublings (fresh memory is most of a
	// short process's cost). A full record outgrows it and doubles from
	// there.
	m.Grow((8 << 10) * (1 + len(d.Entries)))
	m.frontMatter(d)
	if len(d.Entries) == 1 {
		e := d.Entries[0]
		m.heading(1, d.numbered(userText(e.Item.Name)+": "+mdProse(decisionTitle(e.Recommendation), false)))
		m.links(d)
		m.entry(d, e, 2)
	} else {
		m.heading(1, d.numbered(userText(d.title())))
		m.links(d)
		m.reviewContext(d)
		for _, e := range d.Entries {
			m.heading(2, userText(e.Item.Name)+": "+mdProse(decisionTitle(e.Recommendation), false))
			m.entry(d, e, 3)
		}
	}
	m.moreInformation(d)
	return []byte(m.String())
}

// numbered prefixes a title with the record's number, as adr-tools writes
// it ("# 4. Title") so its table of contents finds it.
func (d Doc) numbered(title string) string {
	if d.Number > 0 {
		return fmt.Sprintf("%d. %s", d.Number, title)
	}
	return title
}

// DecisionTitle is what a record's title says was decided: the primary's
// title with its front layer, "Durable Object + Cache API".
func DecisionTitle(r advisor.Recommendation) string { return decisionTitle(r) }

func decisionTitle(r advisor.Recommendation) string {
	t := optionTitle(r, r.Primary)
	if r.Layer != nil {
		t += " + " + layerName(r.Layer.Kind)
	}
	return t
}

// mdWriter builds Markdown one block at a time, keeping exactly one blank
// line between blocks so the output is tidy for diff review.
type mdWriter struct{ strings.Builder }

func (m *mdWriter) block(format string, a ...any) {
	if m.Len() > 0 {
		m.WriteString("\n")
	}
	start := m.Len()
	fmt.Fprintf(&m.Builder, format, a...)
	if m.Len() == start || m.String()[m.Len()-1] != '\n' {
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
	m.WriteString("---\n")
	m.WriteString("status: " + yamlValue(d.status()) + "\n")
	if d.Date != "" {
		m.WriteString("date: " + yamlValue(d.Date) + "\n")
	}
	if len(d.DecidedBy) > 0 {
		m.WriteString("decision-makers: " + yamlValue(strings.Join(d.DecidedBy, ", ")) + "\n")
	}
	m.WriteString("---\n")
}

// yamlValue writes s as a front matter value that reads back as s
// exactly and is inert wherever the record is shown. A value of letters,
// digits and plain punctuation stays plain, as yaml.v3 writes it. Anything
// else is double-quoted with every character that YAML or Markdown could
// act on escaped as \uXXXX: a decision-maker called "x: y" or "---" cannot
// break the front matter, and one called "<img onerror=...>" or
// "[a](javascript:...)" is text, not HTML or a link, in a Markdown renderer
// that shows front matter as text with raw HTML on (issue 14).
func yamlValue(s string) string {
	if plainValue(s) {
		if b, err := yaml.Marshal(s); err == nil && string(b) == s+"\n" {
			return s
		}
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			fmt.Fprintf(&b, "\\u%04x", r)
		case r < 0x80 && strings.ContainsRune(`"\<>&[]()!*_`+"`"+`#|~{}:`, r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// plainValue reports a string of letters, digits, spaces and the
// punctuation names and dates use, which needs no quoting or escaping.
func plainValue(s string) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" ,.-'", r) {
			return false
		}
	}
	return true
}

// links writes the supersession links under the title of a full record,
// as adr-tools does: both records name each other. A concise record opens
// its context with them instead.
func (m *mdWriter) links(d Doc) {
	if t := d.linkText(); t != "" && (d.full() || len(d.Entries) != 1) {
		m.block("%s", t)
	}
}

// linkText is the supersession links as sentences.
func (d Doc) linkText() string {
	var parts []string
	for _, l := range d.Supersedes {
		parts = append(parts, fmt.Sprintf("Supersedes [%s](%s).", userText(fmt.Sprintf("%d. %s", l.Number, l.Title)), linkTarget(l.File)))
	}
	if l := d.SupersededBy; l != nil {
		parts = append(parts, fmt.Sprintf("Superseded by [%s](%s).", userText(fmt.Sprintf("%d. %s", l.Number, l.Title)), linkTarget(l.File)))
	}
	return strings.Join(parts, " ")
}

// linkTarget makes a file name safe as a Markdown link destination.
func linkTarget(f string) string {
	f = strings.NewReplacer("<", "%3C", ">", "%3E", "\n", "").Replace(f)
	if strings.Contains(f, ":") {
		// A record is a file beside this one: a colon must never make
		// the link a scheme such as javascript:.
		f = "./" + f
	}
	return "<" + f + ">"
}

func (m *mdWriter) reviewContext(d Doc) {
	m.heading(2, "Context and Problem Statement")
	var names []string
	for _, e := range d.Entries {
		names = append(names, "`"+codeText(e.Item.Name)+"`")
	}
	text := fmt.Sprintf("This review decides where %d pieces of edge state live: %s. "+
		"For each, the options are Workers KV, a Durable Object, a Durable Object publishing to KV, "+
		"the Cache API, and R2 with a pointer in KV, alone or with a cache in front. kvdo weighed the answers below against its rules; "+
		"each section records the choice, why, and what would change it.", len(d.Entries), strings.Join(names, ", "))
	if f := d.answersFile(); f != "" {
		text += fmt.Sprintf("\n\nAnswers file: `%s`.", codeText(f))
	}
	m.block("%s", text)

	m.heading(2, "Decisions at a Glance")
	var rows [][]string
	for _, e := range d.Entries {
		r := e.Recommendation
		cost := "n/a"
		if c := primaryCost(r); c != nil {
			cost = estimateText(*c)
		}
		decision := cell(mdProse(decisionTitle(r), true)) + " (`" + codeCell(string(r.Primary)) + "`)"
		if leastBad(r) {
			decision += ", least bad: every option ruled out"
		}
		runner := "none"
		if r.RunnerUp != "" {
			runner = cell(mdProse(optionTitle(r, r.RunnerUp), true))
			if o, ok := rankOf(r, r.RunnerUp); ok && !o.Viable {
				runner += " (ruled out)"
			}
		}
		rows = append(rows, []string{
			cell(userText(e.Item.Name)),
			decision,
			cell(userText(r.Confidence)),
			runner,
			warningCounts(r),
			cost,
		})
	}
	m.table([]string{"State", "Decision", "Confidence", "Runner-up", "Warnings", "Monthly cost"}, rows, 5)
}

// rankOf finds an option's ranking entry.
func rankOf(r advisor.Recommendation, id advisor.OptionID) (advisor.Ranked, bool) {
	for _, o := range r.Ranking {
		if o.Option == id {
			return o, true
		}
	}
	return advisor.Ranked{}, false
}

// entry writes the MADR sections for one piece of state, with top-level
// sections at heading level h.
func (m *mdWriter) entry(d Doc, e Entry, h int) {
	r := e.Recommendation
	title := func(id advisor.OptionID) string { return mdProse(optionTitle(r, id), false) }
	m.heading(h, "Context and Problem Statement")
	ctx := fmt.Sprintf("Where should `%s` live?", codeText(e.Item.Name))
	if d.Title != "" && len(d.Entries) == 1 {
		ctx = fmt.Sprintf("Part of the review *%s*. %s", userText(d.Title), ctx)
	}
	if !d.full() && len(d.Entries) == 1 {
		// The supersession links open the context, so a concise record
		// spends no extra lines on them.
		ctx = strings.TrimSpace(d.linkText() + " " + ctx)
	}
	if n := strings.TrimSpace(e.Item.Notes); n != "" {
		if d.full() {
			m.block("%s", ctx)
			ctx = userParagraph(n)
		} else {
			ctx += " " + userText(n)
		}
	}
	if d.full() {
		m.block("%s", ctx)
		m.heading(h, "Decision Drivers")
		m.drivers(d, e)
	} else {
		// One paragraph: the question, its notes, and the answers on
		// one line, the decision drivers of MADR.
		m.block("%s\\\n%s", ctx, m.driverLine(d, e))
	}

	m.heading(h, "Decision Outcome")
	out := fmt.Sprintf("Chosen option: **%s** (`%s`)", title(r.Primary), codeText(string(r.Primary)))
	if r.Layer != nil {
		out += ", with " + layerPhrase(r)
	}
	out += "."
	if r.Design != "" {
		out += " " + mdProse(r.Design, false)
	}
	out += " Confidence: **" + userText(r.Confidence) + "**"
	if r.ConfidenceText != "" {
		out += ", " + mdProse(r.ConfidenceText, false)
	}
	m.block("%s.", out)
	// Warnings sit with the verdict they qualify, not after the costs
	// where a reader who stops at the chosen option would miss them.
	for _, w := range r.Warnings {
		if w.Level == "note" && !d.full() {
			continue // a bullet under Consequences
		}
		line := "> **" + warningLabel(w) + ":** " + mdProse(w.Text, false)
		if d.full() && len(w.Questions) > 0 {
			line += " (check " + codeList(w.Questions) + ")"
		}
		m.block("%s", line)
	}
	m.evidenceWarnings(d, e)

	m.heading(h+1, "Consequences")
	var cons []string
	gs, pits := goods(d, e), r.Pitfalls
	if !d.full() {
		// The strongest reasons and the likeliest mistakes; the full
		// record has them all.
		gs, pits = gs[:min(len(gs), maxConciseGoods)], pits[:min(len(pits), maxConcisePitfalls)]
	}
	for _, g := range gs {
		cons = append(cons, "Good, because "+lowerFirst(consequence(g)))
	}
	for _, b := range bads(d, e) {
		cons = append(cons, "Bad, because "+lowerFirst(consequence(b)))
	}
	for _, s := range pits {
		cons = append(cons, "Watch out: "+mdProse(s, false))
	}
	if !d.full() {
		for _, w := range r.Warnings {
			if w.Level == "note" {
				cons = append(cons, "Note: "+mdProse(w.Text, false))
			}
		}
	}
	if len(cons) == 0 {
		cons = []string{"No answer weighs for or against it beyond the other options' exclusion."}
	}
	m.list(cons)

	if len(r.Checklist) > 0 {
		m.heading(h+1, "Confirmation")
		var b strings.Builder
		for _, c := range r.Checklist {
			b.WriteString("- [ ] " + mdProse(c, false) + "\n")
		}
		m.block("%s", b.String())
	}

	m.sketch(d, r, h+1)

	if d.full() {
		m.reasons(r, h)
		m.prosAndCons(r, h)
	} else {
		m.heading(h, "Other Options")
		var lines, out []string
		for _, o := range others(r) {
			if !o.Viable {
				why := strings.TrimRight(strings.TrimPrefix(o.Why, "ruled out: "), ".")
				out = append(out, fmt.Sprintf("%s (`%s`: %s)", mdProse(o.Title, false), codeText(string(o.Option)), mdProse(why, false)))
				continue
			}
			line := fmt.Sprintf("**%s** (`%s`)", mdProse(o.Title, false), codeText(string(o.Option)))
			if o.RunnerUp {
				line += ", runner-up"
			}
			line += fmt.Sprintf(", score %d", o.Score)
			if o.Cost != nil {
				line += ", " + estimateText(*o.Cost)
				if priced(*o.Cost) {
					line += " a month"
				}
			}
			lines = append(lines, line+": "+sentence(mdProse(o.Why, false), o.Rule))
		}
		if len(out) > 0 {
			lines = append(lines, "Ruled out: "+strings.Join(out, "; ")+".")
		}
		m.list(lines)
	}

	m.evidence(d, e, h)
	m.costs(d, r, h)
	m.flips(d, r, h)

	if d.full() && len(r.Providers) > 0 {
		m.heading(h, "On Other Platforms")
		var rows [][]string
		for _, p := range r.Providers {
			rows = append(rows, []string{cell(mdProse(p.Platform, true)), cell(mdProse(p.Equivalent, true))})
		}
		m.table([]string{"Platform", "Nearest equivalent"}, rows)
	}
}

// driverLine is the answers on one line, for a concise record.
func (m *mdWriter) driverLine(d Doc, e Entry) string {
	ds := d.drivers(e.Item.Answers)
	if len(ds) == 0 {
		return "No answers were given."
	}
	parts := make([]string, len(ds))
	for i, dr := range ds {
		parts[i] = "`" + codeText(dr.ID) + "` **" + userText(dr.Answer) + "**"
	}
	return "Decision drivers: " + strings.Join(parts, " · ") + "."
}

// sentence ends a text with the rule behind it: "reads are local
// (`rule`)."
func sentence(text, rule string) string {
	text = strings.TrimRight(strings.TrimSpace(text), ".")
	if rule != "" {
		text += " (`" + codeText(rule) + "`)"
	}
	return text + "."
}

// consequence writes a point: its text, then the answers behind it and
// its rule in one parenthesis.
func consequence(p point) string {
	text := strings.TrimRight(strings.TrimSpace(mdProse(p.Text, false)), ".")
	var tail []string
	if p.Answers != "" {
		tail = append(tail, userText(p.Answers))
	}
	if p.Rule != "" {
		tail = append(tail, "`"+codeText(p.Rule)+"`")
	}
	if len(tail) > 0 {
		text += " (" + strings.Join(tail, "; ") + ")"
	}
	return text + "."
}

// drivers lists the answers: on one line in a concise record, with their
// prompts one per line in a full one.
func (m *mdWriter) drivers(d Doc, e Entry) {
	ds := d.drivers(e.Item.Answers)
	if len(ds) == 0 {
		m.block("No answers were given.")
		return
	}
	var lines []string
	for _, dr := range ds {
		line := "`" + codeText(dr.ID) + "`: **" + userText(dr.Answer) + "**"
		if dr.Prompt != "" {
			line = mdProse(dr.Prompt, false) + " (" + line + ")"
		}
		lines = append(lines, line)
	}
	m.list(lines)
}

func (m *mdWriter) sketch(d Doc, r advisor.Recommendation, h int) {
	sk := r.Sketch
	if r.Layer != nil && r.Layer.Sketch.Code != "" {
		sk = r.Layer.Sketch
	}
	if sk.Code == "" && sk.Note == "" {
		return
	}
	m.heading(h, "Implementation Sketch")
	if sk.Code == "" {
		m.block("%s", mdProse(sk.Note, false))
		return
	}
	fence := codeFence(sk.Code)
	m.block("%s%s\n%s\n%s", fence, sk.Language, strings.TrimRight(sk.Code, "\n"), fence)
	if d.full() && r.Layer != nil && r.Sketch.Code != "" {
		m.block("The store on its own, without the layer:")
		fence := codeFence(r.Sketch.Code)
		m.block("%s%s\n%s\n%s", fence, r.Sketch.Language, strings.TrimRight(r.Sketch.Code, "\n"), fence)
	}
}

// reasons lists every rule that fired, for a full record.
func (m *mdWriter) reasons(r advisor.Recommendation, h int) {
	if len(r.Reasons) == 0 && r.Layer == nil {
		return
	}
	m.heading(h, "The Rules That Fired")
	var lines []string
	for _, rs := range r.Reasons {
		line := "`" + codeText(rs.Rule) + "`: " + mdProse(rs.Because, false) + " " + mdProse(rs.Text, false)
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
		lines = append(lines, line)
	}
	if l := r.Layer; l != nil {
		lines = append(lines, "`"+codeText(l.Rule)+"` (front layer): "+mdProse(l.Text, false)+" (from "+codeList(l.Questions)+")")
	}
	m.list(lines)
}

// prosAndCons lists every option with what the answers hold for and
// against it and its general traits, for a full record.
func (m *mdWriter) prosAndCons(r advisor.Recommendation, h int) {
	m.heading(h, "Pros and Cons of the Options")
	for _, o := range r.Ranking {
		head := mdProse(o.Title, false) + " (`" + codeText(string(o.Option)) + "`)"
		m.heading(h+1, head)
		status := fmt.Sprintf("Score %d.", o.Score)
		switch {
		case o.Option == r.Primary && !o.Viable:
			status = fmt.Sprintf("Chosen as the least bad; score %d.", o.Score)
		case o.Option == r.Primary:
			status = fmt.Sprintf("Chosen; score %d. What the answers say for and against it is under Consequences.", o.Score)
		case !o.Viable && o.RuledOut != "":
			status = "Ruled out: " + mdProse(o.RuledOut, false)
		case !o.Viable:
			status = fmt.Sprintf("Ruled out (score %d).", o.Score)
		}
		if o.Summary != "" {
			status = mdProse(o.Summary, false) + " " + status
		}
		m.block("%s", status)
		var lines []string
		if o.Option != r.Primary {
			for _, s := range o.For {
				lines = append(lines, "Good, because "+lowerFirst(mdProse(s, false)))
			}
			for _, s := range o.Against {
				lines = append(lines, "Bad, because "+lowerFirst(mdProse(s, false)))
			}
		}
		for _, s := range o.Pros[len(o.For):] {
			lines = append(lines, "In general good: "+lowerFirst(mdProse(s, false)))
		}
		for _, s := range o.Cons[len(o.Against):] {
			lines = append(lines, "In general bad: "+lowerFirst(mdProse(s, false)))
		}
		m.list(lines)
	}
}

func (m *mdWriter) costs(d Doc, r advisor.Recommendation, h int) {
	if len(r.Costs) == 0 {
		return
	}
	title := func(id advisor.OptionID) string { return optionTitle(r, id) }
	m.heading(h, "Cost Estimate")
	intro := mdProse("Monthly, on Workers Paid, at the peak rates answered held for a 30-day month: an upper bound. "+costSentence(r, title), false)
	if !d.full() {
		// The recommended design only, its free lines named in a sentence
		// rather than tabled; the full record prices every option.
		p := primaryCost(r)
		if p == nil {
			m.block("%s", intro)
			return
		}
		rows, free := costRows(*p, true)
		if len(free) > 0 {
			intro += " Within the included amounts ($0.00): " + strings.Join(free, "; ") + "."
		}
		m.block("%s", intro)
		if len(rows) > 0 {
			m.table(costHead, rows, 1, 2, 4)
		}
		return
	}
	m.block("%s", intro)
	var rows [][]string
	for _, c := range r.Costs {
		rows = append(rows, []string{
			cell(mdProse(optionTitle(r, c.Option), true)) + " (`" + codeCell(string(c.Option)) + "`)",
			cell(mdProse(c.Design, true)), "**" + estimateText(c) + "**", cell(userText(orNA(c.AsOf))),
		})
	}
	m.table([]string{"Option", "What is priced", "Per month", "Prices as of"}, rows, 2)
	for _, c := range r.Costs {
		total := estimateText(c)
		if total != "not priced" {
			total += " per month"
		}
		m.heading(h+1, fmt.Sprintf("%s: %s", mdProse(optionTitle(r, c.Option), false), total))
		rows, _ := costRows(c, false)
		m.table(costHead, rows, 1, 2, 4)
		switch {
		case c.Source != "" && c.AsOf != "":
			m.block("Source: %s (as of %s).", mdSource(c.Source, false), userText(c.AsOf))
		case c.Source != "":
			m.block("Source: %s.", mdSource(c.Source, false))
		}
	}
}

var costHead = []string{"Billed item", "Usage", "Included", "Price", "Cost", "Arithmetic"}

// costRows tables an estimate's lines. With skipFree, priced lines that
// stay within the included amount are returned as phrases instead.
func costRows(c advisor.CostEstimate, skipFree bool) (rows [][]string, free []string) {
	for _, l := range c.Lines {
		if skipFree && l.USD == 0 && l.UnitPrice != 0 {
			free = append(free, mdProse(l.Item, false)+" "+formatNumber(l.Quantity)+" "+mdProse(l.Unit, false))
			continue
		}
		item := cell(mdProse(l.Item, true))
		if l.Layer {
			item += " (layer)"
		}
		rows = append(rows, []string{
			item,
			formatNumber(l.Quantity) + " " + cell(mdProse(l.Unit, true)),
			includedText(l),
			cell(mdProse(unitPrice(l), true)),
			formatUSD(l.USD),
			cell(mdProse(l.Arithmetic, true)),
		})
	}
	return rows, free
}

func (m *mdWriter) flips(d Doc, r advisor.Recommendation, h int) {
	fs, more := r.Flips, 0
	if !d.full() {
		fs, more = conciseFlips(r)
	}
	if len(fs) == 0 {
		return
	}
	m.heading(h, "What Would Flip It")
	var lines []string
	for _, f := range fs {
		q := "`" + codeText(f.Question) + "`"
		if p := d.prompt(f.Question); p != "" && d.full() {
			q = mdProse(p, false) + " (" + q + ")"
		}
		from := "instead of " + userText(FormatValue(f.From))
		if !f.Answered {
			from = "(unanswered)"
		}
		line := fmt.Sprintf("%s **%s** %s: **%s** (`%s`)",
			q, userText(threshold(f)), from,
			mdProse(optionTitle(r, f.Primary), false), codeText(string(f.Primary)))
		if f.LeastBad {
			line += ", " + leastBadFlip
		}
		lines = append(lines, line+".")
	}
	if more > 0 {
		// On the last line rather than its own: a concise record counts
		// its lines.
		lines[len(lines)-1] += fmt.Sprintf(" The full record (`--detail full`) lists %d more.", more)
	}
	m.list(lines)
}

func (m *mdWriter) moreInformation(d Doc) {
	m.heading(2, "More Information")
	from := ""
	if f := d.answersFile(); f != "" {
		from = " in `" + codeText(f) + "`"
	}
	if d.full() {
		m.block("Generated by kvdo from the answers%s. The facts and prices it relied on, each with the date it was last checked:", from)
		var rows [][]string
		for _, s := range d.sources() {
			rows = append(rows, []string{"`" + codeCell(s.ID) + "`", cell(mdProse(s.Text, true)), cell(mdSource(s.Source, true)), cell(userText(s.AsOf))})
		}
		if len(rows) > 0 {
			m.table([]string{"Fact", "What it says", "Source", "As of"}, rows)
		}
		m.block("Regenerate this record with `kvdo advise --answers FILE`; re-check it when a source above changes.")
		return
	}
	var parts []string
	for _, p := range sourcePages(conciseSources(d)) {
		parts = append(parts, mdSource(p.Source, false)+" ("+userText(p.AsOf)+")")
	}
	text := fmt.Sprintf("Generated by kvdo from the answers%s; regenerate it with `kvdo advise --answers FILE`, and re-check it when a source changes.", from)
	if len(parts) > 0 {
		text += " Sources, with the date each was checked (`--detail full` quotes every fact): " + strings.Join(parts, ", ") + "."
	}
	m.block("%s", text)
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
// and emphasis on purpose, so only what could inject HTML ("<"), make a
// link or an image ("[", "]") or break a table row ("|", line breaks) is
// escaped; code spans are left as they are,
// except that a table needs "\|" even inside them.
func mdProse(s string, inTable bool) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	inCode := false
	for _, r := range s {
		switch {
		case r == '`':
			inCode = !inCode
		case r == '|' && inTable:
			b.WriteByte('\\')
		case (r == '<' || r == '[' || r == ']') && !inCode:
			// No raw HTML, and no link or image a pack did not mean
			// to make: kvdo writes its own links (mdSource).
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
