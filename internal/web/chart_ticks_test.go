package web

import (
	"math"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestChartAxisTicksAreWhole: a chart of counts marks its axis at whole
// numbers only (a dashboard whose biggest count was 3 marked 0.8, 1.5 and
// 2.3), and the axis still reaches the biggest value.
func TestChartAxisTicksAreWhole(t *testing.T) {
	tick := regexp.MustCompile(`text-anchor="end" fill="#0b0c0c">([^<]*)</text>`)
	whole := regexp.MustCompile(`^\d+$`)
	for _, max := range []float64{1, 2, 3, 5, 7, 13, 37, 100, 1234} {
		svg := string(bars("counts", []string{"a", "b"}, []series{{"n", []float64{0, max}}}, ""))
		ts := tick.FindAllStringSubmatch(svg, -1)
		if len(ts) < 2 || len(ts) > 6 {
			t.Errorf("max %v: %d ticks", max, len(ts))
			continue
		}
		for _, m := range ts {
			if !whole.MatchString(m[1]) {
				t.Errorf("max %v: a tick at %q", max, m[1])
			}
		}
		if last, _ := strconv.ParseFloat(ts[len(ts)-1][1], 64); last < max {
			t.Errorf("max %v: the axis stops at %v", max, last)
		}
	}
	if step, n := axisTicks(100); step != 25 || n != 4 {
		t.Errorf("a share's axis to 100%%: step %v, %d ticks; want 25, 4", step, n)
	}
}

// TestChartAxisTicksEnd: an axis whose biggest value is not a number, is
// infinite or is past whole-number precision is still marked, not
// searched for a whole step for ever.
func TestChartAxisTicksEnd(t *testing.T) {
	for _, max := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			if step, n := axisTicks(max); step <= 0 || n < 1 {
				t.Errorf("max %v: step %v, %d ticks", max, step, n)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("max %v: axisTicks did not finish", max)
		}
	}
}
