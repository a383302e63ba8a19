// Package process enriches raw articles between the raw and the enriched Kafka topics:
// it detects the language, finds people, organisations, places and events and links them
// to canonical IDs shared across languages and scripts (a knowledge base of names plus
// patterns for names not yet known, the approach of Europe Media Monitor), assigns topics
// from boolean rules, extracts key phrases and groups near-duplicate copies of one story.
//
// The Enricher holds everything read-only after loading (the knowledge base, the topic
// rules) behind an atomic pointer, so Enrich is safe for concurrent use and Reload swaps a
// new snapshot in without stopping the stage. The story index is per process: two
// processor instances group stories independently.
package process
