// Package netguard keeps wirewatch's outgoing HTTP from reaching inside the network it runs
// in. Feeds (ingest) and alert channels (webhook, Slack) fetch or post to URLs that users
// supply; without a guard such a URL can make the server talk to its own loopback, the
// cloud metadata service or the private network behind it (server-side request forgery).
//
// The check that matters sits at connect time: Control runs in net.Dialer on the address a
// name actually resolved to, so a DNS answer that changes between a check and the
// connection (rebinding), decimal or hexadecimal spellings of an address, and redirects
// all end at the same test. CheckURL is the early check for a URL given to the API or the
// configuration, so an obvious mistake is refused with a reason when it is saved.
//
// It is a leaf below ingest and alert and imports only the standard library.
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrPrivateAddress is wrapped by every refusal: the address is loopback, private,
// link-local, multicast, reserved or otherwise not on the public Internet.
var ErrPrivateAddress = errors.New("address is private, loopback or link-local")

// blocked are the ranges that are not the public Internet (IANA special-purpose
// registries). IPv6 forms that embed an IPv4 address are unwrapped before this list is
// consulted (see IsPrivate).
var blocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network"; 0.0.0.0 reaches the local host
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // carrier-grade NAT
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, cloud metadata (169.254.169.254)
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, and the broadcast address
		"::/128",          // unspecified
		"::1/128",         // loopback
		"100::/64",        // discard
		"2001::/32",       // Teredo: the IPv4 address inside is obfuscated
		"2001:db8::/32",   // documentation
		"fc00::/7",        // unique local
		"fe80::/10",       // link-local
		"fec0::/10",       // site-local (deprecated)
		"ff00::/8",        // multicast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// IsPrivate reports whether ip is anything but a public unicast address. IPv4-mapped
// (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4
// (2002::/16) addresses are judged by the IPv4 address they carry.
func IsPrivate(ip netip.Addr) bool {
	if !ip.IsValid() {
		return true
	}
	ip = embeddedV4(ip.WithZone(""))
	for _, p := range blocked {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4  = netip.MustParsePrefix("2002::/16")
	compatV = netip.MustParsePrefix("::/96")
)

// embeddedV4 returns the IPv4 address an IPv6 address stands for, or ip itself.
func embeddedV4(ip netip.Addr) netip.Addr {
	if ip.Is4In6() {
		return ip.Unmap()
	}
	if !ip.Is6() {
		return ip
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip), compatV.Contains(ip) && ip != netip.IPv6Unspecified() && ip != netip.IPv6Loopback():
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case sixTo4.Contains(ip):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	return ip
}

// Control returns a net.Dialer Control function that refuses to connect to a private
// address. setting names the configuration key that allows it ("ingest.allow_private"),
// so the error tells the operator what to change.
func Control(setting string) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("checking address %s: %w", address, err)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || IsPrivate(ip) {
			return fmt.Errorf("connecting to %s: %w (set %s to allow)", address, ErrPrivateAddress, setting)
		}
		return nil
	}
}

// Transport returns an HTTP transport whose every connection, redirects included, passes
// Control. It uses no proxy: a proxy would connect on the client's behalf and make the
// address check meaningless.
func Transport(dialer *net.Dialer, setting string) *http.Transport {
	d := *dialer
	d.Control = Control(setting)
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = d.DialContext
	return t
}

// ErrScheme is wrapped by CheckURL and CheckRedirect for a URL that is not http or https.
var ErrScheme = errors.New("not an http(s) URL")

// CheckRedirect returns an http.Client CheckRedirect that follows at most max redirects
// and only to http(s) URLs; with guard, a hop to a host CheckURL refuses ends the
// request too (Control would refuse its connection anyway; this says why sooner).
func CheckRedirect(max int, guard bool) func(req *http.Request, via []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > max {
			return fmt.Errorf("following redirects: more than %d", max)
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("following redirect to %s: %w", Redact(req.URL.String()), ErrScheme)
		}
		if guard {
			if err := checkHost(req.URL.Hostname()); err != nil {
				return fmt.Errorf("following redirect to %s: %w", Redact(req.URL.String()), err)
			}
		}
		return nil
	}
}

// internalNames are host names that always mean a machine inside: the local host and
// the cloud metadata services.
var internalNames = []string{"localhost", "metadata", "metadata.google.internal", "instance-data", "metadata.azure.com"}

// internalSuffixes are domains that are never on the public Internet.
var internalSuffixes = []string{".localhost", ".local", ".localdomain", ".internal", ".home.arpa", ".lan"}

// CheckURL is the early check of a URL a user gives: it must be http(s) with a host, and
// the host must not be a literal private address, a numeric spelling of an address
// (2130706433, 0x7f.1) or a name that always means inside (localhost,
// metadata.google.internal, *.internal). A name is not resolved here; Control judges
// what it resolves to when connecting.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: %w", raw, ErrScheme)
	}
	return checkHost(u.Hostname())
}

func checkHost(host string) error {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if ip, err := netip.ParseAddr(h); err == nil {
		if IsPrivate(ip) {
			return fmt.Errorf("host %s: %w", host, ErrPrivateAddress)
		}
		return nil
	}
	if numericHost(h) {
		// inet_aton accepts 2130706433, 0177.1 and 0x7f.0.0.1 for 127.0.0.1; only the
		// dotted decimal form is taken, so what is checked is what is dialled.
		return fmt.Errorf("host %s: %w (write an IPv4 address as four decimal numbers)", host, ErrPrivateAddress)
	}
	for _, n := range internalNames {
		if h == n {
			return fmt.Errorf("host %s: %w", host, ErrPrivateAddress)
		}
	}
	for _, s := range internalSuffixes {
		if strings.HasSuffix(h, s) {
			return fmt.Errorf("host %s: %w", host, ErrPrivateAddress)
		}
	}
	return nil
}

// numericHost reports whether h looks like a number rather than a name: only digits,
// dots and hexadecimal notation, with no label that has a letter outside 0x and a-f.
func numericHost(h string) bool {
	if h == "" {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		digits := strings.TrimPrefix(label, "0x")
		if label == "" || digits == "" {
			continue
		}
		for _, c := range digits {
			isHex := c >= 'a' && c <= 'f'
			if !(c >= '0' && c <= '9') && !(isHex && strings.HasPrefix(label, "0x")) {
				return false
			}
		}
	}
	return true
}

// Redact returns raw without what may be a credential: the user information and the
// values of query parameters whose names say they hold one (token, key, secret,
// password, auth, sig, session), so a URL can go into logs, metrics and errors. Other
// parameters stay, so feeds that differ only in them stay apart.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if secretParam(k) {
				q[k], changed = []string{"redacted"}, true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "key", "secret", "pass", "pwd", "auth", "sig", "session", "credential"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
