package player

import (
	"go/scanner"
	"go/token"
	"strings"
)

// codeSpan is a run of source text in one role.
type codeSpan struct {
	text string
	role role
}

// codeLine is one line of the handler source, tokenised once.
type codeLine struct {
	spans []codeSpan
	width int
}

// highlightGo splits Go source into lines of coloured spans with the
// standard library's scanner (keywords, strings, comments, numbers, calls);
// tabs become two spaces so the code fits a side panel.
func highlightGo(src string) []codeLine {
	roles := make([]role, len(src))
	for i := range roles {
		roles[i] = rCodeText
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, scanner.ScanComments)
	prevIdent := -1 // start offset of the last identifier, for calls
	prevEnd := -1
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		end := off + len(lit)
		if lit == "" {
			end = off + len(tok.String())
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // an inserted semicolon: no text
		}
		end = min(end, len(src))
		var ro role
		switch {
		case tok == token.COMMENT:
			ro = rCodeComment
		case tok == token.STRING || tok == token.CHAR:
			ro = rCodeString
		case tok == token.INT || tok == token.FLOAT || tok == token.IMAG:
			ro = rCodeNum
		case tok.IsKeyword():
			ro = rCodeKeyword
		case tok == token.LPAREN && prevIdent >= 0 && prevEnd == off:
			for i := prevIdent; i < off; i++ {
				roles[i] = rCodeFn
			}
		}
		if ro != 0 {
			for i := off; i < end; i++ {
				roles[i] = ro
			}
		}
		if tok == token.IDENT {
			prevIdent, prevEnd = off, end
		} else {
			prevIdent = -1
		}
	}

	var out []codeLine
	start := 0
	for start <= len(src) {
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		out = append(out, spansOf(src[start:end], roles[start:end]))
		if end == len(src) {
			break
		}
		start = end + 1
	}
	// A final newline leaves an empty last line that is not code.
	if n := len(out); n > 0 && out[n-1].width == 0 && strings.HasSuffix(src, "\n") {
		out = out[:n-1]
	}
	return out
}

func spansOf(text string, roles []role) codeLine {
	var l codeLine
	var b strings.Builder
	cur := rCodeText
	flush := func() {
		if b.Len() > 0 {
			l.spans = append(l.spans, codeSpan{text: b.String(), role: cur})
			l.width += textWidth(b.String())
			b.Reset()
		}
	}
	for i, r := range text {
		ro := roles[i]
		if ro != cur {
			flush()
			cur = ro
		}
		if r == '\t' {
			b.WriteString("  ")
		} else {
			b.WriteRune(r)
		}
	}
	flush()
	return l
}
