package alert

import (
	"context"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"wirewatch/internal/config"
	"wirewatch/internal/netguard"
)

// Channel types.
const (
	ChannelWebhook = "webhook"
	ChannelSlack   = "slack"
	ChannelEmail   = "email"
	ChannelAtom    = "atom"
	ChannelSSE     = "sse"
	ChannelKafka   = "kafka"
)

// channelKind is everything that differs between channel types. Adding a type is adding
// an entry to channelKinds: validation, delivery and help all read it from there.
type channelKind struct {
	name  string
	about string // one line for help texts
	// check reports the channel's mistakes through bad, keyed relative to the channel
	// ("url", "to[0]", or "" for the channel as a whole); nil when a channel of the type has
	// nothing to check.
	check func(ch Channel, rules checkRules, bad func(key, format string, args ...any))
	// send makes one attempt at delivering n on ch (the delivery worker retries), with an
	// error wrapping errPermanent when retrying cannot help. It is nil for the types the
	// worker does not push: Atom and SSE are served from the history every instance keeps,
	// and every alert is on the Kafka alerts topic before anything is delivered.
	send func(s *senders, ctx context.Context, ch Channel, n notice) error
}

// channelKinds is the registry of channel types, in the order messages list them.
var channelKinds = []channelKind{
	{name: ChannelWebhook, about: "POST each alert or digest as JSON to url, signed with secret", check: checkHTTPURL, send: (*senders).webhook},
	{name: ChannelSlack, about: "post to a Slack-compatible incoming webhook at url", check: checkHTTPURL, send: (*senders).slack},
	{name: ChannelEmail, about: "mail the addresses in to through alert.smtp", check: checkAddresses, send: (*senders).email},
	{name: ChannelAtom, about: "an Atom feed at /feeds/searches/{id}.atom"},
	{name: ChannelSSE, about: "the live event stream /api/alerts/stream (the UI's alerts page)"},
	{name: ChannelKafka, about: "the Kafka alerts topic, which every alert reaches first"},
}

func channelKindOf(name string) (channelKind, bool) {
	for _, k := range channelKinds {
		if k.name == name {
			return k, true
		}
	}
	return channelKind{}, false
}

// channelTypeList names every type as a sentence does: "webhook, slack, ... or kafka".
func channelTypeList() string {
	names := make([]string, len(channelKinds))
	for i, k := range channelKinds {
		names[i] = k.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// checkRules are the settings a channel is judged by when it is saved.
type checkRules struct {
	allowPrivate bool // alert.allow_private: webhooks may post to internal addresses
	mail         bool // alert.smtp.host is set: e-mail channels can be delivered
}

// rulesOf returns the rules of an alert configuration.
func rulesOf(c config.AlertConfig) checkRules {
	return checkRules{allowPrivate: c.AllowPrivate, mail: c.SMTP.Host != ""}
}

// checkChannel reports ch's mistakes through bad, keyed relative to the channel.
func checkChannel(ch Channel, rules checkRules, bad func(key, format string, args ...any)) {
	kind, ok := channelKindOf(ch.Type)
	if !ok {
		bad("type", "must be %s, not %q", channelTypeList(), ch.Type)
		return
	}
	if len(ch.Secret) > MaxSecretBytes {
		bad("secret", "is %d bytes long; at most %d", len(ch.Secret), MaxSecretBytes)
	}
	if kind.check != nil {
		kind.check(ch, rules, bad)
	}
}

// ChannelType describes one channel type, for help texts.
type ChannelType struct {
	Name  string
	About string
}

// ChannelTypes lists the channel types a saved search may use.
func ChannelTypes() []ChannelType {
	out := make([]ChannelType, len(channelKinds))
	for i, k := range channelKinds {
		out[i] = ChannelType{Name: k.name, About: k.about}
	}
	return out
}

// checkHTTPURL is the early check of a webhook or Slack URL. Without allowPrivate a host
// that is plainly inside (a private address, localhost, a metadata service) is refused
// here; a name is judged again by what it resolves to at each connection (netguard).
func checkHTTPURL(ch Channel, rules checkRules, bad func(key, format string, args ...any)) {
	u, err := url.Parse(ch.URL)
	switch {
	case ch.URL == "":
		bad("url", "must be set for a %s channel", ch.Type)
	case len(ch.URL) > MaxURLBytes:
		bad("url", "is %d bytes long; at most %d", len(ch.URL), MaxURLBytes)
	case !utf8.ValidString(ch.URL) || strings.ContainsRune(ch.URL, utf8.RuneError):
		bad("url", "is not valid UTF-8")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		bad("url", "%q is not an http(s) URL", ch.URL)
	case !rules.allowPrivate:
		if err := netguard.CheckURL(ch.URL); err != nil {
			bad("url", "%v; set alert.allow_private to post to internal hooks", err)
		}
	}
}

// checkAddresses refuses an e-mail channel on a server without a mail server, when it is
// saved rather than when its first alert is due.
func checkAddresses(ch Channel, rules checkRules, bad func(key, format string, args ...any)) {
	defer func() {
		if !rules.mail {
			bad("", "e-mail needs a mail server: set alert.smtp.host (and port, from) in the configuration")
		}
	}()
	if len(ch.To) == 0 {
		bad("to", "must list at least one address")
	}
	if len(ch.To) > MaxRecipients {
		bad("to", "lists %d addresses; at most %d", len(ch.To), MaxRecipients)
		return
	}
	for k, to := range ch.To {
		if _, err := netmail.ParseAddress(to); err != nil {
			bad(fmt.Sprintf("to[%d]", k), "%q is not an e-mail address", to)
		}
	}
}
