// Package app is kvdo's composition root: the wiring every surface (the
// CLI in cmd/kvdo, the TUI in tui/) shares, so the two cannot drift. It
// loads a content pack, runs a demo, evaluates a review, builds a report
// and writes it atomically, numbers ADRs, and autosaves a review in
// progress. Unlike the pure packages below it, app touches the file system;
// it still never touches the terminal.
package app

import (
	"errors"
	"fmt"
	"os"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
)

// InputError marks bad input (a file, a flag, a path): the CLI exits 2 on
// it and the TUI shows it where the input was given.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// BadInput returns an *InputError with a formatted message.
func BadInput(format string, a ...any) error {
	return &InputError{fmt.Errorf(format, a...)}
}

// IsBadInput reports whether err is, or wraps, an *InputError or an
// *ExistsError (a file that would have been replaced).
func IsBadInput(err error) bool {
	var ie *InputError
	var ee *ExistsError
	return errors.As(err, &ie) || errors.As(err, &ee)
}

// App is one loaded content pack and where it came from.
type App struct {
	Pack *content.Pack
	// ContentDir is the --content directory, "" for the embedded pack.
	ContentDir string
}

// Load loads the content pack of dir ("" for the embedded one).
func Load(dir string) (*App, error) {
	p, err := LoadPack(dir)
	if err != nil {
		return nil, err
	}
	return &App{Pack: p, ContentDir: dir}, nil
}

// LoadPack loads the embedded content pack, or the one in dir: files dir
// lacks come from the embedded pack. A bad pack is an *InputError naming
// file:line:col.
func LoadPack(dir string) (*content.Pack, error) {
	if dir == "" {
		return content.LoadDefault()
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, BadInput("--content %s: expected a directory holding a content pack", dir)
	}
	p, err := content.Load(os.DirFS(dir))
	if err != nil {
		return nil, &InputError{err}
	}
	return p, nil
}

// LoadNarration loads the demo captions of dir ("" for the embedded ones;
// a pack without narration.yaml falls back to them).
func LoadNarration(dir string) (content.Narration, error) {
	if dir == "" {
		return demos.DefaultNarration()
	}
	n, err := demos.LoadNarration(os.DirFS(dir))
	if err != nil {
		return content.Narration{}, BadInput("--content %s: %v", dir, err)
	}
	return n, nil
}

// DemoRun names one run of a demo.
type DemoRun struct {
	ID, Variant string
	Seed        uint64
	Set         map[string]string
}

// RunDemo runs a demo on the pack's topology with the pack's captions. An
// unknown demo, variant or parameter, or a topology too small for the
// parameters, is an *InputError.
func (a *App) RunDemo(r DemoRun) (*demos.Result, error) {
	d, err := demos.Get(r.ID)
	if err != nil {
		return nil, &InputError{err}
	}
	if _, err := d.ResolveVariant(r.Variant); err != nil {
		return nil, &InputError{err}
	}
	if _, err := d.Resolve(r.Set); err != nil {
		return nil, &InputError{err}
	}
	narr, err := LoadNarration(a.ContentDir)
	if err != nil {
		return nil, err
	}
	res, err := d.Run(demos.RunConfig{
		Variant: r.Variant, Seed: r.Seed, Set: r.Set,
		Topology: demos.EdgeTopology(a.Pack.Topology), Narration: &narr,
	})
	if te := (*demos.TopologyError)(nil); errors.As(err, &te) {
		return nil, &InputError{err}
	}
	return res, err
}
