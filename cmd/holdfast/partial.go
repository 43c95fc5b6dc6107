package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// claimPartial takes path+".partial" for one build, so that two builds
// (a demo and an exercise, say) aimed at one file cannot delete or
// overwrite each other's work in progress. A build holds an exclusive
// advisory lock (flock) on the file for as long as its process lives:
// the lock, not the file's existence, says a build is running, so a file
// left by a build that was interrupted (Ctrl-C, kill, power) is found
// unlocked and taken over rather than refused for ever. flock locks are
// apart from the POSIX locks SQLite takes on the same file, and the
// kernel drops them when the process ends. The returned clean removes the
// partial file and its SQLite companions; call it only when the claim
// succeeded, since the file is then ours.
func claimPartial(path string) (tmp string, clean func(), err error) {
	tmp = path + ".partial"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return "", nil, fmt.Errorf("another demo or exercise is being built at %s: wait for it to finish, or stop it", tmp)
		}
		return "", nil, fmt.Errorf("lock %s: %w", tmp, err)
	}
	// Ours now. Whatever an interrupted build left is discarded: its
	// companions would be read as part of the new empty database.
	if err := f.Truncate(0); err != nil {
		f.Close()
		return "", nil, err
	}
	for _, p := range []string{tmp + "-wal", tmp + "-shm", tmp + "-journal"} {
		os.Remove(p)
	}
	// f stays open (and locked) until clean, or until the process ends:
	// after installPartial the lock sits on the installed file's inode,
	// which nothing else claims, and goes with the process.
	clean = func() {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", tmp + "-journal"} {
			os.Remove(p)
		}
		f.Close()
	}
	return tmp, clean, nil
}

// installPartial moves the finished tmp to path without ever replacing a
// file that appeared at path meanwhile: os.Rename would overwrite it,
// whereas a hard link fails if the name is taken. tmp was written without
// waiting for the disk (demo.FastWrites), so it is synced before it gets
// the name that is reused, and the directory after: a power cut then
// leaves either no file at path or the whole one, never a torn file the
// next run would serve.
func installPartial(tmp, path string) error {
	if err := syncPath(tmp); err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s appeared while it was being built: left untouched, the new one is discarded", path)
		}
		return err
	}
	if err := os.Remove(tmp); err != nil {
		return err
	}
	return syncPath(filepath.Dir(path))
}

// syncPath fsyncs a file or a directory by name.
func syncPath(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", name, err)
	}
	return f.Close()
}
