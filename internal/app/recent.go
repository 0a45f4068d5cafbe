package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxRecent is how many review files the home screen remembers.
const maxRecent = 8

// Recent remembers the review files opened or saved lately, newest first,
// in one text file (one absolute path a line) in the user's configuration
// directory. A missing or unreadable list is an empty one: it is a
// convenience, never a reason to fail.
type Recent struct {
	// File is the list's path; "" disables remembering.
	File string
}

// DefaultRecent is the list in the user's configuration directory
// ($XDG_CONFIG_HOME/kvdo/recent on Linux), or a disabled one when there is
// no such directory.
func DefaultRecent() Recent {
	dir, err := os.UserConfigDir()
	if err != nil {
		return Recent{}
	}
	return Recent{File: filepath.Join(dir, "kvdo", "recent")}
}

// List returns the remembered files that still exist, newest first.
func (r Recent) List() []string {
	if r.File == "" {
		return nil
	}
	b, err := readSmall(r.File)
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || slices.Contains(out, line) {
			continue
		}
		if st, err := os.Stat(line); err == nil && st.Mode().IsRegular() {
			out = append(out, line)
		}
	}
	return out
}

// Add puts path first in the list.
func (r Recent) Add(path string) error {
	if r.File == "" {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	list := []string{abs}
	for _, p := range r.List() {
		if p != abs && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	if err := os.MkdirAll(filepath.Dir(r.File), 0o755); err != nil {
		return err
	}
	return WriteAtomic(r.File, []byte(strings.Join(list, "\n")+"\n"), true)
}
