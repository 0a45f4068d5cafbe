package tui

import (
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/internal/termsafe"
	"github.com/kvdo/kvdo/report"
	"github.com/kvdo/kvdo/tui/common"
)

// exportDialog writes the record: a format (md, json, html, or an
// adr-tools folder with one record per item) and a path. An existing file
// is replaced only after an explicit yes; the write runs in a tea.Cmd
// through internal/app and the dialog reports the paths or the error.
type exportDialog struct {
	com     *common.Common
	stem    string // the review file without its extension
	format  int    // index in app.ExportFormats
	path    textinput.Model
	edited  bool // the path was typed, so a format change keeps it
	focus   int  // 0 format, 1 path
	confirm bool // asking whether to overwrite
	busy    bool
	result  string
	err     string
	doc     report.Doc // what is written: the review as the dialog opened

	// Where files stay untouched (Common.NoFiles), the record is shown as
	// text to copy instead of written: text is it, in the chosen format.
	text  string
	pager pager
}

// exportDoneMsg reports a write, or brings the text to show.
type exportDoneMsg struct {
	export app.Export
	paths  []string
	err    error
	text   string
}

func newExportDialog(com *common.Common, reviewPath string) exportDialog {
	d := exportDialog{com: com, stem: strings.TrimSuffix(reviewPath, filepath.Ext(reviewPath))}
	d.path = textinput.New()
	d.path.Prompt = "Path: "
	d.path.CharLimit = 400
	d.path.SetStyles(com.Styles.Input)
	d.path.SetValue(d.defaultPath())
	d.pager = newPager(com)
	return d
}

// formats are the formats offered: a folder of records is files only.
func (d exportDialog) formats() []string {
	if d.com.NoFiles {
		return app.ExportFormats[:len(app.ExportFormats)-1]
	}
	return app.ExportFormats
}

// showing reports whether the record is on view as text.
func (d exportDialog) showing() bool { return d.text != "" }

func (d exportDialog) defaultPath() string {
	f := d.formats()[d.format]
	if f == "adr" {
		return filepath.Join(filepath.Dir(d.stem), "docs", "adr")
	}
	return d.stem + "." + f
}

func (d exportDialog) restyle() exportDialog {
	d.path.SetStyles(d.com.Styles.Input)
	return d
}

// open shows the dialog afresh for doc, keeping the last format and path.
func (d exportDialog) open(doc report.Doc) exportDialog {
	d.doc = doc
	d.confirm, d.busy, d.result, d.err = false, false, "", ""
	d.text = ""
	d.format = min(d.format, len(d.formats())-1)
	d.focus = 0
	d.path.Blur()
	return d
}

func (d exportDialog) typing() bool { return d.focus == 1 && !d.confirm }

// write runs the export in a command.
func (d exportDialog) write(replace bool) (exportDialog, tea.Cmd) {
	doc := d.doc
	if d.com.NoFiles {
		f := d.formats()[d.format]
		d.busy = true
		return d, func() tea.Msg {
			return exportDoneMsg{export: app.Export{Format: f}, text: string(app.Formats[f](doc))}
		}
	}
	e := app.Export{Format: d.formats()[d.format], Path: strings.TrimSpace(d.path.Value()), Replace: replace}
	d.busy, d.result, d.err, d.confirm = true, "", "", false
	return d, func() tea.Msg {
		paths, err := e.Write(doc)
		return exportDoneMsg{export: e, paths: paths, err: err}
	}
}

func (d exportDialog) done(msg exportDoneMsg) exportDialog {
	d.busy = false
	if d.com.NoFiles {
		d.text = msg.text
		d.pager.SetContent(msg.text)
		d.pager.GotoTop()
		return d
	}
	switch {
	case app.IsExists(msg.err):
		d.confirm = true
	case msg.err != nil:
		d.err = termsafe.String(msg.err.Error())
	default:
		d.result = "wrote " + strings.Join(msg.paths, ", ")
	}
	return d
}

func (d exportDialog) update(msg tea.Msg) (exportDialog, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		if d.focus == 1 {
			d.path, cmd = d.path.Update(msg)
			d.edited = true
		}
		return d, cmd
	}
	k := d.com.Keys.Export
	if d.busy {
		return d, nil
	}
	if d.showing() {
		if key.Matches(km, k.Format) {
			d = d.nextFormat(km.String() == "left")
			return d.write(false)
		}
		var cmd tea.Cmd
		d.pager, cmd = d.pager.Update(km)
		return d, cmd
	}
	if d.com.NoFiles && key.Matches(km, k.NextField, k.PrevField) {
		return d, nil // no path to type
	}
	if d.confirm {
		switch {
		case key.Matches(km, k.Overwrite):
			return d.write(true)
		case key.Matches(km, k.Keep), key.Matches(km, k.Close):
			d.confirm = false
			d.result = "kept the existing file; nothing written"
		}
		return d, nil
	}
	switch {
	case key.Matches(km, k.Write):
		return d.write(false)
	case key.Matches(km, k.NextField), key.Matches(km, k.PrevField):
		d.focus = 1 - d.focus
		if d.focus == 1 {
			d.path.CursorEnd()
			return d, d.path.Focus()
		}
		d.path.Blur()
		return d, nil
	case d.focus == 0 && key.Matches(km, k.Format):
		d = d.nextFormat(km.String() == "left")
		if !d.edited {
			d.path.SetValue(d.defaultPath())
		}
		d.result, d.err = "", ""
		return d, nil
	}
	if d.focus == 1 {
		var cmd tea.Cmd
		before := d.path.Value()
		d.path, cmd = d.path.Update(km)
		if d.path.Value() != before {
			d.edited = true
			d.result, d.err = "", ""
		}
		return d, cmd
	}
	return d, nil
}

func (d exportDialog) nextFormat(back bool) exportDialog {
	n := len(d.formats())
	if back {
		d.format = (d.format + n - 1) % n
	} else {
		d.format = (d.format + 1) % n
	}
	return d
}

// textView is the record as plain text, the whole body, to select and
// copy in the terminal.
func (d exportDialog) textView(w, h int) string {
	st := d.com.Styles
	f := formatLabels[d.formats()[d.format]]
	head := st.Title.Render("The record as "+f) + "  " + st.Muted.Render("select it to copy (shift+drag in most terminals) · ←/→ format · esc close")
	p := d.pager
	p.SetWidth(w)
	p.SetHeight(max(h-2, 1))
	return fit(head, w, 1) + "\n\n" + p.View()
}

var formatLabels = map[string]string{
	"md": "Markdown", "json": "JSON", "html": "HTML", "adr": "ADR folder",
}

func (d exportDialog) view(w int) string {
	st := d.com.Styles
	inner := max(w-6, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render("Export the record") + "\n\n")
	var opts []string
	for i, f := range d.formats() {
		label := formatLabels[f]
		if i == d.format {
			label = "(•) " + label
			if d.focus == 0 {
				opts = append(opts, st.Accent.Render(label))
			} else {
				opts = append(opts, st.Bold.Render(label))
			}
		} else {
			opts = append(opts, st.Muted.Render("( ) "+label))
		}
	}
	marker := "  "
	if d.focus == 0 {
		marker = st.Accent.Render("› ")
	}
	b.WriteString(marker + wrap(strings.Join(opts, "  "), inner-2) + "\n")
	if d.com.NoFiles {
		b.WriteString("\n" + st.Muted.Render(wrap("Files stay on your machine: the record is shown as text to copy.", inner)) + "\n")
		if d.busy {
			b.WriteString(st.Muted.Render("rendering…"))
		} else {
			b.WriteString(st.Subtle.Render(wrap("enter: show · ←/→: format · esc: close", inner)))
		}
		return st.Dialog.Width(w).Render(b.String())
	}
	in := d.path
	in.SetWidth(max(inner-8, 4))
	marker = "  "
	if d.focus == 1 {
		marker = st.Accent.Render("› ")
	}
	b.WriteString(marker + in.View() + "\n\n")
	if d.formats()[d.format] == "adr" {
		b.WriteString(st.Muted.Render(wrap("One NNNN-item.md per item, numbered after the records already in the folder; nothing is replaced.", inner)) + "\n")
	}
	switch {
	case d.busy:
		b.WriteString(st.Muted.Render("writing…"))
	case d.confirm:
		b.WriteString(st.Warning.Render(wrap(strings.TrimSpace(d.path.Value())+" exists. Overwrite it? y: overwrite · n: keep it", inner)))
	case d.err != "":
		b.WriteString(st.Error.Render(wrap(d.err, inner)))
	case d.result != "":
		b.WriteString(st.Success.Render(wrap("✓ "+d.result, inner)))
	default:
		b.WriteString(st.Subtle.Render(wrap("enter: write · tab: format/path · esc: close", inner)))
	}
	return st.Dialog.Width(w).Render(b.String())
}

func (d exportDialog) help() common.Help {
	k := d.com.Keys.Export
	if d.confirm {
		return common.Help{Short: []key.Binding{k.Overwrite, k.Keep}}
	}
	if d.com.NoFiles {
		if d.showing() {
			v := d.com.Keys.Viewport
			return common.Help{Short: []key.Binding{k.Format, v.Down, v.Up, v.PageDown, k.Close}}
		}
		show := key.NewBinding(key.WithKeys(k.Write.Keys()...), key.WithHelp(k.Write.Help().Key, "show as text"))
		return common.Help{Short: []key.Binding{show, k.Format, k.Close}}
	}
	return common.Help{
		Short: []key.Binding{k.Write, k.NextField, k.Format, k.Close},
		Full:  [][]key.Binding{{k.Write, k.NextField, k.PrevField, k.Format}, {k.Overwrite, k.Keep, k.Close}},
	}
}
