// Package tui is kvdo's full-screen program (Bubble Tea v2): one root
// model that routes messages by a typed state to concrete screens (home,
// open review, interview, recommendation, learn, demo list, demo) and
// handles what is global: the window size, the theme, ctrl+c and `?` help.
// Screens render strings; only the root returns a tea.View. Everything
// that touches files goes through internal/app in a tea.Cmd.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui/common"
	"github.com/kvdo/kvdo/tui/player"
	"github.com/mattn/go-runewidth"
)

// OpenDemoMsg asks the root to show a demo; see common.OpenDemoMsg.
type OpenDemoMsg = common.OpenDemoMsg

// Start is the screen the program opens on.
type Start int

// The screens a program can start on.
const (
	StartHome      Start = iota // the home menu (kvdo)
	StartInterview              // a new or resumed review (kvdo advise)
	StartDemo                   // one demo (kvdo demo NAME)
)

// Background says how the theme is chosen.
type Background int

// Theme choices.
const (
	BackgroundAuto  Background = iota // ask the terminal; dark until it answers
	BackgroundDark                    // dark, without asking
	BackgroundLight                   // light, without asking
)

// Options configures a program.
type Options struct {
	Start Start
	// App is the loaded content pack; required.
	App *app.App
	// Review is the review file of StartInterview: autosaved after every
	// answer. With Resume it must exist and is continued; without, a new
	// review is started there (an existing kvdo review is continued, any
	// other file refused).
	Review string
	Resume bool
	// Demo is the demo StartDemo opens.
	Demo OpenDemoMsg
	// Date dates exported records (YYYY-MM-DD); the caller reads the clock.
	Date string
	// NoMotion draws the demo player without tweening (--no-motion).
	NoMotion bool
	// FPS is the demo player's frames per second while playing; 0 is 30.
	FPS int
	// Record, when set, is where the session is saved as an asciicast v2
	// recording when the program ends (--record FILE.cast).
	Record string
	// Background picks the theme; NoColor drops colours (NO_COLOR).
	Background Background
	NoColor    bool
	// Recent remembers review files for the home screen; the zero value
	// remembers nothing.
	Recent app.Recent
	// EvidenceDuration is the simulated window of the recommendation's
	// Evidence tab; 0 means ten minutes, as kvdo simulate workload.
	EvidenceDuration time.Duration

	// For a workshop room (kvdo serve). NoFiles keeps the program off the
	// file system it runs on: no Open review, reviews kept in memory, an
	// export shown as text to copy. Room, when set, hears where the
	// participant is and their poll answers; Name is what the facilitator
	// sees (asked first when empty). Panel adds the host's screen to the
	// home menu (the facilitator's view).
	NoFiles bool
	Room    Room
	Name    string
	Panel   NewPanel

	// For tests: input, output, a fixed window size and colour profile.
	Input         io.Reader
	Output        io.Writer
	Width, Height int
	Profile       *colorprofile.Profile
}

// Run runs the program until the user quits. The terminal is restored in
// every case, a panic included (Bubble Tea recovers it, restores the
// terminal and prints it; Run then returns an error). A review in progress
// is saved after every answer, so a crash loses at most the answer being
// typed.
func Run(ctx context.Context, opts Options) error {
	// Bubble Tea measures text with wcwidth until the terminal says it
	// clusters graphemes, and go-runewidth builds its width tables (2 MB)
	// on the first rune past U+02FF, in the first frame: build them while
	// the model is made instead, on another core when there is one.
	// kvdo's command line has usually started this already, from
	// internal/widthwarm's init; this covers every other caller (the
	// build is done once, so a second start costs nothing).
	go runewidth.RuneWidth('─')
	m, err := New(opts)
	if err != nil {
		return err
	}
	if opts.Record != "" {
		m.rec = player.NewRecorder("kvdo "+opts.Demo.ID, nil)
	}
	// Bubble Tea writes frames on its ticker; kvdo's copy of it writes the
	// first one as soon as it is drawn (third_party/bubbletea/PATCHES.md),
	// so the screen appears without waiting a tick. Later frames come at
	// up to 120 a second, Bubble Tea's ceiling: a frame is only written
	// when it changed, so the fast tick costs an idle screen next to
	// nothing, and a key's answer waits at most 8 ms for it.
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(120), tea.WithImmediateFirstFrame()}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	if opts.Width > 0 && opts.Height > 0 {
		popts = append(popts, tea.WithWindowSize(opts.Width, opts.Height))
	}
	if opts.Profile != nil {
		popts = append(popts, tea.WithColorProfile(*opts.Profile))
	}
	final, err := tea.NewProgram(m, popts...).Run()
	if m.rec != nil {
		if werr := m.rec.WriteFile(opts.Record, recordProfile(opts)); werr != nil && err == nil {
			err = werr
		}
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		if fm, ok := final.(*Model); ok {
			_ = fm.sess.flush()
		}
		return fmt.Errorf("kvdo stopped on an internal error (the terminal was restored; a review in progress was saved after its last answer): %w", err)
	}
	if err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return err
	}
	fm, ok := final.(*Model)
	if !ok {
		return nil
	}
	if err := fm.sess.flush(); err != nil {
		return fmt.Errorf("saving the review: %w", err)
	}
	return fm.err
}

// recordProfile is the colour profile the session was drawn in, so a
// recording shows what the terminal showed.
func recordProfile(opts Options) colorprofile.Profile {
	if opts.Profile != nil {
		return *opts.Profile
	}
	var out io.Writer = os.Stdout
	if opts.Output != nil {
		out = opts.Output
	}
	return colorprofile.Detect(out, os.Environ())
}

// BackgroundFromColorFGBG reads the COLORFGBG convention ("15;0": light
// text on black) that rxvt, Konsole and many setups export: the last field
// is the background's ANSI colour number, 0-6 and 8 dark, 7 and 9-15
// light. Without a usable value the terminal is asked (BackgroundAuto).
func BackgroundFromColorFGBG(v string) Background {
	if v == "" {
		return BackgroundAuto
	}
	parts := strings.Split(v, ";")
	n, err := strconv.Atoi(strings.TrimSpace(parts[len(parts)-1]))
	switch {
	case err != nil || n < 0 || n > 15:
		return BackgroundAuto
	case n <= 6 || n == 8:
		return BackgroundDark
	}
	return BackgroundLight
}
