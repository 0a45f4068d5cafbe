package ansi

import (
	"testing"

	"github.com/microcosm-cc/bluemonday"
)

// strictSanitize returns bluemonday's StrictPolicy output for markup of
// every kind a Markdown document's HTML blocks and inline HTML may hold.
func TestStrictSanitizeIsBluemondaysStrictPolicy(t *testing.T) {
	policy := bluemonday.StrictPolicy()
	for _, s := range []string{
		"", "   ", "\n\t", "plain text", "a & b < c > d \" e ' f",
		"<b>bold</b> and <i>it</i>", "<div class=\"x\" onclick=\"evil()\">block</div>",
		"<script>alert(1)</script>after", "<SCRIPT>x</SCRIPT>y", "<style>p{}</style>z",
		"<!-- a comment -->text", "<!DOCTYPE html><p>doc</p>",
		"<iframe src=x>inside</iframe>out", "<title>t</title>body", "<noscript>ns</noscript>ok",
		"<object><object>deep</object>still</object>after", "</iframe>stray end<iframe>open",
		"<br/>self<img src=x onerror=alert(1) />closing", "<iframe/>self-closed skip",
		"&amp;amp; &lt;tag&gt; &#39;q&#39; &unknown; &copy;", "<a href=\"javascript:x\">link</a>",
		"<textarea><b>rc</b>data</textarea>", "<p>unclosed <em>tags", "text <", "<", "<<>>",
		"<scr<script>ipt>alert()</script>", "<x-custom-tag attr>custom</x-custom-tag>",
		"<ÜNICODE>u</ÜNICODE>", "<svg><script>s</script></svg>after", "<plaintext>rest <b>of</b> it",
		"\x1b[31mred\x1b[0m<b>\x1b]8;;http://x\x07link</b>",
	} {
		if got, want := strictSanitize(s), policy.Sanitize(s); got != want {
			t.Errorf("strictSanitize(%q) = %q, bluemonday gives %q", s, got, want)
		}
	}
}
