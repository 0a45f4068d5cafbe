package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Statuses are the MADR statuses a record may be given (--status);
// "superseded by ..." is set by Supersede, not chosen.
var Statuses = []string{"proposed", "accepted", "rejected", "deprecated"}

// recordTitle matches a record's H1, numbered as adr-tools numbers it
// ("# 4. Title") or not.
var recordTitle = regexp.MustCompile(`(?m)^# (?:(\d+)\. )?(.+)$`)

// RecordTitle reads a decision record's number and title from its first
// H1: "# 4. session-flag: Workers KV" gives 4 and "session-flag: Workers
// KV". ok is false when the record has no H1.
func RecordTitle(record []byte) (n int, title string, ok bool) {
	m := recordTitle.FindSubmatch(record)
	if m == nil {
		return 0, "", false
	}
	n, _ = strconv.Atoi(string(m[1]))
	return n, strings.TrimSpace(string(m[2])), true
}

// frontStatus is the status line of MADR front matter.
var frontStatus = regexp.MustCompile(`(?m)\A(---\n(?:.*\n)*?)status: .*\n`)

// adrToolsStatus is the Status section adr-tools writes ("## Status" and
// its paragraph).
var adrToolsStatus = regexp.MustCompile(`(?m)^## Status\n\n(?:.+\n)+`)

// Supersede rewrites an existing record so it points at the record that
// replaces it, as adr-tools does: a MADR record's front matter status
// becomes "superseded by ADR-NNNN" and a link follows its title; an
// adr-tools record's Status section becomes the link. by names the new
// record (its File relative to the old one's directory). A record of
// neither shape is an error: kvdo will not guess where to write.
func Supersede(old []byte, by Link) ([]byte, error) {
	link := fmt.Sprintf("Superseded by [%d. %s](%s).", by.Number, by.Title, linkTarget(by.File))
	switch {
	case frontStatus.Match(old):
		out := frontStatus.ReplaceAll(old, []byte(fmt.Sprintf("${1}status: superseded by ADR-%04d\n", by.Number)))
		loc := recordTitle.FindIndex(out)
		if loc == nil {
			return nil, fmt.Errorf("no title (# ...) to put the link under")
		}
		var b bytes.Buffer
		b.Write(out[:loc[1]])
		b.WriteString("\n\n" + link)
		b.Write(out[loc[1]:])
		return b.Bytes(), nil
	case adrToolsStatus.Match(old):
		return adrToolsStatus.ReplaceAll(old, []byte("## Status\n\n"+strings.ReplaceAll(link, "$", "$$")+"\n")), nil
	}
	return nil, fmt.Errorf("neither MADR front matter (status: ...) nor an adr-tools Status section")
}

// IsSuperseded reports whether a record says it has been superseded.
func IsSuperseded(record []byte) bool {
	return bytes.Contains(record, []byte("status: superseded")) || bytes.Contains(record, []byte("\nSuperseded by ["))
}
