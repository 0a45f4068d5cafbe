package player

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
)

// Minimum size of the full layout; below it the player says what it needs.
const (
	minW = 40
	minH = 12
)

// View draws one frame: exactly h lines of exactly w cells.
func (p Player) View() string {
	w, h := p.w, p.h
	if w <= 0 || h <= 0 {
		return ""
	}
	if w < minW || h < minH {
		return p.tooSmall()
	}
	if p.edit != nil {
		return p.overlay(p.edit.form.View())
	}
	if p.tr == nil {
		msg := "running " + p.cfg.Demo.ID + "…"
		if p.errText != "" {
			msg = p.errText
		}
		return p.overlay(p.styles.Text.Render(msg))
	}
	if p.showInfo {
		return p.overlay(p.infoBox())
	}
	return joinLines(p.frame())
}

func (p Player) tooSmall() string {
	msg := wrap("the player needs at least "+strconv.Itoa(minW)+"x"+strconv.Itoa(minH)+
		" (this window is "+strconv.Itoa(p.w)+"x"+strconv.Itoa(p.h)+"); q quits", p.w)
	out := make([]line, p.h)
	for i := range out {
		if i < len(msg) {
			p.paint.span(&out[i], rText, fit(msg[i], p.w))
		}
		out[i].pad(p.w)
	}
	return joinLines(out)
}

func joinLines(ls []line) string {
	n := 0
	for _, l := range ls {
		n += len(l.s) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for i, l := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.Write(l.s)
	}
	return b.String()
}

// hjoin puts panels side by side with a one-cell gutter; every panel has
// the same number of lines, each padded to its width.
func (v *frameCtx) hjoin(gutter role, parts ...[]line) []line {
	if len(parts) == 0 {
		return nil
	}
	out := make([]line, len(parts[0]))
	for y := range out {
		for i, part := range parts {
			if i > 0 {
				v.p.span(&out[y], gutter, "│")
			}
			out[y].s = append(out[y].s, part[y].s...)
			out[y].w += part[y].w
		}
	}
	return out
}

// frame lays out the normal, big-caption and compare screens.
func (p Player) frame() []line {
	v := &frameCtx{tr: p.tr, c: p.c, p: p.paint, noMotion: p.cfg.NoMotion}
	w, h := p.w, p.h
	out := []line{p.header(w)}
	tlH := 1 + len(p.tr.runs)
	bottom := tlH + 1 // timeline, verdict

	if len(p.tr.runs) == 2 {
		// Both runs get the same width, so their maps are drawn alike;
		// an odd cell left over pads the right.
		colW := (w - 1) / 2
		colW2 := colW
		capH := 3
		metH := min(p.maxMetrics(), 5)
		if h < 30 {
			metH = min(metH, 3)
		}
		bodyH := h - 1 - 1 - capH - metH - bottom
		if bodyH < 3 {
			metH, capH = 1, 2
			bodyH = h - 1 - 1 - capH - metH - bottom
		}
		titles := []line{{}, {}}
		for i := range 2 {
			r := p.tr.runs[i]
			label := []string{"A ", "B "}[i] + r.res.Variant + " · " + r.res.Mode
			if r.res.Seed != p.tr.runs[0].res.Seed || i == 0 && r.res.Seed != p.tr.runs[1].res.Seed {
				label += " · seed " + strconv.FormatUint(r.res.Seed, 10)
			}
			if len(r.res.Params) > 0 && p.paramsDiffer() {
				label += " · " + paramsText(r)
			}
			v.p.span(&titles[i], rTitle, fit(label, []int{colW, colW2}[i]))
		}
		titles[0].pad(colW)
		titles[1].pad(colW2)
		out = append(out, v.hjoin(rBorder, titles[:1], titles[1:])...)
		out = append(out, v.hjoin(rBorder, p.stage(v, 0, colW, bodyH), p.stage(v, 1, colW2, bodyH))...)
		out = append(out, v.hjoin(rBorder, v.renderCaption(0, colW, capH, p.big), v.renderCaption(1, colW2, capH, p.big))...)
		out = append(out, v.hjoin(rBorder, v.renderMetrics(0, colW, metH, false), v.renderMetrics(1, colW2, metH, false))...)
		out = append(out, v.renderTimeline(w)...)
		if st, ok := p.statusLine(w); ok {
			out = append(out, st)
		} else {
			out = append(out, v.hjoin(rBorder, []line{v.verdictLine(0, colW)}, []line{v.verdictLine(1, colW2)})...)
		}
		for i := range out {
			out[i].pad(w)
		}
		return out
	}

	side := w >= 70 && !p.big
	capH := 3
	if h >= 30 {
		capH = 4
	}
	if p.big {
		capH = max(h*2/5, 5)
	}
	strip := 0
	if !side {
		strip = 1
	}
	bodyH := h - 1 - capH - strip - bottom
	if bodyH < 3 {
		capH = 2
		bodyH = h - 1 - capH - strip - bottom
	}
	if side {
		sideW := min(max(w*3/10, 28), 48)
		stageW := w - sideW - 1
		metH := min(len(p.tr.runs[0].res.Metrics)+1, bodyH/2)
		sidePanel := make([]line, 0, bodyH)
		sidePanel = append(sidePanel, v.renderCode(0, sideW, bodyH-metH)...)
		sidePanel = append(sidePanel, v.renderMetrics(0, sideW, metH, true)...)
		out = append(out, v.hjoin(rBorder, p.stage(v, 0, stageW, bodyH), sidePanel)...)
	} else {
		out = append(out, p.stage(v, 0, w, bodyH)...)
	}
	out = append(out, v.renderCaption(0, w, capH, p.big)...)
	if strip > 0 {
		out = append(out, v.renderMetricStrip(0, w))
	}
	out = append(out, v.renderTimeline(w)...)
	if st, ok := p.statusLine(w); ok {
		return append(out, st)
	}
	return append(out, v.verdictLine(0, w))
}

// stage draws the map or the lanes of run ri with the event line under it.
func (p Player) stage(v *frameCtx, ri, w, h int) []line {
	if h <= 0 {
		return nil
	}
	if !p.lanes {
		return v.renderMap(ri, w, h)
	}
	return append(v.renderLanes(ri, w, h-1), v.eventLine(ri, w))
}

// eventLine tells the latest event of run ri in its typed fields.
func (v *frameCtx) eventLine(ri, w int) line {
	var b line
	r := v.tr.runs[ri]
	n := v.tr.n(ri, v.c)
	if n == 0 {
		v.p.span(&b, rDim, fit("▸ space plays, → steps one event, ⇧→ one caption", w))
	} else {
		ev := r.trace()[n-1]
		v.p.span(&b, rAccent, "▸ ")
		v.p.span(&b, rDim, fit(clock(ev.At)+" "+eventLine(ev), w-2))
	}
	b.pad(w)
	return b
}

func (p Player) header(w int) line {
	var b line
	r := p.tr.runs[0]
	state := "⏸"
	if p.playing {
		state = "▶"
	}
	view := "map"
	if p.lanes {
		view = "lanes"
	}
	var right string
	if len(p.tr.runs) == 2 {
		right = "compare · " + view + " · " + state + " " + speedText(speeds[p.speed])
	} else {
		right = r.res.Variant + " · " + r.res.Mode + " · seed " + strconv.FormatUint(r.res.Seed, 10) +
			" · " + view + " · " + state + " " + speedText(speeds[p.speed])
	}
	rightW := textWidth(right)
	left := r.res.Demo + " · " + r.res.Title
	if rightW+4 > w {
		right, rightW = fit(right, w), min(textWidth(right), w)
		left = ""
	}
	p.paint.span(&b, rTitle, fit(left, w-rightW-1))
	b.pad(w - rightW)
	p.paint.span(&b, rHeader, right)
	b.pad(w)
	return b
}

// statusLine is the seek prompt, an error or a passing message when there
// is one: they take the verdict's line until the next key.
func (p Player) statusLine(w int) (line, bool) {
	var b line
	switch {
	case p.seeking:
		s := p.seek.View()
		b.s = append(b.s, s...)
		b.w = lipgloss.Width(s)
	case p.errText != "":
		p.paint.span(&b, rError, fit(p.errText, w))
	case p.running:
		p.paint.span(&b, rStatus, fit("running…", w))
	case p.status != "":
		p.paint.span(&b, rStatus, fit(p.status, w))
	default:
		return b, false
	}
	b.pad(w)
	return b, true
}

func (p Player) maxMetrics() int {
	n := 0
	for _, r := range p.tr.runs {
		n = max(n, len(r.res.Metrics))
	}
	return n
}

// paramsDiffer reports whether the compared runs differ in parameters.
func (p Player) paramsDiffer() bool {
	return paramsText(p.tr.runs[0]) != paramsText(p.tr.runs[1])
}

func paramsText(r *run) string {
	var ps []string
	for _, x := range r.res.Params {
		ps = append(ps, x.Name+"="+x.Value)
	}
	return strings.Join(ps, " ")
}

// overlay shows a box in the middle of the screen, under the header.
func (p Player) overlay(content string) string {
	w, h := p.w, p.h
	box := p.styles.Theme.Dialog.Padding(0, 1).MaxWidth(w).Render(content)
	body := lipgloss.Place(w, h-1, lipgloss.Center, lipgloss.Center, box)
	var top line
	if p.tr != nil {
		top = p.header(w)
	} else {
		p.paint.span(&top, rTitle, fit(p.cfg.Demo.ID+" · "+p.cfg.Demo.Title, w))
		top.pad(w)
	}
	lines := strings.Split(body, "\n")
	if len(lines) > h-1 {
		lines = lines[:h-1]
	}
	return string(top.s) + "\n" + strings.Join(lines, "\n")
}

// infoBox explains the verdict: what linearizable means (from the content
// glossary), what porcupine found in this run, and the operations that
// prove it.
func (p Player) infoBox() string {
	inner := min(p.w-6, 90)
	s := p.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("the verdict") + "\n\n")
	def := ""
	for _, t := range p.cfg.Glossary {
		if strings.EqualFold(t.Term, "linearizability") || strings.EqualFold(t.Term, "linearizable") {
			def = t.Definition
		}
	}
	if def != "" {
		b.WriteString(strings.Join(wrap(def, inner), "\n") + "\n")
	}
	for _, r := range p.tr.runs {
		vd := r.res.Verdict
		b.WriteString("\n" + s.Header.Render(r.res.Variant) + "  ")
		if vd.Model == "" {
			b.WriteString(s.Dim.Render("no history checked") + "\n")
			continue
		}
		if vd.Linearizable {
			b.WriteString(s.VerdictOK.Render("linearizable"))
		} else {
			b.WriteString(s.VerdictBad.Render("NOT linearizable"))
		}
		b.WriteString(s.Dim.Render(" · porcupine checked "+plural(vd.Checked, "operation")+" as a "+vd.Model) + "\n")
		if vd.Explanation != "" {
			b.WriteString(strings.Join(wrap(vd.Explanation, inner), "\n") + "\n")
		}
		for _, op := range vd.Witness {
			b.WriteString(s.Dim.Render(fit("  "+op.String(), inner)) + "\n")
		}
	}
	b.WriteString("\n" + s.Dim.Render("any key closes this"))
	return b.String()
}
