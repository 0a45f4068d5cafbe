package app

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kvdo/kvdo/content"
)

// ReadInput reads an input file (an answers file, a review) that must be
// a regular file of at most limit bytes: a FIFO would block for ever and
// a device or /dev/zero would never end, so anything else is refused
// before it is opened, and a file past the limit before it is read.
// Standard input is the caller's ("-"). flag names the option in messages
// ("--answers"); errors are *InputErrors.
func ReadInput(flag, path string, limit int64) ([]byte, error) {
	what := path
	if flag != "" {
		what = flag + " " + path
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, BadInput("%s: no such file", what)
	case err != nil:
		return nil, BadInput("%s: %v", what, errors.Unwrap(err))
	case !st.Mode().IsRegular():
		return nil, BadInput("%s: %s: expected a regular file (use - for standard input)", what, fileKind(st.Mode()))
	case st.Size() > limit:
		// At 1:1, as every problem with a file's content is placed.
		return nil, BadInput("%s:1:1: %s: expected a file of at most %s (kvdo's limit)", path, sizeText(st.Size()), content.FormatBytes(float64(limit)))
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, BadInput("%s: %v", what, errors.Unwrap(err))
	}
	defer f.Close()
	// It may have been swapped since the check above.
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, BadInput("%s: expected a regular file", what)
	}
	return readLimited(path, f, limit)
}

// readSmall reads a small configuration file (.adr-dir, the recent
// list): a missing one is fs.ErrNotExist, anything but a regular file of
// at most 64 kB bad input.
func readSmall(path string) ([]byte, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return ReadInput("", path, 64<<10)
}

// ReadStdin reads standard input up to limit bytes, for "-"; messages
// call it <stdin>, as positions in it do.
func ReadStdin(r io.Reader, limit int64) ([]byte, error) {
	return readLimited("<stdin>", r, limit)
}

func readLimited(name string, r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, BadInput("%s:1:1: larger than kvdo's limit: expected a file of at most %s", name, content.FormatBytes(float64(limit)))
	}
	return b, nil
}

func sizeText(n int64) string { return content.FormatBytes(float64(n)) }

// fileKind names what a path is, for "expected a regular file" messages.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

// checkReplaceable refuses to replace anything at path but a regular
// file: --force turning a FIFO, a device node or a symbolic link (such as
// /proc/self/fd/1) into a regular file destroys what it was, and as root
// `-o /dev/null --force` would replace the real one. A missing path is
// fine. The path itself is looked at, not what a link points to.
func checkReplaceable(what, path string) error {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return BadInput("%s: %v", what, errors.Unwrap(err))
	case st.IsDir():
		return BadInput("%s: is a directory; expected a file name", what)
	case !st.Mode().IsRegular():
		return BadInput("%s: %s: kvdo only ever replaces a regular file", what, fileKind(st.Mode()))
	}
	return nil
}

// Temporary files: WriteAtomic writes .NAME.kvdo-PID-RANDOM.tmp beside
// the target and renames it into place. The process id in the name lets
// a later write to the same target remove one a killed run left behind
// (its process is gone), and the files in progress are removed on SIGINT
// and SIGTERM before the signal takes its course.

const tempSuffix = ".tmp"

// tempPattern is the os.CreateTemp pattern for a temporary file of base.
func tempPattern(base string) string {
	return "." + base + ".kvdo-" + strconv.Itoa(os.Getpid()) + "-*" + tempSuffix
}

// staleAge is how old a temporary file must be to be removed when whether
// its process lives cannot be told: no write takes that long.
const staleAge = time.Hour

// removeStale removes the temporary files a run killed while writing base
// in dir left behind: those whose process no longer exists, or older than
// staleAge.
func removeStale(dir, base string) {
	prefix := "." + base + ".kvdo-"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || !strings.HasSuffix(name, tempSuffix) || !e.Type().IsRegular() {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil {
			continue
		}
		old := false
		if info, err := e.Info(); err == nil {
			old = time.Since(info.ModTime()) > staleAge
		}
		if pid != os.Getpid() && (old || !processAlive(pid)) {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// inProgress holds the temporary files being written, for the signal
// handler; sigs is its channel while any are.
var inProgress struct {
	sync.Mutex
	files map[string]bool
	sigs  chan os.Signal
}

// trackTemp registers name until the returned function is called. While
// any file is registered, SIGINT and SIGTERM remove them all and then
// take their usual course (the process ends, or the TUI handles them).
func trackTemp(name string) (done func()) {
	inProgress.Lock()
	defer inProgress.Unlock()
	if inProgress.files == nil {
		inProgress.files = map[string]bool{}
	}
	inProgress.files[name] = true
	if inProgress.sigs == nil {
		ch := make(chan os.Signal, 1)
		inProgress.sigs = ch
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		go onSignal(ch)
	}
	return func() {
		inProgress.Lock()
		defer inProgress.Unlock()
		delete(inProgress.files, name)
		if len(inProgress.files) == 0 && inProgress.sigs != nil {
			signal.Stop(inProgress.sigs)
			close(inProgress.sigs)
			inProgress.sigs = nil
		}
	}
}

// onSignal removes the temporary files in progress when a signal comes,
// then sends the signal again with kvdo's handler gone, so it does what
// it would have done.
func onSignal(ch chan os.Signal) {
	sig, ok := <-ch
	if !ok {
		return
	}
	inProgress.Lock()
	for name := range inProgress.files {
		os.Remove(name)
	}
	inProgress.files = map[string]bool{}
	if inProgress.sigs == ch {
		signal.Stop(ch)
		inProgress.sigs = nil
	}
	inProgress.Unlock()
	if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(sig) == nil {
		return
	}
	os.Exit(1)
}
