package demos

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kvdo/kvdo/edge"
)

// JSON encodes the whole result, indented. The encoding is deterministic:
// no maps, fixed field order.
func (r *Result) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// TextOptions shape the headless text.
type TextOptions struct {
	// Width is the column at which lines wrap (0: DefaultTextWidth).
	Width int
	// CaptionsOnly prints only the narrated lines, then the outcome: the
	// story without the machinery.
	CaptionsOnly bool
}

// DefaultTextWidth is where headless text wraps when not told otherwise.
const DefaultTextWidth = 100

// Text renders the run as a narrated timeline for a terminal or a document
// at the default width: a header with a legend of the places it names,
// one line per event (network messages only when captioned), then the
// metrics, tables, verdict and outcome.
func (r *Result) Text() string { return r.TextWith(TextOptions{}) }

// TextWith renders the run as Text does, shaped by opt.
func (r *Result) TextWith(opt TextOptions) string {
	width := opt.Width
	if width <= 0 {
		width = DefaultTextWidth
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", r.Demo, r.Title)
	writeWrapped(&b, "  ", "  ", r.Teaches, width)
	fmt.Fprintf(&b, "variant %s, %s mode, seed %d\n", r.Variant, r.Mode, r.Seed)
	if len(r.Params) > 0 {
		var ps []string
		for _, p := range r.Params {
			ps = append(ps, p.Name+"="+p.Value)
		}
		writeWrapped(&b, "params ", "       ", strings.Join(ps, " "), width)
	}
	r.writeLegend(&b, width)
	b.WriteString("\n")

	caps := make(map[int]string, len(r.Captions))
	for _, c := range r.Captions {
		caps[c.Seq] = c.Text
	}
	for _, ev := range r.Trace {
		text, captioned := caps[ev.Seq]
		if opt.CaptionsOnly {
			if captioned {
				writeWrapped(&b, fmt.Sprintf("  %10s  ", fmtAt(ev.At)), strings.Repeat(" ", 14), text, width)
			}
			continue
		}
		if !captioned && quiet[ev.Kind] {
			continue
		}
		if !captioned {
			text = summary(ev)
		}
		req := ""
		if ev.Req != 0 {
			req = "req " + strconv.Itoa(ev.Req)
		}
		head := fmt.Sprintf("  %10s  %-12s %-14s %-7s ", fmtAt(ev.At), ev.Actor, ev.Kind, req)
		writeWrapped(&b, head, strings.Repeat(" ", len(head)), text, width)
	}
	if opt.CaptionsOnly {
		b.WriteString("\n")
		writeWrapped(&b, "outcome  ", "         ", r.Outcome, width)
		return b.String()
	}
	b.WriteString("\nmetrics\n")
	for _, m := range r.Metrics {
		mark := " "
		if m.Highlight {
			mark = "*"
		}
		fmt.Fprintf(&b, "  %s %-34s %s\n", mark, m.Name, FormatMetric(m))
	}
	for _, t := range r.Tables {
		fmt.Fprintf(&b, "\n%s\n", t.Title)
		writeTable(&b, t)
	}
	b.WriteString("\nverdict  " + verdictText(r.Verdict, width))
	writeWrapped(&b, "outcome  ", "         ", r.Outcome, width)
	return b.String()
}

// writeLegend names the places the run involves, so that a reader who
// does not know IATA codes can follow: PoPs with their cities, the
// central stores, objects and origin with where they sit.
func (r *Result) writeLegend(b *strings.Builder, width int) {
	var pops, others []string
	for _, a := range r.Actors {
		switch a.Kind {
		case edge.ActorPoP:
			pops = append(pops, a.ID+" "+a.City)
		case edge.ActorCentral, edge.ActorObject, edge.ActorOrigin:
			others = append(others, a.ID+" at "+a.PoP)
		}
	}
	if len(pops) > 0 {
		writeWrapped(b, "PoPs   ", "       ", strings.Join(pops, ", "), width)
	}
	if len(others) > 0 {
		writeWrapped(b, "also   ", "       ", strings.Join(others, ", "), width)
	}
}

// writeWrapped writes text after first, wrapping at width with each
// further line indented by rest; a word longer than a line stays whole.
func writeWrapped(b *strings.Builder, first, rest, text string, width int) {
	n := utf8.RuneCountInString
	prefix, room := first, width-n(first)
	line := ""
	flush := func() {
		b.WriteString(strings.TrimRight(prefix+line, " "))
		b.WriteString("\n")
		prefix, room, line = rest, width-n(rest), ""
	}
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case n(line)+1+n(word) <= max(room, 20):
			line += " " + word
		default:
			flush()
			line = word
		}
	}
	flush()
}

// quiet are the kinds the timeline leaves out unless a caption is on
// them: messages in flight (their effects are listed) and an object's
// code returning to its event loop.
var quiet = map[edge.EventKind]bool{edge.EvSend: true, edge.EvArrive: true, edge.EvDOYield: true, edge.EvOriginPublish: true}

// FormatMetric writes a metric's value in its unit, the way the rest of
// a demo writes times and counts.
func FormatMetric(m Metric) string { return fmtMetric(m, m.Value) }

func fmtMetric(m Metric, v float64) string {
	switch m.Unit {
	case "count":
		return FormatCount(int64(v))
	case "ms":
		return FormatDuration(time.Duration(v * float64(time.Millisecond)))
	case "s":
		return FormatDuration(time.Duration(v * float64(time.Second)))
	case "%":
		return strconv.FormatFloat(v, 'f', 0, 64) + "%"
	case "x":
		return FormatCount(int64(math.Round(v))) + "x"
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + " " + m.Unit
}

func writeTable(b *strings.Builder, t Table) {
	width := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		width[i] = len(c)
	}
	for _, row := range t.Rows {
		for i, c := range row {
			if i < len(width) && len(c) > width[i] {
				width[i] = len(c)
			}
		}
	}
	line := func(cells []string) {
		var parts []string
		for i, c := range cells {
			if i == 0 {
				parts = append(parts, fmt.Sprintf("%-*s", width[i], c))
			} else {
				parts = append(parts, fmt.Sprintf("%*s", width[i], c))
			}
		}
		b.WriteString("  " + strings.TrimRight(strings.Join(parts, "  "), " ") + "\n")
	}
	line(t.Columns)
	for _, row := range t.Rows {
		line(row)
	}
}

// summary is the line an uncaptioned event gets: its facts, tersely.
func summary(ev edge.Event) string {
	if ev.Kind == edge.EvNote {
		return ev.Detail
	}
	var parts []string
	if ev.From != "" || ev.To != "" {
		parts = append(parts, ev.From+"->"+ev.To)
	}
	for _, s := range []string{ev.Op, ev.Path} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if ev.Key != "" {
		s := ev.Key
		if ev.Value != "" {
			s += "=" + quoteIfSpaced(ev.Value)
		}
		parts = append(parts, s)
	} else if ev.Value != "" {
		parts = append(parts, quoteIfSpaced(ev.Value))
	}
	if ev.Version != 0 {
		parts = append(parts, "v"+strconv.FormatInt(ev.Version, 10))
	}
	for _, s := range []string{ev.Outcome, ev.Tier} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if ev.Latency != 0 {
		parts = append(parts, fmtDur(ev.Latency))
	}
	if ev.Expires != 0 {
		parts = append(parts, "until "+fmtAt(ev.Expires))
	}
	if ev.Count != 0 {
		parts = append(parts, "count "+strconv.Itoa(ev.Count))
	}
	if ev.Queue != 0 {
		parts = append(parts, strconv.Itoa(ev.Queue)+" queued")
	}
	if ev.Phase != "" {
		parts = append(parts, "["+string(ev.Phase)+"]")
	}
	if ev.Detail != "" {
		parts = append(parts, ev.Detail)
	}
	return strings.Join(parts, " ")
}

// quoteIfSpaced quotes a value only when it has spaces, so JSON values
// stay readable on a timeline line.
func quoteIfSpaced(v string) string {
	if strings.ContainsAny(v, " \t\n") {
		return `"` + v + `"`
	}
	return v
}
