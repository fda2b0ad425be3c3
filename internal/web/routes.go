package web

import (
	"github.com/labstack/echo/v4"
)

// Register adds every panel route: this function is the site map. Each
// route carries its middleware itself (no route group), so that paths the
// panel does not own, /api/... among them, keep the router's own 404.
func (h *Handler) Register(e *echo.Echo) {
	e.GET("/static/*", staticFiles())
	mw := func(extra ...echo.MiddlewareFunc) []echo.MiddlewareFunc {
		return append([]echo.MiddlewareFunc{h.sessionMiddleware, h.csrfMiddleware, h.setupMiddleware, h.closedMiddleware}, extra...)
	}
	anyone, loggedIn, member, operator := mw(), mw(h.requireLogin), mw(h.requireMember), mw(h.requireOperator)

	e.GET("/", func(c echo.Context) error { return redirect(c, "/users") }, anyone...)
	e.GET("/setup", h.setupPage, anyone...)
	e.POST("/setup", h.setup, anyone...)
	e.GET("/login", h.loginPage, anyone...)
	e.POST("/login", h.login, anyone...)
	e.POST("/login/guest", h.loginGuest, anyone...)
	e.POST("/logout", h.logout, anyone...)
	e.GET("/logout", h.logoutPage, anyone...)
	e.GET("/signup", h.signupPage, anyone...)
	e.POST("/signup", h.signup, anyone...)
	e.GET("/reset-password", h.resetPage, anyone...)
	e.POST("/reset-password", h.resetPassword, anyone...)
	e.GET("/reset/:token", h.resetLinkPage, anyone...)
	e.POST("/reset/:token", h.resetLink, anyone...)

	e.GET("/users", h.userList, loggedIn...)
	e.GET("/users/:login", h.userProfile, loggedIn...)
	e.GET("/events", h.liveEvents, loggedIn...)

	e.GET("/users/new", h.userNewPage, operator...)
	e.POST("/users/new", h.userCreate, operator...)
	e.GET("/users/:login/edit", h.userEditPage, operator...)
	e.GET("/users/:login/role-warning", h.roleWarning, operator...)
	e.POST("/users/:login/edit", h.userEdit, operator...)
	e.GET("/users/:login/delete", h.userDeletePage, operator...)
	e.POST("/users/:login/delete", h.userDelete, operator...)
	e.POST("/users/:login/sessions/:handle/end", h.userSessionEnd, operator...)
	e.GET("/audit", h.auditPage, operator...)
	e.GET("/settings", h.settingsPage, operator...)
	e.POST("/settings", h.settingsSave, operator...)

	e.GET("/account", h.accountPage, member...)
	e.POST("/account", h.accountUpdate, member...)
	e.POST("/account/password", h.accountPassword, member...)
	e.GET("/account/delete", h.accountDeletePage, member...)
	e.POST("/account/delete", h.accountDelete, member...)
	e.POST("/account/sessions/end-all", h.accountLogoutEverywhere, member...)
	e.POST("/account/sessions/:handle/end", h.accountSessionEnd, member...)
	e.POST("/account/convert", h.accountConvert, member...)
	e.POST("/account/refresh-anime-list", h.accountRefreshAnimeList, member...)
	e.GET("/account/anime", h.animeSongs, member...)

	// The addresses that only take a form answer a GET (a reload of a
	// refused form, a pasted address) with the page the form lives on.
	for path, page := range map[string]string{"/login/guest": "/login", "/account/password": "/account",
		"/account/convert": "/account", "/account/sessions/end-all": "/account", "/account/sessions/:handle/end": "/account",
		"/account/refresh-anime-list": "/account"} {
		e.GET(path, goTo(page), anyone...)
	}
	e.GET("/users/:login/sessions/:handle/end", func(c echo.Context) error {
		return redirect(c, "/users/"+c.Param("login"))
	}, loggedIn...)
}

// goTo answers with a redirect to page.
func goTo(page string) echo.HandlerFunc {
	return func(c echo.Context) error { return redirect(c, page) }
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
