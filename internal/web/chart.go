package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/service"
)

// chart is one figure on the dashboard: an SVG drawing for those who can
// see it and the same numbers as a table for those who cannot.
type chart struct {
	ID, Title, Summary string
	SVG                template.HTML
	Head               []string
	Rows               [][]string
}

type dashView struct {
	D      *service.Dashboard
	Charts []chart
}

// series is one coloured set of bars.
type series struct {
	Name   string
	Values []float64
}

// Colours from the GOV.UK palette with at least 3:1 contrast on white.
var palette = []string{"#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#505a5f", "#912b88", "#28a197"}

// bars draws grouped vertical bars: one group per label, one bar per series.
func bars(title string, labels []string, ss []series, unit string) template.HTML {
	return barsUpTo(title, labels, ss, unit, 0)
}

// barsUpTo is bars with the axis running to at least atLeast (a share's 100%),
// so small values are not drawn as if they filled the chart.
func barsUpTo(title string, labels []string, ss []series, unit string, atLeast float64) template.HTML {
	const w, h, left, bottom, top = 720.0, 260.0, 48.0, 48.0, 16.0
	max := atLeast
	for _, s := range ss {
		for _, v := range s.Values {
			if v > max {
				max = v
			}
		}
	}
	step, ticks := axisTicks(max)
	max = step * float64(ticks)
	var b strings.Builder
	fmt.Fprintf(
		&b,
		`<svg class="hf-chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		w,
		h+float64(16*len(ss)),
		html.EscapeString(title),
	)
	plotW, plotH := w-left-8, h-bottom-top
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#0b0c0c"/>`, left, top+plotH, w-8, top+plotH)
	for i := 0; i <= ticks; i++ {
		v := step * float64(i)
		y := top + plotH - plotH*float64(i)/float64(ticks)
		fmt.Fprintf(
			&b,
			`<text x="%.0f" y="%.1f" font-size="11" text-anchor="end" fill="#0b0c0c">%s</text>`,
			left-4,
			y+4,
			html.EscapeString(num(v)+unit),
		)
		if i > 0 {
			fmt.Fprintf(
				&b,
				`<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#b1b4b6" stroke-dasharray="2,3"/>`,
				left,
				y,
				w-8,
				y,
			)
		}
	}
	group := plotW / float64(max1(len(labels)))
	bw := group * 0.8 / float64(max1(len(ss)))
	for i, l := range labels {
		x0 := left + group*float64(i) + group*0.1
		for j, s := range ss {
			if i >= len(s.Values) {
				continue
			}
			bh := plotH * s.Values[i] / max
			fmt.Fprintf(
				&b,
				`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %s</title></rect>`,
				x0+bw*float64(
					j,
				),
				top+plotH-bh,
				bw,
				bh,
				palette[j%len(palette)],
				html.EscapeString(s.Name),
				html.EscapeString(l),
				html.EscapeString(num(s.Values[i])+unit),
			)
		}
		if len(labels) <= 12 || i%2 == 0 {
			fmt.Fprintf(
				&b,
				`<text x="%.1f" y="%.0f" font-size="11" text-anchor="middle" fill="#0b0c0c">%s</text>`,
				x0+group*0.4,
				top+plotH+16,
				html.EscapeString(l),
			)
		}
	}
	for j, s := range ss {
		y := h + float64(16*j)
		fmt.Fprintf(
			&b,
			`<rect x="%.0f" y="%.0f" width="12" height="12" fill="%s"/><text x="%.0f" y="%.0f" font-size="12" fill="#0b0c0c">%s</text>`,
			left,
			y-10,
			palette[j%len(palette)],
			left+18,
			y,
			html.EscapeString(s.Name),
		)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it was escaped above
}

// hbars draws one horizontal bar per label, the label written in full
// above its bar: for labels too long to stand under a column (an
// outcome's title).
func hbars(title string, labels []string, values []float64, unit string) template.HTML {
	const w, left, right, row = 720.0, 8.0, 56.0, 36.0
	max := 1.0
	for _, v := range values {
		if v > max {
			max = v
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="hf-chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		w, row*float64(len(labels))+8, html.EscapeString(title))
	for i, l := range labels {
		y := row * float64(i)
		v := 0.0
		if i < len(values) {
			v = values[i]
		}
		bw := (w - left - right) * v / max
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="12" fill="#0b0c0c">%s</text>`, left, y+14,
			html.EscapeString(l))
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.1f" height="12" fill="%s"><title>%s: %s</title></rect>`,
			left, y+19, bw, palette[0], html.EscapeString(l), html.EscapeString(num(v)+unit))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="12" fill="#0b0c0c">%s</text>`, left+bw+6, y+30,
			html.EscapeString(num(v)+unit))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it was escaped above
}

// outcomeWords is a dashboard count's label, "14 Evidential difficulties:
// …", as the pages name an outcome: "Outcome 14: Evidential difficulties: …".
func outcomeWords(label string) string {
	code, title, _ := strings.Cut(label, " ")
	if title == "" {
		return "Outcome " + code
	}
	return "Outcome " + code + ": " + title
}

// axisTicks spaces a value axis running to at least max: a whole-number
// step (1, 2 or 5 times a power of ten, or 25, 250, …) and how many steps
// reach max, about four. Counts are whole, so a tick at "0.5" or "1.3"
// would mark a value nobody can have.
func axisTicks(max float64) (step float64, ticks int) {
	// NaN, an infinity or a value past whole-number precision has no
	// whole step: the search below would never end.
	if !(max > 0) || max > 1<<53 {
		return 1, 1
	}
	for p := 1.0; step == 0; p *= 10 {
		for _, s := range []float64{p, 2 * p, 2.5 * p, 5 * p} {
			if s == float64(int64(s)) && s >= max/4 {
				step = s
				break
			}
		}
	}
	ticks = int(math.Ceil(max/step - 1e-9))
	return step, ticks
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

func num(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func ints(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

func dashboardView(d *service.Dashboard) dashView {
	v := dashView{D: d}
	months := make([]string, len(d.Months)) // "Mar 2026", not "2026-03"
	for i, m := range d.Months {
		months[i] = monthLabel(m)
	}

	// Overdue duties by team over time.
	var ss []series
	head := append([]string{"Team"}, months...)
	var rows [][]string
	for i, t := range d.Teams {
		ss = append(ss, series{t, ints(d.OverdueByTeam[i])})
		row := []string{t}
		for _, n := range d.OverdueByTeam[i] {
			row = append(row, strconv.Itoa(n))
		}
		rows = append(rows, row)
	}
	v.Charts = append(
		v.Charts,
		chart{
			ID:      "overdue",
			Title:   "Overdue duties by team, at each month end",
			Summary: "Duties past their due time and still open at the end of each month.",
			SVG:     bars("Overdue duties by team", months, ss, ""),
			Head:    head,
			Rows:    rows,
		},
	)

	// Duties met on time.
	pct := make([]float64, len(d.Months))
	rows = nil
	for m := range d.Months {
		if d.OnTimeTotal[m] > 0 {
			pct[m] = float64(int(1000*float64(d.OnTimeMet[m])/float64(d.OnTimeTotal[m]))) / 10
		}
		rows = append(
			rows,
			[]string{months[m], strconv.Itoa(d.OnTimeMet[m]), strconv.Itoa(d.OnTimeTotal[m]), num(pct[m]) + "%"},
		)
	}
	v.Charts = append(
		v.Charts,
		chart{
			ID:      "ontime",
			Title:   "Duties met on time",
			Summary: "Of the duties met each month, the share met by their due time.",
			SVG: bars(
				"Duties met on time, per cent",
				months,
				[]series{{"met on time", pct}},
				"%",
			),
			Head: []string{"Month", "Met on time", "Met", "Per cent"},
			Rows: rows,
		},
	)

	// Time to first victim contact.
	rows = nil
	for i, l := range d.FirstContactLabels {
		rows = append(rows, []string{l, strconv.Itoa(d.FirstContact[i])})
	}
	rows = append(rows, []string{"never contacted", strconv.Itoa(d.NeverContacted)})
	v.Charts = append(
		v.Charts,
		chart{
			ID:      "contact",
			Title:   "Time to first victim contact",
			Summary: "From the victim being recorded to the first recorded contact.",
			SVG: bars(
				"Victims by time to first contact",
				append(append([]string{}, d.FirstContactLabels...), "never"),
				[]series{{"victims", ints(append(append([]int{}, d.FirstContact...), d.NeverContacted))}},
				"",
			),
			Head: []string{"Time to first contact", "Victims"},
			Rows: rows,
		},
	)

	// Outcomes by code.
	var labels []string
	var counts []float64
	rows = nil
	for _, o := range d.Outcomes {
		label := outcomeWords(o.Label)
		labels = append(labels, label)
		counts = append(counts, float64(o.N))
		rows = append(rows, []string{label, strconv.Itoa(o.N)})
	}
	v.Charts = append(
		v.Charts,
		chart{ID: "outcomes", Title: "Outcomes of closed cases", Summary: "Closures approved, by Home Office " +
			"outcome, most first.", SVG: hbars("Closures by outcome", labels, counts, ""),
			Head: []string{"Outcome", "Closures"}, Rows: rows},
	)

	// Closed and reopened.
	rows = nil
	for m := range d.Months {
		rows = append(rows, []string{months[m], strconv.Itoa(d.Closed[m]), strconv.Itoa(d.Reopened[m])})
	}
	v.Charts = append(
		v.Charts,
		chart{
			ID:      "closed",
			Title:   "Cases closed, and closures later reopened",
			Summary: "Closures approved each month, and how many of them were later undone by reopening the case.",
			SVG: bars(
				"Cases closed and reopened",
				months,
				[]series{{"closed", ints(d.Closed)}, {"later reopened", ints(d.Reopened)}},
				"",
			),
			Head: []string{"Month", "Closed", "Later reopened"},
			Rows: rows,
		},
	)
	return v
}
