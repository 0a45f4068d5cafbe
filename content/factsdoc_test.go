package content

import (
	"flag"
	"os"
	"testing"
)

var updateFacts = flag.Bool("update-facts", false, "rewrite docs/FACTS.md from content/facts.yaml")

// The repository ships its facts as a document, so that the README and a
// reader can cite them; it must say what facts.yaml says.
func TestFactsDocumentMatchesFactsYAML(t *testing.T) {
	p := mustLoad(t)
	want := p.FactsMarkdown()
	const path = "../docs/FACTS.md"
	if *updateFacts {
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go test ./content -run TestFactsDocument -args -update-facts", err)
	}
	if string(got) != want {
		t.Fatalf("docs/FACTS.md is out of date with content/facts.yaml: run go test ./content -run TestFactsDocument -args -update-facts")
	}
	for _, f := range p.Facts {
		if f.Source == "" || f.AsOf == "" {
			t.Errorf("fact %s lacks a source or a date", f.ID)
		}
	}
}
