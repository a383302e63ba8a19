package entity

import "wirewatch/internal/text"

// Coordinated regions share one plural head noun: "Запорізької та Дніпропетровської
// областей", "Харківській, Сумській і Чернігівській областях". Each adjective is a
// region whose name the knowledge base has with the singular head ("Запорізька область");
// without this, the first adjective is a guess over a lone capitalised word and the last
// one's plural form matches no name.

// coordConj are the conjunctions between coordinated names (folded): Ukrainian та, і, й,
// Russian и.
var coordConj = foldSet(`та і й и`)

// pluralRegionHeads maps the plural oblique forms of a region's head noun to the singular
// forms the knowledge base's names are inflected in: Ukrainian області and Russian
// области (genitive, dative, locative), областю and областью (instrumental).
var pluralRegionHeads = func() map[string][]string {
	m := map[string][]string{}
	sg := []string{text.Fold("області"), text.Fold("области")}
	ins := []string{text.Fold("областю"), text.Fold("областью")}
	for _, w := range []string{"областей", "областях", "областям"} {
		m[text.Fold(w)] = sg
	}
	m[text.Fold("областями")] = ins
	return m
}()

// coordinatedRegions reads the capitalised words from i on, joined by commas or
// coordConj, up to a plural head of pluralRegionHeads: if every one of them with the head
// in the singular is a name of the knowledge base, it returns their spans (the last one
// with the head) and the index after the head; otherwise next is i.
func (ks kbSet) coordinatedRegions(toks []text.Token, i int) (spans []span, next int) {
	var adjs []int
	k := i
	for {
		if k >= len(toks) || !toks[k].Cap || toks[k].Upper || text.ScriptOf(toks[k].Norm) != text.Cyrillic {
			return nil, i
		}
		adjs = append(adjs, k)
		if len(adjs) > 8 || k+1 >= len(toks) {
			return nil, i
		}
		h := toks[k+1]
		switch {
		case !h.Cap && !h.Break && pluralRegionHeads[h.Norm] != nil:
			if len(adjs) < 2 {
				return nil, i
			}
			for n, a := range adjs {
				e, conf, ok := ks.regionWithHead(toks[a], pluralRegionHeads[h.Norm])
				if !ok {
					return nil, i
				}
				to := a + 1
				if n == len(adjs)-1 {
					to = k + 2
				}
				spans = append(spans, span{From: a, To: to, Ent: e, Type: e.Type, Conf: conf})
			}
			return spans, k + 2
		case coordConj[h.Norm] && !h.Break:
			k += 2
		case h.Break && h.Cap:
			k++
		default:
			return nil, i
		}
	}
}

// regionWithHead looks up the adjective adj followed by one of the head's forms.
func (ks kbSet) regionWithHead(adj text.Token, heads []string) (*entity, float64, bool) {
	for _, head := range heads {
		pair := []text.Token{adj, {Norm: head, Letters: true}}
		key := text.HashAdd(text.HashAdd(text.HashAdd(text.HashInit, adj.Norm), " "), head)
		if a, e, ok := ks.lookup(key, pair, false, false); ok {
			return e, aliasConfidence(a, e, pair), true
		}
	}
	return nil, 0, false
}
