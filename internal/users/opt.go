package users

import (
	"bytes"
	"encoding/json"
)

// Opt is a patch field: Set when the key was sent, Null when it was null.
// It tells "absent" from "empty" and from "cleared".
type Opt[T any] struct {
	Set  bool
	Null bool
	V    T
}

// Some makes a set Opt.
func Some[T any](v T) Opt[T] { return Opt[T]{Set: true, V: v} }

// UnmarshalJSON is called for null too, which is how Null is known.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

// Value is the value when set and not null.
func (o Opt[T]) Value() (T, bool) { return o.V, o.Set && !o.Null }
