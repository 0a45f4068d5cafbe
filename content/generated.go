package content

import (
	"hash/crc32"
	"io/fs"
	"slices"
	"strconv"
	"sync"
)

// The embedded pack is decoded once, whenever its YAML changes, into Go
// source (pack_generated.go, written by TestGeneratedPackIsCurrent with
// -update), so a kvdo process builds the pack from Go values instead of
// parsing 170 kB of YAML: a tenth of a millisecond instead of most of a
// headless demo's time. The values are the YAML path's own: that test
// loads the YAML with Load and ParseNarration, validation included, and
// requires the generated source to be exactly what the printer writes for
// them (reflect.DeepEqual when built). A customised pack (--content DIR)
// always goes through its YAML, so its problems are reported as
// file:line:col.
//
// Should the embedded YAML change without the generated file being
// written again, the digest below no longer matches and the YAML is
// decoded as before: slower, never stale. (The test fails meanwhile.)

// yamlDigest is a digest of every embedded YAML file, names and bytes,
// in name order: what the generated values were decoded from.
func yamlDigest(fsys fs.FS) (string, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return "", err
	}
	slices.Sort(names)
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	var size int
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		size += len(b)
	}
	return strconv.Itoa(len(names)) + " files, " + strconv.Itoa(size) + " bytes, crc32c " + strconv.FormatUint(uint64(h.Sum32()), 16), nil
}

// generatedCurrent reports whether pack_generated.go was written from the
// YAML embedded in this binary.
var generatedCurrent = sync.OnceValue(func() bool {
	d, err := yamlDigest(embedded)
	return err == nil && d == generatedDigest
})

// LoadDefaultYAML loads the pack embedded in the binary from its YAML,
// checked as Load checks any pack: what `kvdo content validate` reads.
func LoadDefaultYAML() (*Pack, error) { return Load(embedded) }

// DefaultNarrationYAML parses the narration embedded in the binary from
// its YAML.
func DefaultNarrationYAML() (Narration, error) {
	return ParseNarration(NarrationFile, narrationYAML)
}
