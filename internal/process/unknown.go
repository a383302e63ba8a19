package process

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// unknownSaveEvery is how often KeepUnknown writes the unknown-names list; a crash loses
// at most this much counting.
const unknownSaveEvery = time.Minute

// KeepUnknown makes the list behind `wirewatch entities unknown` survive restarts: it adds
// the list saved at path (when there is one) to the counts, then writes the list there
// every minute and once more when ctx ends, each time to a temporary file renamed over
// the old one. The list keeps process.unknown_max names. An unreadable file is logged and
// replaced; KeepUnknown returns when ctx is done, with the last write's error.
func (e *Enricher) KeepUnknown(ctx context.Context, path string) error {
	if path == "" {
		<-ctx.Done()
		return nil
	}
	if f, err := os.Open(path); err == nil {
		err = e.entities.LoadUnknown(f)
		f.Close()
		if err != nil {
			e.log.Warn("starting a new unknown-names list", "path", path, "err", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		e.log.Warn("starting a new unknown-names list", "path", path, "err", err)
	}
	t := time.NewTicker(unknownSaveEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return e.saveUnknown(path)
		case <-t.C:
			if err := e.saveUnknown(path); err != nil {
				e.log.Warn("saving the unknown-names list", "path", path, "err", err)
			}
		}
	}
}

func (e *Enricher) saveUnknown(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("saving unknown names: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	if err := e.entities.SaveUnknown(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving unknown names: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving unknown names: %w", err)
	}
	return nil
}
