package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wirewatch/internal/config"
	"wirewatch/internal/ingest"
)

// TestRunsFromAnyDirectory starts wirewatch with no configuration in an empty working
// directory: the default topic rules and feed list are built into the binary, so it starts
// (it used to die with `stat config/topics.yaml`) and serves the topics by name. The feeds
// stage is left out so that the test fetches nothing from the internet; the feed list is
// checked in-process from the same directory.
func TestRunsFromAnyDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test starts wirewatch")
	}
	dir := t.TempDir()
	httpAddr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Dir = dir
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.Env = append(os.Environ(), "WW_TEST_MAIN_ARGS=run --stages process,index,serve",
		"WIREWATCH_SERVE_ADDR="+httpAddr, "WIREWATCH_DATA_DIR="+filepath.Join(dir, "data"), "WIREWATCH_LOG_LEVEL=warn")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting wirewatch: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()

	deadline := time.Now().Add(3 * time.Minute)
	for {
		var body struct {
			Topics []struct{ ID, Name string }
		}
		resp, err := http.Get("http://" + httpAddr + "/api/topics")
		if err == nil {
			if resp.StatusCode == http.StatusOK {
				err = json.NewDecoder(resp.Body).Decode(&body)
			}
			resp.Body.Close()
		}
		if err == nil && len(body.Topics) > 0 {
			found := false
			for _, tp := range body.Topics {
				found = found || tp.ID == "lachin-corridor" && tp.Name == "Lachin corridor dispute"
			}
			if !found {
				t.Errorf("GET /api/topics from the built-in rules lacks the Lachin corridor by name: %+v", body.Topics)
			}
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("wirewatch exited (%v) in an empty directory:\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no topics served within 3 minutes:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Contains(logs.String(), "config/topics.yaml") {
		t.Errorf("the log still complains about config/topics.yaml:\n%s", logs.String())
	}

	t.Chdir(dir)
	feeds, err := ingest.ConfiguredFeeds(config.Default().Ingest)
	if err != nil || len(feeds) < 50 {
		t.Errorf("the default feed list from an empty directory: %d feeds, err %v", len(feeds), err)
	}
}
