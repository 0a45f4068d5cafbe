package player

import (
	"image/color"

	"charm.land/lipgloss/v2"
	uv "github.com/charmbracelet/ultraviolet"

	"github.com/charmbracelet/x/ansi"
	"github.com/kvdo/kvdo/tui/common"
)

// Styles is the player's group of styles: every role a frame paints
// (stale copy, message to a Durable Object, current code line...), each
// taken from the TUI's semantic palette (tui/common), so the player has no
// colour of its own and follows the theme, light, dark or NO_COLOR.
type Styles struct {
	Text, Dim, Bold, Accent lipgloss.Style
	Title, Header, Status   lipgloss.Style
	PanelTitle, Border      lipgloss.Style
	Error                   lipgloss.Style

	// Stage: the world map and the space-time lanes.
	Land, PoP, Current, Stale, Absent lipgloss.Style
	DO, Central, Origin               lipgloss.Style
	MsgKV, MsgDO, MsgOrigin, MsgOther lipgloss.Style
	Route                             lipgloss.Style
	Lifeline, LaneEvent, LaneTime     lipgloss.Style
	CursorLine                        lipgloss.Style

	// Code panel: the handler source, the line of the current event.
	CodeNo, CodeText, CodeCurrent, CodeMarker             lipgloss.Style
	CodeKeyword, CodeString, CodeComment, CodeNum, CodeFn lipgloss.Style

	// Caption, metrics, timeline, verdict.
	Caption, CaptionPrev, CaptionBig      lipgloss.Style
	MetricName, MetricLive, MetricFinal   lipgloss.Style
	MetricPending, MetricHot              lipgloss.Style
	Played, Future, Mark, Cursor, Clock   lipgloss.Style
	VerdictOK, VerdictBad, VerdictPending lipgloss.Style
	FormBorder                            lipgloss.Style

	// Theme is the TUI's styles these were built from (help, inputs).
	Theme *common.Styles
}

// NewStyles builds the player's styles from the TUI's theme.
func NewStyles(cs *common.Styles) Styles {
	p := cs.Palette
	fg := func(c color.Color) lipgloss.Style {
		st := lipgloss.NewStyle()
		if c != nil {
			st = st.Foreground(c)
		}
		return st
	}
	text, muted, subtle := fg(p.Fg), fg(p.Muted), fg(p.Subtle)
	accent, second := fg(p.Accent), fg(p.Secondary)
	good, warn, bad := fg(p.Success), fg(p.Warning), fg(p.Error)
	current := lipgloss.NewStyle().Bold(true)
	if p.Accent != nil && p.AccentFg != nil {
		current = current.Foreground(p.AccentFg).Background(p.Accent)
	} else {
		current = current.Reverse(true) // NO_COLOR: the line still stands out
	}

	return Styles{
		Text: text, Dim: muted, Bold: text.Bold(true), Accent: accent.Bold(true),
		Title: accent.Bold(true), Header: text.Bold(true), Status: muted,
		PanelTitle: muted.Bold(true), Border: subtle, Error: bad.Bold(true),

		Land: subtle, PoP: text.Bold(true), Current: good.Bold(true), Stale: bad.Bold(true), Absent: muted,
		DO: accent.Bold(true), Central: second.Bold(true), Origin: warn.Bold(true),
		MsgKV: second.Bold(true), MsgDO: accent.Bold(true), MsgOrigin: warn.Bold(true), MsgOther: text.Bold(true),
		Route: muted, Lifeline: subtle, LaneEvent: text, LaneTime: muted, CursorLine: accent.Bold(true),

		CodeNo: muted, CodeText: text, CodeCurrent: current, CodeMarker: accent.Bold(true),
		CodeKeyword: accent, CodeString: good, CodeComment: muted.Italic(true), CodeNum: warn, CodeFn: second,

		Caption: text.Bold(true), CaptionPrev: muted, CaptionBig: accent.Bold(true),
		MetricName: text, MetricLive: second.Bold(true), MetricFinal: text.Bold(true),
		MetricPending: muted, MetricHot: accent.Bold(true),
		Played: accent, Future: subtle, Mark: second.Bold(true), Cursor: accent.Bold(true), Clock: text.Bold(true),
		VerdictOK: good.Bold(true), VerdictBad: bad.Bold(true), VerdictPending: muted,
		FormBorder: accent,
		Theme:      cs,
	}
}

// role names a style for the fast painters (canvas cells and inline
// spans), which write precomputed escape sequences instead of calling
// lipgloss for every span: a frame has hundreds of spans and must draw
// in well under a millisecond.
type role uint8

const (
	rPlain role = iota
	rText
	rDim
	rBold
	rAccent
	rTitle
	rHeader
	rStatus
	rPanelTitle
	rBorder
	rError
	rLand
	rPoP
	rCurrent
	rStale
	rAbsent
	rDO
	rCentral
	rOrigin
	rMsgKV
	rMsgDO
	rMsgOrigin
	rMsgOther
	rRoute
	rLifeline
	rLaneEvent
	rLaneTime
	rCursorLine
	rCodeNo
	rCodeText
	rCodeCurrent
	rCodeMarker
	rCodeKeyword
	rCodeString
	rCodeComment
	rCodeNum
	rCodeFn
	rCaption
	rCaptionPrev
	rCaptionBig
	rMetricName
	rMetricLive
	rMetricFinal
	rMetricPending
	rMetricHot
	rPlayed
	rFuture
	rMark
	rCursor
	rClock
	rVerdictOK
	rVerdictBad
	rVerdictPending
	nRoles
)

// paint holds the escape sequence that starts each role's style.
type paint struct {
	sgr [nRoles]string
}

func (s Styles) byRole() [nRoles]lipgloss.Style {
	return [nRoles]lipgloss.Style{
		rPlain: lipgloss.NewStyle(), rText: s.Text, rDim: s.Dim, rBold: s.Bold, rAccent: s.Accent,
		rTitle: s.Title, rHeader: s.Header, rStatus: s.Status, rPanelTitle: s.PanelTitle, rBorder: s.Border,
		rError: s.Error, rLand: s.Land, rPoP: s.PoP, rCurrent: s.Current, rStale: s.Stale, rAbsent: s.Absent,
		rDO: s.DO, rCentral: s.Central, rOrigin: s.Origin, rMsgKV: s.MsgKV, rMsgDO: s.MsgDO,
		rMsgOrigin: s.MsgOrigin, rMsgOther: s.MsgOther, rRoute: s.Route, rLifeline: s.Lifeline,
		rLaneEvent: s.LaneEvent, rLaneTime: s.LaneTime, rCursorLine: s.CursorLine, rCodeNo: s.CodeNo,
		rCodeText: s.CodeText, rCodeCurrent: s.CodeCurrent, rCodeMarker: s.CodeMarker,
		rCodeKeyword: s.CodeKeyword, rCodeString: s.CodeString, rCodeComment: s.CodeComment,
		rCodeNum: s.CodeNum, rCodeFn: s.CodeFn, rCaption: s.Caption, rCaptionPrev: s.CaptionPrev,
		rCaptionBig: s.CaptionBig, rMetricName: s.MetricName, rMetricLive: s.MetricLive,
		rMetricFinal: s.MetricFinal, rMetricPending: s.MetricPending, rMetricHot: s.MetricHot,
		rPlayed: s.Played, rFuture: s.Future, rMark: s.Mark, rCursor: s.Cursor, rClock: s.Clock,
		rVerdictOK: s.VerdictOK, rVerdictBad: s.VerdictBad, rVerdictPending: s.VerdictPending,
	}
}

func newPaint(s Styles) *paint {
	p := &paint{}
	for i, st := range s.byRole() {
		p.sgr[i] = sgrOf(st)
	}
	return p
}

// sgrOf turns a lipgloss style's colours and attributes into the escape
// sequence that sets them ("" for a plain style).
func sgrOf(st lipgloss.Style) string {
	var u uv.Style
	if c := st.GetForeground(); !isNoColor(c) {
		u.Fg = c
	}
	if c := st.GetBackground(); !isNoColor(c) {
		u.Bg = c
	}
	if st.GetBold() {
		u.Attrs |= uv.AttrBold
	}
	if st.GetFaint() {
		u.Attrs |= uv.AttrFaint
	}
	if st.GetItalic() {
		u.Attrs |= uv.AttrItalic
	}
	if st.GetReverse() {
		u.Attrs |= uv.AttrReverse
	}
	if st.GetUnderline() {
		u.Underline = uv.UnderlineSingle
	}
	if u.IsZero() {
		return ""
	}
	return u.String()
}

func isNoColor(c color.Color) bool {
	if c == nil {
		return true
	}
	_, ok := c.(lipgloss.NoColor)
	return ok
}

// span writes text in a role's style.
func (p *paint) span(b *line, r role, text string) {
	if text == "" {
		return
	}
	if seq := p.sgr[r]; seq != "" {
		b.s = append(b.s, seq...)
		b.s = append(b.s, text...)
		b.s = append(b.s, ansi.ResetStyle...)
	} else {
		b.s = append(b.s, text...)
	}
	b.w += textWidth(text)
}

// textWidth is the width of unstyled text in cells, with a fast path for
// ASCII, which most of a frame is.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// line is one row of a panel being built, with its width in cells kept
// alongside so panels can be padded and joined without measuring
// styled strings again.
type line struct {
	s []byte
	w int
}

// pad fills the line with spaces up to width w.
func (b *line) pad(w int) {
	for b.w < w {
		b.s = append(b.s, ' ')
		b.w++
	}
}

func (b *line) String() string { return string(b.s) }
