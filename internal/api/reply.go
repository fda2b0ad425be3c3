package api

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Error is a failure on the wire: HTTP status, string code, optional data.
type Error struct {
	Status int
	Code   string
	Data   any
}

func (e *Error) Error() string { return e.Code }

func apiErr(status int, code string) *Error { return &Error{Status: status, Code: code} }

func (e *Error) with(data any) *Error { return &Error{Status: e.Status, Code: e.Code, Data: data} }

// Action is the result of an action command: {"code": 200, "message": {...}}.
type Action struct {
	Code    int     `json:"code"`
	Message Message `json:"message"`
}

// Message is a string code with optional data.
type Message struct {
	Code string `json:"code"`
	Data any    `json:"data,omitempty"`
}

func done(code string) Action { return Action{Code: http.StatusOK, Message: Message{Code: code}} }

func doneWith(code string, data any) Action {
	return Action{Code: http.StatusOK, Message: Message{Code: code, Data: data}}
}

// Envelope is KM's reply, whatever the transport: {"err": false, "data":
// RESULT} or {"err": true, "data": {"code", "message"}}.
type Envelope struct {
	Err  bool `json:"err"`
	Data any  `json:"data"`
}

func failEnvelope(e *Error) Envelope {
	return Envelope{Err: true, Data: Action{Code: e.Status, Message: Message{Code: e.Code, Data: e.Data}}}
}

// writeEnvelope writes a reply over HTTP.
func writeEnvelope(c echo.Context, status int, env Envelope) error {
	if _, ok := env.Data.(notModified); ok {
		return c.NoContent(http.StatusNotModified)
	}
	if raw, ok := env.Data.(json.RawMessage); ok && !env.Err {
		// Already encoded (the user list): wrap it without a copy.
		w := c.Response()
		w.Header().Set(echo.HeaderContentType, jsonType)
		w.WriteHeader(status)
		for _, part := range [][]byte{[]byte(okPrefix), raw, []byte("}")} {
			if _, err := w.Write(part); err != nil {
				return err
			}
		}
		return nil
	}
	return c.JSON(status, env)
}

const okPrefix = `{"err":false,"data":`

// jsonType is the type of every API reply, charset spelled out.
const jsonType = "application/json; charset=utf-8"

// apiHeaders marks an API reply: JSON in UTF-8, never stored by a cache
// (the login reply carries a token).
func apiHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, jsonType)
	h.Set("Cache-Control", "no-store")
}
