package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/evidence"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var formats = []struct {
	name   string
	render func(Doc) []byte
}{
	{"markdown", Markdown},
	{"json", JSON},
	{"html", HTML},
}

func TestReviewWithSeveralItemsMatchesGolden(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			golden.RequireEqual(t, f.render(sampleDoc()))
		})
	}
	t.Run("markdown in full detail", func(t *testing.T) {
		d := sampleDoc()
		d.Detail = DetailFull
		golden.RequireEqual(t, Markdown(d))
	})
}

func TestOneRecordPerItemMatchesGolden(t *testing.T) {
	for _, one := range sampleDoc().PerItem() {
		t.Run(one.Entries[0].Item.Name, func(t *testing.T) {
			golden.RequireEqual(t, Markdown(one))
		})
	}
}

func TestRenderingIsDeterministic(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			first := f.render(sampleDoc())
			for range 20 {
				if !bytes.Equal(first, f.render(sampleDoc())) {
					t.Fatal("two renderings of the same Doc differ")
				}
			}
		})
	}
}

func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("report.v1.schema.json", doc); err != nil {
		t.Fatal(err)
	}

	s, err := c.Compile("report.v1.schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

func TestJSONReportsValidateAgainstTheCommittedSchema(t *testing.T) {
	s := compileSchema(t)
	leastBad := sampleDoc()
	leastBad.Entries[0].Recommendation.Flips = []advisor.Flip{{Question: "value_bytes", From: 200.0, To: 3e7, Primary: advisor.R2PlusKV, Text: "x", LeastBad: true}}
	docs := map[string]Doc{"a review": sampleDoc(), "hostile strings": hostileDoc(), "no metadata": {Entries: sampleDoc().Entries[2:]}, "a least-bad flip": leastBad}
	for i, one := range sampleDoc().PerItem() {
		docs["item "+string(rune('1'+i))] = one
	}
	for name, d := range docs {
		t.Run(name, func(t *testing.T) {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSON(d)))
			if err != nil {
				t.Fatalf("output is not JSON: %v", err)
			}
			if err := s.Validate(v); err != nil {
				t.Errorf("output does not match the schema: %v", err)
			}
			if name == "a least-bad flip" && !bytes.Contains(JSON(d), []byte(`"least_bad": true`)) {
				t.Error("the flip's least_bad is missing")
			}
		})
	}
}

func TestSchemaRejectsAReportOfAnotherVersion(t *testing.T) {
	var m map[string]any
	if err := json.Unmarshal(JSON(sampleDoc()), &m); err != nil {
		t.Fatal(err)
	}
	m["version"] = 2
	b, _ := json.Marshal(m)
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if compileSchema(t).Validate(v) == nil {
		t.Error("the schema accepted version 2")
	}
}

func TestJSONUsesSnakeCaseFieldNames(t *testing.T) {
	keys := regexp.MustCompile(`"([^"]+)":`).FindAllStringSubmatch(string(JSON(sampleDoc())), -1)
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, k := range keys {
		if !snake.MatchString(k[1]) {
			t.Errorf("field %q is not snake_case", k[1])
		}
	}
}

func TestHTMLEscapesHostileStrings(t *testing.T) {
	out := string(HTML(hostileDoc()))
	if strings.Contains(out, "<script") {
		t.Errorf("a user string became a <script> element")
	}
	if !strings.Contains(out, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quoted&#34;") {
		t.Errorf("the hostile title is not escaped as expected")
	}
	for _, bad := range []string{`"quoted"`, "& \""} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds unescaped %q", bad)
		}
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	out := string(HTML(sampleDoc()))
	for _, bad := range []string{"<script", "<link", "src=", "url(", "@import", "http://"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML contains %q: it must load nothing", bad)
		}
	}
	// Cited sources are links a reader may follow; nothing else may name
	// an address.
	if n, links := strings.Count(out, "https://"), strings.Count(out, `<a href="https://`); n != links {
		t.Errorf("%d addresses, %d of them links", n, links)
	}
	if !strings.Contains(out, "@media print") {
		t.Error("HTML has no print styles")
	}
}

// renderGFM renders Markdown the way GitHub does (CommonMark plus tables).
func renderGFM(t *testing.T, md []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(md, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestMarkdownKeepsHostileStringsLiteral(t *testing.T) {
	d := hostileDoc()
	html := renderGFM(t, Markdown(d))
	if strings.Contains(html, "<script") {
		t.Errorf("a user string became raw HTML:\n%s", html)
	}
	if !strings.Contains(html, `&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; | pipe`) {
		t.Errorf("the hostile name does not render literally:\n%s", html)
	}
	if strings.Contains(html, "<li>not a list") {
		t.Error("a line of the notes became a list item")
	}
}

func TestMarkdownTablesKeepTheirColumnsWithHostileStrings(t *testing.T) {
	d := hostileDoc()
	d.Entries = append(d.Entries, sampleDoc().Entries[1])
	html := renderGFM(t, Markdown(d))
	tables := regexp.MustCompile(`(?s)<table>.*?</table>`).FindAllString(html, -1)
	if len(tables) == 0 {
		t.Fatal("no tables rendered")
	}
	for _, tb := range tables {
		cellRE := regexp.MustCompile(`<t[hd][ >]`)
		heads := len(regexp.MustCompile(`<th[ >]`).FindAllString(tb, -1))
		for _, row := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(tb, -1) {
			if n := len(cellRE.FindAllString(row, -1)); n != heads {
				t.Errorf("a row has %d cells, its table %d columns:\n%s", n, heads, row)
			}
		}
	}
	if !strings.Contains(html, "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; | pipe</td>") {
		t.Errorf("the hostile name is not one literal table cell:\n%s", html)
	}
}

func TestMarkdownFrontMatterSurvivesHostileDecisionMakers(t *testing.T) {
	md := string(Markdown(hostileDoc()))
	fm, _, ok := strings.Cut(strings.TrimPrefix(md, "---\n"), "\n---\n")
	if !ok || !strings.HasPrefix(md, "---\n") {
		t.Fatalf("no front matter:\n%s", md)
	}
	if strings.Count(fm, "\n") != 2 {
		t.Errorf("front matter is not three lines:\n%s", fm)
	}
}

func TestFormatValueReadsLikeAPerson(t *testing.T) {
	cases := map[string]any{"yes": true, "no": false, "2,592,000": 2592000.0, "0.5": 0.5, "global": "global", "(none)": nil, "-1,000": -1000.0}
	for want, in := range cases {
		if got := FormatValue(in); got != want {
			t.Errorf("FormatValue(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatUSD(t *testing.T) {
	cases := map[float64]string{0: "$0.00", 1291: "$1,291.00", 0.5: "$0.50", 0.001: "$0.001", 12.345: "$12.35"}
	for in, want := range cases {
		if got := formatUSD(in); got != want {
			t.Errorf("formatUSD(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeFenceOutlastsBackticksInTheSketch(t *testing.T) {
	if got := codeFence("a ```` b"); got != "`````" {
		t.Errorf("codeFence = %q", got)
	}
}

func TestSlugIsFileNameSafe(t *testing.T) {
	cases := map[string]string{
		"session-flag":            "session-flag",
		"Seat counter (EU) v2":    "seat-counter-eu-v2",
		`<script>"&"</script>`:    "script-script",
		"!!!":                     "decision",
		strings.Repeat("ab", 100): strings.Repeat("ab", 25),
	}
	for name, want := range cases {
		d := sampleDoc()
		d.Entries = d.Entries[:1]
		d.Entries[0].Item.Name = name
		if got := d.Slug(); got != want {
			t.Errorf("Slug of %q = %q, want %q", name, got, want)
		}
	}
}

func TestLowerFirstKeepsAcronymsAndNames(t *testing.T) {
	cases := map[string]string{
		"Reads stay local": "reads stay local", "A write can lag": "a write can lag",
		"KV is cheap": "KV is cheap", "R2 storage": "R2 storage", "`get` is fast": "`get` is fast", "": "",
	}
	for in, want := range cases {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

// A flip whose answer would rule out every option is no way out: the
// record must say the new primary would only be the least bad.
func TestAFlipToTheLeastBadOptionSaysSo(t *testing.T) {
	d := sampleDoc()
	e := &d.Entries[0].Recommendation
	e.Flips = []advisor.Flip{{Question: "value_bytes", From: 200.0, To: 3e7, Primary: advisor.R2PlusKV, LeastBad: true}}
	for _, f := range []struct {
		name   string
		render func(Doc) []byte
	}{{"markdown", Markdown}, {"html", HTML}} {
		if out := string(f.render(d)); !strings.Contains(out, leastBadFlip) {
			t.Errorf("%s: the least-bad flip is not qualified", f.name)
		}
	}
	e.Flips[0].LeastBad = false
	if out := string(Markdown(d)); strings.Contains(out, leastBadFlip) {
		t.Error("markdown: an ordinary flip is called least bad")
	}
}

func TestMarkdownSourceKeepsTheSpacesAroundItsLinks(t *testing.T) {
	got := mdSource("developers.cloudflare.com/a/; developers.cloudflare.com/b/ (partials/x.mdx)", false)
	want := "[developers.cloudflare.com/a/](https://developers.cloudflare.com/a/); " +
		"[developers.cloudflare.com/b/](https://developers.cloudflare.com/b/) (partials/x.mdx)"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// The engine prices the Cache API and R2 at nothing because kvdo's price
// list has no figure for them; the record must not show "$0.00 per reads".
func TestAnUnpricedLineIsNotShownAsFree(t *testing.T) {
	d := sampleDoc()
	r := &d.Entries[0].Recommendation
	r.Costs = append(r.Costs, advisor.CostEstimate{Option: advisor.CacheAPI, Plan: "Workers Paid", Lines: []advisor.CostLine{
		{Item: "Cache API reads", Quantity: 100, Unit: "reads", PerUnits: 1, Arithmetic: "no charge in the price list"}}})
	d.Detail = DetailFull // the concise record tables only the primary's estimate
	for _, f := range []struct {
		name   string
		render func(Doc) []byte
	}{{"markdown", Markdown}, {"html", HTML}} {
		out := string(f.render(d))
		if strings.Contains(out, "$0.00 per reads") || !strings.Contains(out, "not priced") {
			t.Errorf("%s: an unpriced line reads as free", f.name)
		}
	}
	if got := includedText(r.Costs[len(r.Costs)-1].Lines[0]); got != "n/a" {
		t.Errorf("included %q, want n/a", got)
	}
}

// A warning qualifies the verdict (a least-bad primary, an object past its
// limit): it must sit with the chosen option, before the reasons and long
// before the costs.
func TestWarningsComeWithTheVerdict(t *testing.T) {
	d := sampleDoc()
	for _, f := range []struct {
		name, chosen string
		render       func(Doc) []byte
	}{{"markdown", "Chosen option: **Durable Object**", Markdown}, {"html", "Chosen option: <strong>Durable Object", HTML}} {
		out := string(f.render(d))
		out = out[strings.Index(out, f.chosen):]
		warn := strings.Index(out, "One object per limit key")
		if warn < 0 || warn > strings.Index(out, "Consequences") {
			t.Errorf("%s: the warning is not next to the verdict", f.name)
		}
	}
}

// The glance table shows only the decision's title and total: a least-bad
// primary and an estimate with no priced line must not pass for a clean
// verdict and a free option.
func TestTheGlanceTableMarksALeastBadPrimaryAndAnUnpricedTotal(t *testing.T) {
	d := sampleDoc()
	r := &d.Entries[0].Recommendation
	r.Primary = advisor.CacheAPI
	r.Ranking = append([]advisor.Ranked{{Option: advisor.CacheAPI, Title: "Cache API", Viable: false, RuledOut: "x"}}, r.Ranking...)
	r.Costs = []advisor.CostEstimate{{Option: advisor.CacheAPI, Plan: "Workers Paid", Lines: []advisor.CostLine{
		{Item: "Cache API reads", Quantity: 100, Unit: "reads", PerUnits: 1}}}}
	for _, f := range []struct {
		name   string
		render func(Doc) []byte
	}{{"markdown", Markdown}, {"html", HTML}} {
		out := string(f.render(d))
		glance := out[strings.Index(out, "at a "):]
		glance = glance[:strings.Index(glance, "session-flag")+300]
		if !strings.Contains(glance, "least bad: every option ruled out") || !strings.Contains(glance, "not priced") {
			t.Errorf("%s glance:\n%s", f.name, glance)
		}
	}
}

func TestSlugsTransliterateAccents(t *testing.T) {
	for in, want := range map[string]string{
		"Café crème":        "cafe-creme",
		"Straße Ölgemälde":  "strasse-olgemalde",
		"Łódź — žluťoučký":  "lodz-zlutoucky",
		"Ærøskøbing naïve":  "aeroskobing-naive",
		"日本語":               "decision",
		"seat-counter (v2)": "seat-counter-v2",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// A record names the answers file as given when relative, by its base
// name when absolute: a path on one machine means nothing in a repository.
func TestNoAbsolutePathInARecord(t *testing.T) {
	for path, want := range map[string]string{
		"/home/ana/work/review.yaml": "review.yaml",
		`C:\Users\ana\review.yaml`:   "review.yaml",
		"examples/review.yaml":       "examples/review.yaml",
		"<stdin>":                    "<stdin>",
	} {
		d := sampleDoc()
		d.AnswersFile = path
		for name, out := range map[string][]byte{"markdown": Markdown(d), "html": HTML(d), "json": JSON(d)} {
			if strings.Contains(string(out), "/home/ana") || strings.Contains(string(out), `Users\ana`) || strings.Contains(string(out), "Users\\\\ana") {
				t.Errorf("%s: %s shows the absolute path", name, path)
			}
			if !strings.Contains(string(out), strings.ReplaceAll(strings.ReplaceAll(want, "<", "&lt;"), ">", "&gt;")) && !strings.Contains(string(out), want) {
				t.Errorf("%s: %s does not name %q", name, path, want)
			}
		}
	}
}

func TestSupersedeLinksAnOldRecordToItsSuccessor(t *testing.T) {
	by := Link{Number: 7, Title: "seat-counter: Durable Object", File: "0007-seat-counter.md"}
	t.Run("a MADR record kvdo wrote", func(t *testing.T) {
		d := sampleDoc()
		d.Entries, d.Number = d.Entries[1:2], 3
		old := Markdown(d)
		n, title, ok := RecordTitle(old)
		if !ok || n != 3 || title != "rate-limiter: Durable Object" {
			t.Fatalf("RecordTitle = %d %q %v", n, title, ok)
		}
		out, err := Supersede(old, by)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(out), "---\nstatus: superseded by ADR-0007\n") ||
			!strings.Contains(string(out), "# 3. rate-limiter: Durable Object\n\nSuperseded by [7. seat-counter: Durable Object](<0007-seat-counter.md>).\n") ||
			!IsSuperseded(out) || IsSuperseded(old) {
			t.Errorf("superseded record:\n%.400s", out)
		}
	})
	t.Run("a record adr-tools wrote", func(t *testing.T) {
		old := []byte("# 2. Use Postgres\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nWe need a database.\n")
		out, err := Supersede(old, by)
		want := "# 2. Use Postgres\n\nDate: 2026-01-01\n\n## Status\n\nSuperseded by [7. seat-counter: Durable Object](<0007-seat-counter.md>).\n\n## Context\n\nWe need a database.\n"
		if err != nil || string(out) != want {
			t.Errorf("got %v\n%s", err, out)
		}
	})
	t.Run("a record of neither shape is left alone", func(t *testing.T) {
		if _, err := Supersede([]byte("just notes\n"), by); err == nil {
			t.Error("no error")
		}
	})
}

// The report's schema bundles the evidence document's, so that it
// validates a record with evidence on its own; the copy must be the
// evidence schema itself. To refresh it, put the contents of
// evidence/schema/evidence.v1.schema.json under $defs.evidence.
func TestTheBundledEvidenceSchemaIsTheEvidencePackagesOwn(t *testing.T) {
	var rep struct {
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(Schema, &rep); err != nil {
		t.Fatal(err)
	}
	var bundled, own any
	if err := json.Unmarshal(rep.Defs["evidence"], &bundled); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(evidence.Schema, &own); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(bundled, own) {
		t.Error("report.v1.schema.json's $defs.evidence differs from evidence/schema/evidence.v1.schema.json")
	}
}
