// Package report turns the advisor's recommendations for a review into the
// documents people keep: a Markdown decision record (MADR 4 layout), a
// versioned JSON document for pipelines, and a self-contained HTML page.
//
// It is pure: no clock, no files. The date a record carries is a field of
// Doc, so the same Doc always renders to the same bytes and golden tests
// stay stable.
package report

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/evidence"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Doc is everything a report shows: the review's metadata and, for each
// piece of state, its answers and the advisor's recommendation.
type Doc struct {
	// Title names the review; when empty a title is derived from the items.
	Title string
	// Date is the record's date, YYYY-MM-DD. The caller supplies it so
	// rendering never reads a clock.
	Date string
	// Status is the MADR status (proposed, accepted, ...). Empty means
	// "proposed": a generated record is advice until people accept it.
	Status string
	// DecidedBy lists the decision-makers, from the answers file.
	DecidedBy []string
	// AnswersFile names the answers file the review came from, if any. A
	// record shows it relative as given, or by its base name when it is
	// absolute: a path on one machine means nothing in a repository.
	AnswersFile string
	// Detail is DetailConcise (the default: one screen of reading per
	// item) or DetailFull (every rule, option, estimate and source). JSON
	// always carries everything.
	Detail string
	// Number is the record's number in an ADR directory (adr-tools'
	// numbering); 0 for none. A numbered record's title reads "4. Title",
	// which adr-tools' table of contents expects.
	Number int
	// Supersedes lists the records this one replaces; SupersededBy names
	// the record that replaced this one (set when an old record is
	// rewritten to point at its successor).
	Supersedes   []Link
	SupersededBy *Link
	// Questions gives each question id its prompt, so decision drivers read
	// as sentences rather than ids. Their order is the order drivers are
	// listed in; answers to questions not listed follow, sorted by id.
	Questions []Question
	// Entries holds one item and its recommendation per piece of state.
	Entries []Entry
	// Evidence, when set, says how each entry's workload was replayed on
	// the simulator (kvdo advise --evidence), so a reader can rerun it;
	// each Entry's Evidence holds the figures.
	Evidence *EvidenceRun
}

// Detail levels of a Markdown or HTML record.
const (
	DetailConcise = "concise"
	DetailFull    = "full"
)

// Link names another decision record: its number, title and file name
// (relative to this record's directory).
type Link struct {
	Number int
	Title  string
	File   string
}

// full reports whether d is rendered at full detail.
func (d Doc) full() bool { return d.Detail == DetailFull }

// answersFile is the answers file as a record shows it: as given when
// relative, by its base name when absolute (a path on one machine).
func (d Doc) answersFile() string {
	f := strings.ReplaceAll(d.AnswersFile, "\\", "/")
	if strings.HasPrefix(f, "/") || (len(f) > 2 && f[1] == ':' && f[2] == '/') {
		return path.Base(f)
	}
	return f
}

// Question is the part of an interview question a report needs.
type Question struct {
	ID     string
	Prompt string
	Unit   string // how answers are printed: 60 s, 6 kB
}

// Entry is one piece of state: the answers given and the verdict on them.
type Entry struct {
	Item           advisor.Item
	Recommendation advisor.Recommendation
	// Evidence is the replay of the item's workload on each option, when
	// the record carries it.
	Evidence *evidence.Item
}

// PerItem splits d into one Doc per entry, for writing one decision record
// per piece of state (kvdo advise --adr-dir). Each keeps the review's title,
// which its record mentions under a heading named after the item.
func (d Doc) PerItem() []Doc {
	out := make([]Doc, 0, len(d.Entries))
	for _, e := range d.Entries {
		one := d
		one.Entries = []Entry{e}
		out = append(out, one)
	}
	return out
}

// Slug is a file-name-safe form of the record's subject: the item's name for
// a one-item Doc, else the title; accents transliterated (café -> cafe,
// Straße -> strasse), lower case, runs of anything but letters and digits
// folded to one hyphen, at most 50 bytes.
func (d Doc) Slug() string {
	s := d.title()
	if len(d.Entries) == 1 {
		s = d.Entries[0].Item.Name
	}
	return Slug(s)
}

// Slug makes s file-name safe as Doc.Slug does.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(transliterate(s)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			if b.Len() >= 50 {
				break
			}
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "decision"
	}
	return b.String()
}

// latinLetters are the letters NFD does not take apart into a base letter
// and accents.
var latinLetters = strings.NewReplacer("ß", "ss", "æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE", "ø", "o", "Ø", "O",
	"ł", "l", "Ł", "L", "đ", "d", "Đ", "D", "þ", "th", "Þ", "TH", "ð", "d", "Ð", "D", "ı", "i")

// transliterate removes accents: NFD splits é into e and a combining
// accent, which is then dropped; the few letters NFD leaves whole get
// their usual ASCII spelling.
func transliterate(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, latinLetters.Replace(s))
	if err != nil {
		return s
	}
	return out
}

// status is d.Status with its default applied.
func (d Doc) status() string {
	if d.Status == "" {
		return "proposed"
	}
	return d.Status
}

// title is the record's heading: the review title, or for a record without
// one, a title built from its items.
func (d Doc) title() string {
	if d.Title != "" {
		return d.Title
	}
	if len(d.Entries) == 1 {
		return itemTitle(d.Entries[0])
	}
	return "Where the state of this system lives"
}

// itemTitle names the item and the decision: "session-flag: Workers KV".
func itemTitle(e Entry) string {
	return e.Item.Name + ": " + optionTitle(e.Recommendation, e.Recommendation.Primary)
}

// optionTitle is the human title of option id as the ranking names it,
// falling back to the id when the ranking does not list it.
func optionTitle(r advisor.Recommendation, id advisor.OptionID) string {
	for _, o := range r.Ranking {
		if o.Option == id && o.Title != "" {
			return o.Title
		}
	}
	return string(id)
}

// primary is the ranking entry of the chosen option, if the ranking has it.
func primary(r advisor.Recommendation) (advisor.Ranked, bool) {
	for _, o := range r.Ranking {
		if o.Option == r.Primary {
			return o, true
		}
	}
	return advisor.Ranked{}, false
}

// driver is one answered question, ready to print.
type driver struct {
	ID     string
	Prompt string
	Answer string
	Value  any
}

// drivers lists an item's answers in the Doc's question order, then any
// answers to questions the Doc has no prompt for, sorted by id, so output
// never depends on map iteration order.
func (d Doc) drivers(a advisor.Answers) []driver {
	var out []driver
	seen := map[string]bool{}
	for _, q := range d.Questions {
		v, ok := a[q.ID]
		if !ok || seen[q.ID] {
			continue
		}
		seen[q.ID] = true
		answer := FormatValue(v)
		if q.Unit != "" {
			answer = advisor.FormatAnswer(q.Unit, v)
		}
		out = append(out, driver{ID: q.ID, Prompt: q.Prompt, Answer: answer, Value: v})
	}
	var rest []string
	for id := range a {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		out = append(out, driver{ID: id, Answer: FormatValue(a[id]), Value: a[id]})
	}
	return out
}

// sources gathers every source the recommendations cite, once each, sorted
// by id so a review's "more information" section is stable.
func (d Doc) sources() []advisor.Source {
	byID := map[string]advisor.Source{}
	for _, e := range d.Entries {
		for _, s := range e.Recommendation.Sources {
			if _, ok := byID[s.ID]; !ok {
				byID[s.ID] = s
			}
		}
	}
	out := make([]advisor.Source, 0, len(byID))
	for _, s := range byID {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b advisor.Source) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// leastBadFlip qualifies a flip whose answer would rule out every option.
const leastBadFlip = "but only as the least bad: every option would be ruled out"

// FormatValue prints an answer or flip value the way a person would write
// it: yes/no for booleans, numbers without exponent or trailing zeros.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return formatNumber(x)
	case float32:
		return formatNumber(float64(x))
	case int:
		return formatNumber(float64(x))
	case int64:
		return formatNumber(float64(x))
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// formatNumber writes n with thousands separators and at most the digits it
// needs (2592000 -> 2,592,000; 0.5 -> 0.5), so cost arithmetic is readable.
func formatNumber(n float64) string {
	if math.IsInf(n, 0) || math.IsNaN(n) {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	s := strconv.FormatFloat(n, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// formatUSD prints a dollar amount with cents, or with more digits for
// sub-cent unit prices (SQLite rows cost $0.001 per million).
func formatUSD(n float64) string {
	if n != 0 && math.Abs(n) < 0.01 {
		return "$" + strconv.FormatFloat(n, 'f', -1, 64)
	}
	s := strconv.FormatFloat(n, 'f', 2, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	v, _ := strconv.ParseFloat(intPart, 64)
	return "$" + formatNumber(v) + "." + frac
}

// orNA stands in for a missing value in a table cell.
func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

// unitPrice reads "$0.50 per 1,000,000 reads", or "not priced" for a line
// the price list has no figure for.
func unitPrice(l advisor.CostLine) string {
	// The engine marks a line it cannot price (Cache API, R2, a Free plan
	// allowance) with a zero unit price; "$0.00 per reads" would read as
	// free.
	if l.UnitPrice == 0 {
		return "not priced"
	}
	per := l.PerUnits
	if per == 0 {
		per = 1
	}
	s := formatUSD(l.UnitPrice) + " per "
	if per != 1 {
		s += formatNumber(per) + " "
	}
	return s + l.Unit
}

// estimateText is an estimate's monthly total, or "not priced" when no line
// of it has a price (the Cache API): "$0.00" would read as free.
func estimateText(c advisor.CostEstimate) string {
	for _, l := range c.Lines {
		if l.UnitPrice != 0 {
			return formatUSD(c.MonthlyUSD)
		}
	}
	if c.MonthlyUSD != 0 {
		return formatUSD(c.MonthlyUSD)
	}
	return "not priced"
}

// leastBad reports a primary that every answer set rules out, for the
// tables that show only its title.
func leastBad(r advisor.Recommendation) bool {
	p, ok := primary(r)
	return ok && !p.Viable
}

// includedText is the included quantity of a line, or n/a for a line that
// is not priced at all.
func includedText(l advisor.CostLine) string {
	if l.UnitPrice == 0 && l.Included == 0 {
		return "n/a"
	}
	return formatNumber(l.Included)
}

// webAddress matches a scheme-less web address the way content cites its
// sources ("developers.cloudflare.com/kv/platform/limits/"): a dotted host
// name followed by a path. File paths such as content/topology.yaml have no
// dotted host before their first slash and so do not match.
var webAddress = regexp.MustCompile(`\b(?:[a-z0-9-]+\.)+[a-z]{2,}/[A-Za-z0-9._~/%#+-]*`)

// linkSpans splits s into text and web addresses, calling text and link in
// order; a trailing full stop stays text, since it ends the sentence.
func linkSpans(s string, text, link func(string)) {
	last := 0
	for _, m := range webAddress.FindAllStringIndex(s, -1) {
		end := m[1]
		for end > m[0] && s[end-1] == '.' {
			end--
		}
		text(s[last:m[0]])
		link(s[m[0]:end])
		last = end
	}
	text(s[last:])
}
