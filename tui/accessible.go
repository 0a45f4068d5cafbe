package tui

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/huh/v2"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/internal/termsafe"
	"github.com/kvdo/kvdo/report"
)

// ErrInputEnded is returned when the accessible interview's input closes
// before the review is complete; what was answered is saved.
var ErrInputEnded = errors.New("the input ended before the interview was complete")

// RunAccessible runs the interview as plain line prompts (huh's accessible
// mode, one standalone field at a time): nothing is redrawn, so it works
// with a screen reader and on a dumb terminal. The review is saved after
// every answer exactly as in the full-screen interview, and the
// recommendation is printed as text (the Markdown record) at the end.
func RunAccessible(opts Options, in io.Reader, out io.Writer) error {
	err := runAccessible(opts, in, out)
	if errors.Is(err, ErrInputEnded) {
		return app.BadInput("%v: the answers given so far are saved in %s; continue with kvdo advise --resume %s",
			err, opts.Review, opts.Review)
	}
	return err
}

func runAccessible(opts Options, in io.Reader, out io.Writer) error {
	pack := opts.App.Pack
	r := &eofReader{r: in}
	var (
		review advisor.Review
		saver  *app.Saver
	)
	if opts.Resume {
		var err error
		if review, err = app.ReadReview(opts.Review, pack); err != nil {
			return err
		}
		saver = app.NewSaver(opts.Review, pack, false)
		fmt.Fprintf(out, "Continuing the review in %s.\n\n", opts.Review)
	} else {
		if err := app.CheckNewReview("--save", opts.Review); err != nil {
			return err
		}
		saver = app.NewSaver(opts.Review, pack, true)
		fmt.Fprintf(out, "A new review, saved to %s after every answer.\n\n", opts.Review)
		review.Version = 1
		title, err := askText(r, out, "Review title (optional):", "", false)
		if err != nil {
			return err
		}
		who, err := askText(r, out, "Who decides (names, commas between; optional):", "", false)
		if err != nil {
			return err
		}
		review.Title, review.DecidedBy = title, people(who)
		name, err := askName(r, out, review, "The first piece of state (a short name such as seat-counter):")
		if err != nil {
			return err
		}
		review.Items = []advisor.Item{{Name: name, Answers: advisor.Answers{}}}
	}
	// The input ending mid-interview is reported with where the answers are.
	var seq uint64
	save := func() error {
		seq++
		_, err := saver.Save(seq, cloneReview(review))
		return err
	}
	if err := save(); err != nil {
		return err
	}
	for i := 0; i < len(review.Items); i++ {
		it := &review.Items[i]
		if it.Answers == nil {
			it.Answers = advisor.Answers{}
		}
		fmt.Fprintf(out, "== %s (item %d of %d)\n\n", it.Name, i+1, len(review.Items))
		skip := map[string]bool{} // optional questions passed over in this run
		for {
			asked := app.Asked(pack, it.Answers)
			q := nextToAsk(asked, it.Answers, skip)
			if q == nil {
				break
			}
			g, gi, gn := groupPosition(asked, q)
			fmt.Fprintf(out, "%s, question %d of %d. %s\n", g, gi, gn, q.Help)
			v, ok, err := askAnswer(r, out, pack, q)
			if err != nil {
				return err
			}
			if !ok {
				skip[q.ID] = true
				continue
			}
			it.Answers[q.ID] = v
			app.Prune(pack, it.Answers)
			if err := save(); err != nil {
				return err
			}
			l := app.Lean(pack, *it, nil)
			fmt.Fprintf(out, "Current leaning for %s: %s (%s confidence).\n\n", it.Name, l.Rec.Primary, l.Rec.Confidence)
		}
		note, err := askText(r, out, fmt.Sprintf("A note about %s for the record (optional):", it.Name), it.Notes, false)
		if err != nil {
			return err
		}
		if note != it.Notes {
			it.Notes = note
			if err := save(); err != nil {
				return err
			}
		}
		if i == len(review.Items)-1 {
			more, err := askConfirm(r, out, "Add another piece of state?")
			if err != nil {
				return err
			}
			if more {
				name, err := askName(r, out, review, "Its name:")
				if err != nil {
					return err
				}
				review.Items = append(review.Items, advisor.Item{Name: name, Answers: advisor.Answers{}})
				if err := save(); err != nil {
					return err
				}
			}
		}
	}
	for _, it := range review.Items {
		if m := app.Missing(pack, it.Answers); len(m) > 0 {
			return app.BadInput("%s still lacks answers to %s; the review is saved in %s: continue it with kvdo advise --resume %s",
				it.Name, strings.Join(m, ", "), opts.Review, opts.Review)
		}
	}
	doc := app.Evaluate(pack, review, opts.Review, opts.Date)
	fmt.Fprintf(out, "\nThe review is saved in %s. The recommendation:\n\n", opts.Review)
	_, err := out.Write(termsafe.Bytes(report.Markdown(doc)))
	return err
}

// nextToAsk is the first asked question without an answer that was not
// skipped.
func nextToAsk(asked []*content.Question, a advisor.Answers, skip map[string]bool) *content.Question {
	for _, q := range asked {
		if _, ok := a[q.ID]; !ok && !skip[q.ID] {
			return q
		}
	}
	return nil
}

// plainTheme draws huh's prompts without colour or decoration: a screen
// reader reads every escape sequence aloud.
var plainTheme = huh.ThemeFunc(func(bool) *huh.Styles { return &huh.Styles{} })

// run runs one field in accessible mode and reports the end of the input.
func run(r *eofReader, out io.Writer, f huh.Field) (err error) {
	defer func() {
		// huh v2.0.3's numbered choice indexes its options with 0 - 1
		// when the input ends before a number is typed.
		if p := recover(); p != nil {
			if !r.eof {
				panic(p)
			}
			err = ErrInputEnded
		}
	}()
	if err := huh.NewForm(huh.NewGroup(f)).WithAccessible(true).WithTheme(plainTheme).
		WithInput(r).WithOutput(out).Run(); err != nil {
		return err
	}
	if r.eof {
		return ErrInputEnded
	}
	return nil
}

func askText(r *eofReader, out io.Writer, title, value string, required bool) (string, error) {
	v := value
	in := huh.NewInput().Title(title).Value(&v)
	if required {
		in = in.Validate(func(s string) error {
			if strings.TrimSpace(s) == "" && v == "" {
				return errors.New("expected an answer")
			}
			return nil
		})
	}
	err := run(r, out, in)
	return strings.TrimSpace(v), err
}

// askName asks for an item name with the answers file's rules.
func askName(r *eofReader, out io.Writer, review advisor.Review, title string) (string, error) {
	var v string
	in := huh.NewInput().Title(title).Value(&v).Validate(func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" {
			return errors.New("item name is empty: expected a short unique name such as seat-counter")
		}
		for _, it := range review.Items {
			if it.Name == s {
				return fmt.Errorf("item name %q is used twice: expected unique names", s)
			}
		}
		return nil
	})
	err := run(r, out, in)
	return strings.TrimSpace(v), err
}

func askConfirm(r *eofReader, out io.Writer, title string) (bool, error) {
	var v bool
	err := run(r, out, huh.NewConfirm().Title(title).Value(&v))
	return v, err
}

// skipValue is the choice that leaves an optional question unanswered.
const skipValue = "\x00skip"

// askAnswer asks question q: a numbered choice for yes/no and choice
// questions, a line of text for numbers, checked by advisor.ParseAnswer.
// ok is false when an optional question was skipped.
func askAnswer(r *eofReader, out io.Writer, pack *content.Pack, q *content.Question) (any, bool, error) {
	title := q.Prompt
	var extra []string
	if q.Unit != "" {
		extra = append(extra, "unit: "+q.Unit)
	}
	if q.Default != nil {
		extra = append(extra, "suggested: "+showValue(q, q.Default))
	}
	if !q.Required {
		if q.Type == content.TypeBool || q.Type == content.TypeChoice {
			extra = append(extra, "optional")
		} else {
			extra = append(extra, "optional: type skip to leave it unanswered")
		}
	}
	if len(extra) > 0 {
		title += " (" + strings.Join(extra, "; ") + ")"
	}
	var text string
	if q.Type == content.TypeBool || q.Type == content.TypeChoice {
		var opts []huh.Option[string]
		if q.Type == content.TypeBool {
			opts = []huh.Option[string]{huh.NewOption("yes", "true"), huh.NewOption("no", "false")}
		} else {
			for _, o := range q.Options {
				opts = append(opts, huh.NewOption(o, o))
			}
		}
		if !q.Required {
			opts = append(opts, huh.NewOption("skip (leave unanswered)", skipValue))
		}
		if q.Default != nil {
			text = fmt.Sprint(q.Default)
		}
		if err := run(r, out, huh.NewSelect[string]().Title(title).Options(opts...).Value(&text)); err != nil {
			return nil, false, err
		}
		if text == skipValue {
			return nil, false, nil
		}
	} else {
		if q.Default != nil {
			text = showValue(nil, q.Default)
		}
		def := text
		in := huh.NewInput().Title(title).Value(&text).Validate(func(s string) error {
			s = strings.TrimSpace(s)
			if s == "" && (def != "" || !q.Required) || s == "skip" && !q.Required {
				return nil // the suggestion, or a skip
			}
			_, err := advisor.ParseAnswer(pack, q.ID, s)
			return err
		})
		if err := run(r, out, in); err != nil {
			return nil, false, err
		}
		if t := strings.TrimSpace(text); t == "" || t == "skip" {
			return nil, false, nil
		}
	}
	v, err := advisor.ParseAnswer(pack, q.ID, text)
	if err != nil {
		return nil, false, app.BadInput("%v", err)
	}
	return v, true, nil
}

// eofReader hands huh one line per read, so each prompt's scanner takes
// only its own line of a piped input, and remembers when the input ended.
type eofReader struct {
	r   io.Reader
	eof bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var b [1]byte
	n := 0
	for n < len(p) {
		k, err := e.r.Read(b[:])
		if k == 1 {
			p[n] = b[0]
			n++
			if b[0] == '\n' {
				return n, nil
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				e.eof = true
			}
			return n, err
		}
	}
	return n, nil
}
