package main

import (
	"bytes"
	"strings"
	"testing"
)

// The help fang prints, run through kvdo's filter: values named, columns
// lined up again, and no padding when the output is not a terminal.
func TestHelpNamesFlagValuesAndLeavesNoTrailingSpaces(t *testing.T) {
	var out bytes.Buffer
	h := &helpFilter{w: &out, placeholders: allPlaceholders(newRootCmd()), strip: true}
	in := "  FLAGS  \n" +
		"    --content    Use the content pack in DIR instead of the embedded one\n" +
		"    --force      Let -o replace an existing file\n" +
		"    -o --output  Write the record to FILE\n" +
		"   \n"
	if _, err := h.Write([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if err := h.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "  FLAGS\n" +
		"    --content DIR     Use the content pack in DIR instead of the embedded one\n" +
		"    --force           Let -o replace an existing file\n" +
		"    -o --output FILE  Write the record to FILE\n" +
		"\n"
	if out.String() != want {
		t.Errorf("filtered help:\n%q\nwant:\n%q", out.String(), want)
	}
}

func TestManPageNamesShortFlagsRightAndHasTheStandardSections(t *testing.T) {
	page := manPage(newRootCmd())
	for _, want := range []string{"-o --output FILE", "--content DIR", ".SH EXIT STATUS", ".SH EXAMPLES", ".SH ENVIRONMENT", "NO_COLOR"} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	if strings.Contains(page, "--o ") {
		t.Errorf("man page writes a short flag as --o")
	}
	// The root's long description is one paragraph per blank-line-separated
	// block, not one per line.
	if strings.Contains(page, "state live in Cloudflare Workers KV, in a Durable Object, or in a combination\n") {
		t.Errorf("man page keeps the long description's line breaks")
	}
}

func TestVersionOfABuildWithoutVCSStampIsNotEmpty(t *testing.T) {
	if v := buildVersion(); v == "" || v == "unknown" {
		t.Errorf("buildVersion() = %q; a go run or go test build should say devel or its module version", v)
	}
}
