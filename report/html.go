package report

import (
	"bytes"
	_ "embed"
	"html/template"
	"strconv"
	"strings"

	"github.com/kvdo/kvdo/advisor"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is parsed once; html/template escapes every value it prints
// according to where it lands (text, attribute, URL), which is what keeps
// a hostile item name from becoming markup.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
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
}).Parse(htmlSource))

// htmlView is what the template reads: the Doc plus the derived values
// (title, drivers, option titles) the Markdown renderer also uses.
type htmlView struct {
	Title     string
	Date      string
	Status    string
	DecidedBy string
	File      string
	Entries   []htmlEntry
	Sources   []advisor.Source
}

type htmlEntry struct {
	Name         string
	Notes        []string
	Rec          advisor.Recommendation
	PrimaryTitle string
	Primary      advisor.Ranked
	HasPrimary   bool
	PrimaryCost  *advisor.CostEstimate
	LeastBad     bool
	Drivers      []driver
	Flips        []htmlFlip
	OptionTitles map[advisor.OptionID]string
}

type htmlFlip struct {
	advisor.Flip
	Prompt string
	Title  string
}

// HTML renders d as one self-contained page: inline CSS, no scripts, no
// network requests, laid out for screens and for print.
func HTML(d Doc) []byte {
	v := htmlView{
		Title: d.title(), Date: d.Date, Status: d.status(),
		DecidedBy: strings.Join(d.DecidedBy, ", "), File: d.AnswersFile,
		Sources: d.sources(),
	}
	for _, e := range d.Entries {
		r := e.Recommendation
		he := htmlEntry{
			Name: e.Item.Name, Rec: r, PrimaryTitle: optionTitle(r, r.Primary),
			Drivers: d.drivers(e.Item.Answers), OptionTitles: map[advisor.OptionID]string{},
		}
		he.Primary, he.HasPrimary = primary(r)
		he.LeastBad = leastBad(r)
		for _, l := range strings.Split(strings.TrimSpace(e.Item.Notes), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				he.Notes = append(he.Notes, l)
			}
		}
		for i := range r.Costs {
			if r.Costs[i].Option == r.Primary {
				he.PrimaryCost = &r.Costs[i]
			}
		}
		for _, o := range r.Ranking {
			he.OptionTitles[o.Option] = optionTitle(r, o.Option)
		}
		for _, f := range r.Flips {
			he.Flips = append(he.Flips, htmlFlip{Flip: f, Prompt: d.prompt(f.Question), Title: optionTitle(r, f.Primary)})
		}
		v.Entries = append(v.Entries, he)
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, v); err != nil {
		// The template is fixed and tested; an error here is a bug.
		panic("report: rendering HTML: " + err.Error())
	}
	return buf.Bytes()
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
