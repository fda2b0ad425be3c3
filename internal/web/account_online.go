package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// OnlineUsers is what the panel needs from the domain for online accounts.
type OnlineUsers interface {
	EditOnline(ctx context.Context, me *users.User, onlineToken string, p users.Patch) (*users.User, string, error)
	ConvertToOnline(ctx context.Context, me *users.User, instance, password string) (*users.Converted, error)
	ConvertToLocal(ctx context.Context, me *users.User, password string) (*users.Converted, error)
	ResetWithToken(ctx context.Context, token, password string) (string, error)
	ResetLinkValid(ctx context.Context, token string) bool
	RefreshOnlineAnimeList(ctx context.Context, me *users.User, onlineToken string) (*users.User, error)
}

// The online token of a panel session lives in its (encrypted) cookie.
const onlineTokenKey = "online_token"

func setOnlineToken(c echo.Context, tok string) {
	if tok == "" {
		return
	}
	s := current(c)
	s.raw.Values[onlineTokenKey] = tok
	s.changed = true
}

func onlineToken(c echo.Context) string {
	tok, _ := current(c).raw.Values[onlineTokenKey].(string)
	return tok
}

// editMine edits the viewer's own account; an online account's edit goes to
// its server with the session's online token.
func (h *Handler) editMine(c echo.Context, p users.Patch) (*users.User, error) {
	u, tok, err := h.users.EditOnline(c.Request().Context(), viewer(c), onlineToken(c), p)
	if err == nil {
		setOnlineToken(c, tok)
	}
	return u, err
}

// accountConvert turns a local account into an online one on the chosen
// server, or an online account back into a local one.
func (h *Handler) accountConvert(c echo.Context) error {
	u := viewer(c)
	ctx := c.Request().Context()
	pw := partials.NewForm()
	pw.Values["instance"] = c.FormValue("instance")
	var res *users.Converted
	var err error
	if u.IsOnline() {
		res, err = h.users.ConvertToLocal(ctx, u, c.FormValue("convert_password"))
	} else {
		res, err = h.users.ConvertToOnline(ctx, u, c.FormValue("instance"), c.FormValue("convert_password"))
	}
	if err != nil {
		// The one mapping of errors to words, shown on the conversion's field.
		words := partials.NewForm()
		if !fieldError(c.Request().Context(), words, err) {
			return err
		}
		for _, msg := range words.Errors {
			pw.Errors["convert_password"] = msg
		}
		return h.renderAccount(c, statusFor(err), formFromUser(u), pw)
	}
	// The account may have a new name: a new session for it.
	remember, _ := current(c).raw.Values["remember"].(bool)
	row, err := h.users.StartPanelSession(ctx, res.User, remember)
	if err != nil {
		return err
	}
	h.startSession(c, res.User, row)
	setOnlineToken(c, res.OnlineToken)
	switch {
	case res.User.IsOnline():
		flash(c, "flash.now_online", map[string]any{"Login": res.User.Login})
	case res.Renamed:
		flash(c, "flash.local_renamed", map[string]any{"Login": res.User.Login})
	default:
		flash(c, "flash.local_again", map[string]any{"Login": res.User.Login})
	}
	return redirect(c, "/account")
}

// resetLinkPage asks for a new password for a mailed reset link.
func (h *Handler) resetLinkPage(c echo.Context) error {
	if !h.users.ResetLinkValid(c.Request().Context(), c.Param("token")) {
		return render(c, http.StatusNotFound, pages.ResetLink(h.page(c, "Choose a new password"), partials.NewForm(), false))
	}
	return render(c, http.StatusOK, pages.ResetLink(h.page(c, "Choose a new password"), partials.NewForm(), true))
}

// resetLink sets the new password; the link is spent, and every session and
// token of the account ends.
func (h *Handler) resetLink(c echo.Context) error {
	f := partials.NewForm()
	pw := c.FormValue("password")
	if pw != c.FormValue("password_again") {
		fieldError(c.Request().Context(), f, errPasswordsDiffer)
		return render(c, http.StatusUnprocessableEntity, pages.ResetLink(h.page(c, "Choose a new password"), f, true))
	}
	login, err := h.users.ResetWithToken(c.Request().Context(), c.Param("token"), pw)
	if errors.Is(err, users.ErrResetLinkExpire) {
		return render(c, http.StatusNotFound, pages.ResetLink(h.page(c, "Choose a new password"), f, false))
	}
	if err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		return render(c, statusFor(err), pages.ResetLink(h.page(c, "Choose a new password"), f, true))
	}
	if v := viewer(c); v != nil && v.Login == login {
		h.endSession(c)
	}
	flash(c, "flash.password_set_login")
	return redirect(c, "/login")
}
