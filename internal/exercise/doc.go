// Package exercise is the training exercise's plan — the errors planted in a
// synthetic caseload, dealt to trainees — and its scoring from the event log.
package exercise
