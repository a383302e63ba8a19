// Package story groups near-duplicate articles, the last step of enrichment: a SimHash
// signature of an article's folded words (Signature) and the assignment of each article to
// the story of the closest copy seen within a time window (Index).
//
// It reads the folded tokens the earlier steps produced and imports only text (the hash
// words are keyed by); the index lives in one process's memory.
package story
