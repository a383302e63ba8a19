package alert

import (
	"github.com/segmentio/kafka-go"

	"wirewatch/bus"
)

// secureConns is what this stage needs from bus.Client to open its own connections (the
// followers' partition readers, the digest group, the admin calls) with the cluster's TLS
// and SASL settings. bus.Client does not offer it yet; until it does, those connections
// are plain, which serves the embedded broker and plaintext clusters.
type secureConns interface {
	Dialer() *kafka.Dialer
	Transport() *kafka.Transport
}

// conns holds the dialer and transport of the stage's own connections.
type conns struct {
	dialer    *kafka.Dialer      // nil: kafka-go's default
	transport kafka.RoundTripper // nil: kafka-go's default
}

func connsOf(c *bus.Client) conns {
	var k conns
	if sc, ok := any(c).(secureConns); ok {
		k.dialer = sc.Dialer()
		if t := sc.Transport(); t != nil {
			k.transport = t
		}
	}
	return k
}

func (k conns) admin(brokers []string) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(brokers...), Transport: k.transport}
}
