package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

// formOf copies the named fields of the posted form, to show them again.
func formOf(c echo.Context, names ...string) partials.Form {
	f := partials.NewForm()
	for _, n := range names {
		f.Values[n] = c.FormValue(n)
	}
	return f
}

// optional is nil for an empty field.
func optional(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}

// statusFor is the HTTP status of a refused form.
func statusFor(err error) int {
	switch {
	case errors.Is(err, users.ErrTooManyAttempts), errors.Is(err, users.ErrCodeLocked), errors.Is(err, avatars.ErrTooManyUploads):
		return http.StatusTooManyRequests
	case errors.Is(err, users.ErrBadCredentials):
		return http.StatusUnauthorized
	case errors.Is(err, users.ErrUnreachable):
		return http.StatusGatewayTimeout
	case errors.Is(err, users.ErrBusy):
		return http.StatusServiceUnavailable
	}
	return http.StatusUnprocessableEntity
}
