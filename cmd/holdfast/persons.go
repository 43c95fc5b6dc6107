package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/service"
)

// cmdPersons is "holdfast persons link LEFT RIGHT" and "holdfast persons
// dedupe FILE": person matching (docs/persons.md) on any CSV files.
func cmdPersons(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "train" {
		return cmdPersonsTrain(ctx, args[1:], stdout)
	}
	if len(args) == 0 || (args[0] != "link" && args[0] != "dedupe") {
		return usageError("name link (two files), dedupe (one file) or train (--db): " +
			"holdfast persons link LEFT.csv RIGHT.csv")
	}
	mode := args[0]
	f := newFlags("persons " + mode)
	given := f.String("given", "given_name", "column of given names")
	family := f.String("family", "surname", "column of family names")
	dob := f.String("dob", "date_of_birth", "column of dates of birth (YYYYMMDD, YYYY-MM-DD or DD/MM/YYYY)")
	address := f.String("address", "", "address columns, comma-separated, each compared on its own "+
		"(e.g. street_number,address_1,address_2,suburb,state)")
	postcode := f.String("postcode", "postcode", "column of postcodes")
	phone := f.String("phone", "", "column of phone numbers")
	id := f.String("id", "", "column of each row's own id, written with its pairs (default: --truth, else the line)")
	ident := f.String("identifier", "", "column of an identifier the files share (e.g. soc_sec_id)")
	truth := f.String("truth", "", "ground-truth column: an entity id, or FEBRL's rec_id (rec-10-dup-2 is rec-10)")
	out := f.String("out", "persons-pairs.csv", "where to write the scored pairs (CSV); - for standard output")
	minP := f.Float64("min-probability", 0.01, "write the pairs at or above this match probability")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	want := 2
	if mode == "dedupe" {
		want = 1
	}
	if f.NArg() != want {
		return usageError("give %s after the flags, not %d", domain.Plural(want, "CSV file", "CSV files"), f.NArg())
	}
	if *minP < 0 || *minP > 1 {
		return usageError("--min-probability must be between 0 and 1, not %v", *minP)
	}
	cols := persons.Columns{ID: *id, Given: *given, Family: *family, DOB: *dob, Postcode: *postcode,
		Phone: *phone, Identifier: *ident, Truth: *truth}
	for _, a := range strings.Split(*address, ",") {
		if a = strings.TrimSpace(a); a != "" {
			cols.Address = append(cols.Address, a)
		}
	}
	start := time.Now()
	var files [][]persons.Record
	for _, name := range f.Args() {
		recs, err := readPersons(name, cols)
		if err != nil {
			return err
		}
		files = append(files, recs)
	}
	read := time.Since(start)
	o := persons.Options{AddressNames: cols.Address}
	var res *persons.Result
	if mode == "dedupe" {
		res = persons.Dedupe(files[0], o)
	} else {
		res = persons.Link(files[0], files[1], o)
	}
	var ev persons.Evaluation
	if *truth != "" {
		ev = res.Evaluate(0.5, 0.9, 0.99)
	}
	took := time.Since(start)
	written, err := writePairs(*out, stdout, res, *minP, *truth != "")
	if err != nil {
		return err
	}

	w := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	sizes := make([]string, len(files))
	for i, fl := range files {
		sizes[i] = strconv.Itoa(len(fl))
	}
	fmt.Fprintf(w, "%s: %s records; %d candidate pairs of %d\n", mode, strings.Join(sizes, " × "),
		len(res.Pairs), res.TotalPairs)
	m := res.Model
	fmt.Fprintf(w, "\nModel: prior %.3g (match weight %.2f), m by EM in %d iterations, u from random pairs\n",
		m.Lambda, math.Log2(m.Lambda/(1-m.Lambda)), m.Iterations)
	fmt.Fprintln(w, "comparison\tlevel\tcandidates\tm\tu\tweight")
	for c, name := range m.Comparisons() {
		for l, level := range m.Levels(c) {
			if l == 0 || m.N[c][l] == 0 {
				continue // no evidence, or a level no pair reached
			}
			fmt.Fprintf(w, "%s\t%s\t%d\t%.4f\t%.3g\t%+.2f\n", name, level, m.N[c][l], m.M[c][l], m.U[c][l],
				math.Log2(m.M[c][l]/m.U[c][l]))
		}
	}
	fmt.Fprintln(w, "\nBlocking rules (a pair is a candidate when any rule makes it)")
	if *truth != "" {
		fmt.Fprintln(w, "rule\tpairs\ttrue pairs\tpair completeness")
		for _, r := range ev.Rules {
			fmt.Fprintf(w, "%s%s\t%d\t%d\t%.4f\n", r.Name, skippedNote(r.SkippedKeys), r.Pairs, r.TruePairs,
				r.Completeness)
		}
		fmt.Fprintf(w, "all rules\t%d\t%d of %d\t%.4f\n", ev.Candidates, ev.Found, ev.TruePairs, ev.Completeness)
		fmt.Fprintf(w, "\nAccuracy against %s (pairwise)\n", *truth)
		fmt.Fprintln(w, "threshold\tprecision\trecall\tF1\tTP\tFP\tFN")
		for _, a := range append(ev.At, ev.Best) {
			label := fmt.Sprintf("probability %.2f", a.Threshold)
			if a == ev.Best {
				label = fmt.Sprintf("best (weight %.2f, probability %.3g)", a.MatchWeight, a.Threshold)
			}
			fmt.Fprintf(w, "%s\t%.4f\t%.4f\t%.4f\t%d\t%d\t%d\n", label, a.Precision, a.Recall, a.F1, a.TP, a.FP, a.FN)
		}
		var right []persons.Record
		if mode == "link" {
			right = files[1]
		}
		b := persons.ExactBaseline(files[0], right, mode == "dedupe")
		fmt.Fprintf(
			w,
			"exact rules alone (same identifier, or names and date of birth)\t%.4f\t%.4f\t%.4f\t%d\t%d\t%d\n",
			b.Precision,
			b.Recall,
			b.F1,
			b.TP,
			b.FP,
			b.FN,
		)
	} else {
		fmt.Fprintln(w, "rule\tpairs")
		for _, r := range res.Rules {
			fmt.Fprintf(w, "%s%s\t%d\n", r.Name, skippedNote(r.SkippedKeys), r.Pairs)
		}
		fmt.Fprintln(w, "(give --truth to measure pair completeness, precision, recall and F1)")
	}
	fmt.Fprintf(w, "\nTime %.2f s (reading %.2f s) on %d cores; peak memory %s\n", took.Seconds(), read.Seconds(),
		runtime.GOMAXPROCS(0), peakMemory())
	if *out != "-" {
		fmt.Fprintf(w, "%d pairs at probability %.2g or more written to %s\n", written, *minP, *out)
	}
	return w.Flush()
}

func readPersons(name string, cols persons.Columns) ([]persons.Record, error) {
	fl, err := os.Open(name)
	if err != nil {
		return nil, usageError("%v", err)
	}
	defer fl.Close()
	recs, err := persons.ReadPersons(bufio.NewReader(fl), cols)
	if err != nil {
		return nil, usageError("%s: %v\n(map the columns with --given, --family, --dob, --address, --postcode, "+
			"--phone, --id, --identifier and --truth; an empty value leaves a field out)", name, err)
	}
	return recs, nil
}

// writePairs writes the pairs at or above minP, strongest first, each with
// its weight comparison by comparison.
func writePairs(name string, stdout io.Writer, res *persons.Result, minP float64, truth bool) (int, error) {
	dst := stdout
	if name != "-" {
		fl, err := os.Create(name)
		if err != nil {
			return 0, err
		}
		defer fl.Close()
		dst = fl
	}
	bw := bufio.NewWriter(dst)
	cw := csv.NewWriter(bw)
	header := []string{"left_id", "right_id", "match_weight", "match_probability"}
	if truth {
		header = append(header, "same_entity")
	}
	header = append(header, "prior_weight")
	for _, c := range res.Model.Comparisons() {
		c = strings.ReplaceAll(c, " ", "_")
		header = append(header, c, c+"_weight")
	}
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	n := 0
	for i, p := range res.Pairs {
		if p.Probability < minP {
			break // strongest first
		}
		l, r := res.IDs(i)
		row := []string{spreadsheetSafe(l), spreadsheetSafe(r), fmtF(p.Weight),
			strconv.FormatFloat(p.Probability, 'g', 6, 64)}
		if truth {
			row = append(row, strconv.FormatBool(res.Same(i)))
		}
		for _, t := range res.Explain(i) {
			if t.Comparison != "prior" {
				row = append(row, t.Level)
			}
			row = append(row, fmtF(t.Weight))
		}
		if err := cw.Write(row); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// skippedNote says how many of a rule's keys were too common to pair.
func skippedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d keys too common, skipped)", n)
}

// spreadsheetSafe stops a spreadsheet reading an id from the input as a
// formula (OWASP's CSV injection), as the audit exports do.
func spreadsheetSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

// peakMemory is the process's peak resident set (Linux's VmHWM), or what
// the Go runtime got from the system where that is not to be had.
func peakMemory() string {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				if kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB")); err == nil {
					return fmt.Sprintf("%.0f MB (peak resident set)", float64(kb)/1024)
				}
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return fmt.Sprintf("%.0f MB (from the system, Go runtime)", float64(ms.Sys)/(1<<20))
}

// cmdPersonsTrain is "holdfast persons train --db DSN": retrain the
// matching model on the force's own index and store it as the next
// version, which matching uses from then on (docs/persons.md#the-index).
func cmdPersonsTrain(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("persons train")
	dsn := f.db()
	most := f.Int("most", service.TrainMost, "train on at most this many people of the index")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 0 {
		return usageError("persons train takes no files: it reads the index of --db")
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	hf, err := app.New(db, app.Config{})
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := hf.Svc.TrainMatchModel(ctx, service.SystemActor("persons-train"), service.TrainModel{Most: *most})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Matching model version %d: trained on %d people of the index in %v\n", m.Version, m.People,
		time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "  %d candidate pairs compared, %d at probability 0.9 or more; prior %.3g; %d iterations\n",
		m.Pairs, m.Likely, m.Lambda, m.Iterations)
	fmt.Fprintf(stdout, "  comparisons: %s\n", strings.Join(m.Comparisons, ", "))
	return nil
}
