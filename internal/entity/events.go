package entity

import (
	"strings"
	"unicode/utf8"

	"wirewatch/internal/text"
)

// Evidence of an event ("Battle of Gettysburg", "FIFA World Cup") and of a nationality
// adjective, which is no name ("Dutch", "Prussian").

// eventFirst starts the name of an event ("Battle of Gettysburg", "Opération Barkhane").
var eventFirst = foldSet(`battle siege war campaign operation treaty massacre revolution
bataille siège guerre campagne opération traité massacre révolution
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
