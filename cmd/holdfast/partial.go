package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// claimPartial creates path+".partial" exclusively, so that two builds
// (a demo and an exercise, say) aimed at one file cannot delete or
// overwrite each other's work in progress. The returned clean removes the
// partial file and its SQLite companions; call it only when the claim
// succeeded, since the file is then ours.
func claimPartial(path string) (tmp string, clean func(), err error) {
	tmp = path + ".partial"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return "", nil, fmt.Errorf("another demo or exercise is being built at %s (if none is, an earlier one was interrupted: delete that file and try again)", tmp)
	}
	if err != nil {
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", nil, err
	}
	clean = func() {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", tmp + "-journal"} {
			os.Remove(p)
		}
	}
	// Companions left by an interrupted build would be read as part of
	// the new empty database; the claim makes them ours to remove.
	for _, p := range []string{tmp + "-wal", tmp + "-shm", tmp + "-journal"} {
		os.Remove(p)
	}
	return tmp, clean, nil
}

// installPartial moves the finished tmp to path without ever replacing a
// file that appeared at path meanwhile: os.Rename would overwrite it,
// whereas a hard link fails if the name is taken.
func installPartial(tmp, path string) error {
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s appeared while it was being built: left untouched, the new one is discarded", path)
		}
		return err
	}
	return os.Remove(tmp)
}
