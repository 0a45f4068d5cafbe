// Package player is kvdo's demo player: it draws a demos.Result at a
// virtual-time cursor (a world map or a space-time diagram, the handler
// code with the current line, the caption, live metrics, a timeline and
// the verdict) and moves the cursor: play at a chosen speed, step by
// event or caption in both directions, seek, re-run with other
// parameters, a new seed or another variant, and compare two runs side by
// side on one shared clock.
//
// The player only renders and routes. Every run comes from demos.Demo.Run
// (in a tea.Cmd); what a frame shows at a cursor is read from the run's
// trace, never worked out from KV or Durable Object rules of its own.
package player

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/tui/common"
)

// RunSpec is what distinguishes two runs of one demo.
type RunSpec struct {
	Variant string            // "" for the demo's first
	Seed    uint64            // the same seed replays the same run
	Set     map[string]string // parameter overrides, as --set spells them
}

// Config opens the player on one demo.
type Config struct {
	Demo demos.Demo
	// Spec is the first run.
	Spec RunSpec
	// Result, when set, is Spec already run; otherwise Init runs it.
	Result *demos.Result
	// Run runs the demo (on the content pack's topology and captions); it
	// is called inside tea.Cmds, never in Update.
	Run func(RunSpec) (*demos.Result, error)
	// Glossary explains the verdict (the term "linearizability").
	Glossary []content.Term
	// NoMotion turns tweening off: messages are drawn as routes, not
	// moving heads, and nothing moves between events.
	NoMotion bool
	// FPS is how many frames a second playing draws; 0 means 30. A
	// server drawing for many terminals at once asks for fewer.
	FPS int
}

// frameInterval is the wall time between two frames while playing.
const frameInterval = time.Second / 30

// quietGap is how long (in wall time at the current speed) a stretch with
// no message in flight may last before playback skips over it.
const quietGap = 1500 * time.Millisecond

// Player is the player screen. It is a value: Update returns the changed
// copy, View draws a frame. Prepared runs are shared between copies and
// never change once built (only their per-size caches fill).
type Player struct {
	cfg    Config
	styles Styles
	paint  *paint
	keys   KeyMap
	w, h   int

	specs []RunSpec // one per run on screen
	tr    *track
	c     cursor

	playing   bool
	stopAt    int // while playing on to a caption: its track position (0 none)
	speed     int
	tickGen   int
	lanes     bool
	goCode    bool // the code panel shows the Go the simulator runs
	big       bool
	compare   bool
	skipQuiet bool
	showInfo  bool

	edit    *paramEdit
	seeking bool
	seek    textinput.Model

	runGen  int
	running bool
	asked   []RunSpec // the runs being made while running

	following bool      // the cursor is driven from outside (Follow)
	pending   *Position // where to go once the runs being made arrive
	status    string
	errText   string

	cache *viewCache

	// tick schedules the next frame; tests count its calls.
	tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

// viewCache keeps what View draws the same way frame after frame. It is
// shared by the player's copies; only View writes it.
type viewCache struct{}

// tickMsg advances a playing cursor by one frame.
type tickMsg struct{ gen int }

// runDoneMsg brings runs made in a tea.Cmd back to Update.
type runDoneMsg struct {
	gen   int
	specs []RunSpec
	runs  []*run
	err   error
	keep  time.Duration // the clock to resume at
	note  string
}

// New builds a player in the TUI's theme. Call Init for its first
// command.
func New(cfg Config, theme *common.Styles) Player {
	p := Player{cfg: cfg, keys: DefaultKeyMap(), speed: speedIndex(1), skipQuiet: true, tick: tea.Tick, cache: &viewCache{}}
	p.SetStyles(NewStyles(theme))
	p.specs = []RunSpec{cfg.Spec}
	if cfg.Result != nil {
		p.install([]*run{newRun(cfg.Demo, cfg.Result)}, 0)
	}
	p.seek = textinput.New()
	p.seek.Prompt = "go to (e.g. 12.5 or 1m30s): "
	p.seek.CharLimit = 16
	p.seek.SetStyles(theme.Input)
	return p
}

// SetStyles changes the palette (after the terminal reports its
// background).
func (p *Player) SetStyles(s Styles) {
	p.styles = s
	p.paint = newPaint(s)
	if s.Theme != nil {
		p.seek.SetStyles(s.Theme.Input)
	}
	if p.tr != nil {
		for _, r := range p.tr.runs {
			clear(r.codeCache)
		}
	}
}

// SetSize tells the player its window size.
func (p *Player) SetSize(w, h int) {
	p.w, p.h = max(w, 0), max(h, 0)
}

// Init starts the first run when none was given.
func (p Player) Init() tea.Cmd {
	if p.tr != nil {
		return nil
	}
	return runCmd(p.runGen, p.cfg, p.specs, 0, "") // Init cannot change p: the run answers to the current generation
}

// install puts freshly prepared runs on screen with the clock at keep.
func (p *Player) install(runs []*run, keep time.Duration) {
	p.tr = newTrack(runs...)
	p.c = p.tr.seek(keep)
	if keep == 0 {
		p.c = p.tr.start()
	}
}

// runCmd runs the demo once per spec, off the update loop, and prepares
// the runs for drawing.
func runCmd(gen int, cfg Config, specs []RunSpec, keep time.Duration, note string) tea.Cmd {
	specs = append([]RunSpec(nil), specs...)
	return func() tea.Msg {
		msg := runDoneMsg{gen: gen, specs: specs, keep: keep, note: note}
		for _, sp := range specs {
			res, err := cfg.Run(sp)
			if err != nil {
				msg.err = err
				return msg
			}
			msg.runs = append(msg.runs, newRun(cfg.Demo, res))
		}
		return msg
	}
}

// rerun starts runs for specs, keeping the clock where it is.
func (p *Player) rerun(specs []RunSpec, note string) tea.Cmd {
	p.runGen++
	p.running = true
	p.pause()
	p.status = "running…"
	p.asked = append([]RunSpec(nil), specs...)
	keep := time.Duration(0)
	if p.tr != nil {
		keep = p.c.t
	}
	return runCmd(p.runGen, p.cfg, specs, keep, note)
}

// State is what the player shows, in data: for tests and the root.
type State struct {
	Playing  bool
	Compare  bool
	Lanes    bool
	GoCode   bool // the code panel shows Go, not JavaScript
	NoMotion bool // no tweening (--no-motion)
	Speed    float64
	Runs     []RunSpec // one per run on screen
	Variants []string  // the variant each run on screen ran
	At       time.Duration
	Events   int // track entries applied
	Total    int // track entries
	Running  bool
	Error    string
}

// State reports what the player shows.
func (p Player) State() State {
	s := State{Playing: p.playing, Compare: p.compare, Lanes: p.lanes, GoCode: p.goCode, NoMotion: p.cfg.NoMotion, Speed: speeds[p.speed],
		Runs: p.cloneSpecs(), Running: p.running, Error: p.errText}
	if p.tr != nil {
		s.At, s.Events, s.Total = p.c.t, p.c.k, p.tr.len()
		for _, r := range p.tr.runs {
			s.Variants = append(s.Variants, r.res.Variant)
		}
	}
	return s
}

// Editing reports whether a form or prompt has the keyboard, so the root
// does not treat q or esc as its own.
func (p Player) Editing() bool { return p.edit != nil || p.seeking }

// Update handles a message and returns the changed player.
func (p Player) Update(msg tea.Msg) (Player, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.SetSize(msg.Width, msg.Height)
		if p.edit != nil {
			p.edit.form = p.edit.form.WithWidth(p.formWidth())
			p.sizeForm()
		}
		return p, nil
	case tickMsg:
		return p.onTick(msg)
	case prefetched:
		msg.track.take(msg)
		return p, nil
	case runDoneMsg:
		if msg.gen != p.runGen {
			return p, nil // a newer run was asked for since
		}
		p.running = false
		if msg.err != nil {
			p.errText = msg.err.Error()
			p.status = ""
			return p, nil
		}
		p.errText = ""
		p.specs = msg.specs
		p.install(msg.runs, msg.keep)
		p.status = msg.note
		if p.following && p.pending != nil && sameSpecs(p.pending.Runs, p.specs) {
			p.c = p.tr.place(p.pending.K, p.pending.At)
			p.pending = nil
		}
		return p, nil
	}
	if p.edit != nil {
		return p.updateEdit(msg)
	}
	if p.seeking {
		return p.updateSeek(msg)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if p.following {
			// A key of one's own ends following: the cursor is theirs.
			var first tea.Cmd
			p, first = p.Unfollow()
			p, cmd := p.onKey(k)
			return p, tea.Batch(first, cmd)
		}
		return p.onKey(k)
	}
	return p, nil
}

func (p Player) onKey(k tea.KeyPressMsg) (Player, tea.Cmd) {
	km := p.keys
	p.errText = ""
	if p.showInfo {
		// The explanation closes on any key, which is not acted on.
		p.showInfo = false
		return p, nil
	}
	switch {
	case key.Matches(k, km.Back):
		p.pause()
		return p, func() tea.Msg { return common.BackMsg{} }
	case key.Matches(k, km.Explain):
		p.showInfo = true
		return p, nil
	case key.Matches(k, km.View):
		p.lanes = !p.lanes
		return p, nil
	case key.Matches(k, km.Code):
		p.goCode = !p.goCode
		return p, nil
	case key.Matches(k, km.BigCaptions):
		p.big = !p.big
		return p, nil
	case key.Matches(k, km.SkipQuiet):
		p.skipQuiet = !p.skipQuiet
		p.status = "skip quiet gaps: " + onOff(p.skipQuiet)
		return p, nil
	case key.Matches(k, km.Faster):
		p.speed = min(p.speed+1, len(speeds)-1)
		return p, nil
	case key.Matches(k, km.Slower):
		p.speed = max(p.speed-1, 0)
		return p, nil
	case key.Matches(k, km.NewSeed):
		specs := p.cloneSpecs()
		for i := range specs {
			specs[i].Seed++
		}
		return p, p.rerun(specs, "seed "+strconv.FormatUint(specs[0].Seed, 10))
	case key.Matches(k, km.Variant):
		if len(p.cfg.Demo.Variants) < 2 {
			p.status = "this demo has one variant"
			return p, nil
		}
		a := p.specs[0]
		a.Variant = p.nextVariant(a.Variant)
		specs := []RunSpec{a}
		if p.compare {
			specs = append(specs, p.partner(a))
		}
		return p, p.rerun(specs, "variant "+a.Variant)
	case key.Matches(k, km.Compare):
		if p.compare {
			p.compare = false
			return p, p.rerun(p.specs[:1], "")
		}
		p.compare = true
		return p, p.rerun([]RunSpec{p.specs[0], p.partner(p.specs[0])}, "")
	case key.Matches(k, km.Edit):
		if len(p.cfg.Demo.Params) == 0 {
			p.status = "this demo has no parameters"
			return p, nil
		}
		p.pause()
		p.edit = newParamEdit(p.cfg.Demo, p.specs[0].Set, p.styles)
		p.edit.form = p.edit.form.WithWidth(p.formWidth())
		init := p.edit.form.Init()
		p.sizeForm()
		return p, init
	}
	if p.tr == nil {
		return p, nil // still running the first time: only the keys above
	}
	tr := p.tr
	switch {
	case key.Matches(k, km.PlayPause):
		if p.playing {
			p.pause()
			return p, nil
		}
		if tr.atEnd(p.c) {
			p.c = tr.start()
		}
		return p, p.play()
	case key.Matches(k, km.NextCaption):
		return p.toNextCaption()
	case key.Matches(k, km.PrevCaption):
		p.pause()
		p.c = tr.prevCaption(p.c)
	case key.Matches(k, km.StepForward):
		p.pause()
		p.c = tr.stepForward(p.c)
	case key.Matches(k, km.StepBack):
		p.pause()
		p.c = tr.stepBack(p.c)
	case key.Matches(k, km.Start):
		p.pause()
		p.c = tr.start()
	case key.Matches(k, km.End):
		p.pause()
		p.c = tr.finish()
	case key.Matches(k, km.Restart):
		p.c = tr.start()
		return p, p.play()
	case key.Matches(k, km.Seek):
		p.pause()
		p.seeking = true
		p.seek.SetValue("")
		return p, p.seek.Focus()
	}
	return p, nil
}

// play starts the clock: the only place a tick chain begins.
func (p *Player) play() tea.Cmd {
	p.playing = true
	p.stopAt = 0
	p.tickGen++
	p.status = ""
	return p.nextTick()
}

// pause stops the clock; a tick already on its way finds it stopped.
func (p *Player) pause() {
	p.playing = false
	p.stopAt = 0
}

// toNextCaption plays on to the next caption and stops on it, so the room
// sees what leads up to it: presenter remotes send PgDn, and a jump would
// skip the messages the caption talks about. Asked again on the way (or
// with --no-motion) it goes straight there.
func (p Player) toNextCaption() (Player, tea.Cmd) {
	next := p.tr.nextCaption(p.c)
	if p.stopAt > 0 || p.cfg.NoMotion || next.k <= p.c.k {
		p.pause()
		p.status = ""
		p.c = next
		return p, nil
	}
	var cmd tea.Cmd
	if !p.playing {
		cmd = p.play()
	}
	p.stopAt = next.k
	p.status = "playing on to the next caption (pgdn again: straight there)"
	return p, cmd
}

// frameEvery is the wall time between two frames while playing.
func (p *Player) frameEvery() time.Duration {
	if p.cfg.FPS > 0 {
		return time.Second / time.Duration(p.cfg.FPS)
	}
	return frameInterval
}

func (p *Player) nextTick() tea.Cmd {
	gen := p.tickGen
	return p.tick(p.frameEvery(), func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// onTick moves a playing cursor one frame of virtual time. A tick from an
// older chain (before a pause) or while paused schedules nothing.
func (p Player) onTick(msg tickMsg) (Player, tea.Cmd) {
	if !p.playing || msg.gen != p.tickGen || p.tr == nil {
		return p, nil
	}
	speed := speeds[p.speed]
	step := time.Duration(float64(p.frameEvery()) * speed)
	t := p.c.t + step
	if p.skipQuiet && p.tr.quiet(p.c) {
		if next, ok := p.tr.nextAt(p.c); ok {
			gap := time.Duration(float64(quietGap) * speed)
			if next-p.c.t > gap {
				lead := time.Duration(float64(300*time.Millisecond) * speed)
				t = max(t, next-lead)
				p.status = "skipped " + strconv.FormatFloat((t-p.c.t).Seconds(), 'f', 1, 64) + " s with nothing in flight (s: don't skip)"
			}
		}
	}
	p.c = p.tr.seek(t)
	if p.stopAt > 0 && p.c.k >= p.stopAt {
		// Arrived: exactly where the caption key would have jumped to.
		p.c = p.tr.settle(p.stopAt)
		p.pause()
		p.status = ""
		return p, nil
	}
	if p.tr.atEnd(p.c) {
		p.pause()
		return p, nil
	}
	return p, tea.Batch(append(p.prefetch(), p.nextTick())...)
}

// prefetch asks each run's state track to replay ahead of the cursor
// while playing, so frames find their state ready (the map view only:
// the lanes draw no state).
func (p *Player) prefetch() []tea.Cmd {
	if p.lanes {
		return nil
	}
	var cmds []tea.Cmd
	for i, r := range p.tr.runs {
		if c := r.state.prefetch(p.tr.n(i, p.c)); c != nil {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

func (p Player) updateSeek(msg tea.Msg) (Player, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			p.seeking = false
			return p, nil
		case "enter":
			d, err := parseSeek(p.seek.Value())
			p.seeking = false
			if err != nil {
				p.status = err.Error()
				return p, nil
			}
			if p.tr != nil {
				p.c = p.tr.seek(d)
			}
			return p, nil
		}
	}
	var cmd tea.Cmd
	p.seek, cmd = p.seek.Update(msg)
	return p, cmd
}

// parseSeek reads a time typed at the g prompt: seconds ("12.5",
// "+12.34 s") or a Go duration ("1m30s").
func parseSeek(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "+"))
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return 0, fmt.Errorf("go to: expected a time such as 12.5 or 1m30s")
	}
	if f, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64); err == nil && f >= 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("go to %q: expected a time such as 12.5 or 1m30s", s)
	}
	return d, nil
}

func (p Player) updateEdit(msg tea.Msg) (Player, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" {
		p.edit = nil
		p.status = "parameters unchanged"
		return p, nil
	}
	f, cmd := p.edit.form.Update(msg)
	if form, ok := f.(*huh.Form); ok {
		p.edit.form = form
	}
	switch p.edit.form.State {
	case huh.StateCompleted:
		set := p.edit.values()
		p.edit = nil
		if _, err := p.cfg.Demo.Resolve(set); err != nil {
			p.status = ""
			p.errText = err.Error()
			return p, nil
		}
		specs := p.cloneSpecs()
		specs[0].Set = set
		if p.compare {
			specs = []RunSpec{specs[0], p.partner(specs[0])}
		}
		return p, p.rerun(specs, "parameters changed")
	case huh.StateAborted:
		p.edit = nil
		return p, nil
	}
	return p, cmd
}

func (p Player) cloneSpecs() []RunSpec {
	return append([]RunSpec(nil), p.specs...)
}

// nextVariant is the variant after v, wrapping.
func (p Player) nextVariant(v string) string {
	ids := p.cfg.Demo.VariantIDs()
	cur, _ := p.cfg.Demo.ResolveVariant(v)
	for i, id := range ids {
		if id == cur {
			return ids[(i+1)%len(ids)]
		}
	}
	return ids[0]
}

// partner is the run compared with a: the demo's other main variant (its
// first two variants are the pair each demo teaches by: kv-in-do against
// do-storage, stampede against coordinator, production against local).
// A demo with one variant compares its parameters with the defaults, or,
// on the defaults, the next seed.
func (p Player) partner(a RunSpec) RunSpec {
	b := a
	ids := p.cfg.Demo.VariantIDs()
	if len(ids) >= 2 {
		cur, _ := p.cfg.Demo.ResolveVariant(a.Variant)
		b.Variant = ids[0]
		if cur == ids[0] {
			b.Variant = ids[1]
		}
		return b
	}
	if len(a.Set) > 0 {
		b.Set = nil
		return b
	}
	b.Seed++
	return b
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (p Player) formWidth() int { return max(min(p.w-6, 72), 20) }

// sizeForm tells the form the room it has, so it takes the height its
// fields need up to that room (the root keeps window sizes to itself).
func (p *Player) sizeForm() {
	f, _ := p.edit.form.Update(tea.WindowSizeMsg{Width: p.formWidth(), Height: max(p.h-4, 6)})
	if form, ok := f.(*huh.Form); ok {
		p.edit.form = form
	}
}
