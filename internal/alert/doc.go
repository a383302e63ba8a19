// Package alert is the alerting stage: it matches every enriched article against the
// analysts' saved searches as the article streams past, and delivers one alert per story
// and search to the search's channels (webhook, Slack, e-mail, Atom, server-sent events,
// the Kafka alerts topic).
//
// The flow, each step committed only after the next one acknowledged:
//
//	enriched topic ─(group "alert": match)─▶ alerts topic ─(group "alert-delivery")─▶ channels
//	                                              │                          │
//	                                              └▶ every instance: history, dedup, SSE, Atom
//	                                                                         └▶ delivery topic
//
// Saved searches live in a compacted topic keyed by search ID; every instance reads it
// whole and keeps following it, so a change made through any instance reaches all of them
// within a second. An alert's ID is a hash of its search and story: it is the idempotency
// key that keeps a story from alerting twice (the matcher skips IDs already in the alerts
// topic) and a channel from receiving it twice (the delivery worker records each delivered
// channel in the compacted delivery topic before it commits).
//
// Channel types register in one place, channelKinds: how each is checked and delivered.
// Searches are checked here whether they come from the API or the configuration file
// (ValidateConfig). The stage's HTTP API is mounted with Routes; the command line that
// talks to it lives in cmd/wirewatch.
//
// In the flow it sits below pipeline and above the index: it imports bus, article,
// config, query, expand, index and httpapi, never web or another stage.
package alert
