package story

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Assignment is what the stories topic holds for one article (its key, the article ID):
// the article's signature, the story it was given and the time Assign was called with.
// Encoded it is a small JSON object, the signature in 16 hex digits:
//
//	{"sig":"8f3a0c21d4e5b697","story":"…","at":"2026-11-23T06:00:00Z"}
type Assignment struct {
	Signature uint64
	Story     string
	At        time.Time
}

// MaxAssignmentBytes bounds an encoded assignment: an article ID-sized story ID and a
// time fit many times over; a larger record is refused by DecodeAssignment.
const MaxAssignmentBytes = 1024

type assignmentJSON struct {
	Sig   string    `json:"sig"`
	Story string    `json:"story"`
	At    time.Time `json:"at"`
}

// Encode returns the record value of a.
func (a Assignment) Encode() []byte {
	b, _ := json.Marshal(assignmentJSON{Sig: fmt.Sprintf("%016x", a.Signature), Story: a.Story, At: a.At.UTC()})
	return b
}

// DecodeAssignment parses a record value written by Encode. It refuses values over
// MaxAssignmentBytes, a signature that is not 16 hex digits and an empty story.
func DecodeAssignment(b []byte) (Assignment, error) {
	if len(b) > MaxAssignmentBytes {
		return Assignment{}, fmt.Errorf("decoding story assignment: %d bytes, at most %d", len(b), MaxAssignmentBytes)
	}
	var j assignmentJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return Assignment{}, fmt.Errorf("decoding story assignment: %w", err)
	}
	if len(j.Sig) != 16 {
		return Assignment{}, fmt.Errorf("decoding story assignment: signature %q is not 16 hex digits", j.Sig)
	}
	sig, err := strconv.ParseUint(j.Sig, 16, 64)
	if err != nil {
		return Assignment{}, fmt.Errorf("decoding story assignment: signature: %w", err)
	}
	if j.Story == "" {
		return Assignment{}, errors.New("decoding story assignment: no story")
	}
	return Assignment{Signature: sig, Story: j.Story, At: j.At}, nil
}
