// Package demo generates a realistic, entirely synthetic force for
// `holdfast demo`: a force of departments and teams, officers of every rank
// and one user per role, and years of child-exploitation investigations
// worked through their whole lifecycle — referrals, victims, suspects
// (some shared between cases through a phone, a vehicle or an address),
// lines of enquiry, victim contact, supervisory reviews, transfers,
// closures approved at the right rank, Victims' Right to Review requests
// and reopenings.
//
// Everything is written through the service layer, exactly as officers
// would write it, on a manual clock that walks from early 2023 to the
// start of today (HistoryEnd). The record therefore carries the same duties, gates, events and
// hash chain as a real one, and `holdfast rebuild` replays it.
//
// The generator deliberately leaves in the record the human errors the
// grooming-gang reviews found — supervisory reviews overdue, a transfer
// between departments nobody accepted, cases whose officer left with
// nobody taking them on, victims not updated for months or not told of a
// decision about their suspect, a victim with no agreed contact plan,
// lines of enquiry past their target, a referral nobody allocated, a
// closure nobody approved — and ends with a watchdog sweep as of today, so
// the escalations and findings they cause are there to see. Result lists
// them. Weekly sweeps through the years leave a history of escalations
// too, for duties that were done late and then done.
//
// Suspects are sometimes shared between cases: the same person under a
// variant spelling or a transposed date of birth, a phone number, a
// vehicle or an address recorded in another case's description (the
// service has no structured fields for them yet), so an analyst has
// networks to find.
//
// Ten weeks before now the force imports its historic closures of
// 2012-2022 from its old crime system, as a JSON Lines case file through
// the same import as `holdfast import` (legacy.go), carrying the failings
// the national review looks for: no further action with a named suspect,
// suspects never interviewed, lines of enquiry open at closure, closures
// approved by their proposer or below the rank required, victims not told
// or never properly heard, quick closures, suspects shared between cases.
// Beside them each closure holds what a real file does, in the richer
// import format: the investigation plan written for it, the strategy
// decision that opened it, each victim's contact plan, needs assessment,
// support referral, account and updates, the victims told of every
// arrest, interview, charge or release, and the supervisors' reviews.
// Its auditor opens a review of them with the Beaconport preset, and the
// review is left in progress (review.go): reviewers assigned under the
// conflict-of-interest rules, findings that reopened a case or are duties
// still owed, "no concerns" reviews awaiting a second reviewer, and cases
// not yet reviewed. Result.Review says what it holds.
//
// Names are drawn from short lists and every choice from PCG generators
// seeded from Options.Seed, one per case so that cases worked side by side
// stay independent: the same Options give the same record — the same
// references, people, events and times — and so does the same seed
// generated at any hour of the same day, since history stops at its start. Only what the service draws
// itself differs between runs: record ids, and the order in which two
// cases' events written in the same simulated window reach the log.
package demo
