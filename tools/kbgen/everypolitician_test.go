package main

import (
	"slices"
	"testing"
)

func TestFullNames(t *testing.T) {
	cases := []struct {
		name, lang string
		want       []string
	}{
		{"Пашинян, Никол Владимирович", "ru", []string{"Никол Пашинян", "Никол Владимирович Пашинян"}},
		{"Володин Вячеслав Викторович", "ru", []string{"Вячеслав Володин", "Вячеслав Викторович Володин"}},
		{"Nikol Pashinyan", "en", []string{"Nikol Pashinyan"}},
		{"Kobakhidze, Manana", "ru", []string{"Manana Kobakhidze"}},
		{"Pashinyan", "en", nil},                    // a surname alone
		{"A. Petrosyan", "any", nil},                // an initial
		{"Armen Petrosyan (politician)", "en", nil}, // a note
	}
	for _, tc := range cases {
		if got := fullNames(tc.name, tc.lang); !slices.Equal(got, tc.want) {
			t.Errorf("fullNames(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
