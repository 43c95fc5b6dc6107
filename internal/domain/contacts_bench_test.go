package domain

import (
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkCaseDocumentContacts is BenchmarkCaseDocument for victims'
// contacts: a case modelled on the demo's largest document (two victims,
// 75 contacts between them, each with a short note). "live" is the
// document as the fold makes it now, the contacts in the contact log;
// "contacts-in-doc" is the shape before (issue 20). cpu-ns/op is the
// process's CPU a decode and encode, which a loaded machine inflates less
// than the wall time.
func BenchmarkCaseDocumentContacts(b *testing.B) {
	bc := newBenchCase()
	add := bc.add
	for _, v := range []string{"v1", "v2"} {
		add(EvVictimAdded, VictimAdded{Victim: Victim{ID: v, Name: "Child " + v, DateOfBirth: "2011-04-02",
			Enhanced: true}})
	}
	kinds := ContactKinds()
	for i := range 75 {
		add(EvVictimContacted, VictimContacted{VictimID: []string{"v1", "v2"}[i%2], Contact: Contact{
			ID: fmt.Sprintf("01a24b8e-5a3c-7c7d-8486-e1f9bf0f%04d", i), Kind: kinds[i%len(kinds)], Method: "phone",
			Note: "Spoke to her mother; told her where the enquiry stands", By: "01a24b89-3961-74df-9089-aba6fb76fdc4",
			At: bc.at}})
	}
	live, _ := fold(b, bc.evs)
	// The shape before: each victim's whole contact list in the document.
	type oldVictim struct {
		Victim
		Contacts []Contact `json:"contacts,omitempty"`
	}
	type oldCase struct {
		*Case
		Victims []oldVictim `json:"victims"`
	}
	old := oldCase{Case: live}
	for _, v := range live.Victims {
		old.Victims = append(old.Victims, oldVictim{Victim: v, Contacts: v.Contacts})
	}
	for _, x := range []struct {
		name string
		v    any
		new  func() any
	}{
		{"live", live, func() any { return new(Case) }},
		{"contacts-in-doc", old, func() any { return &oldCase{Case: new(Case)} }},
	} {
		doc, err := json.Marshal(x.v)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(x.name, func(b *testing.B) {
			start := cpuTime(b)
			for b.Loop() {
				c := x.new()
				if err := json.Unmarshal(doc, c); err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(len(doc)), "doc-bytes")
		})
	}
}

// cpuTime is the process's CPU time so far (user and system): on a
// loaded machine, where wall time counts the wait for a core too.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
