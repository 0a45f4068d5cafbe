package highlight

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"gopkg.in/yaml.v3"
)

// samples gathers the code kvdo highlights: the demos' Go handlers and
// their JavaScript twins, the advisor's TypeScript sketches (in
// content/options.yaml) and YAML (the content pack itself).
func samples(t *testing.T) map[string][]string {
	t.Helper()
	read := func(glob string) []string {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no files match %s (%v)", glob, err)
		}
		var out []string
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
		return out
	}
	var sketches []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 1 && n.Content[i-1].Value == "code" && c.Kind == yaml.ScalarNode {
				sketches = append(sketches, c.Value)
			}
			walk(c)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(read("../../content/options.yaml")[0]), &doc); err != nil {
		t.Fatal(err)
	}
	walk(&doc)
	if len(sketches) == 0 {
		t.Fatal("no code sketches found in content/options.yaml")
	}
	return map[string][]string{
		"go":         append(read("../../demos/*_worker.go"), "x := `raw {{ .Field }} string`\n"),
		"javascript": read("../../demos/js/*.js"),
		"typescript": sketches,
		"yaml":       read("../../content/*.yaml"),
	}
}

func tokens(t *testing.T, l chroma.Lexer, src string) []chroma.Token {
	t.Helper()
	it, err := chroma.Coalesce(l).Tokenise(nil, src)
	if err != nil {
		t.Fatal(err)
	}
	return it.Tokens()
}

// The lexers held here are chroma's own: every sample tokenises exactly
// as through chroma's global registry (which the tests may load).
func TestLexersTokeniseAsChromasOwn(t *testing.T) {
	for lang, srcs := range samples(t) {
		t.Run(lang, func(t *testing.T) {
			ours, theirs := Lexer(lang), lexers.Get(lang)
			if ours == nil || theirs == nil {
				t.Fatalf("no lexer for %q: ours %v, chroma's %v", lang, ours, theirs)
			}
			for i, src := range srcs {
				got, want := tokens(t, ours, src), tokens(t, theirs, src)
				if !slices.Equal(got, want) {
					t.Errorf("sample %d: %d tokens, chroma's lexer gives %d", i, len(got), len(want))
				}
			}
		})
	}
}

// A fence names a language as chroma's registry would find it: by name,
// alias or file name, in any case; anything else is nil (shown plain).
func TestLexerFindsLanguagesByNameAliasAndFileName(t *testing.T) {
	for name, want := range map[string]string{
		"go": "Go", "golang": "Go", "Go": "Go", "main.go": "Go",
		"js": "JavaScript", "javascript": "JavaScript", "JavaScript": "JavaScript", "worker.mjs": "JavaScript",
		"ts": "TypeScript", "typescript": "TypeScript", "tsx": "TypeScript",
		"yaml": "YAML", "yml": "YAML", "go-text-template": "Go Text Template",
	} {
		l := Lexer(name)
		if l == nil {
			t.Errorf("Lexer(%q) = nil, want %s", name, want)
			continue
		}
		if got := l.Config().Name; got != want {
			t.Errorf("Lexer(%q) is %s, want %s", name, got, want)
		}
		if theirs := lexers.Get(name); theirs == nil || theirs.Config().Name != want {
			t.Errorf("chroma's registry finds %v for %q, not %s", theirs, name, want)
		}
	}
	for _, name := range []string{"", " ", "python", "rust", "text"} {
		if l := Lexer(name); l != nil {
			t.Errorf("Lexer(%q) = %s, want nil", name, l.Config().Name)
		}
	}
	if got := Languages(); len(got) != 5 {
		t.Errorf("Languages() = %v, want the five lexers held here", got)
	}
}
