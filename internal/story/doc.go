// Package story groups near-duplicate articles, the last step of enrichment: a SimHash
// signature of an article's folded words (Signature) and the assignment of each article to
// the story of the closest copy seen within a time window (Index).
//
// Stories survive restarts and are shared by every processor instance through Kafka, not
// through shared memory: the process stage writes one Assignment per article to the
// compacted stories topic (keyed by article ID) before it commits the raw offsets, and
// every instance follows the whole topic into its Index (Learn) and reads it to its end
// before enriching its first batch. So a restarted instance has its index back, and a copy
// enriched on another instance joins the story within a poll of the first one's record.
// The ID of a story stays the ID of its first article, as before; a redelivered article
// gets the story it was given the first time.
//
// What is left is a race: two copies enriched on two instances in the same moment (before
// either record reached the other, about a second) start two stories, and a search that
// matches both alerts twice. Learn then merges them for every later copy, on the smaller
// of the two IDs, so every instance makes the same choice. A story ID derived from the
// signature would close the race for exact copies (distance 0) only, would join a copy
// published after the window to the old story, and would change every story ID in use;
// the merge covers copies at any distance.
//
// It reads the folded tokens the earlier steps produced and imports only text (the hash
// words are keyed by); the process stage owns the topic.
package story
