package entity

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"wirewatch/internal/text"
)

func TestEntityFileErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"no id", "- type: PER\n  name: X\n", "entry 0: missing id"},
		{"bad type", "- id: ww:x\n  type: PERSON\n", `type "PERSON"`},
		{"lat without lon", "- id: ww:x\n  lat: 1\n", "lat and lon"},
		{"not a list", "id: x\n", "f.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseEntityFile("f.yaml", []byte(tc.yaml))
			if !errors.Is(err, ErrEntityFile) || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Errorf("err = %v, want ErrEntityFile mentioning %q", err, tc.want)
			}
		})
	}
}

func FuzzEntityFile(f *testing.F) {
	f.Add([]byte("- id: ww:x\n  type: PER\n  names:\n    ru: [Сергей Лавров]\n    hy: [Լավրով]\n"))
	f.Add([]byte("- id: Q1\n  lat: 1\n  lon: 2\n  names: {az: [Bakı]}\n"))
	f.Add([]byte("[]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := parseEntityFile("fuzz.yaml", b)
		if err != nil {
			if !errors.Is(err, ErrEntityFile) {
				t.Fatalf("error %v does not wrap ErrEntityFile", err)
			}
			return
		}
		k := newKB()
		k.addRecords(recs, srcUser)
		k.freeze()
		ks := kbSet{k}
		ks.matchKB(text.Tokenize("Сергея Лаврова видели в Баку, l'Arménie", nil), nil)
	})
}
