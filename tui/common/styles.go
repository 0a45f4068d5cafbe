package common

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Palette names colours by what they mean, never by hue, so a screen asks
// for "warning" and the theme decides what a warning looks like on a light
// or a dark terminal.
type Palette struct {
	Fg        color.Color // body text
	Muted     color.Color // secondary text: help, units, captions
	Subtle    color.Color // borders, separators, inactive tabs
	Accent    color.Color // the thing to look at: titles, the selection
	AccentFg  color.Color // text drawn on an Accent background
	Secondary color.Color // a second emphasis: the runner-up, keys
	Success   color.Color // saved, written, viable
	Warning   color.Color // warnings next to a verdict
	Error     color.Color // validation and write errors
}

// Styles is every style kvdo's screens use, built once per theme from one
// Palette. Screens never create colours; they take a style from here.
type Styles struct {
	// IsDark records the theme the styles were built for.
	IsDark bool
	// NoColor is set when colour is switched off (NO_COLOR): selection and
	// state must then read from glyphs and attributes alone.
	NoColor bool
	Palette Palette

	// Text styles.
	Text, Muted, Subtle, Bold, Accent, Secondary lipgloss.Style
	Success, Warning, Error                      lipgloss.Style

	// Header is the one-line bar on top of every screen.
	Header struct {
		Bar, Logo, Crumb, Status lipgloss.Style
	}
	// Title and Subtitle head a screen's body.
	Title, Subtitle lipgloss.Style
	// Menu is a vertical menu (home, item chooser).
	Menu struct {
		Item, Selected, Desc, SelectedDesc, Key lipgloss.Style
	}
	// Tabs is a row of tabs (items, learn sections).
	Tabs struct {
		Active, Inactive, Sep lipgloss.Style
	}
	// Panel is a bordered side box (the current leaning).
	Panel struct {
		Box, Title lipgloss.Style
	}
	// Dialog is a modal box drawn over a screen (export).
	Dialog lipgloss.Style
	// Code is a code sketch.
	Code lipgloss.Style
	// Table styles tables drawn with lipgloss/table.
	Table struct {
		Header, Cell, Border lipgloss.Style
	}

	// Component styles for bubbles.
	Help      help.Styles
	Input     textinput.Styles
	TextArea  textarea.Styles
	List      list.Styles
	ListItem  list.DefaultItemStyles
	Glamour   string // glamour standard style name: dark, light or notty
	Separator string // the rule between header, body and footer
}

// DefaultStyles builds the styles for a dark or light background; noColor
// drops every colour (NO_COLOR) while keeping bold, underline and glyphs.
func DefaultStyles(isDark, noColor bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	p := Palette{
		Fg:        ld(lipgloss.Color("#1F1F24"), lipgloss.Color("#E4E4EA")),
		Muted:     ld(lipgloss.Color("#5C5C66"), lipgloss.Color("#9A9AA6")),
		Subtle:    ld(lipgloss.Color("#B4B4BE"), lipgloss.Color("#4A4A55")),
		Accent:    ld(lipgloss.Color("#B4460A"), lipgloss.Color("#F6821F")), // Cloudflare orange, darkened on white
		AccentFg:  ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#1A1A1A")),
		Secondary: ld(lipgloss.Color("#2455A4"), lipgloss.Color("#7AA7F0")),
		Success:   ld(lipgloss.Color("#1E7B35"), lipgloss.Color("#5FD27A")),
		Warning:   ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#F2C14E")),
		Error:     ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF6B6B")),
	}
	if noColor {
		p = Palette{} // nil colours: lipgloss leaves them unset
	}
	s := &Styles{IsDark: isDark, NoColor: noColor, Palette: p}
	fg := func(c color.Color) lipgloss.Style {
		st := lipgloss.NewStyle()
		if c != nil {
			st = st.Foreground(c)
		}
		return st
	}
	border := func(st lipgloss.Style) lipgloss.Style {
		if p.Subtle != nil {
			st = st.BorderForeground(p.Subtle)
		}
		return st
	}

	s.Text = fg(p.Fg)
	s.Muted = fg(p.Muted)
	s.Subtle = fg(p.Subtle)
	s.Bold = fg(p.Fg).Bold(true)
	s.Accent = fg(p.Accent).Bold(true)
	s.Secondary = fg(p.Secondary)
	s.Success = fg(p.Success)
	s.Warning = fg(p.Warning).Bold(true)
	s.Error = fg(p.Error).Bold(true)

	s.Header.Bar = lipgloss.NewStyle()
	s.Header.Logo = fg(p.Accent).Bold(true)
	s.Header.Crumb = fg(p.Muted)
	s.Header.Status = fg(p.Muted)
	s.Title = fg(p.Accent).Bold(true)
	s.Subtitle = fg(p.Muted).Italic(true)

	s.Menu.Item = fg(p.Fg)
	s.Menu.Selected = fg(p.Accent).Bold(true)
	s.Menu.Desc = fg(p.Muted)
	s.Menu.SelectedDesc = fg(p.Fg)
	s.Menu.Key = fg(p.Secondary)

	s.Tabs.Active = fg(p.Accent).Bold(true).Underline(true)
	s.Tabs.Inactive = fg(p.Muted)
	s.Tabs.Sep = fg(p.Subtle)

	s.Panel.Box = border(lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1))
	s.Panel.Title = fg(p.Secondary).Bold(true)
	s.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(1, 2)
	if p.Accent != nil {
		s.Dialog = s.Dialog.BorderForeground(p.Accent)
	}
	s.Code = fg(p.Fg)
	s.Table.Header = fg(p.Secondary).Bold(true)
	s.Table.Cell = fg(p.Fg)
	s.Table.Border = fg(p.Subtle)

	s.Help = help.Styles{
		ShortKey:       fg(p.Secondary),
		ShortDesc:      fg(p.Muted),
		ShortSeparator: fg(p.Subtle),
		Ellipsis:       fg(p.Subtle),
		FullKey:        fg(p.Secondary),
		FullDesc:       fg(p.Muted),
		FullSeparator:  fg(p.Subtle),
	}

	s.Input = textinput.Styles{
		Focused: textinput.StyleState{
			Text: fg(p.Fg), Placeholder: fg(p.Muted), Suggestion: fg(p.Muted), Prompt: fg(p.Accent),
		},
		Blurred: textinput.StyleState{
			Text: fg(p.Muted), Placeholder: fg(p.Subtle), Suggestion: fg(p.Subtle), Prompt: fg(p.Subtle),
		},
		// A steady cursor: blinking redraws the screen twice a second for
		// nothing, and a steady one reads the same in every golden.
		Cursor: textinput.CursorStyle{Color: p.Accent, Blink: false},
	}

	s.TextArea = textarea.Styles{
		Focused: textarea.StyleState{
			Base: lipgloss.NewStyle(), Text: fg(p.Fg), LineNumber: fg(p.Subtle), CursorLineNumber: fg(p.Muted),
			EndOfBuffer: fg(p.Subtle), Placeholder: fg(p.Muted), Prompt: fg(p.Accent),
			Selection: lipgloss.NewStyle().Reverse(true),
		},
		Blurred: textarea.StyleState{
			Base: lipgloss.NewStyle(), Text: fg(p.Muted), LineNumber: fg(p.Subtle), CursorLineNumber: fg(p.Subtle),
			EndOfBuffer: fg(p.Subtle), Placeholder: fg(p.Subtle), Prompt: fg(p.Subtle),
			Selection: lipgloss.NewStyle().Reverse(true),
		},
		Cursor: textarea.CursorStyle{Color: p.Accent, Blink: false},
	}

	s.List = list.Styles{
		TitleBar:                    lipgloss.NewStyle().Padding(0, 0, 1, 0),
		Title:                       fg(p.Accent).Bold(true),
		Spinner:                     fg(p.Muted),
		Filter:                      s.Input,
		DefaultFilterCharacterMatch: lipgloss.NewStyle().Underline(true),
		StatusBar:                   fg(p.Muted).Padding(0, 0, 1, 0),
		StatusEmpty:                 fg(p.Subtle),
		StatusBarActiveFilter:       fg(p.Fg),
		StatusBarFilterCount:        fg(p.Subtle),
		NoItems:                     fg(p.Muted),
		PaginationStyle:             lipgloss.NewStyle().PaddingLeft(2),
		HelpStyle:                   lipgloss.NewStyle().Padding(1, 0, 0, 2),
		ActivePaginationDot:         fg(p.Accent).SetString("•"),
		InactivePaginationDot:       fg(p.Subtle).SetString("•"),
		ArabicPagination:            fg(p.Muted),
		DividerDot:                  fg(p.Subtle).SetString(" • "),
	}
	selBorder := lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true)
	if p.Accent != nil {
		selBorder = selBorder.BorderForeground(p.Accent)
	}
	s.ListItem = list.DefaultItemStyles{
		NormalTitle:   fg(p.Fg).Padding(0, 0, 0, 2),
		NormalDesc:    fg(p.Muted).Padding(0, 0, 0, 2),
		SelectedTitle: selBorder.Inherit(fg(p.Accent)).Bold(true).Padding(0, 0, 0, 1),
		SelectedDesc:  selBorder.Inherit(fg(p.Fg)).Padding(0, 0, 0, 1),
		DimmedTitle:   fg(p.Muted).Padding(0, 0, 0, 2),
		DimmedDesc:    fg(p.Subtle).Padding(0, 0, 0, 2),
		FilterMatch:   lipgloss.NewStyle().Underline(true),
	}

	switch {
	case noColor:
		s.Glamour = "notty"
	case isDark:
		s.Glamour = "dark"
	default:
		s.Glamour = "light"
	}
	s.Separator = "─"
	return s
}
