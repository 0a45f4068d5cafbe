package content

import (
	"fmt"
	"strconv"
	"strings"
)

// FactsMarkdown renders the pack's facts as the document shipped in the
// repository (docs/FACTS.md): every figure and behaviour kvdo shows, with
// its source and the date it was checked, in the order of facts.yaml.
func (p *Pack) FactsMarkdown() string {
	var b strings.Builder
	b.WriteString("# The facts kvdo shows\n\n")
	b.WriteString("Generated from `content/facts.yaml` (`go test ./content -run TestFactsDocument -args -update-facts`); edit that file, not this one.\n\n")
	b.WriteString("Every figure and documented behaviour kvdo's advisor reasons with, its simulator follows and its Learn screen lists, ")
	b.WriteString("with where it comes from and when it was checked. *Third-party* marks a measurement by others, not Cloudflare's word; ")
	b.WriteString("a source starting \"kvdo assumption\" is kvdo's own modelling choice where Cloudflare publishes no figure.\n")
	for _, f := range p.Facts {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", f.ID, f.Text)
		if f.Value != nil {
			v := strconv.FormatFloat(*f.Value, 'f', -1, 64)
			if f.Unit != "" {
				v += " " + f.Unit
			}
			fmt.Fprintf(&b, "- figure: %s\n", v)
		}
		fmt.Fprintf(&b, "- source: %s\n", f.Source)
		fmt.Fprintf(&b, "- checked: %s\n", f.AsOf)
		if f.ThirdParty {
			b.WriteString("- third-party measurement\n")
		}
	}
	return b.String()
}
