// Package process is the enrichment stage between the raw and the enriched Kafka topics.
// Its Enricher runs the steps in order on each article: the language (lang), the entities
// (entity), the topics from boolean rules and the key phrases (topic), the near-duplicate
// story (story). The words every step reads are tokenized once, here, with text; the topic
// rules' search analysers take their words from the same tokens (words.go) and stem and
// fold them once per article for all the rules (query.Analysis.DocWords).
//
// The Enricher holds everything read-only after loading (the user entities, the topic
// rules) behind an atomic pointer, so Enrich is safe for concurrent use and Reload swaps a
// new snapshot in without stopping the stage. The story index is shared through the
// stories topic (stories.go): the stage writes each batch's assignments and every instance
// reads the whole topic, so stories survive restarts and span instances.
//
// A Reprocessor (reprocess.go) re-enriches the archive kept on the raw topic when the
// knowledge base, the entities or the topic rules change, beside the live stage and without
// alerting (`wirewatch reprocess`, POST /api/reprocess).
//
// It imports the steps' packages, article, config and bus; nothing in the flow below it
// imports it.
package process
