package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/evidence"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is parsed once, on the first HTML record (not at every
// process start: parsing costs more than the rest of this package's
// initialisation); html/template escapes every value it prints
// according to where it lands (text, attribute, URL), which is what keeps
// a hostile item name from becoming markup.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"prose":        proseHTML,
		"source":       sourceHTML,
		"usd":          formatUSD,
		"num":          formatNumber,
		"value":        FormatValue,
		"price":        unitPrice,
		"estimate":     estimateText,
		"included":     includedText,
		"lower":        lowerFirstHTML,
		"anchor":       anchor,
		"leastBadFlip": func() string { return leastBadFlip },
		"priced":       priced,
	}).Parse(htmlSource))
})

// htmlView is what the template reads: the Doc plus the derived values
// (title, drivers, option titles, consequences) the Markdown renderer also
// uses, so both formats say the same things.
type htmlView struct {
	Title     string
	Number    int
	Date      string
	Status    string
	DecidedBy string
	File      string
	Links     []htmlLink
	Entries   []htmlEntry
	Sources   []advisor.Source
}

type htmlLink struct {
	Label string // "Supersedes" or "Superseded by"
	Title string
	File  string
}

type htmlEntry struct {
	Name         string
	Notes        []string
	Rec          advisor.Recommendation
	PrimaryTitle string
	Decision     string // the primary with its layer
	LayerPhrase  string
	Primary      advisor.Ranked
	HasPrimary   bool
	PrimaryCost  *advisor.CostEstimate
	CostSentence string
	LeastBad     bool
	Drivers      []driver
	Goods, Bads  []point
	Others       []otherOption
	Flips        []htmlFlip // the few a concise record shows
	MoreFlips    []htmlFlip
	Warnings     []advisor.Warning
	Notes2       []advisor.Warning // notes, shown apart from warnings
	WarningCount string
	RunnerUp     string
	Sketch       advisor.Sketch
	OptionTitles map[advisor.OptionID]string
	Evidence     *htmlEvidence
}

// htmlEvidence is an item's evidence as the page shows it: the table the
// Markdown record has, and read latency with regions as rows.
type htmlEvidence struct {
	*evidence.Item
	Intro     string
	Header    []string
	Rows      [][]string
	Regions   []string
	Latency   [][]string // per region: p50/p99 of each option, "-" for none
	ChosenCol int
}

type htmlFlip struct {
	advisor.Flip
	Prompt    string
	Title     string
	Threshold string
}

// HTML renders d as one self-contained page: inline CSS, no scripts, no
// network requests, laid out for screens and for print. The concise
// record is what shows; every rule, option, estimate and source sits in a
// <details> element below it, collapsed (and so left out of print).
func HTML(d Doc) []byte {
	v := htmlView{
		Title: d.title(), Number: d.Number, Date: d.Date, Status: d.status(),
		DecidedBy: strings.Join(d.DecidedBy, ", "), File: d.answersFile(),
		Sources: d.sources(),
	}
	for _, l := range d.Supersedes {
		v.Links = append(v.Links, htmlLink{"Supersedes", fmt.Sprintf("%d. %s", l.Number, l.Title), l.File})
	}
	if l := d.SupersededBy; l != nil {
		v.Links = append(v.Links, htmlLink{"Superseded by", fmt.Sprintf("%d. %s", l.Number, l.Title), l.File})
	}
	for _, e := range d.Entries {
		r := e.Recommendation
		he := htmlEntry{
			Name: e.Item.Name, Rec: r, PrimaryTitle: optionTitle(r, r.Primary), Decision: decisionTitle(r),
			LayerPhrase: layerPhrase(r), Drivers: d.drivers(e.Item.Answers), OptionTitles: map[advisor.OptionID]string{},
			Goods: goods(d, e), Bads: bads(d, e), Others: others(r), WarningCount: warningCounts(r),
			Sketch: r.Sketch,
		}
		if r.Layer != nil && r.Layer.Sketch.Code != "" {
			he.Sketch = r.Layer.Sketch
		}
		he.Primary, he.HasPrimary = primary(r)
		he.LeastBad = leastBad(r)
		he.PrimaryCost = primaryCost(r)
		he.CostSentence = costSentence(r, func(id advisor.OptionID) string { return optionTitle(r, id) })
		if r.RunnerUp != "" {
			he.RunnerUp = optionTitle(r, r.RunnerUp)
			if o, ok := rankOf(r, r.RunnerUp); ok && !o.Viable {
				he.RunnerUp += " (ruled out)"
			}
		}
		if d.hasEvidence(e) {
			he.Evidence = newHTMLEvidence(d, e)
		}
		for _, w := range r.Warnings {
			if w.Level == "note" {
				he.Notes2 = append(he.Notes2, w)
			} else {
				he.Warnings = append(he.Warnings, w)
			}
		}
		if d.hasEvidence(e) {
			for _, w := range e.Evidence.Warnings {
				he.Warnings = append(he.Warnings, advisor.Warning{ID: w.ID, Text: "Measured: " + w.Text + "."})
			}
		}
		for _, l := range strings.Split(strings.TrimSpace(e.Item.Notes), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				he.Notes = append(he.Notes, l)
			}
		}
		for _, o := range r.Ranking {
			he.OptionTitles[o.Option] = optionTitle(r, o.Option)
		}
		shown, _ := conciseFlips(r)
		for i, f := range append(slices.Clone(shown), restFlips(r, shown)...) {
			hf := htmlFlip{Flip: f, Prompt: d.prompt(f.Question), Title: optionTitle(r, f.Primary), Threshold: threshold(f)}
			if i < len(shown) {
				he.Flips = append(he.Flips, hf)
			} else {
				he.MoreFlips = append(he.MoreFlips, hf)
			}
		}
		v.Entries = append(v.Entries, he)
	}
	var buf bytes.Buffer
	if err := htmlTemplate().Execute(&buf, v); err != nil {
		// The template is fixed and tested; an error here is a bug.
		panic("report: rendering HTML: " + err.Error())
	}
	return buf.Bytes()
}

func newHTMLEvidence(d Doc, e Entry) *htmlEvidence {
	ev := e.Evidence
	h := &htmlEvidence{Item: ev, Intro: d.evidenceIntro(ev), Header: evidence.TableHeader}
	for _, o := range ev.Options {
		h.Rows = append(h.Rows, evidence.TableRow(o))
	}
	h.Regions = ev.Workload.ReaderRegions
	for _, region := range h.Regions {
		row := make([]string, 0, len(ev.Options))
		for _, o := range ev.Options {
			cell := "-"
			for _, l := range o.Latency {
				if l.Region == region {
					cell = formatNumber(l.P50Ms) + " / " + formatNumber(l.P99Ms)
				}
			}
			row = append(row, cell)
		}
		h.Latency = append(h.Latency, row)
	}
	return h
}

// restFlips are the flips of r a concise record leaves out.
func restFlips(r advisor.Recommendation, shown []advisor.Flip) []advisor.Flip {
	var out []advisor.Flip
	for _, f := range r.Flips {
		if !slices.ContainsFunc(shown, func(s advisor.Flip) bool { return s.Question == f.Question && s.To == f.To }) {
			out = append(out, f)
		}
	}
	return out
}

// proseHTML escapes content text and turns its `code spans` into <code>,
// so content written for Markdown reads the same in HTML.
func proseHTML(s string) template.HTML {
	var b strings.Builder
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		// An unmatched backtick is literal text, not a code span.
		return template.HTML(template.HTMLEscapeString(s))
	}
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(p))
		}
	}
	return template.HTML(b.String())
}

// lowerFirstHTML is lowerFirst for prose headed into HTML.
func lowerFirstHTML(s string) template.HTML { return proseHTML(lowerFirst(s)) }

// anchor makes a fragment id from an item's position and name; the
// position keeps "a b" and "a-b" apart, the prefix keeps ids from colliding
// with the page's own.
func anchor(i int, name string) string {
	var b strings.Builder
	b.WriteString("item-" + strconv.Itoa(i+1) + "-")
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// sourceHTML escapes a citation and links its web addresses. The address
// pattern admits no quote or angle bracket, and is escaped all the same.
func sourceHTML(s string) template.HTML {
	var b strings.Builder
	linkSpans(s,
		func(t string) { b.WriteString(string(proseHTML(t))) },
		func(u string) {
			e := template.HTMLEscapeString(u)
			b.WriteString(`<a href="https://` + e + `">` + e + `</a>`)
		})
	return template.HTML(b.String())
}
