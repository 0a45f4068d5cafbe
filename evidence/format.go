package evidence

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// JSONVersion is the version of the evidence JSON document. Adding an
// optional field keeps it; renaming, removing or retyping one bumps it.
const JSONVersion = 1

// Kind names the evidence document.
const Kind = "kvdo.evidence"

// Doc is the evidence of a run over one or more items: what `kvdo
// simulate workload` prints and a report embeds. Seed and duration let a
// reader rerun it and get the same numbers.
type Doc struct {
	Version     int     `json:"version"`
	Kind        string  `json:"kind"`
	Seed        uint64  `json:"seed"`
	DurationS   float64 `json:"duration_s"`
	AnswersFile string  `json:"answers_file,omitempty"`
	PoPs        int     `json:"pops"`
	Rerun       string  `json:"rerun"` // the command that reproduces it
	Items       []Item  `json:"items"`
}

// NewDoc wraps items run with cfg. file names the answers file, for the
// rerun command ("" when there is none).
func NewDoc(items []Item, cfg Config, file string) Doc {
	d := cfg.Duration
	if d <= 0 {
		d = DefaultDuration
	}
	rerun := "kvdo simulate workload --answers " + orDash(file) + fmt.Sprintf(" --seed %d --duration %s", cfg.Seed, d)
	if len(items) == 1 {
		rerun += " --item " + items[0].Item
	}
	if items == nil {
		items = []Item{}
	}
	return Doc{Version: JSONVersion, Kind: Kind, Seed: cfg.Seed, DurationS: d.Seconds(), AnswersFile: file,
		PoPs: len(cfg.Topology.PoPs), Rerun: rerun, Items: items}
}

func orDash(s string) string {
	if s == "" {
		return "FILE"
	}
	return s
}

// JSON is the document as indented JSON; the same Doc gives the same
// bytes.
func JSON(d Doc) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		// Every figure is finite and every value a plain type: this is a
		// programming error.
		panic("evidence: encoding JSON: " + err.Error())
	}
	return buf.Bytes()
}

// Schema is the JSON Schema (draft 2020-12) of the document, embedded so
// tests validate against the file the repository documents.
//
//go:embed schema/evidence.v1.schema.json
var Schema []byte

// Text is the document for a terminal: per item the workload, how it was
// scaled, a table of the options, read latency per region, the verdicts
// and the warnings.
func Text(d Doc) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Evidence: each option replayed on the edge simulator (seed %d, %s simulated, %d PoPs)\n",
		d.Seed, dur(time.Duration(d.DurationS*float64(time.Second))), d.PoPs)
	fmt.Fprintf(&b, "Rerun: %s\n", d.Rerun)
	for _, it := range d.Items {
		b.WriteString("\n")
		writeItem(&b, it)
	}
	return b.Bytes()
}

func writeItem(b *bytes.Buffer, it Item) {
	fmt.Fprintf(b, "%s (recommended: %s)\n", it.Item, it.Chosen)
	fmt.Fprintf(b, "  workload: %s\n", WorkloadText(it.Workload))
	fmt.Fprintf(b, "  scaling:  %s\n", it.Scaling.Note)
	b.WriteString("\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s\n", strings.Join(TableHeader, "\t"))
	for _, o := range it.Options {
		r := TableRow(o)
		fmt.Fprintf(tw, "  %s\n", strings.Join(r, "\t"))
	}
	tw.Flush()
	b.WriteString("\n  read latency p50/p99 by region:\n")
	for _, o := range it.Options {
		var parts []string
		for _, r := range o.Latency {
			parts = append(parts, fmt.Sprintf("%s %s/%s", r.Region, num(r.P50Ms), num(r.P99Ms)))
		}
		if len(parts) == 0 {
			parts = []string{"no reads"}
		}
		fmt.Fprintf(b, "    %s: %s ms\n", o.ID, strings.Join(parts, ", "))
	}
	b.WriteString("\n  verdicts:\n")
	for _, o := range it.Options {
		fmt.Fprintf(b, "    %s\n", o.Verdict)
		if o.ScaleNote != "" {
			fmt.Fprintf(b, "      (scaled: %s)\n", o.ScaleNote)
		}
		if v := o.Linearizability; v != nil && v.Checked > 1 {
			fmt.Fprintf(b, "      (porcupine, %d increments of the busiest key: %s)\n", v.Checked, v.Explanation)
		}
		if o.RuledOut != "" {
			fmt.Fprintf(b, "      (ruled out by the advisor: %s)\n", o.RuledOut)
		}
	}
	for _, s := range it.Skipped {
		fmt.Fprintf(b, "    %s: %s\n", s.Option, s.Why)
	}
	if len(it.Warnings) > 0 {
		b.WriteString("\n  warnings:\n")
		for _, w := range it.Warnings {
			fmt.Fprintf(b, "    ! measured: %s\n", w.Text)
		}
	}
	if len(it.Workload.Notes) > 0 {
		fmt.Fprintf(b, "\n  assumed: %s\n", strings.Join(it.Workload.Notes, "; "))
	}
}

// TableHeader names the columns of TableRow.
var TableHeader = []string{"option", "stale", "over tol.", "stale p50/p99", "RYW missed", "lost", "429s", "overloaded", "queue p99", "cost/month"}

// TableRow is one option's row of the evidence table, every cell written
// as the verdict writes it; "-" where a figure does not apply.
func TableRow(o Option) []string {
	label := o.ID
	if o.Chosen {
		label += " (chosen)"
	} else if !o.Viable {
		label += " (ruled out)"
	}
	dash := "-"
	stale, over, age := dash, dash, dash
	if o.Reads > 0 {
		stale, over = pct(o.StaleRate), pct(o.OverRate)
		if o.StalenessP50S != nil {
			age = sText(*o.StalenessP50S) + "/" + sText(*o.StalenessP99S)
		}
	}
	ryw := dash
	if o.RYWChecks > 0 {
		ryw = num(float64(o.RYWMisses))
	}
	lost := dash
	if o.Linearizability != nil || o.LostUpdates > 0 { // read-modify-write items
		lost = num(float64(o.LostUpdates))
	}
	queue := dash
	if o.QueueP99Ms != nil {
		queue = msText(*o.QueueP99Ms)
	}
	cost := dash
	switch {
	case o.Cost != nil && o.Cost.Priced:
		cost = "$" + money(o.Cost.MonthlyUSD)
	case o.Cost != nil:
		cost = "not priced"
	}
	return []string{label, stale, over, age, ryw, lost, num(float64(o.Rejected429)), num(float64(o.Overloaded)), queue, cost}
}

// WorkloadText is the workload in a sentence.
func WorkloadText(w Workload) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s reads/s and %s writes/s", num(w.ReadsPerS), num(w.WritesPerS))
	if w.Keys > 1 {
		fmt.Fprintf(&b, " over %s keys (the busiest: %s reads/s, %s writes/s)", num(float64(w.Keys)), num(w.KeyReadsPerS), num(w.KeyWritesPerS))
	} else {
		b.WriteString(" on one key")
	}
	fmt.Fprintf(&b, "; readers at %s PoPs in %s", num(float64(len(w.ReaderPoPs))), count(float64(len(w.ReaderRegions)), "region", "regions"))
	if w.EntityLocal && len(w.ReaderRegions) > 1 {
		b.WriteString(", each key read in one region")
	}
	fmt.Fprintf(&b, "; %s", w.Writers)
	if w.ToleranceS != nil {
		fmt.Fprintf(&b, "; tolerance %s", sText(*w.ToleranceS))
	}
	if w.LatencyBudgetMs != nil {
		fmt.Fprintf(&b, "; latency budget %s", msText(*w.LatencyBudgetMs))
	}
	return b.String()
}
