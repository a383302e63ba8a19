//go:build live

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildWirewatch builds the command once into dir.
func buildWirewatch(t *testing.T, root, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "wirewatch")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/wirewatch")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building wirewatch: %v\n%s", err, out)
	}
	return bin
}

// proc is one wirewatch process of the run.
type proc struct {
	name  string // e.g. "process-1"
	stage string
	cmd   *exec.Cmd
	log   string
	done  chan struct{} // closed when the process has exited
	err   error         // its exit, once done is closed
	// killed is set when the suite SIGKILLed it on purpose.
	killed bool
}

// cluster runs the processes of the run and stops them when the test ends.
type cluster struct {
	t      *testing.T
	bin    string
	config string
	dir    string
	env    []string
	procs  []*proc
}

func (p *proc) String() string { return p.name }

// baseEnv is the test's environment less every WIREWATCH_ variable: the command refuses
// the ones it does not know (the live suite's WIREWATCH_LIVE_*), and the run sets its own.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WIREWATCH_") {
			env = append(env, kv)
		}
	}
	return env
}

// start runs `wirewatch <stage> --config FILE` with its own data directory and log file
// and the extra environment given.
func (c *cluster) start(name, stage string, extra ...string) *proc {
	c.t.Helper()
	data := filepath.Join(c.dir, name)
	if err := os.MkdirAll(data, 0o755); err != nil {
		c.t.Fatal(err)
	}
	logPath := filepath.Join(c.dir, name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := exec.Command(c.bin, stage, "--config", c.config)
	cmd.Env = append(append(append(baseEnv(), c.env...), "WIREWATCH_DATA_DIR="+data), extra...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		c.t.Fatalf("starting %s: %v", name, err)
	}
	p := &proc{name: name, stage: stage, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	c.procs = append(c.procs, p)
	return p
}

// httpAddr waits for the process's "wirewatch started" log line and returns its HTTP base
// URL.
func (c *cluster) httpAddr(p *proc, timeout time.Duration) string {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if b, err := os.ReadFile(p.log); err == nil {
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var line struct {
					Msg  string `json:"msg"`
					HTTP string `json:"http"`
				}
				if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "wirewatch started" && line.HTTP != "" {
					return line.HTTP
				}
			}
		}
		select {
		case <-p.done:
			c.t.Fatalf("%s exited before it started: %v\n%s", p.name, p.err, tail(p.log, 40))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s has not started after %v\n%s", p.name, timeout, tail(p.log, 40))
		}
	}
}

// kill SIGKILLs p: no drain, no commit.
func (c *cluster) kill(p *proc) {
	c.t.Helper()
	p.killed = true
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		c.t.Fatalf("killing %s: %v", p.name, err)
	}
	<-p.done
}

// exited returns the processes that exited without being killed.
func (c *cluster) exited() []*proc {
	var out []*proc
	for _, p := range c.procs {
		select {
		case <-p.done:
			if !p.killed {
				out = append(out, p)
			}
		default:
		}
	}
	return out
}

// checkAlive fails the test for every process that exited without being killed.
func (c *cluster) checkAlive() {
	c.t.Helper()
	for _, p := range c.exited() {
		c.t.Errorf("%s exited on its own: %v\n%s", p.name, p.err, tail(p.log, 40))
	}
}

// stop sends SIGTERM to every live process and waits for it to drain (SIGKILL after 30 s);
// a process that does not exit cleanly fails the test with its log.
func (c *cluster) stop() {
	for _, p := range c.procs {
		if p.killed {
			continue
		}
		select {
		case <-p.done:
			continue
		default:
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range c.procs {
		if p.killed {
			continue
		}
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			c.t.Errorf("%s did not stop within 30 s of SIGTERM", p.name)
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			<-p.done
		}
		if p.err != nil {
			c.t.Errorf("%s exited with %v after SIGTERM\n%s", p.name, p.err, tail(p.log, 40))
		}
	}
}

// dumpLogs prints the end of every process's log (on failure).
func (c *cluster) dumpLogs() {
	for _, p := range c.procs {
		c.t.Logf("---- %s (%s) ----\n%s", p.name, p.log, tail(p.log, 60))
	}
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// countLog counts the log lines of p whose message is msg.
func countLog(p *proc, msg string) int {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte(`"msg":"`+msg+`"`))
}

// waitReady waits until base/readyz answers 200.
func waitReady(t *testing.T, name, base string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %v (last: %v)", name, timeout, fmt.Sprint(err, " ", resp))
		}
		time.Sleep(300 * time.Millisecond)
	}
}
