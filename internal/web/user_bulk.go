package web

import (
	"context"
	"errors"
	"github.com/kmusers/kmusers/internal/i18n"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// maxNamedRefusals is how many refusals the report names.
const maxNamedRefusals = 8

// maxBulk bounds one bulk action: the largest page of the list.
const maxBulk = 200

// bulkTypes are the types the "make …" actions give.
var bulkTypes = map[string]int{"type_operator": users.TypeOperator, "type_user": users.TypeUser, "type_guest": users.TypeGuest}

// userBulkReview answers the bulk form (POST /users/bulk): a page that
// lists what the action will do, to confirm once. Nothing changes yet.
func (h *Handler) userBulkReview(c echo.Context) error {
	action, ok := partials.BulkActionByValue(c.FormValue("action"))
	if !ok {
		return h.message(c, http.StatusBadRequest, "Unknown action", "Choose an action in the list.")
	}
	plan, err := h.bulkPlan(c, action)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.BulkConfirm(h.page(c, i18n.T(c.Request().Context(), action.Label)), plan))
}

// bulkPlan names the targets: the checked users, or for "remove every
// temporary guest" every temporary guest (at most maxBulk at a time).
func (h *Handler) bulkPlan(c echo.Context, action partials.BulkAction) (partials.BulkPlan, error) {
	v, ctx := viewer(c), c.Request().Context()
	plan := partials.BulkPlan{Action: action}
	if action.Value == "remove_temporary" {
		list, err := h.users.List(ctx, v, users.ListQuery{TemporaryOnly: true, Limit: maxBulk})
		for _, u := range list {
			plan.Targets = append(plan.Targets, partials.BulkTarget{Login: u.Login, Nickname: u.Nickname})
		}
		return plan, err
	}
	for _, login := range bulkLogins(c) {
		u, err := h.users.Get(ctx, v, login)
		switch {
		case errors.Is(err, users.ErrNotFound):
			plan.Targets = append(plan.Targets, partials.BulkTarget{Login: login, Missing: true})
		case err != nil:
			return plan, err
		default:
			plan.Targets = append(plan.Targets, partials.BulkTarget{Login: u.Login, Nickname: u.Nickname})
		}
		plan.Self = plan.Self || users.NormalizeLogin(login) == v.Login
	}
	if action.Value == "delete" || action.Value == "type_user" || action.Value == "type_guest" {
		var losing []string
		for _, t := range plan.Targets {
			losing = append(losing, t.Login)
		}
		var err error
		if plan.NoOperatorLeft, err = h.users.LeavesNoOperator(ctx, v, losing); err != nil {
			return plan, err
		}
	}
	return plan, nil
}

// bulkLogins are the distinct logins the form names, at most maxBulk.
func bulkLogins(c echo.Context) []string {
	form, _ := c.FormParams()
	var out []string
	for _, l := range form["login"] {
		if l = users.NormalizeLogin(l); l != "" && !slices.Contains(out, l) && len(out) < maxBulk {
			out = append(out, l)
		}
	}
	return out
}

// userBulkApply does a confirmed bulk action (POST /users/bulk/apply), one
// user at a time through the domain, so that each of its rules holds; the
// report names what was refused and why.
func (h *Handler) userBulkApply(c echo.Context) error {
	action, ok := partials.BulkActionByValue(c.FormValue("action"))
	if !ok {
		return h.message(c, http.StatusBadRequest, "Unknown action", "Choose an action in the list.")
	}
	ctx := c.Request().Context()
	var done []string
	var refused []string
	for _, login := range bulkLogins(c) {
		if err := h.bulkOne(ctx, viewer(c), action.Value, login); err != nil {
			if !isRefusal(ctx, err) {
				return err
			}
			refused = append(refused, login+" ("+refusal(ctx, err)+")")
			continue
		}
		done = append(done, login)
	}
	msg := i18n.T(ctx, "bulk.done", map[string]any{"Action": i18n.T(ctx, action.Label), "Users": countUsers(ctx, len(done))})
	if len(refused) > 0 {
		// The report rides in the session cookie: name the first few.
		named := refused[:min(len(refused), maxNamedRefusals)]
		names := strings.Join(named, "; ")
		if len(refused) > len(named) {
			names += i18n.T(ctx, "bulk.and_more", map[string]any{"Users": countUsers(ctx, len(refused)-len(named))})
		}
		msg += " " + i18n.T(ctx, "bulk.refused", map[string]any{"Users": countUsers(ctx, len(refused)), "Names": names})
	}
	flashText(c, msg)
	return redirect(c, "/users")
}

// bulkOne applies the action to one user.
func (h *Handler) bulkOne(ctx context.Context, v *users.User, action, login string) error {
	var err error
	switch action {
	case "delete":
		_, err = h.users.Delete(ctx, login)
	case "private", "public":
		_, err = h.users.Edit(ctx, login, users.Patch{FlagPublic: users.Some(action == "public")})
	case "remove_temporary":
		_, err = h.users.DeleteTemporary(ctx, login)
	default:
		_, err = h.users.Edit(ctx, login, users.Patch{Type: users.Some(bulkTypes[action])})
	}
	return err
}

// isRefusal tells a rule's refusal (reported per user) from a failure.
func isRefusal(ctx context.Context, err error) bool {
	_, ok := refusalWords(ctx, err)
	return ok
}

// refusal is the panel's words for a refused action on one user.
func refusal(ctx context.Context, err error) string {
	w, _ := refusalWords(ctx, err)
	return w
}

func refusalWords(ctx context.Context, err error) (string, bool) {
	var changed *users.ChangedError
	if errors.As(err, &changed) {
		return i18n.T(ctx, "bulk.changed"), true
	}
	f := partials.NewForm()
	if !fieldError(ctx, f, err) {
		return "", false
	}
	for _, w := range f.Errors {
		return strings.TrimSuffix(w, "."), true
	}
	return "", false
}

func countUsers(ctx context.Context, n int) string {
	return i18n.N(ctx, "bulk.users", n, map[string]any{"Count": partials.Thousands(int64(n))})
}
