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
}

// exportDoneMsg reports a write.
type exportDoneMsg struct {
	export app.Export
	paths  []string
	err    error
}

func newExportDialog(com *common.Common, reviewPath string) exportDialog {
	d := exportDialog{com: com, stem: strings.TrimSuffix(reviewPath, filepath.Ext(reviewPath))}
	d.path = textinput.New()
	d.path.Prompt = "Path: "
	d.path.CharLimit = 400
	d.path.SetStyles(com.Styles.Input)
	d.path.SetValue(d.defaultPath())
	return d
}

func (d exportDialog) defaultPath() string {
	f := app.ExportFormats[d.format]
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
	d.focus = 0
	d.path.Blur()
	return d
}

func (d exportDialog) typing() bool { return d.focus == 1 && !d.confirm }

// write runs the export in a command.
func (d exportDialog) write(replace bool) (exportDialog, tea.Cmd) {
	doc := d.doc
	e := app.Export{Format: app.ExportFormats[d.format], Path: strings.TrimSpace(d.path.Value()), Replace: replace}
	d.busy, d.result, d.err, d.confirm = true, "", "", false
	return d, func() tea.Msg {
		paths, err := e.Write(doc)
		return exportDoneMsg{export: e, paths: paths, err: err}
	}
}

func (d exportDialog) done(msg exportDoneMsg) exportDialog {
	d.busy = false
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
		n := len(app.ExportFormats)
		if km.String() == "left" {
			d.format = (d.format + n - 1) % n
		} else {
			d.format = (d.format + 1) % n
		}
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

var formatLabels = map[string]string{
	"md": "Markdown", "json": "JSON", "html": "HTML", "adr": "ADR folder",
}

func (d exportDialog) view(w int) string {
	st := d.com.Styles
	inner := max(w-6, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render("Export the record") + "\n\n")
	var opts []string
	for i, f := range app.ExportFormats {
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
	in := d.path
	in.SetWidth(max(inner-8, 4))
	marker = "  "
	if d.focus == 1 {
		marker = st.Accent.Render("› ")
	}
	b.WriteString(marker + in.View() + "\n\n")
	if app.ExportFormats[d.format] == "adr" {
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
	return common.Help{
		Short: []key.Binding{k.Write, k.NextField, k.Format, k.Close},
		Full:  [][]key.Binding{{k.Write, k.NextField, k.PrevField, k.Format}, {k.Overwrite, k.Keep, k.Close}},
	}
}
