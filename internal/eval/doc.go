// Package eval measures the enricher on labelled data: entity recognition against CoNLL
// files (exact span and type, per type and micro-averaged, with the mistakes listed for a
// curator) and language identification against one file of sentences per language. It is
// what `wirewatch eval` prints.
//
// It sits beside the command line, above the enrichment flow: it asks for a Tagger and a
// Detector (process.Enricher is both) and imports only entity and lang for their types.
package eval
