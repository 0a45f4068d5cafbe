//go:build unix

package app

import (
	"errors"
	"os"
	"syscall"
)

// processAlive reports whether a process with pid exists (one that is
// not ours to signal still exists).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// openNoBlock opens path for reading without waiting for a writer, should
// it have become a FIFO since it was checked.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
