package demos

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// handlerFiles maps each demo handler file to its code.
func handlerFiles() map[string]string {
	out := map[string]string{}
	for _, d := range All() {
		out[d.Source.File] = d.Source.Code
	}
	return out
}

func TestEveryHandlerFileHasAJavaScriptTwin(t *testing.T) {
	for _, d := range All() {
		tw, err := d.Twin()
		if err != nil {
			t.Fatalf("%s: %v", d.ID, err)
		}
		if len(tw.Steps()) == 0 {
			t.Errorf("%s: %s and %s name no steps", d.ID, tw.GoFile, tw.File)
		}
	}
	files := handlerFiles()
	for _, f := range TwinFiles() {
		if _, ok := files[strings.TrimSuffix(f, ".js")+".go"]; !ok {
			t.Errorf("demos/js/%s is the twin of no demo's handler file", f)
		}
	}
}

// A step named on one side only is a Go line with no JavaScript twin
// line, or the other way round.
func TestEveryStepHasAGoLineAndAJavaScriptLine(t *testing.T) {
	for file, code := range handlerFiles() {
		tw, err := NewTwin(file, code)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range tw.Unpaired() {
			t.Errorf("step named on one side only: %s", u)
		}
	}
}

// Every event a run produces at a handler line leads to the JavaScript
// line with the same step, and back.
func TestEveryTraceSiteHasAJavaScriptTwinLine(t *testing.T) {
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		tw, err := d.Twin()
		if err != nil {
			t.Fatal(err)
		}
		js := strings.Split(tw.Code, "\n")
		for seed := uint64(1); seed <= 5; seed++ {
			for _, ev := range run(t, d.ID, variant, seed, nil).Trace {
				if ev.Site == "" {
					continue
				}
				n, ok := tw.JSLine(ev.Site)
				if !ok {
					step, named := tw.Step(ev.Site)
					t.Fatalf("seed %d: event %d (%s) at %s (step %q, named %v) has no line in %s", seed, ev.Seq, ev.Kind, ev.Site, step, named, tw.File)
				}
				if n < 1 || n > len(js) || strings.TrimSpace(js[n-1]) == "" {
					t.Fatalf("%s leads to line %d of %s, which is not code", ev.Site, n, tw.File)
				}
				if back, _ := tw.GoSite(n); back != ev.Site {
					t.Fatalf("%s leads to %s:%d, which leads back to %q", ev.Site, tw.File, n, back)
				}
			}
		}
	})
}

// Runs cover the lines that run; this covers the others (an error path, a
// retry): every call in a handler file to an edge method that causes a
// trace event carries a step. Which methods cause events is learnt from
// the traces themselves, so the list needs no upkeep: the outermost edge
// method call on each line some event names as its Site.
func TestEveryLineThatCanCauseAnEventCarriesAStep(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	if _, err := conf.Check("github.com/kvdo/kvdo/demos", fset, files, info); err != nil {
		t.Fatal(err)
	}

	// edgeCalls lists, per "file:line", the edge methods called on that
	// line, outermost first.
	edgeCalls := map[string][]*types.Func{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			fn, ok := info.Uses[sel.Sel].(*types.Func)
			if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "github.com/kvdo/kvdo/edge" || fn.Signature().Recv() == nil {
				return true
			}
			// The line of the method name: a chained call's other links
			// may start on earlier lines.
			p := fset.Position(sel.Sel.Pos())
			site := filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line)
			edgeCalls[site] = append(edgeCalls[site], fn)
			return true
		})
	}

	emitting := map[*types.Func]bool{}
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		for _, ev := range run(t, d.ID, variant, 1, nil).Trace {
			if calls := edgeCalls[ev.Site]; len(calls) > 0 {
				emitting[calls[0]] = true
			}
		}
	})
	if len(emitting) == 0 {
		t.Fatal("no event's site is an edge method call: nothing to check")
	}
	for file, code := range handlerFiles() {
		tw, err := NewTwin(file, code)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(code, "\n")
		for site, calls := range edgeCalls {
			if !strings.HasPrefix(site, file+":") {
				continue
			}
			if !slices.ContainsFunc(calls, func(f *types.Func) bool { return emitting[f] }) {
				continue
			}
			if _, ok := tw.Step(site); !ok {
				n, _ := strconv.Atoi(strings.TrimPrefix(site, file+":"))
				t.Errorf("%s calls %s, which causes trace events, but names no step: %q", site, calls[0].Name(), strings.TrimSpace(lines[n-1]))
			}
		}
	}
}

func TestStepMarkersAreParsedAndChecked(t *testing.T) {
	byName, byLine, err := steps("x.go", "a()\nb() // step: read-count\n  c() //step:write-count2 trailing words\n")
	if err != nil {
		t.Fatal(err)
	}
	if byName["read-count"] != 2 || byName["write-count2"] != 3 || byLine[2] != "read-count" || len(byName) != 2 {
		t.Fatalf("got %v %v", byName, byLine)
	}
	if _, _, err := steps("x.js", "a() // step: same\nb() // step: same\n"); err == nil || !strings.Contains(err.Error(), "x.js:2") {
		t.Fatalf("a step named twice: got %v, want an error at x.js:2", err)
	}
}
