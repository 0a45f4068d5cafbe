package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The tests in this file run the built kvdo binary in a pseudo-terminal,
// as a person runs it: a real terminal, real key bytes, a real process to
// kill.

var (
	binOnce sync.Once
	binPath string
	binErr  error
	// binDir is the temporary directory the binary was built in, the
	// only thing TestMain removes: never the directory of a binary named
	// by KVDO_BINARY.
	binDir string
)

// TestMain removes the binary the pseudo-terminal tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// kvdoBinary builds kvdo once per test run.
func kvdoBinary(tb testing.TB) string {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("the pseudo-terminal tests need Linux")
	}
	binOnce.Do(func() {
		// KVDO_BINARY times or drives another build, e.g. the one before a
		// change: KVDO_BINARY=/tmp/kvdo-before go test -bench StartToFirstFrame
		if p := os.Getenv("KVDO_BINARY"); p != "" {
			// Absolute: the tests run kvdo in a temporary directory.
			binPath, binErr = filepath.Abs(p)
			return
		}
		dir, err := os.MkdirTemp("", "kvdo-bin-")
		if err != nil {
			binErr = err
			return
		}
		binDir, binPath = dir, filepath.Join(dir, "kvdo")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

// ptyProc is kvdo running on a pseudo-terminal.
type ptyProc struct {
	cmd    *exec.Cmd
	master *os.File
	mu     sync.Mutex
	out    bytes.Buffer
	done   chan struct{}
	// more has a value after each read from the terminal, so a wait
	// wakes at the output it waits for rather than at a polling tick
	// (the start-up benchmark times that moment).
	more chan struct{}
}

// openPTY opens a pseudo-terminal pair of w x h cells.
func openPTY(w, h int) (master, slave *os.File, err error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(h), Col: uint16(w)}); err != nil {
		m.Close()
		s.Close()
		return nil, nil, err
	}
	return m, s, nil
}

// startPTY runs kvdo with args in dir on a w x h pseudo-terminal.
func startPTY(tb testing.TB, dir string, w, h int, args ...string) *ptyProc {
	tb.Helper()
	master, slave, err := openPTY(w, h)
	if err != nil {
		tb.Skipf("no pseudo-terminal here: %v", err)
	}
	cmd := exec.Command(kvdoBinary(tb), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "COLORFGBG=15;0", "XDG_CONFIG_HOME="+filepath.Join(dir, ".config"), "NO_COLOR=")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	slave.Close()
	p := &ptyProc{cmd: cmd, master: master, done: make(chan struct{}), more: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := master.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
			if err != nil {
				close(p.done)
				return
			}
		}
	}()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		master.Close()
	})
	return p
}

var escapes = regexp.MustCompile(`\x1b(\[[0-9;:?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)`)

// screenText is everything written so far, without escape sequences.
func (p *ptyProc) screenText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return escapes.ReplaceAllString(p.out.String(), "")
}

// waitFor waits until cond holds, or fails after d.
func waitFor(tb testing.TB, d time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitText waits until the terminal has shown s.
func (p *ptyProc) waitText(tb testing.TB, s string) {
	tb.Helper()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(p.screenText(), s) {
		select {
		case <-p.more:
		case <-p.done:
			if !strings.Contains(p.screenText(), s) {
				tb.Fatalf("kvdo ended before %q was on the screen; it shows:\n%s", s, lastChars(p, 2000))
			}
			return
		case <-deadline:
			tb.Fatalf("timed out waiting for %q on the screen; it shows:\n%s", s, lastChars(p, 2000))
		}
	}
}

func lastChars(p *ptyProc, n int) string {
	s := p.screenText()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}

// send types keys: text as is; "\r" is enter, "\t" tab, "\x03" ctrl+c,
// "\x15" ctrl+u, "\x12" ctrl+r.
func (p *ptyProc) send(tb testing.TB, keys string) {
	tb.Helper()
	if _, err := p.master.Write([]byte(keys)); err != nil {
		tb.Fatal(err)
	}
}

// wait waits for the process to end and returns its state.
func (p *ptyProc) wait(tb testing.TB) *os.ProcessState {
	tb.Helper()
	errc := make(chan error, 1)
	go func() { errc <- p.cmd.Wait() }()
	select {
	case <-errc:
	case <-time.After(10 * time.Second):
		tb.Fatalf("kvdo did not exit; the screen shows:\n%s", lastChars(p, 2000))
	}
	return p.cmd.ProcessState
}
