package demos

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

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

// Text renders the run as a narrated timeline for a terminal or a document:
// a header, one line per event (network messages only when captioned), then
// the metrics, tables, verdict and outcome.
func (r *Result) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", r.Demo, r.Title)
	fmt.Fprintf(&b, "  %s\n", r.Teaches)
	fmt.Fprintf(&b, "variant %s, %s mode, seed %d\n", r.Variant, r.Mode, r.Seed)
	if len(r.Params) > 0 {
		var ps []string
		for _, p := range r.Params {
			ps = append(ps, p.Name+"="+p.Value)
		}
		fmt.Fprintf(&b, "params %s\n", strings.Join(ps, " "))
	}
	b.WriteString("\n")

	caps := make(map[int]string, len(r.Captions))
	for _, c := range r.Captions {
		caps[c.Seq] = c.Text
	}
	for _, ev := range r.Trace {
		text, captioned := caps[ev.Seq]
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
		line := fmt.Sprintf("  %10s  %-12s %-14s %-7s %s", fmtAt(ev.At), ev.Actor, ev.Kind, req, text)
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteString("\n")
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
	fmt.Fprintf(&b, "\nverdict  %s\n", verdictText(r.Verdict))
	fmt.Fprintf(&b, "outcome  %s\n", r.Outcome)
	return b.String()
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
		return groupThousands(strconv.FormatFloat(v, 'f', 0, 64)) + "x"
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
