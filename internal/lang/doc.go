// Package lang identifies the language of an article, the first step of enrichment: the
// entity patterns, key phrases and topic analysers all depend on it. It chooses among the
// configured languages with lingua-go, narrowed by the script of the text, and answers
// clear cases itself by function words and letters (see wordVote).
//
// It imports text (scripts, function words) and article, and nothing else of wirewatch.
package lang
