// Package config carries the data files wirewatch ships with: the default topic rules
// (topics.yaml) and the starter feed list (feeds/south-caucasus.opml), compiled into the binary
// so that it runs from any directory. The files stay here, beside the example configuration,
// for people to read and edit; internal/config decides when the built-in copy is used.
//
// It is data only, a leaf of the flow: it imports no wirewatch package.
package config

import (
	"embed"
	"io/fs"
)

//go:embed topics.yaml feeds/south-caucasus.opml
var files embed.FS

// Files returns the built-in data files, named by their path under config/
// ("topics.yaml", "feeds/south-caucasus.opml").
func Files() fs.FS { return files }
