// Package audit is the arithmetic and the rules of auditing closed cases,
// with no I/O: triage criteria as data (with the Operation Beaconport
// preset), a risk score that explains itself, a ranked queue, sample sizes
// for a stated margin of error, a reproducible random draw from a recorded
// seed, Wilson score intervals for error rates, and the conflict-of-interest
// rule for reviewers.
//
// The service layer feeds it cases and records what it decides as events;
// docs/audits.md explains each rule for a reader who is not a programmer.
package audit
