package player

import (
	"image/color"

	"charm.land/lipgloss/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// Styles holds every colour the player uses, by meaning. Nothing else in
// the package names a colour: panels ask for a role (stale copy, message
// to a Durable Object, current code line) and get it from here.
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
	Caption, CaptionPrev, CaptionBig       lipgloss.Style
	MetricName, MetricLive, MetricFinal    lipgloss.Style
	MetricPending, MetricHot               lipgloss.Style
	Played, Future, Mark, Cursor, Clock    lipgloss.Style
	VerdictOK, VerdictBad, VerdictPending  lipgloss.Style
	HelpKey, HelpDesc, HelpSep, FormBorder lipgloss.Style
}

// NewStyles builds the palette for a dark or a light terminal background.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	fg := func(light, dark string) lipgloss.Style { return lipgloss.NewStyle().Foreground(c(light, dark)) }

	text := fg("#1F2328", "#E6E6E6")
	dim := fg("#6E7781", "#8A9099")
	accent := fg("#9A6700", "#F6C343")
	green := fg("#1A7F37", "#5FD787")
	red := fg("#CF222E", "#FF6B6B")
	purple := fg("#8250DF", "#C792EA")
	blue := fg("#0969DA", "#4FC1FF")
	orange := fg("#BC4C00", "#FFAF5F")

	return Styles{
		Text:       text,
		Dim:        dim,
		Bold:       text.Bold(true),
		Accent:     accent,
		Title:      accent.Bold(true),
		Header:     text.Bold(true),
		Status:     dim,
		PanelTitle: dim.Bold(true),
		Border:     dim,
		Error:      red.Bold(true),

		Land:       fg("#A8B3A0", "#46543F"),
		PoP:        text.Bold(true),
		Current:    green.Bold(true),
		Stale:      red.Bold(true),
		Absent:     dim,
		DO:         purple.Bold(true),
		Central:    blue.Bold(true),
		Origin:     orange.Bold(true),
		MsgKV:      blue.Bold(true),
		MsgDO:      purple.Bold(true),
		MsgOrigin:  orange.Bold(true),
		MsgOther:   text.Bold(true),
		Route:      fg("#8C959F", "#5C6370"),
		Lifeline:   fg("#C8CDD3", "#3B4048"),
		LaneEvent:  text,
		LaneTime:   dim,
		CursorLine: accent.Bold(true),

		CodeNo:      dim,
		CodeText:    text,
		CodeCurrent: lipgloss.NewStyle().Foreground(c("#1F2328", "#FFFFFF")).Background(c("#FFF1A8", "#4A4200")).Bold(true),
		CodeMarker:  accent.Bold(true),
		CodeKeyword: fg("#CF222E", "#FF79C6"),
		CodeString:  fg("#0A3069", "#A5D6A7"),
		CodeComment: dim.Italic(true),
		CodeNum:     fg("#953800", "#F6C343"),
		CodeFn:      fg("#8250DF", "#82AAFF"),

		Caption:     text.Bold(true),
		CaptionPrev: dim,
		CaptionBig:  accent.Bold(true),

		MetricName:    text,
		MetricLive:    blue.Bold(true),
		MetricFinal:   text.Bold(true),
		MetricPending: dim,
		MetricHot:     accent.Bold(true),

		Played: accent,
		Future: dim,
		Mark:   purple.Bold(true),
		Cursor: accent.Bold(true),
		Clock:  text.Bold(true),

		VerdictOK:      green.Bold(true),
		VerdictBad:     red.Bold(true),
		VerdictPending: dim,

		HelpKey:    text.Bold(true),
		HelpDesc:   dim,
		HelpSep:    dim,
		FormBorder: accent,
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
