package player

import (
	"strconv"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/kvdo/kvdo/demos"
)

// paramEdit is the parameter form: one field per parameter, bounded and
// checked by the demo's own Param.Parse, so the form accepts exactly what
// `--set` accepts. Its values live behind a pointer because the form
// writes into them while the player is copied from update to update.
type paramEdit struct {
	demo  demos.Demo
	form  *huh.Form
	text  []string
	bools []bool
}

func newParamEdit(d demos.Demo, set map[string]string, s Styles) *paramEdit {
	e := &paramEdit{demo: d, text: make([]string, len(d.Params)), bools: make([]bool, len(d.Params))}
	var fields []huh.Field
	for i, prm := range d.Params {
		cur := prm.Default
		if v, ok := set[prm.Name]; ok {
			cur = v
		}
		desc := prm.Help + "; " + prm.Expect()
		switch prm.Kind {
		case demos.KindBool:
			e.bools[i], _ = strconv.ParseBool(cur)
			fields = append(fields, huh.NewConfirm().Title(prm.Name).Description(desc).
				Affirmative("true").Negative("false").Value(&e.bools[i]))
		case demos.KindChoice:
			e.text[i] = cur
			fields = append(fields, huh.NewSelect[string]().Title(prm.Name).Description(desc).
				Options(huh.NewOptions(prm.Choices...)...).Value(&e.text[i]))
		default:
			e.text[i] = cur
			prm := prm
			fields = append(fields, huh.NewInput().Title(prm.Name).Description(desc).Value(&e.text[i]).
				Validate(func(v string) error {
					_, _, err := prm.Parse(v)
					return err
				}))
		}
	}
	e.form = huh.NewForm(huh.NewGroup(fields...).
		Title(d.ID + ": parameters").
		Description("enter submits and re-runs at once · esc leaves them as they were")).
		WithTheme(formTheme(s)).WithShowHelp(true)
	return e
}

// values returns the edited parameters that differ from the defaults, as
// --set would spell them.
func (e *paramEdit) values() map[string]string {
	set := map[string]string{}
	for i, prm := range e.demo.Params {
		v := e.text[i]
		if prm.Kind == demos.KindBool {
			v = strconv.FormatBool(e.bools[i])
		}
		_, norm, err := prm.Parse(v)
		if err != nil {
			norm = v // Resolve reports it
		}
		_, def, _ := prm.Parse(prm.Default)
		if norm != def {
			set[prm.Name] = norm
		}
	}
	return set
}

// formTheme dresses huh in the player's styles, so its colours come from
// the same place as everything else.
func formTheme(s Styles) huh.Theme {
	return huh.ThemeFunc(func(isDark bool) *huh.Styles {
		t := huh.ThemeBase(isDark)
		t.Form.Base = lipgloss.NewStyle() // the player draws the box around it
		t.Group.Title = s.Title
		t.Group.Description = s.Dim
		t.Focused.Base = t.Focused.Base.BorderForeground(s.FormBorder.GetForeground())
		t.Focused.Title = s.Accent.Bold(true)
		t.Focused.Description = s.Dim
		t.Focused.ErrorIndicator = s.Error.SetString(" *")
		t.Focused.ErrorMessage = s.Error
		t.Focused.SelectSelector = s.Accent.SetString("> ")
		t.Focused.Option = s.Text
		t.Focused.TextInput.Prompt = s.Accent
		t.Focused.TextInput.Text = s.Text
		t.Focused.TextInput.Cursor = s.Accent
		t.Focused.TextInput.Placeholder = s.Dim
		t.Focused.FocusedButton = s.Bold.Reverse(true).Padding(0, 2).MarginRight(1)
		t.Focused.BlurredButton = s.Dim.Padding(0, 2).MarginRight(1)
		t.Blurred = t.Focused
		t.Blurred.Base = t.Blurred.Base.BorderStyle(lipgloss.HiddenBorder())
		t.Blurred.Title = s.Text
		t.Blurred.SelectSelector = lipgloss.NewStyle().SetString("  ")
		if s.Theme != nil {
			t.Help = s.Theme.Help
		}
		return t
	})
}
