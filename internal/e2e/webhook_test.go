//go:build live

package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"wirewatch/internal/alert"
)

// webhookSecret signs the suite's webhook deliveries.
const webhookSecret = "e2e-secret"

// delivery is one webhook request as the receiver saw it.
type delivery struct {
	key   string // the idempotency key
	alert alert.Alert
}

// webhook receives alert deliveries, checks their signature and keeps them all, repeats
// included: a key delivered twice is what the suite looks for.
type webhook struct {
	mu         sync.Mutex
	deliveries []delivery
	bad        []string // what was wrong with requests that were refused
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var a alert.Alert
	problem := ""
	switch {
	case !alert.VerifySignature(webhookSecret, b, r.Header.Get(alert.HeaderSignature)):
		problem = "bad signature"
	case r.Header.Get(alert.HeaderIdempotency) == "":
		problem = "no idempotency key"
	case json.Unmarshal(b, &a) != nil:
		problem = "body is not an alert: " + string(b)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if problem != "" {
		h.bad = append(h.bad, problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	h.deliveries = append(h.deliveries, delivery{key: r.Header.Get(alert.HeaderIdempotency), alert: a})
	w.WriteHeader(http.StatusNoContent)
}

// received returns a copy of the deliveries so far.
func (h *webhook) received() ([]delivery, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.deliveries...), append([]string(nil), h.bad...)
}
