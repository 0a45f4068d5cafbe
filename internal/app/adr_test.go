package app

import (
	"os"
	"path/filepath"
	"testing"
)

// ADRDir finds the folder adr-tools keeps records in, as adr-tools does:
// the nearest .adr-dir up the tree, relative to where it is; else doc/adr.
func TestADRDir(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := ADRDir(sub); err != nil || got != filepath.Join(sub, "doc", "adr") {
		t.Errorf("without .adr-dir: %q %v, want doc/adr", got, err)
	}
	if err := os.WriteFile(filepath.Join(root, ".adr-dir"), []byte("docs/architecture/decisions\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := ADRDir(sub); err != nil || got != filepath.Join(root, "docs", "architecture", "decisions") {
		t.Errorf("with .adr-dir above: %q %v", got, err)
	}
	if got, err := ADRDir(root); err != nil || got != filepath.Join(root, "docs", "architecture", "decisions") {
		t.Errorf("with .adr-dir here: %q %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(sub, ".adr-dir"), []byte("  \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ADRDir(sub); err == nil {
		t.Error("an empty .adr-dir was accepted")
	}
}
