// Package partials holds the pieces pages share: fields, the user table.
package partials

import (
	"context"

	"github.com/kmusers/kmusers/internal/i18n"
)

// Form keeps what was typed and the message of each refused field.
type Form struct {
	Values map[string]string
	Errors map[string]string
	// Operator: the form is an operator's, about another account; its
	// labels speak of "the user", not "me".
	Operator bool
}

// NewForm makes an empty form.
func NewForm() Form { return Form{Values: map[string]string{}, Errors: map[string]string{}} }

// V is a field's value.
func (f Form) V(name string) string { return f.Values[name] }

// E is a field's error message.
func (f Form) E(name string) string { return f.Errors[name] }

// Checked tells whether a checkbox field is on.
func (f Form) Checked(name string) bool {
	v := f.Values[name]
	return v == "on" || v == "true" || v == "1"
}

// Option is one choice of a select: Label is a message ID, or Name a text
// already in the page's language (the name of a country).
type Option struct {
	Value, Label string
	Name         string
}

// Text is what the choice shows.
func (o Option) Text(ctx context.Context) string {
	if o.Name != "" {
		return o.Name
	}
	return i18n.T(ctx, o.Label)
}

func errID(name string) string { return name + "-error" }
