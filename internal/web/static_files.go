package web

import (
	"bytes"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/static"
)

// staticFiles serves the embedded files. A name with the current content
// hash (what pages link) is cached for a year; any other name (a plain one, or
// an old hash) gets the current file, revalidated by its ETag.
func staticFiles() echo.HandlerFunc {
	return func(c echo.Context) error {
		a, current := static.Files().Lookup(c.Param("*"))
		if a == nil {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		h := c.Response().Header()
		h.Set("ETag", a.ETag)
		if current {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(c.Response(), c.Request(), a.Name, time.Time{}, bytes.NewReader(a.Data))
		return nil
	}
}
