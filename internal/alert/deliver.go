package alert

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"wirewatch/internal/bus"
)

// Delivery statuses.
const (
	StatusDelivered = "delivered"
	StatusRetrying  = "retrying" // failed so far; parked for the retrier until NextAttempt
	StatusFailed    = "failed"   // gave up: permanent error or attempts exhausted
)

// Delivery is the state of one alert (or digest) on one channel, as recorded in the
// delivery topic and shown by GET /api/deliveries.
type Delivery struct {
	ID        string    `json:"id"` // alert ID, or digest ID
	SearchID  string    `json:"search_id"`
	Channel   string    `json:"channel"` // Channel.Key()
	Type      string    `json:"type"`
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	Digest    bool      `json:"digest,omitempty"`
	Alerts    int       `json:"alerts"` // alerts carried (1, or a digest's count)
	Updated   time.Time `json:"updated"`
	// NextAttempt and Pending are set while retrying: when the retrier tries again, and
	// what it sends (the alerts, so it needs nothing else that may have moved on).
	NextAttempt time.Time `json:"next_attempt,omitempty"`
	Pending     []Alert   `json:"pending,omitempty"`
}

// deliveryState is every instance's view of the delivery topic: per (alert, channel)
// records, and the alerts queued for a digest. Keys: "d|<id>|<channel>" for a Delivery,
// "q|<search>|<alert>" for a queued Alert (a tombstone once its digest went out).
type deliveryState struct {
	mu         sync.RWMutex
	deliveries map[string]Delivery
	queued     map[string]map[string]Alert // search ID → alert ID → alert
}

func newDeliveryState() *deliveryState {
	return &deliveryState{deliveries: map[string]Delivery{}, queued: map[string]map[string]Alert{}}
}

func deliveryKey(id, channel string) string { return "d|" + id + "|" + channel }
func queueKey(search, alert string) string  { return "q|" + search + "|" + alert }

func (st *deliveryState) applyRecord(m bus.Record) {
	st.apply(string(m.Key), m.Value)
}

func (st *deliveryState) apply(key string, value []byte) {
	kind, rest, _ := strings.Cut(key, "|")
	st.mu.Lock()
	defer st.mu.Unlock()
	switch kind {
	case "d":
		if value == nil {
			delete(st.deliveries, key)
			return
		}
		var d Delivery
		if json.Unmarshal(value, &d) == nil {
			st.deliveries[key] = d
		}
	case "q":
		search, alertID, _ := strings.Cut(rest, "|")
		if value == nil {
			delete(st.queued[search], alertID)
			if len(st.queued[search]) == 0 {
				delete(st.queued, search)
			}
			return
		}
		var a Alert
		if json.Unmarshal(value, &a) == nil {
			if st.queued[search] == nil {
				st.queued[search] = map[string]Alert{}
			}
			st.queued[search][alertID] = a
		}
	}
}

func (st *deliveryState) get(id, channel string) (Delivery, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	d, ok := st.deliveries[deliveryKey(id, channel)]
	return d, ok
}

func (st *deliveryState) isQueued(search, alert string) bool {
	st.mu.RLock()
	defer st.mu.RUnlock()
	_, ok := st.queued[search][alert]
	return ok
}

// queuedAlerts returns each search's queued alerts, oldest first.
func (st *deliveryState) queuedAlerts() map[string][]Alert {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make(map[string][]Alert, len(st.queued))
	for search, q := range st.queued {
		list := make([]Alert, 0, len(q))
		for _, a := range q {
			list = append(list, a)
		}
		sort.Slice(list, func(i, j int) bool {
			if !list[i].MatchedAt.Equal(list[j].MatchedAt) {
				return list[i].MatchedAt.Before(list[j].MatchedAt)
			}
			return list[i].ID < list[j].ID
		})
		out[search] = list
	}
	return out
}

func (st *deliveryState) queuedCount() int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	n := 0
	for _, q := range st.queued {
		n += len(q)
	}
	return n
}

// due returns the parked deliveries whose next attempt is due at now, oldest first.
func (st *deliveryState) due(now time.Time) []Delivery {
	st.mu.RLock()
	var out []Delivery
	for _, d := range st.deliveries {
		if d.Status == StatusRetrying && !d.NextAttempt.After(now) {
			out = append(out, d)
		}
	}
	st.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].NextAttempt.Before(out[j].NextAttempt) })
	return out
}

// list returns the delivery records of search ("" for all), newest first.
func (st *deliveryState) list(search string) []Delivery {
	st.mu.RLock()
	out := []Delivery{}
	for _, d := range st.deliveries {
		if search == "" || d.SearchID == search {
			d.Pending = nil
			out = append(out, d)
		}
	}
	st.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Updated.Equal(out[j].Updated) {
			return out[i].Updated.After(out[j].Updated)
		}
		return out[i].ID+out[i].Channel < out[j].ID+out[j].Channel
	})
	return out
}

// writeState writes records to the delivery topic and, once acknowledged, applies them
// locally so the next decision sees them without waiting for the follower.
func (s *Stage) writeState(ctx context.Context, recs ...bus.Record) error {
	if len(recs) == 0 {
		return nil
	}
	if err := s.stateW.Write(ctx, recs...); err != nil {
		return fmt.Errorf("writing %d delivery records: %w", len(recs), err)
	}
	for _, r := range recs {
		s.state.apply(string(r.Key), r.Value)
	}
	s.metrics.queued.Set(float64(s.state.queuedCount()))
	return nil
}

// notice is what goes out on a channel: one alert, or a digest of several.
type notice struct {
	ID     string // idempotency key: the alert ID, or the digest ID
	Search SavedSearch
	Alerts []Alert
	Digest bool
}

// deliveryParallelism bounds the alerts of one batch delivered at once, so one slow
// receiver does not hold up the others for the full batch.
const deliveryParallelism = 8

// handleAlerts is the delivery worker's batch handler (group "alert-delivery"). It
// returns nil once every alert of the batch is delivered on every channel, has given up
// on it, or is queued for a digest; each of those outcomes is first recorded in the
// delivery topic, so a redelivered batch skips what was done.
func (s *Stage) handleAlerts(ctx context.Context, msgs []bus.Record) error {
	sem := make(chan struct{}, deliveryParallelism)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	var letters []bus.Letter
	for _, m := range msgs {
		a, err := readAlert(m)
		if err != nil {
			letters = append(letters, bus.Letter{Record: m, Reason: err})
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.deliverAlert(ctx, a); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return s.dlq.Send(ctx, letters...)
}

// readAlert reads an alert of the alerts topic.
func readAlert(m bus.Record) (Alert, error) {
	a, err := unmarshalAlert(m.Value)
	if err != nil {
		return a, fmt.Errorf("decoding alert: %w", err)
	}
	return a, nil
}

func (s *Stage) deliverAlert(ctx context.Context, a Alert) error {
	search, ok := s.set.get(a.SearchID)
	if !ok {
		return nil // the search was deleted since: nothing to deliver
	}
	if a.Digest || search.Mode != ModeImmediate {
		if s.state.isQueued(search.ID, a.ID) {
			return nil
		}
		b, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("encoding alert %s: %w", a.ID, err)
		}
		return s.writeState(ctx, bus.Record{Key: []byte(queueKey(search.ID, a.ID)), Value: b})
	}
	n := notice{ID: a.ID, Search: search, Alerts: []Alert{a}}
	var errs []error
	for _, ch := range search.Channels {
		if ch.pushed() {
			errs = append(errs, s.deliverOn(ctx, n, ch))
		}
	}
	return errors.Join(errs...)
}

// inlineAttempts is how many times the delivery worker tries a channel before parking
// the delivery for the retrier: enough to ride out a blip, few enough that one dead
// receiver does not hold up every other alert behind it in the partition.
const inlineAttempts = 3

// deliverOn sends n on ch unless the delivery topic already has a record of it
// (delivered, given up, or parked for the retrier), trying a few times with backoff. It
// returns an error only when the outcome could not be recorded or ctx ended first; then
// the batch is redone.
func (s *Stage) deliverOn(ctx context.Context, n notice, ch Channel) error {
	key := ch.Key()
	if _, ok := s.state.get(n.ID, key); ok {
		return nil
	}
	d := Delivery{ID: n.ID, SearchID: n.Search.ID, Channel: key, Type: ch.Type, Digest: n.Digest, Alerts: len(n.Alerts)}
	backoff := s.cfg.Webhook.Backoff
	for {
		err := s.attempt(ctx, &d, ch, n)
		if err == nil && d.Status == StatusRetrying && d.Attempts < inlineAttempts {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, s.cfg.Webhook.MaxBackoff)
			continue
		}
		if err != nil {
			return err
		}
		if d.Status == StatusRetrying {
			d.Pending = n.Alerts
		}
		return s.record(ctx, d)
	}
}

// attempt sends n once and sets d's outcome: delivered, failed (permanent error or last
// attempt) or retrying with its next attempt time. It returns an error only if ctx
// ended, and then d is unchanged.
func (s *Stage) attempt(ctx context.Context, d *Delivery, ch Channel, n notice) error {
	policy := s.cfg.Webhook
	err := s.send.send(ctx, ch, n)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	d.Attempts++
	d.Updated = s.now().UTC()
	switch {
	case err == nil:
		d.Status, d.LastError, d.NextAttempt, d.Pending = StatusDelivered, "", time.Time{}, nil
		s.metrics.deliveries.WithLabelValues(ch.Type, StatusDelivered).Inc()
	case errors.Is(err, errPermanent) || d.Attempts >= policy.MaxAttempts:
		d.Status, d.LastError, d.NextAttempt, d.Pending = StatusFailed, err.Error(), time.Time{}, nil
		s.metrics.deliveries.WithLabelValues(ch.Type, StatusFailed).Inc()
		s.logger.Error("giving up delivery", "alert_id", n.ID, "search_id", n.Search.ID, "channel", ch.Type, "attempts", d.Attempts, "err", err)
	default:
		wait := policy.Backoff << min(d.Attempts-1, 30)
		if wait <= 0 || wait > policy.MaxBackoff {
			wait = policy.MaxBackoff
		}
		d.Status, d.LastError, d.NextAttempt = StatusRetrying, err.Error(), d.Updated.Add(wait)
		s.metrics.deliveries.WithLabelValues(ch.Type, StatusRetrying).Inc()
		s.logger.Warn("delivery failed; will retry", "alert_id", n.ID, "channel", ch.Type, "attempt", d.Attempts, "retry_in", wait, "err", err)
	}
	return nil
}

func (s *Stage) record(ctx context.Context, d Delivery) error {
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encoding delivery record: %w", err)
	}
	return s.writeState(ctx, bus.Record{Key: []byte(deliveryKey(d.ID, d.Channel)), Value: b})
}

// retryParked makes one more attempt at each parked delivery that is due. Only the
// elected instance runs it (see leadDigests), so no two instances retry one delivery.
// The channel is looked up again in the current search, so a fixed URL takes effect.
func (s *Stage) retryParked(lead, ctx context.Context) {
	for _, d := range s.state.due(s.now()) {
		if lead.Err() != nil {
			return
		}
		search, ok := s.set.get(d.SearchID)
		var ch Channel
		found := false
		for _, c := range search.Channels {
			if c.Key() == d.Channel {
				ch, found = c, true
			}
		}
		if !ok || !found {
			d.Status, d.LastError, d.NextAttempt, d.Pending = StatusFailed, "the search or this channel was removed", time.Time{}, nil
			d.Updated = s.now().UTC()
		} else {
			n := notice{ID: d.ID, Search: search, Alerts: d.Pending, Digest: d.Digest}
			if len(n.Alerts) == 0 {
				d.Status, d.LastError = StatusFailed, "nothing recorded to resend"
			} else if err := s.attempt(ctx, &d, ch, n); err != nil {
				return
			}
		}
		if err := s.record(ctx, d); err != nil {
			s.logger.Warn("recording retried delivery", "alert_id", d.ID, "err", err)
			return
		}
	}
}

// digestDrain bounds how long a digest being sent may continue after this instance lost
// the lead; it stays under the digest group's rebalance timeout, so the next leader
// starts only after the send finished and was recorded.
const digestDrain = 4 * time.Second

// digestLoop retries parked deliveries and sends the digests that are due, checking
// every digestEvery, until lead ends (the leadership of leadDigests, or the stage).
func (s *Stage) digestLoop(lead context.Context) {
	t := time.NewTicker(s.digestEvery)
	defer t.Stop()
	for {
		work, cancel := bus.DrainContext(lead, digestDrain)
		s.retryParked(lead, work)
		s.sendDueDigests(lead, work)
		cancel()
		select {
		case <-lead.Done():
			return
		case <-t.C:
		}
	}
}

// sendDueDigests sends each due digest with ctx, starting none once lead has ended.
func (s *Stage) sendDueDigests(lead, ctx context.Context) {
	now := s.now()
	for searchID, alerts := range s.state.queuedAlerts() {
		if lead.Err() != nil {
			return
		}
		search, ok := s.set.get(searchID)
		if ok {
			due := s.digestDue(search, alerts[0].MatchedAt)
			if now.Before(due) {
				continue
			}
			if len(alerts) > maxDigestAlerts {
				// The rest make the next digest, due at once.
				alerts = alerts[:maxDigestAlerts]
			}
			n := notice{ID: digestID(searchID, alerts[0].ID, due), Search: search, Alerts: alerts, Digest: true}
			failed := false
			for _, ch := range search.Channels {
				if ch.pushed() {
					if err := s.deliverOn(ctx, n, ch); err != nil {
						s.logger.Warn("digest not finished; will retry", "search_id", searchID, "err", err)
						failed = true
					}
				}
			}
			if failed {
				continue
			}
		}
		// Sent (or the search is gone): dequeue.
		tombs := make([]bus.Record, 0, len(alerts))
		for _, a := range alerts {
			tombs = append(tombs, bus.Record{Key: []byte(queueKey(searchID, a.ID))})
		}
		if err := s.writeState(ctx, tombs...); err != nil {
			s.logger.Warn("dequeuing sent digest; it will be skipped as delivered next time", "search_id", searchID, "err", err)
		}
	}
}

// maxDigestAlerts keeps one digest's webhook body and e-mail to a readable size.
const maxDigestAlerts = 200

// digestDue is when a digest whose oldest alert matched at oldest goes out.
func (s *Stage) digestDue(search SavedSearch, oldest time.Time) time.Time {
	loc, err := time.LoadLocation(s.cfg.Digest.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	t := oldest.In(loc)
	switch search.Mode {
	case ModeHourly:
		due := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), s.cfg.Digest.HourlyMinute, 0, 0, loc)
		if !due.After(t) {
			due = due.Add(time.Hour)
		}
		return due
	case ModeDaily:
		h, m, err := s.cfg.Digest.DailyClock()
		if err != nil {
			h, m = 8, 0
		}
		due := time.Date(t.Year(), t.Month(), t.Day(), h, m, 0, 0, loc)
		if !due.After(t) {
			due = due.AddDate(0, 0, 1)
		}
		return due
	}
	// An immediate search over its rate limit: the flood goes out when the window ends.
	return oldest.Add(s.cfg.RateLimit.Window)
}

// digestID names a digest by its search, its oldest alert and its due time, so a digest
// redone after a crash has the ID of the one that may already have gone out.
func digestID(search, oldestAlert string, due time.Time) string {
	sum := sha256.Sum256([]byte("digest\x00" + search + "\x00" + oldestAlert + "\x00" + due.UTC().Format(time.RFC3339)))
	return hex.EncodeToString(sum[:16])
}
