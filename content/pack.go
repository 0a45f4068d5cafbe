// Package content holds kvdo's embedded content pack (topology, narration,
// and the advisor's questions, rules, options, facts and pricing) with its
// loader and validator. Content is data so that facts can be corrected and
// captions reworded without recompiling; every figure carries a source and
// an "as of" date. The package reads an fs.FS and never the disk itself.
package content

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
)

//go:embed *.yaml
var embedded embed.FS

// Pack is a loaded, validated content pack.
type Pack struct {
	Topology Topology
}

// LoadDefault loads the pack embedded in the binary.
func LoadDefault() (*Pack, error) { return Load(embedded) }

// Load reads a pack from fsys. A file the pack lacks is taken from the
// embedded pack, so a customised pack need only hold what it changes.
func Load(fsys fs.FS) (*Pack, error) {
	p := &Pack{}
	name, data, err := readFile(fsys, TopologyFile)
	if err != nil {
		return nil, err
	}
	if p.Topology, err = ParseTopology(name, data); err != nil {
		return nil, err
	}
	return p, nil
}

// readFile reads name from fsys, falling back to the embedded copy when
// fsys has none. The returned name is what errors should cite.
func readFile(fsys fs.FS, name string) (string, []byte, error) {
	b, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) && fsys != fs.FS(embedded) {
		b, err = embedded.ReadFile(name)
		return name, b, err
	}
	if err != nil {
		return name, nil, fmt.Errorf("%s: %w", name, err)
	}
	return name, b, nil
}
