package query

import (
	"fmt"
	"slices"
	"testing"

	"wirewatch/internal/article"
)

func TestUniq(t *testing.T) {
	var many, manyWant []string
	for i := range smallSet + 5 { // past the size uniq looks through without a map
		many = append(many, fmt.Sprint(i%(smallSet-3)), "")
		if i < smallSet-3 {
			manyWant = append(manyWant, fmt.Sprint(i))
		}
	}
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantNil bool
	}{
		{"nil stays nil", nil, nil, true},
		{"empty", []string{}, []string{}, false},
		{"only empty strings", []string{"", ""}, []string{}, false},
		{"first occurrence order", []string{"b", "a", "b", "", "c", "a"}, []string{"b", "a", "c"}, false},
		{"case is kept apart", []string{"AFP", "afp"}, []string{"AFP", "afp"}, false},
		{"long list", many, manyWant, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			got := uniq(in)
			if !slices.Equal(got, tc.want) || (got == nil) != tc.wantNil {
				t.Fatalf("uniq(%q) = %q (nil %v), want %q (nil %v)", tc.in, got, got == nil, tc.want, tc.wantNil)
			}
			if !slices.Equal(in, tc.in) {
				t.Fatalf("uniq changed its input to %q", in)
			}
		})
	}
}

// TestDocLeavesTheArticlesValues: a Doc normalises the keyword values in lists of its
// own; the article's authors, topics and entities stay as they were.
func TestDocLeavesTheArticlesValues(t *testing.T) {
	an := newTestAnalysis(t)
	a := &article.Article{ID: "x", Lang: "fr", Title: "t", Authors: []string{"Jean DUPONT"},
		Topics: []string{"Lachin-Corridor"}, StoryID: "Story-1",
		Entities: []article.Entity{{ID: "Q399", Name: "Arménie", Country: "AM"}}}
	d := an.Doc(a)
	if !slices.Equal(a.Authors, []string{"Jean DUPONT"}) || !slices.Equal(a.Topics, []string{"Lachin-Corridor"}) ||
		a.Entities[0].ID != "Q399" || a.Entities[0].Country != "AM" || a.StoryID != "Story-1" {
		t.Fatalf("the article's values changed: %+v", a)
	}
	for f, want := range map[string]string{IndexAuthors: "jean dupont", IndexTopics: "lachin-corridor", IndexEntities: "q399", IndexCountries: "am", IndexStory: "story-1"} {
		if got := d.keywords[f]; !slices.Equal(got, []string{want}) {
			t.Errorf("keywords of %s = %q, want [%q]", f, got, want)
		}
	}
	d.Release()
}
