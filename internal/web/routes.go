package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/static"
)

// Register adds every panel route: this function is the site map.
func (h *Handler) Register(e *echo.Echo) {
	e.GET("/static/*", staticFiles())

	g := e.Group("", h.sessionMiddleware, h.csrfMiddleware, h.setupMiddleware, h.closedMiddleware)
	g.GET("/", func(c echo.Context) error { return redirect(c, "/users") })
	g.GET("/setup", h.setupPage)
	g.POST("/setup", h.setup)
	g.GET("/login", h.loginPage)
	g.POST("/login", h.login)
	g.POST("/login/guest", h.loginGuest)
	g.POST("/logout", h.logout)
	g.GET("/signup", h.signupPage)
	g.POST("/signup", h.signup)
	g.GET("/reset-password", h.resetPage)
	g.POST("/reset-password", h.resetPassword)

	g.GET("/users", h.userList, h.requireLogin)
	g.GET("/users/:login", h.userProfile, h.requireLogin)

	op := g.Group("", h.requireOperator)
	op.GET("/users/new", h.userNewPage)
	op.POST("/users/new", h.userCreate)
	op.GET("/users/:login/edit", h.userEditPage)
	op.POST("/users/:login/edit", h.userEdit)
	op.GET("/users/:login/delete", h.userDeletePage)
	op.POST("/users/:login/delete", h.userDelete)
	op.GET("/settings", h.settingsPage)
	op.POST("/settings", h.settingsSave)

	me := g.Group("", h.requireMember)
	me.GET("/account", h.accountPage)
	me.POST("/account", h.accountUpdate)
	me.POST("/account/password", h.accountPassword)
	me.GET("/account/delete", h.accountDeletePage)
	me.POST("/account/delete", h.accountDelete)
	me.POST("/account/convert", h.accountConvert)
	me.POST("/account/refresh-anime-list", h.accountRefreshAnimeList)
}

// requireLogin: any role, guests included.
func (h *Handler) requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if viewer(c) == nil {
			return redirect(c, "/login?next="+urlEscape(c.Request().URL.RequestURI()))
		}
		return next(c)
	}
}

// staticFiles serves the embedded files with a year of cache: their URLs
// carry a version.
func staticFiles() echo.HandlerFunc {
	fs := http.FileServer(http.FS(static.FS))
	return func(c echo.Context) error {
		name := c.Param("*")
		if name == "" || strings.HasSuffix(name, "/") {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		r := c.Request().Clone(c.Request().Context())
		r.URL.Path = "/" + name
		fs.ServeHTTP(c.Response(), r)
		return nil
	}
}
