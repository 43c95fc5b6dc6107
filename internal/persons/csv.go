package persons

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Columns names the columns of a CSV file that hold each field; an empty
// name is a field the file lacks.
type Columns struct {
	ID         string   // the row's own id (default: the truth column, else the line number)
	Given      string   // given names
	Family     string   // family name
	DOB        string   // date of birth
	Address    []string // address fields, each compared on its own
	Postcode   string   //
	Phone      string   //
	Identifier string   // an identifier shared by the sources, e.g. FEBRL's soc_sec_id
	Truth      string   // ground truth: an entity id, or a FEBRL rec_id ("rec-10-dup-2" is entity "rec-10")
}

// maxProblems is how many bad rows a read names before counting the rest.
const maxProblems = 20

// ReadPersons reads a CSV file with a header row into records, by the
// column names in cols. Spaces after commas are ignored (FEBRL writes
// them). It reads the whole file and reports every problem at once: the
// columns missing from the header, then each row that cannot be read.
func ReadPersons(r io.Reader, cols Columns) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty: it needs a header row naming its columns")
	}
	if err != nil {
		return nil, fmt.Errorf("the header row cannot be read: %v", err)
	}
	pos := map[string]int{}
	var names []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		names = append(names, h)
		if _, dup := pos[h]; !dup {
			pos[h] = i
		}
	}
	var problems []string
	col := func(flag, name string) int {
		if name == "" {
			return -1
		}
		i, ok := pos[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			problems = append(problems, fmt.Sprintf("there is no column %q for the %s (the columns are %s)",
				name, flag, strings.Join(names, ", ")))
			return -1
		}
		return i
	}
	id, given, family, dob := col("id", cols.ID), col("given name", cols.Given), col("family name", cols.Family),
		col("date of birth", cols.DOB)
	postcode, phone, ident, truth := col("postcode", cols.Postcode), col("phone", cols.Phone),
		col("identifier", cols.Identifier), col("ground truth", cols.Truth)
	addr := make([]int, len(cols.Address))
	for i, a := range cols.Address {
		addr[i] = col("address", a)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	var recs []Record
	bad := 0
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		line := 0
		if len(row) > 0 {
			line, _ = cr.FieldPos(0)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
				// A broken quote ends the file for the reader.
				problems = append(problems, fmt.Sprintf("line %d cannot be read: %v", pe.Line, pe.Err))
				bad++
				break
			}
			if bad++; bad <= maxProblems {
				problems = append(problems, fmt.Sprintf("line %d has %d fields, not the header's %d",
					line, len(row), len(header)))
			}
			continue
		}
		get := func(i int) string {
			if i < 0 {
				return ""
			}
			return strings.TrimSpace(row[i])
		}
		rec := Record{ID: get(id), Given: get(given), Family: get(family), DOB: get(dob),
			Postcode: get(postcode), Phone: get(phone), Identifier: get(ident)}
		if t := get(truth); t != "" {
			rec.Entity = FEBRLEntity(t)
			if rec.ID == "" {
				rec.ID = t
			}
		}
		if rec.ID == "" {
			rec.ID = "line " + strconv.Itoa(line)
		}
		if len(addr) > 0 {
			rec.Address = make([]string, len(addr))
			for i, a := range addr {
				rec.Address[i] = get(a)
			}
		}
		recs = append(recs, rec)
	}
	if bad > maxProblems {
		problems = append(problems, fmt.Sprintf("and %d more lines like them", bad-maxProblems))
	}
	if len(problems) > 0 {
		return nil, errors.New("the file cannot be read: fix these lines and run again:\n" +
			strings.Join(problems, "\n"))
	}
	return recs, nil
}
