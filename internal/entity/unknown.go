package entity

import (
	"encoding/json"
	"fmt"
	"io"
)

// maxUnknownFile bounds what LoadUnknown reads: UnknownMax names of at most 16 forms each
// fit well within it; a larger file is refused rather than read into memory.
const maxUnknownFile = 64 << 20

// unknownRecord is one unknown name as SaveUnknown writes it: its counts and the surface
// forms seen (at most 16), so the name shown after a restart is the most frequent form.
type unknownRecord struct {
	ID    string         `json:"id"`
	Type  string         `json:"type"`
	Count int            `json:"count"`
	Forms map[string]int `json:"forms"`
}

// SaveUnknown writes the unknown-name counts as JSON, for LoadUnknown after a restart.
// It is safe to call while articles are being recognized.
func (r *Recognizer) SaveUnknown(w io.Writer) error {
	u := r.unknown
	u.mu.Lock()
	recs := make([]unknownRecord, 0, len(u.names))
	for _, x := range u.names {
		forms := make(map[string]int, len(x.forms))
		for f, c := range x.forms {
			forms[f] = c
		}
		recs = append(recs, unknownRecord{ID: x.ID, Type: x.Type, Count: x.Count, Forms: forms})
	}
	u.mu.Unlock()
	if err := json.NewEncoder(w).Encode(map[string]any{"version": 1, "names": recs}); err != nil {
		return fmt.Errorf("writing unknown names: %w", err)
	}
	return nil
}

// LoadUnknown adds the counts SaveUnknown wrote to those counted since the start (a name
// seen in both adds up), keeping the UnknownMax bound: past it the least seen half is
// dropped, as while counting. A file over 64 MiB is refused.
func (r *Recognizer) LoadUnknown(rd io.Reader) error {
	var doc struct {
		Names []unknownRecord `json:"names"`
	}
	b, err := io.ReadAll(io.LimitReader(rd, maxUnknownFile+1))
	if err != nil {
		return fmt.Errorf("reading unknown names: %w", err)
	}
	if len(b) > maxUnknownFile {
		return fmt.Errorf("reading unknown names: longer than %d bytes", maxUnknownFile)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("decoding unknown names: %w", err)
	}
	u := r.unknown
	if u.max == 0 {
		return nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, rec := range doc.Names {
		if rec.ID == "" || rec.Count <= 0 {
			continue
		}
		x, ok := u.names[rec.ID]
		if !ok {
			if len(u.names) >= u.max {
				u.shrink()
			}
			x = &unknownEntry{UnknownName: UnknownName{ID: rec.ID, Type: rec.Type}, forms: map[string]int{}}
			u.names[rec.ID] = x
		}
		x.Count += rec.Count
		for f, c := range rec.Forms {
			if _, seen := x.forms[f]; seen || len(x.forms) < 16 {
				x.forms[f] += c
			}
		}
		if x.Name == "" {
			for f := range rec.Forms {
				x.Name = f // top picks the most frequent form; this only fills an empty name
				break
			}
		}
	}
	return nil
}
