package demos

import (
	"strings"

	"github.com/kvdo/kvdo/edge"
)

// verdictText is the verdict line of the headless text: the model, the
// answer, and porcupine's explanation with the operations that prove it,
// wrapped to width.
func verdictText(v edge.Verdict, width int) string {
	var b strings.Builder
	b.WriteString(v.Model + " history of " + plural(v.Checked, "operation") + ": ")
	if v.Linearizable {
		b.WriteString("linearizable")
	} else {
		b.WriteString("NOT linearizable")
	}
	b.WriteString(" (porcupine)")
	b.WriteString("\n")
	if v.Explanation != "" {
		writeWrapped(&b, "         ", "         ", v.Explanation, width)
	}
	for _, op := range v.Witness {
		writeWrapped(&b, "           ", "             ", op.String(), width)
	}
	return b.String()
}
