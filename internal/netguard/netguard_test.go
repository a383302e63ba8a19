package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestIsPrivate(t *testing.T) {
	cases := []struct {
		addr    string
		private bool
	}{
		{"127.0.0.1", true}, {"127.1.2.3", true}, {"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"100.64.0.1", true}, {"0.0.0.0", true}, {"::", true}, {"::1", true},
		{"fe80::1", true}, {"fe80::1%eth0", true}, {"fc00::1", true}, {"fd12::1", true}, {"224.0.0.1", true},
		{"255.255.255.255", true}, {"198.18.0.1", true}, {"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true},
		{"::ffff:169.254.169.254", true}, {"64:ff9b::7f00:1", true}, {"2002:7f00:1::", true}, {"::127.0.0.1", true},
		{"2001:db8::1", true}, {"ff02::1", true},
		{"93.184.215.14", false}, {"8.8.8.8", false}, {"2606:2800:21f:cb07:6820:80da:af6b:8b2c", false},
		{"::ffff:8.8.8.8", false}, {"64:ff9b::808:808", false}, {"2002:808:808::", false},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			if got := IsPrivate(netip.MustParseAddr(tc.addr)); got != tc.private {
				t.Errorf("IsPrivate = %v, want %v", got, tc.private)
			}
			err := Control("test.allow_private")("tcp", net.JoinHostPort(tc.addr, "443"), nil)
			if got := errors.Is(err, ErrPrivateAddress); got != tc.private {
				t.Errorf("Control refused = %v (%v), want %v", got, err, tc.private)
			}
			if tc.private && !strings.Contains(err.Error(), "test.allow_private") {
				t.Errorf("Control error %q does not name the setting that allows it", err)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	cases := []struct {
		url string
		ok  bool
	}{
		{"https://hooks.slack.com/services/T0/B0/x", true},
		{"http://93.184.215.14/hook", true},
		{"https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook", true},
		{"https://1e100.net/hook", true},
		{"http://127.0.0.1:8080/hook", false},
		{"http://[::1]/hook", false},
		{"http://0.0.0.0/hook", false},
		{"http://2130706433/hook", false},
		{"http://0x7f.0.0.1/hook", false},
		{"http://0177.0.0.1/hook", false},
		{"http://127.1/hook", false},
		{"http://169.254.169.254/latest/meta-data/", false},
		{"http://10.0.0.1/hook", false},
		{"http://[::ffff:127.0.0.1]/hook", false},
		{"http://metadata.google.internal/computeMetadata/v1/", false},
		{"http://METADATA.google.internal./x", false},
		{"http://localhost:9000/hook", false},
		{"http://api.localhost/hook", false},
		{"http://printer.local/hook", false},
		{"ftp://example.com/hook", false},
		{"file:///etc/passwd", false},
		{"gopher://example.com", false},
		{"http:///nohost", false},
	}
	for _, tc := range cases {
		err := CheckURL(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("CheckURL(%q) = %v, want ok %v", tc.url, err, tc.ok)
		}
	}
}

// TestConnectTimeCheck: what is judged is the address a name resolves to when connecting,
// so neither a name for loopback nor a numeric spelling nor a redirect gets through.
func TestConnectTimeCheck(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	client := &http.Client{
		Transport:     Transport(&net.Dialer{Timeout: 2 * time.Second}, "test.allow_private"),
		CheckRedirect: CheckRedirect(5, true),
		Timeout:       5 * time.Second,
	}
	for _, u := range []string{
		srv.URL,
		"http://localhost:" + port + "/",
		"http://2130706433:" + port + "/", // the system resolver reads it as 127.0.0.1
		"http://[::ffff:127.0.0.1]:" + port + "/",
	} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, u, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Errorf("POST %s went through (status %d)", u, resp.StatusCode)
		}
	}
	if hits != 0 {
		t.Errorf("the loopback server was reached %d times", hits)
	}
	// A redirect inside is refused before its connection is tried (a test server cannot
	// stand outside loopback, so CheckRedirect is called as the client calls it).
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	if err := CheckRedirect(5, true)(req, []*http.Request{req}); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("redirect to %s: %v, want ErrPrivateAddress", srv.URL, err)
	}
	req, _ = http.NewRequest(http.MethodGet, "file:///etc/passwd", nil)
	if err := CheckRedirect(5, false)(req, []*http.Request{req}); !errors.Is(err, ErrScheme) {
		t.Errorf("redirect to file: %v, want ErrScheme", err)
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"https://user:pw@feeds.example/rss?token=abc&page=2": "https://redacted@feeds.example/rss?page=2&token=redacted",
		"https://feeds.example/rss?api_key=k":                "https://feeds.example/rss?api_key=redacted",
		"https://feeds.example/rss?id=7":                     "https://feeds.example/rss?id=7",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
