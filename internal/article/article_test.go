package article

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestIDIsDeterministicAndPrefersTheCanonicalURL(t *testing.T) {
	a := ID("https://example.org/a", "https://feed-1.example/rss", "g1")
	if a != ID("https://example.org/a", "https://feed-2.example/rss", "other") {
		t.Error("one canonical URL seen in two feeds must give one ID")
	}
	if len(a) != 32 {
		t.Errorf("ID %q: want 32 hex characters", a)
	}
	if ID("", "https://feed-1.example/rss", "g1") == ID("", "https://feed-2.example/rss", "g1") {
		t.Error("without a URL, the same GUID in two feeds must give two IDs")
	}
	if ID("", "f", "g") == ID("f", "", "g") {
		t.Error("a GUID-derived ID must not collide with a URL-derived one")
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	lat := 40.18
	in := &Article{ID: "abc", Title: "Լաչինի միջանցք", Published: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Entities: []Entity{{ID: "Q1953", Type: Place, Name: "Yerevan", Lat: &lat, Mentions: []Mention{{Field: "title", Text: "Երևան", Start: 0, End: 10}}}}}
	b, err := Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if out.Title != in.Title || !out.Published.Equal(in.Published) || *out.Entities[0].Lat != lat || out.SchemaVersion != SchemaVersion {
		t.Errorf("round trip changed the article: %+v", out)
	}
}

func TestDecodeRejectsWithErrDecode(t *testing.T) {
	for name, in := range map[string]string{
		"not json":       "{",
		"wrong type":     `{"id": 5, "schema_version": 1}`,
		"future version": `{"id": "a", "schema_version": 999}`,
		"no version":     `{"id": "a"}`,
		"no id":          `{"schema_version": 1}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode([]byte(in)); !errors.Is(err, ErrDecode) {
				t.Errorf("Decode(%s) = %v, want ErrDecode", in, err)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"id":"a","schema_version":1,"title":"x"}`))
	f.Add([]byte(`{"id":"a","schema_version":1,"entities":[{"id":"Q1","mentions":[{"start":-1}]}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrDecode) {
				t.Fatalf("error %v does not wrap ErrDecode", err)
			}
			return
		}
		if a.ID == "" {
			t.Fatal("decoded an article without an ID")
		}
		if _, err := Encode(a); err != nil {
			t.Fatalf("re-encoding a decoded article: %v", err)
		}
	})
}

func TestEncodeKeepsMarkupUnescaped(t *testing.T) {
	b, err := Encode(&Article{ID: "a", HTML: "<p>a & b</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"html":"<p>a & b</p>"`) || strings.HasSuffix(string(b), "\n") {
		t.Errorf("encoded %s: want the markup as written (escaping grows it sixfold) and no trailing newline", b)
	}
	out, err := Decode(b)
	if err != nil || out.HTML != "<p>a & b</p>" {
		t.Errorf("decoded %+v, %v", out, err)
	}
}

// TestSignatureIsAString: a signature above 2^53 survives a JSON reader that keeps numbers
// as doubles (JavaScript, jq), and a number written by an earlier version is still read.
func TestSignatureIsAString(t *testing.T) {
	a := &Article{ID: "x", Signature: 0xfedcba9876543210}
	b, err := Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"signature":"fedcba9876543210"`)) {
		t.Fatalf("encoded signature is not a hex string: %s", b)
	}
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	if _, ok := generic["signature"].(string); !ok {
		t.Errorf("a generic JSON reader sees %T, want a string", generic["signature"])
	}
	back, err := Decode(b)
	if err != nil || back.Signature != a.Signature {
		t.Fatalf("round trip: %v, %x", err, back.Signature)
	}
	old, err := Decode([]byte(`{"id":"x","schema_version":1,"signature":18364758544493064720}`))
	if err != nil || old.Signature != 0xfedcba9876543210 {
		t.Fatalf("a numeric signature of an earlier version: %v, %x", err, old.Signature)
	}
	if _, err := Decode([]byte(`{"id":"x","schema_version":1,"signature":"not hex"}`)); err == nil {
		t.Error("a malformed signature decodes without an error")
	}
	for _, v := range []uint64{0, 1, 0xf, 0x10, 0xfedcba9876543210, 1<<64 - 1, 1 << 63, 0x00ff00ff00ff00ff} {
		got, err := SimHash(v).MarshalJSON()
		if want := fmt.Sprintf("%q", fmt.Sprintf("%016x", v)); err != nil || string(got) != want {
			t.Errorf("SimHash(%#x) is written %s (%v), want %s", v, got, err, want)
		}
	}
}

// TestEntityIDsAndCountries: each ID and each country once, in the order of first
// mention, whether the article names a few entities or more than smallSet.
func TestEntityIDsAndCountries(t *testing.T) {
	few := []Entity{{ID: "Q399", Country: "AM"}, {ID: "Q227", Country: "AZ"}, {ID: "Q399", Country: "AM"}, {ID: "Q1", Country: ""}}
	var many []Entity
	for i := range 2*smallSet + 8 {
		many = append(many, Entity{ID: fmt.Sprintf("Q%d", i%25), Country: []string{"", "AM", "AZ", "GE"}[i%4]})
	}
	var manyIDs []string
	for i := range 25 {
		manyIDs = append(manyIDs, fmt.Sprintf("Q%d", i))
	}
	tests := []struct {
		name      string
		ents      []Entity
		ids, ctry []string
	}{
		{"none", nil, []string{}, nil},
		{"few", few, []string{"Q399", "Q227", "Q1"}, []string{"AM", "AZ"}},
		{"many", many, manyIDs, []string{"AM", "AZ", "GE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := &Article{Entities: tc.ents}
			if got := a.EntityIDs(); !slices.Equal(got, tc.ids) || got == nil {
				t.Errorf("EntityIDs = %q, want %q", got, tc.ids)
			}
			if got := a.Countries(); !slices.Equal(got, tc.ctry) || (got == nil) != (tc.ctry == nil) {
				t.Errorf("Countries = %q, want %q", got, tc.ctry)
			}
		})
	}
}
