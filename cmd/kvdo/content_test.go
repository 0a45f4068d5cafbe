package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestContentValidateSummarisesTheEmbeddedPack(t *testing.T) {
	code, out, errs := runCapture(t, "content", "validate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"content pack: embedded", "questions", "rules", "options", "facts", "PoPs", "captions for", "ok\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`\s+28  PoPs\n`).MatchString(out) {
		t.Errorf("the embedded topology should have 28 PoPs:\n%s", out)
	}
}

// writePack writes files into a fresh directory and returns it.
func writePack(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestContentValidateAcceptsAPartialPack(t *testing.T) {
	topo, err := os.ReadFile("../../content/topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := writePack(t, map[string]string{"topology.yaml": string(topo)})
	for _, args := range [][]string{{"content", "validate", dir}, {"--content", dir, "content", "validate"}} {
		code, out, errs := runCapture(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if !strings.Contains(out, "from the directory: topology.yaml\n") || !strings.Contains(out, "the other files come from the embedded pack") {
			t.Errorf("%v: summary does not say where files came from:\n%s", args, out)
		}
	}
}

func TestContentValidateRejectsABrokenPackWithItsPosition(t *testing.T) {
	narration, err := os.ReadFile("../../content/narration.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The first caption's event kind, changed to one no demo emits.
	badNarration := regexp.MustCompile(`on: [a-z.]+`).ReplaceAllLiteralString(string(narration), "on: kv.teleport")
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"malformed YAML", map[string]string{"topology.yaml": "version: [1\n"}, `topology\.yaml:\d+:\d+: malformed YAML`},
		{"an unknown field", map[string]string{"facts.yaml": "version: 1\nfacts: []\nfictional: true\n"}, `facts\.yaml:3:1:`},
		{"a caption no demo can fire", map[string]string{"narration.yaml": badNarration}, `narration\.yaml:\d+:\d+: .*kv\.teleport`},
		{"no pack files at all", map[string]string{"notes.txt": "hello"}, "no content pack files here"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCapture(t, "content", "validate", writePack(t, c.files))
			if code != 2 {
				t.Fatalf("exit %d, want 2 (%s)", code, errs)
			}
			if !regexp.MustCompile(c.want).MatchString(errs) {
				t.Errorf("message %q does not match %s", errs, c.want)
			}
			if out != "" {
				t.Errorf("printed a summary for a broken pack:\n%s", out)
			}
		})
	}
	t.Run("a directory that does not exist", func(t *testing.T) {
		code, _, errs := runCapture(t, "content", "validate", filepath.Join(t.TempDir(), "nope"))
		if code != 2 || !strings.Contains(errs, "expected a directory") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
}
