package domain

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// BenchmarkCaseDocument is what every command pays for its case's
// document: decode it, and encode it again. An old case is modelled on the
// demo's average (about 60 duties opened over its life, all but a few
// closed): "live" is the document as the fold makes it now, closed duties
// in the duty history; "all-duties" is the shape before (issue 20).
func BenchmarkCaseDocument(b *testing.B) {
	bc := newBenchCase()
	add := bc.add
	add(EvVictimAdded, VictimAdded{Victim: Victim{ID: "v1", Name: "Child A", DateOfBirth: "2011-04-02", Enhanced: true}})
	const duties, open = 60, 4
	for i := 1; i <= duties; i++ {
		add(EvDutyOpened, DutyOpened{Duty: Duty{ID: fmt.Sprintf("01a24b8e-5a3c-7c7d-8486-e1f9bf0f992b.d%d", i),
			Kind: "victim_update", Subject: "v1", Accountable: "01a24b89-3961-74df-9089-aba6fb76fdc4",
			TeamID: "01a24b89-3961-74df-9089-aba6fb76fdc4", Due: bc.at.AddDate(0, 0, 14), Status: DutyOpen, Opened: bc.at,
			NextAt: bc.at.AddDate(0, 0, 14)}})
		if i <= duties-open {
			add(EvDutyClosed, DutyClosed{ID: fmt.Sprintf("01a24b8e-5a3c-7c7d-8486-e1f9bf0f992b.d%d", i), Status: DutyMet})
		}
	}
	live, old := fold(b, bc.evs)
	for _, x := range []struct {
		name string
		c    *Case
	}{{"live", live}, {"all-duties", old}} {
		doc, err := json.Marshal(x.c)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(x.name, func(b *testing.B) {
			for b.Loop() {
				var c Case
				if err := json.Unmarshal(doc, &c); err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(&c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(doc)), "doc-bytes")
		})
	}
}

// benchCase is the events of an old case for the document benchmarks:
// opened on 2024-01-01, each event an hour after the one before.
type benchCase struct {
	at  time.Time
	evs []*step
}

func newBenchCase() *benchCase {
	bc := &benchCase{at: time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)}
	bc.add(EvCaseOpened, CaseOpened{ID: "01a24b8e-5a3c-7c7d-8486-e1f9bf0f992b", Ref: "CSE/2024/000001", ForceID: "f",
		TeamID: "01a24b89-3961-74df-9089-aba6fb76fdc4", OffenceTypes: []string{"cse"},
		Summary: "Referral from the school: messages from an adult to a pupil"})
	return bc
}

func (bc *benchCase) add(typ string, p any) {
	bc.at = bc.at.Add(time.Hour)
	bc.evs = append(bc.evs, &step{typ, bc.at, p})
}
