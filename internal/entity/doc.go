// Package entity finds the people, organisations, places and events an article names and
// links them to canonical IDs shared across languages and scripts: a knowledge base of
// names (curated entities, a generated gazetteer and the users' entity files, reloadable)
// matched with their inflected and transliterated forms, plus patterns for names it does
// not know yet, the approach of Europe Media Monitor.
//
// It is the second step of enrichment, after lang (the article's language chooses the
// common words the patterns test) and before topic and story, which read its entity IDs.
// It imports text (tokens, folding, scripts, function words) and article, and no other
// wirewatch package.
//
// Files: kb.go (the knowledge base and the entity file format), match.go (the matcher),
// inflect.go and translit.go (case forms and the cross-script skeleton), recognizer.go
// (the API: Recognizer, Finder, unknown names), find.go and chunk.go (the name patterns),
// and the evidence they weigh by kind: people.go, places.go, orgs.go, events.go, lists.go
// (lists and surname propagation), scripts.go, and the evidence of one language's text
// alone: english.go (definitions and kind nouns that type a name, "X, Maryland", clubs
// named by a town and a nickname), french.go (a name after a masculine article, particles
// in people's names, games and cups as events), russian.go (national teams, transliterated
// names, plural places, mention bounds) and turkish.go (common words written large).
package entity
