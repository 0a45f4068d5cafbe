package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/tui/common"
)

// questionForm asks one question: a yes/no or a choice as a list to pick
// from, a number as a text field. Whatever the widget, the answer is read
// by advisor.ParseAnswer from its text, with the answers file's checks and
// messages.
type questionForm struct {
	com    *common.Common
	q      *content.Question
	labels []string // what the choices read as
	values []string // their text in an answers file
	cursor int
	input  textinput.Model
	err    string
}

func newQuestionForm(com *common.Common, q *content.Question, current any, has bool) questionForm {
	f := questionForm{com: com, q: q}
	pick := func(v string) {
		for i, x := range f.values {
			if x == v {
				f.cursor = i
			}
		}
	}
	text := func(v any) string {
		switch x := v.(type) {
		case bool:
			return strconv.FormatBool(x)
		case float64:
			return content.FormatNumber(x)
		case string:
			return x
		}
		return ""
	}
	switch q.Type {
	case content.TypeBool:
		f.labels, f.values = []string{"yes", "no"}, []string{"true", "false"}
		f.cursor = 1
	case content.TypeChoice:
		f.labels, f.values = q.Options, q.Options
	default:
		f.input = textinput.New()
		f.input.Prompt = "› "
		f.input.Placeholder = q.Expected()
		f.input.CharLimit = 64
		f.input.SetStyles(com.Styles.Input)
		f.input.Focus()
	}
	switch {
	case has:
		pick(text(current))
		f.input.SetValue(text(current))
	case q.Default != nil:
		pick(text(q.Default))
		f.input.SetValue(text(q.Default))
	}
	f.input.CursorEnd()
	return f
}

func (f questionForm) isInput() bool { return f.labels == nil }

func (f questionForm) restyle() questionForm {
	if f.com == nil {
		return f
	}
	f.input.SetStyles(f.com.Styles.Input)
	return f
}

// answer reads the answer given, through advisor.ParseAnswer.
func (f questionForm) answer() (any, error) {
	text := f.input.Value()
	if !f.isInput() {
		text = f.values[f.cursor]
	}
	return advisor.ParseAnswer(f.com.App.Pack, f.q.ID, text)
}

func (f questionForm) update(msg tea.Msg) (questionForm, tea.Cmd) {
	km, isKey := msg.(tea.KeyPressMsg)
	if f.isInput() {
		if isKey {
			f.err = ""
		}
		var cmd tea.Cmd
		f.input, cmd = f.input.Update(msg)
		return f, cmd
	}
	if !isKey {
		return f, nil
	}
	k := f.com.Keys
	switch {
	case key.Matches(km, k.Nav.Up):
		f.cursor = (f.cursor + len(f.labels) - 1) % len(f.labels)
	case key.Matches(km, k.Nav.Down):
		f.cursor = (f.cursor + 1) % len(f.labels)
	case f.q.Type == content.TypeBool && key.Matches(km, k.Interview.Yes):
		f.cursor = 0
	case f.q.Type == content.TypeBool && key.Matches(km, k.Interview.No):
		f.cursor = 1
	default:
		if n, err := strconv.Atoi(km.Text); err == nil && n >= 1 && n <= len(f.labels) {
			f.cursor = n - 1
		}
	}
	f.err = ""
	return f, nil
}

// quickAnswer reports whether km both picked and committed a choice (y or
// n on a yes/no question, a digit on a choice).
func (f questionForm) quickAnswer(km tea.KeyPressMsg) bool {
	if f.isInput() {
		return false
	}
	k := f.com.Keys.Interview
	if f.q.Type == content.TypeBool {
		return key.Matches(km, k.Yes, k.No)
	}
	n, err := strconv.Atoi(km.Text)
	return err == nil && n >= 1 && n <= len(f.labels)
}

// view draws the prompt, the widget, the error, the help text and the
// question's unit, default and whether it can be skipped.
func (f questionForm) view(w int) string {
	st := f.com.Styles
	var b strings.Builder
	b.WriteString(st.Bold.Render(wrap(f.q.Prompt, w)) + "\n\n")
	if f.isInput() {
		in := f.input
		in.SetWidth(max(w-4, 4))
		b.WriteString(in.View() + "\n")
	} else {
		for i, l := range f.labels {
			num := st.Menu.Key.Render(strconv.Itoa(i + 1))
			if f.q.Type == content.TypeBool {
				num = st.Menu.Key.Render(l[:1])
			}
			if i == f.cursor {
				b.WriteString(st.Accent.Render("› ") + num + " " + st.Menu.Selected.Render(l) + "\n")
			} else {
				b.WriteString("  " + num + " " + st.Menu.Item.Render(l) + "\n")
			}
		}
	}
	if f.err != "" {
		b.WriteString(st.Error.Render(wrap(f.err, w)) + "\n")
	}
	b.WriteString("\n" + st.Muted.Render(wrap(f.q.Help, w)) + "\n")
	var facts []string
	if f.q.Unit != "" {
		facts = append(facts, "unit: "+f.q.Unit)
	}
	if f.q.Default != nil {
		facts = append(facts, "suggested: "+showValue(f.q, f.q.Default))
	}
	if f.q.Required {
		facts = append(facts, "required")
	} else {
		facts = append(facts, "optional: tab skips")
	}
	b.WriteString(st.Subtle.Render(wrap(strings.Join(facts, " · "), w)))
	return b.String()
}

// showValue prints an answer as the interview shows it: yes/no for a
// boolean, a number without float noise, a choice as is.
func showValue(q *content.Question, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		s := content.FormatNumber(x)
		if q != nil && q.Unit != "" {
			s += " " + q.Unit
		}
		return s
	case string:
		return x
	case nil:
		return "—"
	}
	return fmt.Sprint(v)
}
