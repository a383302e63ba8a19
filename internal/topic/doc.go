// Package topic assigns articles to the categories of a taxonomy, and picks each article's
// key phrases (keyphrase.go). Each topic's rule is written in the analysts' query language
// (package query) and compiled once into the in-memory matcher that alerts use, so a rule
// such as
//
//	entity:Q399 AND ("peace treaty" OR delimitation)
//
// means in config/topics.yaml what it means in a search: entity:Q399 is the linked entity
// with that ID, words and phrases are matched as the search index matches them. A topic
// may hold several rules (any one makes an article a member), each bounded as a query, so
// that vocabulary in many languages fits, and its names in several languages (NameIn).
//
// The package sits in the enrichment stage, after language identification and entity
// linking: package process calls Set.Match with the article whose language and entities
// it has just found. It imports query, text (key phrases), article and the YAML decoder, never process
// or anything above it in the flow.
package topic
