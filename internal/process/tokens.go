package process

import "wirewatch/internal/text"

// tokenize is text.Tokenize under the name the topic rules (rules.go, rules_test.go) call;
// it goes when they move to internal/topic.
func tokenize(s string, out []text.Token) []text.Token { return text.Tokenize(s, out) }
