package entity

import (
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Evidence of an event ("Battle of Gettysburg", "FIFA World Cup") and of a nationality
// adjective, which is no name ("Dutch", "Prussian").

// eventFirst starts the name of an event ("Battle of Gettysburg", "Opération Barkhane").
// French names its games, cups and tournaments head first ("Jeux olympiques", "Coupe
// d'Afrique des nations", "Tournoi des Six Nations"), English last (eventLast).
var eventFirst = foldSet(`battle siege war campaign operation treaty massacre revolution
bataille siège guerre campagne opération traité massacre révolution
jeux coupe championnat championnats tournoi festival trophée
битва сражение осада война операция договор революция`)

// eventLast ends the name of an event ("World War II" ends in a numeral, see chunk;
// "FIFA World Cup", "Flanders Campaign", "French Revolutionary Wars").
var eventLast = foldSet(`war wars cup campaign championship championships olympics games festival
election elections summit conference crisis uprising offensive revolution massacre
trophy award awards prize bowl
guerre coupe championnat festival élection élections sommet conférence crise offensive
война кубок чемпионат олимпиада фестиваль выборы саммит конференция кризис`)

// demonyms are adjectives of nationality written with a capital in English: not names.
var demonyms = foldSet(`
american british english french german russian armenian azerbaijani azeri georgian turkish iranian
persian ukrainian european african asian arab arabic jewish muslim christian catholic protestant
orthodox soviet chinese japanese korean indian italian spanish portuguese dutch greek polish
swedish norwegian danish finnish irish scottish welsh canadian australian mexican brazilian swiss thai
israeli palestinian syrian iraqi egyptian saudi kurdish belarusian kazakh uzbek western eastern
northern southern latin roman christian islamic buddhist hindu
`)

// isDemonym reports an English adjective of nationality or origin: listed, or with the
// endings such adjectives take ("Prussian", "Belgian", "Japanese", "Flemish").
func isDemonym(w string) bool {
	if demonyms[w] {
		return true
	}
	if text.ScriptOf(w) != text.Latin || utf8.RuneCountInString(w) < 6 || listedFirstName(w) {
		return false // "Adrian", "Fabian", "Maximilian" are first names
	}
	for _, suf := range []string{"ian", "ese", "ish", "ean"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// quotedTitles drops the names that are only part of a title of two words or more written
// in double quotes and in title case, in English: "I Am Sam", "King of New York", "Life on the Mississippi",
// "Anarchy in Tokyo" name a work, not the person or the place inside. A name that is the
// whole quoted title stands (a band, a ship, a work's own name), and a quoted statement,
// mostly in lower case, is no title.
func quotedTitles(toks []text.Token, src string, spans []span) []span {
	if !strings.ContainsAny(src, "\"“") || len(spans) == 0 {
		return spans
	}
	keep := spans
	dropped := false
	for at := 0; at < len(src); {
		q := strings.IndexAny(src[at:], "\"“")
		if q < 0 {
			break
		}
		open := at + q
		_, size := utf8.DecodeRuneInString(src[open:])
		end := strings.IndexAny(src[open+size:], "\"”\n")
		if end < 0 {
			break
		}
		closeAt := open + size + end
		at = closeAt + 1
		if src[closeAt] == '\n' {
			continue // no closing quote on the line
		}
		from, to := -1, -1
		title := true
		for k, t := range toks {
			if t.Start < open+size || t.End > closeAt {
				continue
			}
			if from < 0 {
				from = k
			}
			to = k + 1
			if !t.Cap && !text.IsStopword("en", t.Norm) && t.Letters {
				title = false
			}
		}
		if from < 0 || to-from < 2 || !toks[from].Cap || !title {
			continue
		}
		if !dropped {
			keep = make([]span, 0, len(spans))
			keep = append(keep, spans...)
			dropped = true
		}
		out := keep[:0]
		for _, s := range keep {
			if s.From >= from && s.To <= to && (s.From > from || s.To < to) {
				continue
			}
			out = append(out, s)
		}
		keep = out
	}
	return keep
}
