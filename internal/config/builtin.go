package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	configdata "wirewatch/config"
)

// builtinPrefix is the directory, relative to the working directory, that the defaults name
// for the data files compiled into the binary.
const builtinPrefix = "config/"

// ReadDataFile reads a data file the configuration names: the topic rules, an OPML feed list.
// A path the defaults name (config/topics.yaml, config/feeds/south-caucasus.opml) that does not
// exist under the working directory is read from the copy built into the binary, and builtin
// is true: the binary runs from any directory, and a file of the user's at that path, or at any
// path the configuration names, wins. A leading UTF-8 byte-order mark is dropped.
func ReadDataFile(path string) (b []byte, builtin bool, err error) {
	b, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if name, ok := builtinName(path); ok {
			if bb, berr := fs.ReadFile(configdata.Files(), name); berr == nil {
				b, builtin, err = bb, true, nil
			}
		}
	}
	if err != nil {
		return nil, false, err // an *fs.PathError naming the path
	}
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), builtin, nil
}

// builtinName maps a relative path under config/ to the name of a built-in file.
func builtinName(path string) (string, bool) {
	if filepath.IsAbs(path) {
		return "", false
	}
	p := filepath.ToSlash(filepath.Clean(path))
	name, ok := strings.CutPrefix(p, builtinPrefix)
	if !ok || !fs.ValidPath(name) {
		return "", false
	}
	if _, err := fs.Stat(configdata.Files(), name); err != nil {
		return "", false
	}
	return name, true
}
