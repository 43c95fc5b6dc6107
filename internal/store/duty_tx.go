package store

// DutyTx is what a write transaction offers for reading the duty index as
// the transaction sees it. Writes are committed in groups (sqlstore's
// group commit), so an earlier write of the same group may have opened a
// duty that a read of the store outside the transaction cannot see yet.
type DutyTx interface {
	// DutyCases returns the ids of the cases on which accountable owes an
	// open duty, each once, in id order.
	DutyCases(accountable string) ([]string, error)
}
