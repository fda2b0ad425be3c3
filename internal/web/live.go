package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/layout"
)

// Live makes the user list and profiles refresh by themselves: they listen
// to /events, a stream of server-sent events fed by the domain's bus.
func (h *Handler) Live(bus *events.Bus) *Handler {
	h.bus = bus
	h.liveStop = make(chan struct{})
	return h
}

// StopLive ends every event stream, so that a graceful stop need not wait
// for open panels.
func (h *Handler) StopLive() {
	if h.liveStop != nil {
		h.liveOnce.Do(func() { close(h.liveStop) })
	}
}

// livePage is the frame of a page that refreshes itself: it loads htmx's
// SSE extension when the panel is live.
func (h *Handler) livePage(c echo.Context, title string) layout.Page {
	p := h.page(c, title)
	p.Live = h.bus != nil
	if p.Live {
		p.Stream = "/events"
	}
	return p
}

const (
	liveCoalesce = 300 * time.Millisecond // a burst of changes is one refresh
	liveKeepBeat = 25 * time.Second       // a comment now and then finds dead clients
)

// liveEvents serves GET /events: "users" when any user changes, and "user"
// when the user named by ?user= changes. An event only says that something
// changed: the page re-reads what its viewer may see.
func (h *Handler) liveEvents(c echo.Context) error {
	if h.bus == nil {
		return h.notFound(c)
	}
	watch := users.NormalizeLogin(c.QueryParam("user"))
	sub := h.bus.Subscribe(64)
	defer h.bus.Unsubscribe(sub)
	w := c.Response()
	// The server's read and write timeouts are for requests, not for a
	// stream that lasts as long as the page.
	rc := http.NewResponseController(w.Writer)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return nil
	}
	w.Flush()
	beat := time.NewTicker(liveKeepBeat)
	defer beat.Stop()
	var flush <-chan time.Time
	var list, user bool
	for {
		var msg string
		select {
		case <-c.Request().Context().Done():
			return nil
		case <-h.liveStop:
			return nil
		case e, ok := <-sub.C:
			if !ok {
				return nil
			}
			if e.Kind == events.SessionsChanged {
				continue // nothing the pages show
			}
			list = true
			user = user || sub.Missed() || (watch != "" && (e.Login == watch || e.NewLogin == watch))
			if flush == nil {
				flush = time.After(liveCoalesce)
			}
			continue
		case <-flush:
			if list {
				msg += "event: users\ndata: changed\n\n"
			}
			if user {
				msg += "event: user\ndata: changed\n\n"
			}
			flush, list, user = nil, false, false
		case <-beat.C:
			msg = ": beat\n\n"
		}
		if _, err := fmt.Fprint(w, msg); err != nil {
			return nil
		}
		w.Flush()
	}
}
