package bench

import (
	"fmt"
	"os"
	"time"
)

// FsyncRate is the disk's own limit for durable writes: how many 4 KB
// writes, each followed by fsync, one loop makes a second in dir (the
// database's directory) over about d. Every durable commit costs at least
// one such flush, so commands a second divided by this rate says how much
// a commit is shared (group commit) or how far above the disk the engine's
// own work lies.
func FsyncRate(dir string, d time.Duration) (float64, error) {
	f, err := os.CreateTemp(dir, "fsync-*")
	if err != nil {
		return 0, fmt.Errorf("fsync baseline: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 4096)
	for i := range buf {
		buf[i] = byte(i)
	}
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		// Rewrite the same block, as a log's last page is rewritten: the
		// file does not grow, so each flush is data, not metadata.
		if _, err := f.WriteAt(buf, 0); err != nil {
			return 0, fmt.Errorf("fsync baseline: %w", err)
		}
		if err := f.Sync(); err != nil {
			return 0, fmt.Errorf("fsync baseline: %w", err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
