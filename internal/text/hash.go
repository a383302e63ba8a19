package text

// FNV-1a, 64 bits: the key of folded words and word sequences (the knowledge base's name
// table, word sets, story shingles). Sequences separate their words by a space or a NUL,
// hashed with HashAdd like the words.
const (
	HashInit  uint64 = 14695981039346656037
	hashPrime uint64 = 1099511628211
)

// HashAdd continues hash h over the bytes of s; HashAdd(HashInit, s) is the hash of s.
func HashAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= hashPrime
	}
	return h
}
