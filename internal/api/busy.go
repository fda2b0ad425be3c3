package api

import (
	"net/http"
	"strconv"

	"github.com/kmusers/kmusers/internal/users"
)

var errBusy = apiErr(http.StatusServiceUnavailable, "SERVER_BUSY")

// busy is the answer to users.ErrBusy: 503, and over HTTP a Retry-After.
func busy(c *call) *Error {
	if c.echo != nil {
		c.echo.Response().Header().Set("Retry-After", strconv.Itoa(users.BusyRetryAfter))
	}
	return errBusy
}
