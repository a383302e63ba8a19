package entity

import "testing"

// TestFrenchEvidence checks the French kinds of evidence of french.go on made-up
// sentences: names that must be found (TYPE:surface) and names that must not be.
func TestFrenchEvidence(t *testing.T) {
	checkEvidence(t, []evidenceCase{
		{"a town and more words after a masculine article is a club",
			"Le défenseur a signé pour trois saisons au Grenoble Foot 38 après une saison blanche.",
			[]string{"ORG:Grenoble Foot 38"}, []string{"LOC:Grenoble"}},
		{"an unknown name of two words after an article is a body, not a person",
			"Lors des élections, son parti arrive derrière le Tarvo Féin, qui obtient vingt sièges.",
			[]string{"ORG:Tarvo Féin"}, []string{"PER:Tarvo Féin"}},
		{"a country or a region the knowledge base knows stands after its article",
			"Elle a longtemps vécu au Costa Rica puis dans le New Jersey avec ses enfants.",
			[]string{"LOC:Costa Rica", "LOC:New Jersey"}, []string{"ORG:Costa Rica", "ORG:New Jersey"}},
		{"a person's name after a title and article stays a person",
			"Le combat a opposé le boxeur américain au Jean Morlaix de la fédération, selon le journal.",
			nil, []string{"ORG:Jean Morlaix"}},
		{"a name starting with an English common word is a title or a band, not a person",
			"Le film reprend une chanson de Rotten Pebbles et une scène tirée de Scary Lantern, sorti en 1999.",
			nil, []string{"PER:Rotten Pebbles", "PER:Scary Lantern"}},
		{"a listed first name that is an English word still starts a person's name",
			"Le rôle principal du film est tenu par Frank Morlaix, qui joue aussi dans la suite.",
			[]string{"PER:Frank Morlaix"}, nil},
		{"a particle and one last word belong to the person's name",
			"Le candidat Carlos Morvedo de Tarrazí a été élu président du pays, comme avant lui le physicien Pieter Halsma van Dreel.",
			[]string{"PER:Carlos Morvedo de Tarrazí", "PER:Pieter Halsma van Dreel"}, []string{"PER:Carlos Morvedo"}},
		{"a full name, then de and a band of two words, is the person and what he belongs to",
			"Il travaille aussi avec des musiciens comme David Gilmour de Pink Floyd pour son album.",
			[]string{"PER:David Gilmour"}, []string{"PER:David Gilmour de Pink Floyd"}},
		{"a plural nickname, de and a town the knowledge base lacks is a club",
			"Il a fini sa carrière avec les Marauders de Tellaville dans la ligue mineure de hockey sur glace.",
			[]string{"ORG:Marauders de Tellaville"}, nil},
		{"a nickname before de and an institution's head is no club of that institution",
			"De 2001 à 2011, il évolue pour les Kestrel Giants de l'Organisation coréenne de baseball avant de partir.",
			nil, []string{"ORG:Kestrel Giants de l", "ORG:Kestrel Giants de l'Organisation"}},
		{"games, cups and tournaments are named head first, and are no place nor body",
			"Elle a remporté la médaille d'or aux Jeux olympiques d'hiver de 2002, puis il a joué la Coupe d'Afrique des nations avec son équipe.",
			nil, []string{"LOC:Jeux", "ORG:Coupe d'Afrique"}},
		{"Les and Des are articles, not English first names, in French text",
			"Le réalisateur a tourné Les Voleurs du Printemps en 1952, avant de partir pour Rome avec sa femme.",
			nil, []string{"PER:Les Voleurs", "PER:Les Voleurs du Printemps"}},
		{"a function word starting a sentence is no gazetteer town",
			"Le maire a quitté la ville en 1990. Alors la municipalité a vendu le château à une famille de Lyon.",
			[]string{"LOC:Lyon"}, []string{"LOC:Alors"}},
		{"a place word after the article makes a place, not a body",
			"Les randonneurs sont montés au sommet du Mont Tarvo avant de redescendre vers le village.",
			nil, []string{"ORG:Mont Tarvo"}},
	})
}
