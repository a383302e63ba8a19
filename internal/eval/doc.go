// Package eval measures the enricher on labelled data: entity recognition against CoNLL
// files (exact span and type, per type and micro-averaged, per half of the sentences, with
// the mistakes listed for a curator; a statistical model's tags over the same tokens are
// scored by the same code, NEROptions.Predicted), language identification against one file
// of sentences per language, and the entities and topics of news articles against lists of
// their key entities (news.go, which documents the file format and the scores;
// testdata/news is the project's own set). It is what `wirewatch eval` prints.
//
// It sits beside the command line, above the enrichment flow: it asks for a Tagger, a Detector
// (process.Enricher is both) or an Extractor (process.Extract) and imports only article,
// entity and lang for their types.
package eval
