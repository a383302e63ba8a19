package process

import (
	"errors"
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"
)

// Topic is one category of the taxonomy: an ID (what articles carry), a display name and
// the rule that decides membership.
type Topic struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	Rule string `yaml:"rule" json:"rule"`

	expr ruleNode
}

type topicsFile struct {
	Topics []Topic `yaml:"topics"`
}

// ErrTopicsFile marks an unusable topics file; the message names the topic and the position.
var ErrTopicsFile = errors.New("invalid topics file")

var topicIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func parseTopics(name string, b []byte) ([]Topic, error) {
	var f topicsFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrTopicsFile, name, err)
	}
	seen := map[string]bool{}
	for i := range f.Topics {
		t := &f.Topics[i]
		switch {
		case !topicIDPattern.MatchString(t.ID):
			return nil, fmt.Errorf("%w: %s: topics[%d]: id %q must be lower-case letters, digits, '.', '_' or '-'", ErrTopicsFile, name, i, t.ID)
		case seen[t.ID]:
			return nil, fmt.Errorf("%w: %s: topics[%d]: duplicate id %q", ErrTopicsFile, name, i, t.ID)
		}
		seen[t.ID] = true
		if t.Name == "" {
			t.Name = t.ID
		}
		expr, err := parseRule(t.Rule)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: topic %q rule %w", ErrTopicsFile, name, t.ID, err)
		}
		t.expr = expr
	}
	return f.Topics, nil
}
