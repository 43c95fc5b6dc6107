package sqlstore

// Commits is how many write transactions db has committed: a group of
// writes counts once.
func (db *DB) Commits() int64 { return db.group.commits.Load() }
