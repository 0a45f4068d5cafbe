package report

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kvdo/kvdo/evidence"
)

// EvidenceRun is how a record's evidence was produced: the seed and the
// simulated window, which with the answers file reproduce every figure.
type EvidenceRun struct {
	Seed     uint64
	Duration time.Duration
	PoPs     int
}

// rerun is the command that reproduces item's evidence.
func (d Doc) rerun(item string) string {
	file := d.answersFile()
	if file == "" {
		file = "FILE"
	}
	return fmt.Sprintf("kvdo simulate workload --answers %s --item %s --seed %d --duration %s",
		file, item, d.Evidence.Seed, d.Evidence.Duration)
}

// evidenceIntro is the sentence that opens an item's evidence: what was
// run, and how to run it again.
func (d Doc) evidenceIntro(ev *evidence.Item) string {
	return fmt.Sprintf("The item's own workload replayed on kvdo's edge simulator for each option (seed %d, %s simulated over %d PoPs; `%s` reruns it). Workload: %s. Scaling: %s.",
		d.Evidence.Seed, durationText(d.Evidence.Duration), d.Evidence.PoPs, codeText(d.rerun(ev.Item)),
		evidence.WorkloadText(ev.Workload), strings.TrimSuffix(ev.Scaling.Note, "."))
}

func durationText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return d.String()
}

// hasEvidence reports whether e carries evidence its record can show.
func (d Doc) hasEvidence(e Entry) bool { return d.Evidence != nil && e.Evidence != nil }

// evidenceWarnings writes the measured warnings beside the advisor's.
func (m *mdWriter) evidenceWarnings(d Doc, e Entry) {
	if !d.hasEvidence(e) {
		return
	}
	for _, w := range e.Evidence.Warnings {
		m.block("%s", "> **Warning (measured):** "+mdProse(upperFirst(w.Text), false)+".")
	}
}

// evidence writes an item's Evidence section: the table of the options
// measured, and a verdict per option; full detail adds latency per
// region, scaling and what was assumed.
func (m *mdWriter) evidence(d Doc, e Entry, h int) {
	if !d.hasEvidence(e) {
		return
	}
	ev := e.Evidence
	m.heading(h, "Evidence")
	m.block("%s", mdProse(d.evidenceIntro(ev), false))
	var rows [][]string
	for _, o := range ev.Options {
		r := evidence.TableRow(o)
		for i := range r {
			r[i] = cell(mdProse(r[i], true))
		}
		rows = append(rows, r)
	}
	m.table(evidence.TableHeader, rows, 1, 2, 4, 5, 6, 7, 8, 9)
	var lines []string
	for _, o := range ev.Options {
		line := mdProse(o.Verdict, false) + "."
		if d.full() && o.ScaleNote != "" {
			line += " Scaled: " + mdProse(o.ScaleNote, false) + "."
		}
		lines = append(lines, line)
	}
	for _, s := range ev.Skipped {
		lines = append(lines, fmt.Sprintf("%s: %s.", codeText(string(s.Option)), mdProse(s.Why, false)))
	}
	m.list(lines)
	if !d.full() {
		return
	}
	var lat []string
	for _, o := range ev.Options {
		var parts []string
		for _, r := range o.Latency {
			parts = append(parts, fmt.Sprintf("%s %s/%s ms", r.Region, formatNumber(r.P50Ms), formatNumber(r.P99Ms)))
		}
		if len(parts) > 0 {
			lat = append(lat, fmt.Sprintf("`%s`: %s", codeText(o.ID), strings.Join(parts, ", ")))
		}
		if v := o.Linearizability; v != nil && v.Checked > 1 {
			lat = append(lat, fmt.Sprintf("`%s`, porcupine on %d increments of the busiest key: %s", codeText(o.ID), v.Checked, mdProse(v.Explanation, false)))
		}
	}
	if len(lat) > 0 {
		m.block("Read latency p50/p99 by region, and linearizability:")
		m.list(lat)
	}
	if n := ev.Workload.Notes; len(n) > 0 {
		m.block("Assumed: %s.", mdProse(strings.Join(n, "; "), false))
	}
}

// upperFirst capitalises a sentence that starts a line.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
