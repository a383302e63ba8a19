package query_test

import (
	"errors"
	"fmt"

	"wirewatch/internal/article"
	"wirewatch/internal/query"
)

func ExampleParse() {
	n, _ := query.Parse(`"corridor Lachin"~3 lang:fr -blocus OR entity:Q399`)
	fmt.Println(n)

	_, err := query.Parse(`Lachin AND (corridor`)
	var qe *query.Error
	if errors.As(err, &qe) {
		fmt.Println(qe.Pos, qe.Column, qe.Msg)
	}
	// Output:
	// ("corridor Lachin"~3 AND lang:fr AND NOT blocus) OR entity:Q399
	// 11 12 unbalanced (: no ) after it
}

func ExampleMatcher_Match() {
	n, _ := query.Parse(`"Лачинский коридор"`)
	m, _ := query.Compile(n, query.MatchOptions{Languages: []string{"ru"}})
	a := &article.Article{ID: "1", Lang: "ru", Title: "Блокада Лачинского коридора"}
	fmt.Println(m.Match(a))
	// Output: true
}
