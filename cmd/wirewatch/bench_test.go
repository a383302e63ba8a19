package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

// TestBenchLiveSaysHowToStartTheServers checks `wirewatch bench --live` without the live
// servers: with their variables unset, and with them naming servers that do not answer, it
// fails, names what is missing and says how to start them. The variables are never taken
// for settings.
func TestBenchLiveSaysHowToStartTheServers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close() // nothing listens there any more

	for _, tc := range []struct {
		name, kafka, openSearch string
		want                    []string
	}{
		{"unset", "", "", []string{"WIREWATCH_LIVE_KAFKA and WIREWATCH_LIVE_OPENSEARCH not set", "make live-up"}},
		{"only kafka", closed, "", []string{"WIREWATCH_LIVE_OPENSEARCH not set", "make live-up"}},
		{"down", closed, "http://" + closed, []string{"do not answer", "kafka broker " + closed, "opensearch http://" + closed, "make live-up"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("WIREWATCH_LIVE_KAFKA", tc.kafka)
			t.Setenv("WIREWATCH_LIVE_OPENSEARCH", tc.openSearch)
			t.Setenv("WIREWATCH_LIVE_CTL", "/nonexistent/servers.sh")
			var out, errOut bytes.Buffer
			code := cli([]string{"bench", "--live", "--feeds", "1", "--items", "1", "--data-dir", t.TempDir()}, &out, &errOut)
			if code != 1 {
				t.Errorf("exit %d, want 1 (stderr %q)", code, errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr %q does not say %q", errOut.String(), w)
				}
			}
			if strings.Contains(errOut.String(), "no such setting") {
				t.Errorf("the live servers' variables were read as settings: %q", errOut.String())
			}
		})
	}
}

// TestBenchKeepIsForLiveRuns: --keep leaves a live run's topics and indices on the servers;
// on an embedded run there is nothing to keep, and saying so beats ignoring the flag.
func TestBenchKeepIsForLiveRuns(t *testing.T) {
	var out, errOut bytes.Buffer
	code := cli([]string{"bench", "--keep", "--feeds", "1", "--items", "1", "--data-dir", t.TempDir()}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "--keep is for --live runs") {
		t.Errorf("exit %d, stderr %q: want 2 and that --keep is for --live runs", code, errOut.String())
	}
}
