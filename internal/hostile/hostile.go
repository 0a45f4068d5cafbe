// Package hostile reads kvdo's hostile-input corpus, testdata/hostile:
// content packs and answers files that must be refused with a position
// (or, for a few, accepted and shown safely), and the generated ones too
// big or too binary to keep as files. It is used by tests only: the
// content loader's tests check each message, cmd/kvdo's run every command
// and format on each.
package hostile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Pack is one hostile content pack: the files that differ from the
// embedded pack, and what the refusal must say.
type Pack struct {
	Name  string
	Files map[string][]byte
	Want  string
}

// Dir writes the pack's files into a new directory under parent and
// returns it, for the commands' --content.
func (p Pack) Dir(parent string) (string, error) {
	dir := filepath.Join(parent, p.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for name, data := range p.Files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

type manifest struct {
	Packs []struct {
		Name  string `yaml:"name"`
		Edits []struct {
			File string `yaml:"file"`
			From string `yaml:"from"`
			To   string `yaml:"to"`
		} `yaml:"edits"`
		Generate string `yaml:"generate"`
		Want     string `yaml:"want"`
	} `yaml:"packs"`
}

// Packs reads testdata/hostile/packs.yaml under the repository root and
// applies each case's edits to the embedded pack's files (root/content).
// An edit that matches nothing is an error, so a stale case cannot pass
// by testing the untouched file.
func Packs(root string) ([]Pack, error) {
	b, err := os.ReadFile(filepath.Join(root, "testdata", "hostile", "packs.yaml"))
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("packs.yaml: %w", err)
	}
	read := func(file string) ([]byte, error) { return os.ReadFile(filepath.Join(root, "content", file)) }
	var out []Pack
	for _, c := range m.Packs {
		p := Pack{Name: c.Name, Files: map[string][]byte{}, Want: c.Want}
		for _, e := range c.Edits {
			data, ok := p.Files[e.File]
			if !ok {
				if data, err = read(e.File); err != nil {
					return nil, err
				}
			}
			edited := bytes.Replace(data, []byte(e.From), []byte(e.To), 1)
			if bytes.Equal(edited, data) {
				return nil, fmt.Errorf("packs.yaml: %s: %q is not in %s", c.Name, e.From, e.File)
			}
			p.Files[e.File] = edited
		}
		if c.Generate != "" {
			gen, ok := generators[c.Generate]
			if !ok {
				return nil, fmt.Errorf("packs.yaml: %s: no generator %q", c.Name, c.Generate)
			}
			file, data, err := gen(read)
			if err != nil {
				return nil, fmt.Errorf("packs.yaml: %s: %w", c.Name, err)
			}
			p.Files[file] = data
		}
		out = append(out, p)
	}
	return out, nil
}

// generators make the packs too big or too binary to write as edits.
var generators = map[string]func(read func(string) ([]byte, error)) (string, []byte, error){
	"long-option-summary": func(read func(string) ([]byte, error)) (string, []byte, error) {
		return edit(read, "options.yaml", `summary: "Global key-value reads`, `summary: "`+strings.Repeat("x", 70000)+`"
    x: "`)
	},
	"pops-501":   func(read func(string) ([]byte, error)) (string, []byte, error) { return morePoPs(read, 501) },
	"pops-20000": func(read func(string) ([]byte, error)) (string, []byte, error) { return morePoPs(read, 20000) },
	"big-rules-file": func(read func(string) ([]byte, error)) (string, []byte, error) {
		data, err := read("rules.yaml")
		if err != nil {
			return "", nil, err
		}
		pad := []byte("# padding\n")
		for len(data) < 2<<20 {
			data = append(data, pad...)
		}
		return "rules.yaml", data[:2<<20], nil
	},
	"invalid-utf8-glossary": func(read func(string) ([]byte, error)) (string, []byte, error) {
		return edit(read, "glossary.yaml", `definition: "`, "definition: \"\xff")
	},
}

func edit(read func(string) ([]byte, error), file, from, to string) (string, []byte, error) {
	data, err := read(file)
	if err != nil {
		return "", nil, err
	}
	out := bytes.Replace(data, []byte(from), []byte(to), 1)
	if bytes.Equal(out, data) {
		return "", nil, fmt.Errorf("%q is not in %s", from, file)
	}
	return file, out, nil
}

// morePoPs is the embedded topology with PoPs added up to n in all, each
// with a code of its own while three capital letters last (17,576).
func morePoPs(read func(string) ([]byte, error), n int) (string, []byte, error) {
	data, err := read("topology.yaml")
	if err != nil {
		return "", nil, err
	}
	have := bytes.Count(data, []byte("\n  - {code: "))
	// rtt_measurements may follow the pops list: the PoPs go in right
	// after the last one.
	last := bytes.LastIndex(data, []byte("\n  - {code: "))
	end := last + 1 + bytes.IndexByte(data[last+1:], '\n')
	var extra bytes.Buffer
	for i, code := 0, 0; i < n-have; code++ {
		c := fmt.Sprintf("%c%c%c", 'A'+code/676%26, 'A'+code/26%26, 'A'+code%26)
		if code >= 26*26*26 {
			c = fmt.Sprintf("X%d", code)
		}
		if bytes.Contains(data, []byte("{code: "+c+",")) {
			continue
		}
		fmt.Fprintf(&extra, "  - {code: %s, city: Town %d, country: ZZ, region: weur, lat: %.2f, lon: %.2f, tier: LHR, do_host: false}\n",
			c, i, float64(i%180)-89.5, float64(i%360)-179.5)
		i++
	}
	out := append([]byte{}, data[:end+1]...)
	out = append(out, extra.Bytes()...)
	out = append(out, data[end+1:]...)
	return "topology.yaml", out, nil
}

// Answers is one hostile answers file: its bytes, the exit code kvdo must
// give (2, or 0 for a file that is valid but carries text a terminal must
// not act on) and what the message must say.
type Answers struct {
	Name string
	Data []byte
	Exit int
	Want string
}

// AnswersFiles reads testdata/hostile/answers/*.yaml (each opens with a
// "# want: TEXT" line, or "# want: ok" for one that must be accepted) and
// adds the generated ones.
func AnswersFiles(root string) ([]Answers, error) {
	files, err := filepath.Glob(filepath.Join(root, "testdata", "hostile", "answers", "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []Answers
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		first, _, _ := bytes.Cut(data, []byte("\n"))
		want, ok := strings.CutPrefix(string(first), "# want: ")
		if !ok {
			return nil, fmt.Errorf("%s: expected a first line # want: TEXT", f)
		}
		a := Answers{Name: strings.TrimSuffix(filepath.Base(f), ".yaml"), Data: data, Exit: 2, Want: want}
		if want == "ok" {
			a.Exit, a.Want = 0, ""
		}
		out = append(out, a)
	}
	return append(out, generatedAnswers()...), nil
}

// validItem is a complete item's answers, for files whose trouble is
// elsewhere.
const validItem = `{read_your_writes: false, concurrent_writers: false, atomic_update: false, staleness_tolerance_s: 60, reads_per_s: 10, writes_per_s_per_key: 0.01, value_bytes: 100, reader_regions: one}`

func generatedAnswers() []Answers {
	items := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("version: 1\nitems:\n")
		for i := range n {
			fmt.Fprintf(&b, "  - name: item-%d\n    answers: %s\n", i, validItem)
		}
		return b.Bytes()
	}
	deep := func(n int) []byte {
		return []byte("version: 1\nitems: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n")
	}
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*7919 + i/13)
	}
	return []Answers{
		{Name: "items-201", Data: items(201), Exit: 2, Want: "3:3: items: 201 items: expected at most 200"},
		{Name: "items-20000", Data: items(20000), Exit: 2, Want: "expected a file of at most 1 MiB (kvdo's limit)"},
		{Name: "string-10MB", Data: []byte("version: 1\ntitle: \"" + strings.Repeat("a", 10<<20) + "\"\nitems: []\n"), Exit: 2, Want: "expected a file of at most 1 MiB"},
		{Name: "title-too-long", Data: []byte("version: 1\ntitle: \"" + strings.Repeat("a", 5000) + "\"\nitems:\n  - name: x\n    answers: " + validItem + "\n"), Exit: 2, Want: "2:8: title: 5000 characters: expected at most 200 (kvdo's limit)"},
		{Name: "nesting-10001", Data: deep(10001), Exit: 2, Want: ":"},
		{Name: "binary-junk", Data: junk, Exit: 2, Want: ":"},
		{Name: "invalid-utf8-in-name", Data: []byte("version: 1\nitems:\n  - name: ab\xffc\n    answers: " + validItem + "\n"), Exit: 2, Want: "3:13: invalid UTF-8 (byte 0xff)"},
	}
}
