package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
)

// Caller is what a transport knows of who sent a command.
type Caller struct {
	ClientIP  string
	UserAgent string
	Device    string       // the signed device cookie, when sent
	RequestID string       // for the log line of a 500
	HTTP      echo.Context // nil over socket.io: ETags, Retry-After and cookies are HTTP's
}

// errUnknownCommand is the answer to a name that is not in the table.
var errUnknownCommand = apiErr(http.StatusNotFound, "UNKNOWN_COMMAND")

// Dispatch runs one command for any transport: raw is the request as
// POSTed ({"cmd", "body"}, either token form), header the HTTP headers that
// may carry tokens (nil for none). It decodes, runs the gate, the command
// and the error mapping, and returns the HTTP status and KM's envelope. The
// HTTP endpoint and socket.io both call it, so they answer alike.
func (h *Handler) Dispatch(ctx context.Context, raw []byte, header http.Header, who Caller) (int, Envelope) {
	if len(raw) > MaxBodyBytes {
		return errTooLarge.Status, failEnvelope(errTooLarge)
	}
	if header == nil {
		header = http.Header{}
	}
	req, e := decodeRequest(raw, header)
	if e != nil {
		return e.Status, failEnvelope(e)
	}
	cmd, ok := commands[req.Cmd]
	if !ok {
		return errUnknownCommand.Status, failEnvelope(errUnknownCommand)
	}
	ctx = users.WithClient(ctx, users.Client{IP: who.ClientIP, UserAgent: who.UserAgent, Device: who.Device})
	cl := &call{ctx: ctx, echo: who.HTTP, args: req.Args, clientIP: who.ClientIP, reqID: who.RequestID, onlineToken: req.OnlineToken}
	if e := h.gate(cl, req.Cmd, cmd, req.Token); e != nil {
		return e.Status, failEnvelope(e)
	}
	res, err := cmd.run(h, cl)
	if err != nil {
		e := h.failure(who.RequestID, req.Cmd, err, cmd.fail)
		return e.Status, failEnvelope(e)
	}
	return http.StatusOK, Envelope{Data: res}
}

// Known tells whether name is a command of the table.
func Known(name string) bool {
	_, ok := commands[name]
	return ok
}
