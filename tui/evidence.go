package tui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/ansi"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/evidence"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui/common"
)

// The Evidence tab of the recommendation screen: the item's own workload
// replayed on the simulator for every option (internal/app.ReplayItem),
// run in a tea.Cmd with a progress bar and cancelled with esc, then shown
// as the evidence table, the verdicts, the warnings on the chosen design
// and a chart of read latency per region.

// evidenceState is where a replay is.
type evidenceState int

const (
	evidenceIdle evidenceState = iota
	evidenceRunning
	evidenceDone
	evidenceCancelled
	evidenceFailed
)

func (s evidenceState) String() string {
	return [...]string{"idle", "running", "done", "cancelled", "failed"}[s]
}

// evidencePane is one item's evidence: its state, its progress and, once
// done, the figures. It is a value; the replay runs in a command and
// reaches it only through messages.
type evidencePane struct {
	com   *common.Common
	key   string // the item and answers it is for; results for another key are dropped
	state evidenceState
	prog  evidence.Progress
	res   evidence.Item
	err   error
	seed  uint64
	dur   time.Duration // simulated window (tests shorten it)
	// cancel stops the replay's context; updates carries its progress.
	cancel  context.CancelFunc
	updates chan tea.Msg
	chart   int // the option the latency chart shows
}

// evidenceProgressMsg is a replay's progress.
type evidenceProgressMsg struct {
	key string
	p   evidence.Progress
}

// evidenceDoneMsg ends a replay: its evidence, or why there is none.
type evidenceDoneMsg struct {
	key string
	res evidence.Item
	err error
}

func newEvidencePane(com *common.Common) evidencePane {
	return evidencePane{com: com, seed: 1, dur: evidence.DefaultDuration}
}

// within sets the simulated window of the replays (0 keeps the default).
func (e evidencePane) within(d time.Duration) evidencePane {
	if d > 0 {
		e.dur = d
	}
	return e
}

// running reports whether a replay is under way.
func (e evidencePane) running() bool { return e.state == evidenceRunning }

// start replays item (its verdict rec) for key in a command; a replay
// already running is cancelled first.
func (e evidencePane) start(key string, item advisor.Item, rec advisor.Recommendation) (evidencePane, tea.Cmd) {
	e = e.stop()
	ctx, cancel := context.WithCancel(context.Background())
	updates := make(chan tea.Msg, 1)
	e.key, e.state, e.cancel, e.updates, e.err = key, evidenceRunning, cancel, updates, nil
	e.prog, e.res, e.chart = evidence.Progress{Item: item.Name}, evidence.Item{}, 0
	pack := e.com.App.Pack
	opts := app.EvidenceOptions{Seed: e.seed, Duration: e.dur, Progress: func(p evidence.Progress) {
		// The latest progress wins: a screen that is busy drawing skips
		// the ones in between rather than holding the replay up.
		select {
		case updates <- evidenceProgressMsg{key: key, p: p}:
		default:
		}
	}}
	run := func() tea.Msg {
		res, err := app.ReplayItem(ctx, pack, item, rec, opts)
		close(updates)
		return evidenceDoneMsg{key: key, res: res, err: err}
	}
	return e, tea.Batch(run, listen(updates))
}

// listen waits for the next progress of a replay; nothing once it ends.
func listen(updates chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		m, ok := <-updates
		if !ok {
			return nil
		}
		return m
	}
}

// stop cancels a running replay; what it had done is dropped.
func (e evidencePane) stop() evidencePane {
	if e.cancel != nil {
		e.cancel()
		e.cancel = nil
	}
	if e.state == evidenceRunning {
		e.state = evidenceCancelled
	}
	return e
}

// stale reports whether the pane's evidence is for other answers than key.
func (e evidencePane) stale(key string) bool { return e.state != evidenceIdle && e.key != key }

func (e evidencePane) update(msg tea.Msg) (evidencePane, tea.Cmd) {
	switch msg := msg.(type) {
	case evidenceProgressMsg:
		if msg.key != e.key || e.state != evidenceRunning {
			return e, nil
		}
		e.prog = msg.p
		return e, listen(e.updates)
	case evidenceDoneMsg:
		if msg.key != e.key || e.state != evidenceRunning {
			return e, nil // cancelled, or for answers since changed
		}
		e.cancel = nil
		switch {
		case errors.Is(msg.err, context.Canceled):
			e.state = evidenceCancelled
		case msg.err != nil:
			e.state, e.err = evidenceFailed, msg.err
		default:
			e.state, e.res = evidenceDone, msg.res
			e.chart = chosenIndex(msg.res)
		}
	}
	return e, nil
}

// chosenIndex is the chosen design's place among the options measured.
func chosenIndex(res evidence.Item) int {
	for i, o := range res.Options {
		if o.Chosen {
			return i
		}
	}
	return 0
}

// nextChart shows the next option's latency in the chart.
func (e evidencePane) nextChart() evidencePane {
	if n := len(e.res.Options); n > 0 {
		e.chart = (e.chart + 1) % n
	}
	return e
}

// view draws the pane w columns wide. runKey and cancelKey name the keys
// that start and cancel a replay, for the prompts.
func (e evidencePane) view(w int, runKey, chartKey string) string {
	st := e.com.Styles
	w = max(w, 20)
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	para := func(style lipgloss.Style, s string) { line(style.Render(wrap(s, w))) }
	switch e.state {
	case evidenceIdle:
		para(st.Text, "Replay this item's own workload on the simulator for every option it weighs: stale reads against your tolerance, lost increments, missed read-your-writes, 429s, overload, read latency per region and the cost of the same traffic, measured.")
		line("")
		para(st.Muted, fmt.Sprintf("%s replays %s of simulated time (seed %d); it takes a few seconds, and esc cancels it.", runKey, window(e.dur), e.seed))
		return b.String()
	case evidenceRunning:
		para(st.Text, fmt.Sprintf("Replaying %s on the simulator…", e.prog.Item))
		line("")
		bar := progress.New(progress.WithWidth(min(w, 60)), progress.WithColors(orNoColor(st.Palette.Accent)))
		bar.EmptyColor = orNoColor(st.Palette.Subtle)
		line(bar.ViewAs(e.fraction()))
		if e.prog.Options > 0 {
			para(st.Muted, fmt.Sprintf("option %d of %d: %s", e.prog.Index+1, e.prog.Options, e.prog.Label))
		}
		line("")
		para(st.Muted, "esc cancels")
		return b.String()
	case evidenceCancelled:
		para(st.Warning, "Replay cancelled.")
		para(st.Muted, runKey+" replays it again.")
		return b.String()
	case evidenceFailed:
		para(st.Error, "The replay failed: "+e.err.Error())
		para(st.Muted, runKey+" tries again.")
		return b.String()
	}
	r := e.res
	para(st.Muted, fmt.Sprintf("Replayed on the simulator: seed %d, %s of simulated time; %s.", e.seed, window(e.dur), r.Scaling.Note))
	line("")
	line(e.table(w))
	for _, wn := range r.Warnings {
		para(st.Warning, "! measured: "+wn.Text)
	}
	if len(r.Warnings) > 0 {
		line("")
	}
	for _, o := range r.Options {
		style := st.Text
		if o.Chosen {
			style = st.Bold
		}
		para(style, o.Verdict)
		if o.ScaleNote != "" {
			para(st.Muted, "  scaled: "+o.ScaleNote)
		}
	}
	for _, s := range r.Skipped {
		para(st.Muted, string(s.Option)+": "+s.Why)
	}
	line("")
	line(e.latencyChart(w, chartKey))
	return strings.TrimRight(b.String(), "\n")
}

// window writes a replay's simulated window as people say it: "10 min".
func window(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%g s", d.Seconds())
}

// fraction is how much of the whole replay is done.
func (e evidencePane) fraction() float64 {
	if e.prog.Options == 0 {
		return 0
	}
	return math.Min(1, (float64(e.prog.Index)+e.prog.Done)/float64(e.prog.Options))
}

// orNoColor keeps a nil colour (NO_COLOR) from reaching a component that
// would draw its own default instead.
func orNoColor(c color.Color) color.Color {
	if c == nil {
		return lipgloss.NoColor{}
	}
	return c
}

// evidenceColumns is the order in which columns give way on a narrow
// window: the option and its staleness stay, the queue goes first.
var evidenceColumns = []int{0, 1, 2, 5, 4, 6, 7, 9, 3, 8}

// table is the evidence table with as many columns as fit in w.
func (e evidencePane) table(w int) string {
	st := e.com.Styles
	rows := make([][]string, 0, len(e.res.Options))
	for _, o := range e.res.Options {
		rows = append(rows, evidence.TableRow(o))
	}
	width := make([]int, len(evidence.TableHeader))
	for c, h := range evidence.TableHeader {
		width[c] = ansi.StringWidth(h)
		for _, r := range rows {
			width[c] = max(width[c], ansi.StringWidth(r[c]))
		}
	}
	keep := map[int]bool{}
	used := 1 // the left border
	for _, c := range evidenceColumns {
		if used+width[c]+3 > w && len(keep) > 0 {
			continue
		}
		keep[c] = true
		used += width[c] + 3
	}
	var cols []int
	for c := range evidence.TableHeader {
		if keep[c] {
			cols = append(cols, c)
		}
	}
	pick := func(r []string) []string {
		out := make([]string, 0, len(cols))
		for _, c := range cols {
			out = append(out, r[c])
		}
		return out
	}
	var body [][]string
	for _, r := range rows {
		body = append(body, pick(r))
	}
	t := table.New().Headers(pick(evidence.TableHeader)...).Rows(body...).
		Border(lipgloss.NormalBorder()).BorderStyle(st.Table.Border).
		StyleFunc(func(row, col int) lipgloss.Style {
			s := st.Table.Cell.Padding(0, 1)
			if row == table.HeaderRow {
				return st.Table.Header.Padding(0, 1)
			}
			if row >= 0 && row < len(e.res.Options) && e.res.Options[row].Chosen {
				s = st.Bold.Padding(0, 1)
			}
			if col > 0 {
				s = s.Align(lipgloss.Right)
			}
			return s
		})
	if used > w {
		t = t.Width(w)
	}
	return t.String()
}

// latencyChart draws the charted option's read latency per region: a bar
// to p50 and a lighter one on to p99, on a log scale shared by every
// option so that switching options compares them.
func (e evidencePane) latencyChart(w int, chartKey string) string {
	st := e.com.Styles
	if len(e.res.Options) == 0 {
		return ""
	}
	o := e.res.Options[min(e.chart, len(e.res.Options)-1)]
	var b strings.Builder
	title := fmt.Sprintf("Read latency by region: %s", o.ID)
	b.WriteString(spread(st.Title.Render(title), st.Muted.Render(chartKey+" next option"), w) + "\n")
	if len(o.Latency) == 0 {
		b.WriteString(st.Muted.Render("no reads") + "\n")
		return b.String()
	}
	top := 10.0
	for _, x := range e.res.Options {
		for _, r := range x.Latency {
			top = math.Max(top, r.P99Ms)
		}
	}
	const floor = 0.5 // ms: the fastest read a location serves
	scale := func(v float64, n int) int {
		if v <= floor {
			return 0
		}
		return int(math.Round(math.Log(v/floor) / math.Log(top/floor) * float64(n)))
	}
	label, figW := 0, 0
	figures := make([]string, len(o.Latency))
	for i, r := range o.Latency {
		label = max(label, ansi.StringWidth(r.Region))
		figures[i] = fmt.Sprintf("%s / %s ms", evidenceFigure(r.P50Ms), evidenceFigure(r.P99Ms))
		figW = max(figW, ansi.StringWidth(figures[i]))
	}
	for i, r := range o.Latency {
		figures := fmt.Sprintf(" %*s", figW, figures[i])
		n := max(w-label-1-ansi.StringWidth(figures), 4)
		p50, p99 := scale(r.P50Ms, n), scale(r.P99Ms, n)
		p99 = max(p99, p50)
		bar := st.Accent.Render(strings.Repeat("█", p50)) + st.Muted.Render(strings.Repeat("░", p99-p50))
		b.WriteString(fmt.Sprintf("%-*s %s%s%s\n", label, r.Region, bar, strings.Repeat(" ", n-p99), st.Muted.Render(figures)))
	}
	b.WriteString(st.Muted.Render(wrap(fmt.Sprintf("█ p50, ░ to p99; log scale from %s to %s ms", evidenceFigure(floor), evidenceFigure(top)), w)))
	return b.String()
}

// evidenceFigure writes a latency as the evidence does: 2.6, 183, 2,130.
func evidenceFigure(ms float64) string {
	if ms >= 10 {
		ms = math.Round(ms)
	}
	return content.FormatFigure(ms)
}

// The Evidence tab on the recommendation screen: v opens it on the item
// on view and replays that item unless its evidence for these answers is
// at hand; r replays again, o charts the next option, esc cancels a
// replay (and otherwise leaves the tab), tab and shift+tab move to the
// next item and replay it.

// evidenceKey names the item on view and the answers it has now: evidence
// for older answers is stale.
func (s recommendScreen) evidenceKey() string {
	return fmt.Sprintf("%d/%s/%d", s.item, s.doc.Entries[s.item].Item.Name, s.sess.seq)
}

// showEvidence opens the Evidence tab and replays the item on view when
// its evidence is not at hand.
func (s recommendScreen) showEvidence() (recommendScreen, tea.Cmd) {
	s.evidence, s.record, s.editing = true, false, false
	s.vp.GotoTop()
	var cmd tea.Cmd
	if k := s.evidenceKey(); s.ev.key != k || s.ev.state == evidenceIdle {
		s, cmd = s.replay()
	}
	return s.refresh(), cmd
}

// replay starts the item on view's replay.
func (s recommendScreen) replay() (recommendScreen, tea.Cmd) {
	e := s.doc.Entries[s.item]
	var cmd tea.Cmd
	s.ev, cmd = s.ev.start(s.evidenceKey(), e.Item, e.Recommendation)
	return s.refresh(), cmd
}

// updateEvidenceKey handles a key on the Evidence tab; handled is false
// for the keys the screen handles as everywhere (scrolling, export, ...).
func (s recommendScreen) updateEvidenceKey(km tea.KeyPressMsg) (_ recommendScreen, _ tea.Cmd, handled bool) {
	k := s.com.Keys
	switch {
	case key.Matches(km, k.Global.Back) && s.ev.running():
		s.ev = s.ev.stop()
		return s.refresh(), nil, true
	case key.Matches(km, k.Global.Back), key.Matches(km, k.Recommend.Evidence):
		s.evidence = false
		s.vp.GotoTop()
		return s.refresh(), nil, true
	case key.Matches(km, k.Recommend.Replay):
		s, cmd := s.replay()
		return s, cmd, true
	case key.Matches(km, k.Recommend.Chart):
		s.ev = s.ev.nextChart()
		return s.refresh(), nil, true
	case key.Matches(km, k.Recommend.NextItem), key.Matches(km, k.Recommend.PrevItem):
		n := len(s.doc.Entries)
		step := 1
		if key.Matches(km, k.Recommend.PrevItem) {
			step = n - 1
		}
		s.item = (s.item + step) % n
		s, cmd := s.showEvidence()
		return s, cmd, true
	}
	return s, nil, false
}

// evidenceView is the tab's content.
func (s recommendScreen) evidenceView() string {
	k := s.com.Keys
	v := s.ev.view(max(s.w-2, 20), k.Recommend.Replay.Help().Key, k.Recommend.Chart.Help().Key)
	if s.ev.stale(s.evidenceKey()) && !s.ev.running() {
		v = s.com.Styles.Warning.Render(wrap("These figures are for answers since changed: "+k.Recommend.Replay.Help().Key+" replays the item as it is now.", max(s.w-2, 20))) + "\n\n" + v
	}
	return indent(v, 1)
}

// evidenceHelp is the tab's keys.
func (s recommendScreen) evidenceHelp() common.Help {
	k := s.com.Keys
	back := k.Global.Back
	if s.ev.running() {
		back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	}
	return common.Help{
		Short: []key.Binding{back, k.Recommend.Replay, k.Recommend.Chart, k.Recommend.NextItem, k.Recommend.Evidence, k.Nav.Down, k.Global.Help},
		Full: [][]key.Binding{
			{back, k.Recommend.Replay, k.Recommend.Chart},
			{k.Recommend.NextItem, k.Recommend.PrevItem, k.Recommend.Evidence, k.Recommend.Export},
			{k.Nav.Down, k.Nav.Up, k.Nav.PageDown, k.Nav.PageUp, k.Nav.Top, k.Nav.Bottom},
			{k.Global.Help, k.Global.ForceQuit},
		},
	}
}
