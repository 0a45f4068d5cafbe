package demos

import (
	"strings"

	"github.com/kvdo/kvdo/edge"
)

// verdictText is the verdict line of the headless text: the model, the
// answer, and porcupine's explanation with the operations that prove it.
func verdictText(v edge.Verdict) string {
	var b strings.Builder
	b.WriteString(v.Model + " history of " + plural(v.Checked, "operation") + ": ")
	if v.Linearizable {
		b.WriteString("linearizable")
	} else {
		b.WriteString("NOT linearizable")
	}
	b.WriteString(" (porcupine)")
	if v.Explanation != "" {
		b.WriteString("\n         " + v.Explanation)
	}
	for _, op := range v.Witness {
		b.WriteString("\n           " + op.String())
	}
	return b.String()
}
