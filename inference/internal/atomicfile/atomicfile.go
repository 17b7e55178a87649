// Package atomicfile writes the files a worker must not lose or tear: its signing journal,
// pending transaction, weight commits, score history and a federated miner's privacy ledger.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data: write a temporary file, fsync it, rename it over path and fsync
// the directory, so that a crash leaves either the old or the new content, durably. Missing
// directories are created (mode 0700); the file is 0600.
func Write(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
