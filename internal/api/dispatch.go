package api

import (
	"context"
	"net/http"
)

// Caller is what a transport knows of who sent a command.
type Caller struct {
	ClientIP  string
	RequestID string // for the log line of a 500
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
	cl := &call{ctx: ctx, args: req.Args, clientIP: who.ClientIP, reqID: who.RequestID, onlineToken: req.OnlineToken}
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
