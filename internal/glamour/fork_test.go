package glamour_test

import (
	"fmt"
	"strings"
	"testing"

	upstream "charm.land/glamour/v2"
	chromastyles "github.com/alecthomas/chroma/v2/styles"

	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/internal/glamour"
	"github.com/kvdo/kvdo/report"
)

// elements is a sample of every Markdown element glamour draws, with code
// blocks in the languages kvdo shows and one indented block.
const elements = "# Heading one\n\n## Heading two\n\n### Three\n\n" +
	"A paragraph with *emphasis*, **strong**, ~~struck~~, `code`, a [link](https://example.com/a) " +
	"and an autolink https://developers.cloudflare.com/kv/ in a sentence long enough to wrap at forty columns.\n\n" +
	"> A quote\n> on two lines.\n\n" +
	"See https://github.com/charmbracelet/glamour/pull/623 and <b>inline</b> HTML &amp; entities.\n\n" +
	"<div class=\"note\">\n<script>alert(1)</script>An HTML block &lt;kept as text&gt;\n</div>\n\n" +
	"- one\n- two\n  - nested\n1. first\n2. second\n\n- [x] done\n- [ ] open\n\n" +
	"| option | fits | cost |\n|---|:---:|---:|\n| KV | yes | $5 |\n| Durable Object | no | $0.15 |\n\n---\n\n" +
	"```typescript\nexport default {\n  async fetch(req: Request, env: Env): Promise<Response> {\n    const v = await env.KV.get(\"k\", { cacheTtl: 60 }); // read\n    return new Response(v ?? \"none\");\n  },\n};\n```\n\n" +
	"```yaml\n---\ntitle: \"A review\"\nitems: [a, b]\ncount: 3\n---\n```\n\n" +
	"```go\nfunc main() {\n\tfmt.Println(`raw`, 42, \"s\")\n}\n```\n\n" +
	"```js\nconst n = (await env.KV.get('n')) | 0;\n```\n\n" +
	"    indented code\n\n" +
	"Term\n: definition\n"

// records are kvdo's full decision record for the example review (the
// concise one is a part of it), with its front matter fenced as the TUI's
// record view fences it.
func records(t *testing.T) map[string]string {
	t.Helper()
	pack, err := app.LoadPack("")
	if err != nil {
		t.Fatal(err)
	}
	rev, err := app.ReadReview("../../examples/review.yaml", pack)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{"elements": elements}
	for _, detail := range []string{report.DetailFull} {
		doc := app.Evaluate(pack, rev, "examples/review.yaml", "2026-01-02")
		doc.Detail = detail
		md := string(report.Markdown(doc))
		if !strings.Contains(md, "```typescript") {
			t.Fatalf("the %s record has no TypeScript sketch to highlight", detail)
		}
		if fm, rest, ok := strings.Cut(strings.TrimPrefix(md, "---\n"), "\n---\n"); ok {
			md = "```yaml\n---\n" + fm + "\n---\n```\n" + rest
		}
		out["record-"+detail] = md
	}
	return out
}

// The copy renders what upstream glamour renders, byte for byte, in every
// standard style kvdo uses and at several widths.
//
// The dark style is compared through chroma's true-colour formatter:
// through its 256-colour one (kvdo's), the dark comment colour #676767 is
// as near 241 as 242, and chroma breaks the tie in map order, so upstream
// itself draws either from one run to the next.
func TestRendersKvdoRecordsAsUpstreamGlamour(t *testing.T) {
	for name, md := range records(t) {
		for _, style := range []string{"dark", "light", "notty"} {
			formatter := "terminal256"
			if style == "dark" {
				formatter = "terminal16m"
			}
			for _, width := range []int{40, 96} {
				t.Run(fmt.Sprintf("%s/%s/%d", name, style, width), func(t *testing.T) {
					// Upstream registers its chroma style once per process:
					// forget it so each style is drawn with its own colours.
					delete(chromastyles.Registry, "charm")
					want := render(t, md, func() (renderer, error) {
						return upstream.NewTermRenderer(upstream.WithStandardStyle(style), upstream.WithWordWrap(width), upstream.WithChromaFormatter(formatter))
					})
					got := render(t, md, func() (renderer, error) {
						return glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width), glamour.WithChromaFormatter(formatter))
					})
					if got != want {
						gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
						for i := range min(len(gl), len(wl)) {
							if gl[i] != wl[i] {
								t.Fatalf("line %d differs:\n got %q\nwant %q", i+1, gl[i], wl[i])
							}
						}
						t.Fatalf("%d lines, upstream %d", len(gl), len(wl))
					}
					if style != "notty" && !strings.Contains(got, "export") {
						t.Fatal("no code sketch in the rendering")
					}
				})
			}
		}
	}
}

// A language the copy does not hold is drawn whole in the code block's
// text colour, where upstream would highlight it; a held one is split into
// coloured tokens.
func TestDrawsALanguageItDoesNotHoldAsPlainText(t *testing.T) {
	draw := func(lang string) string {
		return render(t, "```"+lang+"\nprint('x', 1)\n```\n", func() (renderer, error) {
			return glamour.NewTermRenderer(glamour.WithStandardStyle("dark"), glamour.WithWordWrap(40))
		})
	}
	if got := draw("python"); !strings.Contains(got, "print('x', 1)") {
		t.Errorf("python code was split or lost:\n%q", got)
	}
	if got := draw("javascript"); strings.Contains(got, "print('x', 1)") || !strings.Contains(got, "'x'") {
		t.Errorf("javascript code was not highlighted:\n%q", got)
	}
}

type renderer interface{ Render(string) (string, error) }

func render(t *testing.T, md string, mk func() (renderer, error)) string {
	t.Helper()
	r, err := mk()
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(md)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
