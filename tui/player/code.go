package player

import (
	"regexp"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"

	"github.com/kvdo/kvdo/internal/highlight"
)

// codeSpan is a run of source text in one role.
type codeSpan struct {
	text string
	role role
}

// codeLine is one line of a handler source, tokenised once.
type codeLine struct {
	spans []codeSpan
	width int
}

// stepComment is the trailing "// step: NAME" comment that joins a Go
// handler line to its JavaScript twin (demos/twins.go). It is bookkeeping
// for kvdo, not code a Worker needs, so the panel leaves it out.
var stepComment = regexp.MustCompile(`^//\s*step:`)

// highlighted memoises codeLines by language and source. The sources
// are the demos' embedded handler files, a dozen constants, and chroma's
// lexers take about 2 µs a byte (10 to 15 ms a file, more than a whole
// demo run), so each is tokenised once per process and shared read-only.
var highlighted sync.Map // codeSource -> []codeLine

type codeSource struct{ lang, src string }

// highlightOnce is codeLines, memoised.
func highlightOnce(lang, src string) []codeLine {
	k := codeSource{lang, src}
	if v, ok := highlighted.Load(k); ok {
		return v.([]codeLine)
	}
	v, _ := highlighted.LoadOrStore(k, codeLines(lang, src))
	return v.([]codeLine)
}

// codeLines splits source in a language kvdo highlights ("go",
// "javascript") into lines of coloured spans: keywords, strings,
// comments, numbers and calls. Tabs become two spaces so the code fits a
// side panel; trailing step comments are dropped.
func codeLines(lang, src string) []codeLine {
	toks := []chroma.Token{{Type: chroma.Text, Value: src}}
	if lexer := highlight.Lexer(lang); lexer != nil {
		if it, err := chroma.Coalesce(lexer).Tokenise(nil, src); err == nil {
			toks = it.Tokens()
		}
	}

	var out []codeLine
	var cur []codeSpan
	endLine := func() {
		out = append(out, finishLine(cur))
		cur = nil
	}
	for i, t := range toks {
		ro := tokenRole(t.Type)
		if ro == rCodeText && t.Type.InCategory(chroma.Name) && followedByCall(toks[i+1:]) {
			ro = rCodeFn
		}
		for j, part := range strings.Split(t.Value, "\n") {
			if j > 0 {
				endLine()
			}
			if part != "" {
				cur = append(cur, codeSpan{text: part, role: ro})
			}
		}
	}
	if len(cur) > 0 || !strings.HasSuffix(src, "\n") {
		endLine() // a final newline leaves no line that is code
	}
	return out
}

// followedByCall reports whether the next token opens an argument list.
func followedByCall(rest []chroma.Token) bool {
	return len(rest) > 0 && rest[0].Type.InCategory(chroma.Punctuation) && strings.HasPrefix(rest[0].Value, "(")
}

func tokenRole(t chroma.TokenType) role {
	switch {
	case t.InCategory(chroma.Comment):
		return rCodeComment
	case t.InCategory(chroma.Keyword):
		return rCodeKeyword
	case t.InSubCategory(chroma.LiteralString):
		return rCodeString
	case t.InSubCategory(chroma.LiteralNumber):
		return rCodeNum
	case t == chroma.NameFunction:
		return rCodeFn
	}
	return rCodeText
}

// finishLine drops a trailing step comment, expands tabs and measures the
// line.
func finishLine(spans []codeSpan) codeLine {
	if n := len(spans); n > 0 && spans[n-1].role == rCodeComment && stepComment.MatchString(spans[n-1].text) {
		spans = spans[:n-1]
		for len(spans) > 0 {
			last := &spans[len(spans)-1]
			last.text = strings.TrimRight(last.text, " \t")
			if last.text != "" {
				break
			}
			spans = spans[:len(spans)-1]
		}
	}
	var l codeLine
	for _, sp := range spans {
		sp.text = strings.ReplaceAll(sp.text, "\t", "  ")
		l.spans = append(l.spans, sp)
		l.width += textWidth(sp.text)
	}
	return l
}

// text is the line without its colours.
func (l codeLine) text() string {
	var b strings.Builder
	for _, sp := range l.spans {
		b.WriteString(sp.text)
	}
	return b.String()
}
