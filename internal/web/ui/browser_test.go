package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium; the tests never download a browser.
const chromiumPath = "/usr/bin/chromium"

const testToken = "s3cret-analyst-token"

// requireChromium fails (never skips) when the browser is missing: the UI is untested
// without it.
func requireChromium(t *testing.T) string {
	t.Helper()
	path := chromiumPath
	if p := os.Getenv("WIREWATCH_CHROMIUM"); p != "" {
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the browser tests need Debian's chromium at %s (%v).\n"+
			"Install it with:  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium\n"+
			"(or set WIREWATCH_CHROMIUM to a Chromium binary)", path, err)
	}
	return path
}

// browser is one headless Chromium tab with a record of what went wrong in it.
type browser struct {
	ctx context.Context
	t   *testing.T

	mu      sync.Mutex
	dialogs []string // JavaScript dialogs that opened (alert, confirm...)
	trouble []string // uncaught script errors, console errors, CSP violations
}

func newBrowser(t *testing.T, execPath string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &browser{ctx: ctx, t: t}
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); acancel(); wg.Wait() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium %s: %v", execPath, err)
	}
	messages := chromedp.Console(ctx)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	wg.Add(2)
	go func() {
		defer wg.Done()
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.mu.Lock()
				b.trouble = append(b.trouble, fmt.Sprintf("%s %s:%d %s", m.Type, m.URL, m.Line+1, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	go func() {
		defer wg.Done()
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
			b.mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Yerevan"}); err != nil {
		t.Fatalf("setting the time zone: %v", err)
	}
	return b
}

// do runs actions with a deadline, failing the test with what was being done.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 40*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\npage trouble: %q", what, err, b.trouble)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, what, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("%s: evaluating %s: %v\npage trouble: %q", what, js, err, b.trouble)
	}
	return v
}

// evalTo evaluates a JavaScript expression in the page into out.
func evalTo[T any](b *browser, what, js string, out *T) {
	b.t.Helper()
	*out = eval[T](b, what, js)
}

// screenshot saves the page under testout/ui/ for a person to look at.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "..", "..", "testout", "ui")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// waitJS waits until the expression is true.
func (b *browser) waitJS(what, js string) {
	b.t.Helper()
	b.waitJSWithin(what, js, 30*time.Second)
}

func (b *browser) waitJSWithin(what, js string, within time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, within+5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(within), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting for %s (%s): %v\npage trouble: %q\nlocation %s", what, js, err, b.trouble, b.location())
	}
}

func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	href, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("location.pathname + location.search"))
	return href
}

// press types one key as a person would: a keyDown that carries its text, so a page that
// cancels the keydown also cancels the character (chromedp's KeyEvent sends the character
// as a separate event that no handler can cancel).
func (b *browser) press(keys ...string) {
	b.t.Helper()
	for _, k := range keys {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: k, Text: k}
		switch k {
		case "Enter":
			down.Text, down.Code, down.WindowsVirtualKeyCode = "\r", "Enter", 13
		case "Escape":
			down.Text, down.Code, down.WindowsVirtualKeyCode = "", "Escape", 27
		case "/":
			down.Code, down.WindowsVirtualKeyCode = "Slash", 191
		case "?":
			down.Code, down.WindowsVirtualKeyCode, down.Modifiers = "Slash", 191, 8 // shift
		default:
			down.Code, down.WindowsVirtualKeyCode = "Key"+strings.ToUpper(k), int64(strings.ToUpper(k)[0])
		}
		up := down
		up.Type, up.Text = input.DispatchKeyEventTypeKeyUp, ""
		for _, p := range []input.DispatchKeyEventParams{down, up} {
			if _, err := chromedp.Call(b.ctx, input.DispatchKeyEvent, p); err != nil {
				b.t.Fatalf("pressing %q: %v", k, err)
			}
		}
	}
}

// forget drops the recorded errors that contain s: ones the test caused on purpose.
func (b *browser) forget(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.trouble[:0]
	for _, m := range b.trouble {
		if !strings.Contains(m, s) {
			kept = append(kept, m)
		}
	}
	b.trouble = kept
}

// checkClean fails on anything that went wrong in the page so far.
func (b *browser) checkClean() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.dialogs) > 0 || len(b.trouble) > 0 {
		b.t.Errorf("page trouble: dialogs %q, errors %q", b.dialogs, b.trouble)
	}
	b.dialogs, b.trouble = nil, nil
}

// apiGet calls the API the way a script would, with the token.
func apiGet(t *testing.T, url string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
