package alert

import (
	"github.com/segmentio/kafka-go"

	"wirewatch/internal/bus"
)

// conns holds the dialer and transport of the stage's own connections, both carrying the
// cluster's TLS and SASL settings from the bus client.
type conns struct {
	dialer    *kafka.Dialer
	transport kafka.RoundTripper
}

// connsOf takes the client's TLS and SASL settings for the stage's own connections (the
// followers' partition readers, the digest group, the admin calls).
func connsOf(c *bus.Client) conns {
	return conns{dialer: c.Dialer(), transport: c.Transport()}
}

func (k conns) admin(brokers []string) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(brokers...), Transport: k.transport}
}
