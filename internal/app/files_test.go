//go:build unix

package app

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvdo/kvdo/report"
)

// specialFiles makes, in dir, each kind of file --force must not replace.
func specialFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	out["a FIFO"] = fifo
	target := filepath.Join(dir, "target.md")
	if err := os.WriteFile(target, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.md")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	out["a symbolic link to a regular file"] = link
	stdout := filepath.Join(dir, "stdout")
	if err := os.Symlink("/proc/self/fd/1", stdout); err != nil {
		t.Fatal(err)
	}
	out["a link to /proc/self/fd/1"] = stdout
	sock := filepath.Join(dir, "sock")
	if fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0); err == nil {
		if syscall.Bind(fd, &syscall.SockaddrUnix{Name: sock}) == nil {
			out["a socket"] = sock
		}
		syscall.Close(fd)
	}
	out["a character device"] = "/dev/null"
	return out
}

// Issue 14: --force turned a FIFO, a device node and a /proc/self/fd/1
// link into regular files. Only a regular file is ever replaced, and the
// special file is left as it was.
func TestForceNeverReplacesAnythingButARegularFile(t *testing.T) {
	dir := t.TempDir()
	for kind, path := range specialFiles(t, dir) {
		t.Run(kind, func(t *testing.T) {
			before, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckOutput("-o", path, true); err == nil || !IsBadInput(err) || !strings.Contains(err.Error(), "kvdo only ever replaces a regular file") {
				t.Errorf("CheckOutput: %v, want bad input saying only a regular file is replaced", err)
			}
			if path == "/dev/null" {
				return // never written to, even in a test
			}
			if err := WriteAtomic(path, []byte("new"), true); err == nil || !IsBadInput(err) {
				t.Errorf("WriteAtomic: %v, want bad input", err)
			}
			after, err := os.Lstat(path)
			if err != nil || after.Mode() != before.Mode() {
				t.Errorf("the file changed from %v to %v (%v)", before.Mode(), after.Mode(), err)
			}
			if err := CheckOutput("-o", path, false); err == nil || IsExists(err) {
				t.Errorf("without --force: %v, want a refusal that does not suggest --force", err)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "target.md")); string(b) != "kept" {
		t.Errorf("the link's target holds %q", b)
	}
}

// A FIFO given as an input file blocked for ever; a device never ended.
// Anything but a regular file is refused at once, and a file past the
// limit before it is read.
func TestInputsMustBeRegularFilesWithinTheLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, 1025), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := specialFiles(t, dir)
	cases["a directory"] = dir
	cases["a file past the limit"] = big
	cases["/dev/zero"] = "/dev/zero"
	for kind, path := range cases {
		if strings.HasPrefix(kind, "a symbolic link") {
			continue // a link to a regular file is read like the file
		}
		t.Run(kind, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := ReadInput("--answers", path, 1024); done <- err }()
			select {
			case err := <-done:
				if err == nil || !IsBadInput(err) {
					t.Errorf("ReadInput(%s): %v, want bad input", path, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("ReadInput(%s) blocked", path)
			}
		})
	}
	if _, err := ReadInput("--answers", filepath.Join(dir, "link.md"), 1024); err != nil {
		t.Errorf("a link to a regular file: %v", err)
	}
	if _, err := ReadStdin(strings.NewReader(strings.Repeat("x", 1025)), 1024); err == nil || !strings.Contains(err.Error(), "expected a file of at most 1 KiB") {
		t.Errorf("standard input past the limit: %v", err)
	}
}

// Issue 14: a signal during -o left a 100 MB hidden temporary file
// beside the target. A later write removes what a dead run left; a
// running one's file is kept.
func TestAStaleTemporaryFileIsRemovedByTheNextWrite(t *testing.T) {
	dir := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true(1):", err)
	}
	stale := filepath.Join(dir, ".out.md.kvdo-"+strconv.Itoa(dead.Process.Pid)+"-123.tmp")
	live := filepath.Join(dir, ".out.md.kvdo-"+strconv.Itoa(os.Getppid())+"-456.tmp")
	other := filepath.Join(dir, ".other.md.kvdo-"+strconv.Itoa(dead.Process.Pid)+"-789.tmp")
	for _, f := range []string{stale, live, other} {
		if err := os.WriteFile(f, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteAtomic(filepath.Join(dir, "out.md"), []byte("record"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a dead run's temporary file is still there (%v)", err)
	}
	for _, f := range []string{live, other} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed: a live run's file, or another target's, must stay", filepath.Base(f))
		}
	}
}

// A signal while the record is being written removes the temporary file
// and still ends the process; the target is never partial. The write runs
// in a child process (this test binary again), held just before its
// rename.
func TestASignalDuringAWriteRemovesTheTemporaryFile(t *testing.T) {
	if dir := os.Getenv("KVDO_TEST_WRITE_DIR"); dir != "" {
		beforeRename = func(string) {
			os.Stdout.WriteString("ready\n")
			time.Sleep(time.Minute)
		}
		_ = WriteAtomic(filepath.Join(dir, "out.md"), make([]byte, 1<<20), false)
		os.Exit(3) // not reached when the signal ends the process
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestASignalDuringAWriteRemovesTheTemporaryFile$")
			cmd.Env = append(os.Environ(), "KVDO_TEST_WRITE_DIR="+dir)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(out).ReadString('\n')
			if line != "ready\n" {
				cmd.Process.Kill()
				t.Fatalf("child said %q", line)
			}
			if tmp, _ := filepath.Glob(filepath.Join(dir, ".out.md.kvdo-*.tmp")); len(tmp) != 1 {
				t.Fatalf("temporary files before the signal: %v", tmp)
			}
			cmd.Process.Signal(sig)
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != sig {
				t.Errorf("child ended with %v, want killed by %v", err, sig)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				t.Errorf("%s left behind", e.Name())
			}
		})
	}
}

// Issue 14: a record numbered 9223372036854775807 made the next number
// negative. A number kvdo cannot continue is refused naming the file.
func TestADRNumbersKvdoCannotContinueAreRefused(t *testing.T) {
	for _, name := range []string{"9223372036854775807-x.md", "99999999999999999999999-x.md", "100000000-x.md"} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte("# 1. x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if n, err := NextADRNumber(dir); err == nil || !IsBadInput(err) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: next number %d, %v: want bad input naming the file", name, n, err)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "99999999-last.md"), []byte("# 99999999. last\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := report.Doc{Entries: []report.Entry{{}}}
	doc.Entries[0].Item.Name = "x"
	if _, err := WriteADRs(dir, doc); err == nil || !IsBadInput(err) {
		t.Errorf("a record past %d: %v, want bad input", MaxADRNumber, err)
	}
}
