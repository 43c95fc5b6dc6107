// Package ledger proves the record was not altered: an RFC 6962 Merkle tree
// over every event, signed C2SP checkpoints, proofs, and offline bundles.
package ledger
