package web_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/kmusers/kmusers/internal/users"
)

// Issue 15: every page the panel shows, in every state reached by a person
// (error states after a refused form included), fits a 320, 390 and 1280 px
// wide window and passes axe-core, in light and dark mode.

// axeSource is axe-core from ./node_modules (scripts/test-deps installs it).
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is not installed (run scripts/test-deps): %v", err)
	}
	return string(b)
}

// colorScheme emulates prefers-color-scheme ("" resets it).
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		p := emulation.SetEmulatedMediaParams{}
		if scheme != "" {
			p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
		}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, p)
		return err
	})
}

// tooWide lists the elements that stick out of the window, when the page
// is wider than it.
const tooWide = `(() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return [];
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 0.5 && out.length < 5)
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") + " right=" + Math.round(r.right));
  }
  return out.length ? out : ["document " + document.documentElement.scrollWidth];
})()`

// runAxe runs every axe rule on the page and returns its violations.
const runAxe = `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v =>
  ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`

type pageChecker struct {
	t   *testing.T
	axe string
}

// check proves that the page of ctx, as it is now, fits every width and
// passes axe on a phone in light mode and on a desktop in dark mode. name
// labels the failures.
func (pc pageChecker) check(ctx context.Context, name string) {
	t := pc.t
	t.Helper()
	defer do(t, ctx, chromedp.EmulateViewport(1280, 900), colorScheme(""))
	for _, w := range []int64{320, 390, 1280} {
		do(t, ctx, chromedp.EmulateViewport(w, 844))
		if out := get(t, ctx, chromedp.Evaluate[[]string](tooWide)); len(out) > 0 {
			t.Errorf("%s at %d px: wider than the window: %v", name, w, out)
		}
	}
	if !get(t, ctx, chromedp.Evaluate[bool](`typeof axe === "object"`)) {
		do(t, ctx, chromedp.Evaluate[chromedp.Void](pc.axe))
	}
	for _, v := range []struct {
		w      int64
		scheme string
	}{{390, "light"}, {1280, "dark"}} { // contrast does not depend on the width
		do(t, ctx, chromedp.EmulateViewport(v.w, 844), colorScheme(v.scheme))
		raw := get(t, ctx, chromedp.Evaluate[string](runAxe, chromedp.EvalAwaitPromise))
		var found []struct {
			ID, Impact, Help string
			Nodes            []string
		}
		if err := json.Unmarshal([]byte(raw), &found); err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			t.Errorf("%s at %d px, %s: axe %s (%s): %s on %v", name, v.w, v.scheme, f.ID, f.Impact, f.Help, f.Nodes)
		}
	}
}

// visit opens path and checks it.
func (pc pageChecker) visit(ctx context.Context, base, path, name string) {
	pc.t.Helper()
	do(pc.t, ctx, chromedp.Navigate(base+path), chromedp.WaitReady(css("main")))
	pc.check(ctx, name)
}

// focusedSummary: after a refused form the error summary has the focus and
// each of its links leads to a field of the page.
func focusedSummary(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	waitFor(t, ctx, `document.readyState === "complete" && !!document.querySelector("[data-testid=error-summary]")`)
	waitFor(t, ctx, `document.activeElement === document.querySelector("[data-testid=error-summary]")`)
	if bad := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-testid=error-summary] a")].map(a => a.getAttribute("href")).filter(h => !document.getElementById(h.slice(1)))`)); len(bad) > 0 {
		t.Errorf("%s: summary links to no field: %v", name, bad)
	}
}

func TestPanelFitsEveryScreenAndPassesAxe(t *testing.T) {
	s := newSite(t)
	browser := chrome(t)
	base := s.srv.URL
	pc := pageChecker{t: t, axe: axeSource(t)}
	ctx := context.Background()

	op := tab(t, browser)
	pc.visit(op, base, "/setup", "setup")
	do(t, op, chromedp.SendKeys(css("#login"), "Olga"), chromedp.SendKeys(css("#password"), "short"),
		chromedp.SendKeys(css("#security_code"), "000000"), chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=setup-form]").noValidate = true`),
		chromedp.Submit(css("[data-testid=setup-form]")))
	focusedSummary(t, op, "setup refused")
	pc.check(op, "setup refused")
	do(t, op, chromedp.SetValue(css("#password"), pw), chromedp.SetValue(css("#security_code"), s.code()),
		chromedp.Submit(css("[data-testid=setup-form]")))
	waitFor(t, op, `location.pathname === "/users"`)
	if u, err := s.svc.UserByLogin(ctx, "olga"); err != nil || u.Nickname != "Olga" {
		t.Fatalf("setup lost the login's case: %+v %v", u, err)
	}

	long := "https://example.com/" + strings.Repeat("a-very-long-path-segment/", 12)
	if err := s.svc.Create(ctx, users.System(), users.NewAccount{Login: "bob", Password: pw, Nickname: "Bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Edit(ctx, "bob", users.Patch{URL: users.Some(long), Bio: users.Some(strings.Repeat("Supercalifragilistic", 12)),
		SocialNetworks: users.Some(users.SocialNetworks{Discord: strings.Repeat("d", 90)})}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ path, name string }{
		{"/users", "users"}, {"/users/bob", "profile"}, {"/users/bob/edit", "edit"}, {"/users/bob/delete", "delete"},
		{"/users/new", "new user"}, {"/settings", "settings"}, {"/audit", "audit"}, {"/account", "account"},
		{"/account/delete", "account delete"}, {"/account/anime", "anime"}, {"/login", "login (logged in)"},
		{"/logout", "logout"}, {"/users/admin/edit", "admin edit"}, {"/users/olga/edit", "own edit"},
		{"/users/admin/delete", "admin delete (refused)"}, {"/users/nobody", "not found"},
	} {
		pc.visit(op, base, p.path, p.name)
	}
	// A search pushes only the keys that have a value into the address.
	do(t, op, chromedp.Navigate(base+"/users"), chromedp.WaitVisible(css("[data-testid=user-search]")),
		chromedp.SendKeys(css("[data-testid=user-search]"), "bo"))
	waitFor(t, op, `location.search.includes("q=bo")`)
	if loc := get(t, op, chromedp.Location()); strings.Contains(loc, "=&") || strings.HasSuffix(loc, "=") {
		t.Errorf("empty keys in the address: %s", loc)
	}
	do(t, op, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/users/bob/edit"), chromedp.WaitVisible(css("#nickname")))
	shot(t, op, "edit-phone")
	do(t, op, chromedp.EmulateViewport(1280, 900))

	// Refused forms: every error shown, summary focused.
	do(t, op, chromedp.Navigate(base+"/users/bob/edit"), chromedp.WaitVisible(css("#social_discord")),
		chromedp.SetValue(css("#social_discord"), strings.Repeat("x", 300)), chromedp.SetValue(css("#url"), "ftp://nope"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=profile-form]").noValidate = true`),
		chromedp.Submit(css("[data-testid=profile-form]")))
	focusedSummary(t, op, "edit refused")
	for _, id := range []string{"social_discord-error", "url-error"} {
		if !get(t, op, chromedp.Evaluate[bool](`!!document.getElementById("`+id+`")`)) {
			t.Errorf("edit refused: no #%s", id)
		}
	}
	if loc := get(t, op, chromedp.Location()); !strings.HasSuffix(loc, "/users/bob/edit") {
		t.Errorf("refused edit left the address at %s", loc)
	}
	pc.check(op, "edit refused")
	do(t, op, chromedp.EmulateViewport(390, 844))
	shot(t, op, "edit-error-phone")
	do(t, op, chromedp.EmulateViewport(1280, 900))

	do(t, op, chromedp.Navigate(base+"/users/new"), chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "Not A Login!"), chromedp.Submit(css("[data-testid=profile-form]")))
	focusedSummary(t, op, "new user refused")
	pc.check(op, "new user refused")

	// Self-demotion: htmx warns as the role changes; the save asks once more.
	do(t, op, chromedp.Navigate(base+"/users/olga/edit"), chromedp.WaitVisible(css("#type")),
		chromedp.SetValue(css("#type"), "1"), chromedp.Evaluate[chromedp.Void](`document.querySelector("#type").dispatchEvent(new Event("change", {bubbles: true}))`))
	waitFor(t, op, `document.querySelector("#role-warning").textContent.includes("operator rights")`)
	pc.check(op, "own edit, demotion warning")
	do(t, op, chromedp.Submit(css("[data-testid=profile-form]")), chromedp.WaitVisible(css("[data-testid=confirm-demote]")))
	focusedSummary(t, op, "self-demotion")
	pc.check(op, "self-demotion confirmation")

	do(t, op, chromedp.Navigate(base+"/account/delete"), chromedp.WaitVisible(css("#password")),
		chromedp.SendKeys(css("#password"), "not my password"), chromedp.Submit(css("form.card")))
	focusedSummary(t, op, "account delete refused")
	pc.check(op, "account delete refused")

	// A member's account: phone and dark screenshots, a non-image, a picture too big.
	bob := tab(t, browser)
	do(t, bob, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("[data-testid=login-form]")),
		chromedp.SendKeys(css("#username"), "bob"), chromedp.SendKeys(css("#password"), pw),
		chromedp.Submit(css("[data-testid=login-form]")))
	waitFor(t, bob, `location.pathname === "/users"`)
	pc.visit(bob, base, "/account", "member account")
	waitFor(t, bob, `!!document.querySelector("[data-testid=profile-form]")`)
	do(t, bob, chromedp.EmulateViewport(390, 844))
	shot(t, bob, "account-phone")
	do(t, bob, colorScheme("dark"))
	shot(t, bob, "account-dark-phone")
	do(t, bob, chromedp.EmulateViewport(1280, 900))
	shot(t, bob, "account-dark")
	do(t, bob, colorScheme(""))
	text := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(text, []byte("not a picture"), 0o644)
	before := get(t, bob, chromedp.Evaluate[string](`document.querySelector("#avatar-preview").src`))
	do(t, bob, chromedp.SetUploadFiles(css("[data-testid=avatar-input]"), []string{text}))
	waitFor(t, bob, `document.querySelector("[data-testid=avatar-check]").textContent.includes("not a PNG")`)
	if after := get(t, bob, chromedp.Evaluate[string](`document.querySelector("#avatar-preview").src`)); after != before {
		t.Errorf("a text file became the preview: %s", after)
	}
	big := filepath.Join(t.TempDir(), "big.png")
	os.WriteFile(big, append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 9<<20)...), 0o644)
	do(t, bob, chromedp.SetUploadFiles(css("[data-testid=avatar-input]"), []string{big}))
	waitFor(t, bob, `document.querySelector("[data-testid=avatar-check]").textContent.includes("too big (max 8 MiB)")`)
	do(t, bob, chromedp.SetValue(css("#nickname"), "Bobby"), chromedp.Submit(css("[data-testid=profile-form]")))
	focusedSummary(t, bob, "account refused")
	if msg := get(t, bob, chromedp.Text(css("#avatar-error"))); !strings.Contains(msg, "too big (max 8 MiB)") {
		t.Errorf("too big: %q", msg)
	}
	if v := get(t, bob, chromedp.Value(css("#nickname"))); v != "Bobby" {
		t.Errorf("the nickname typed was lost: %q", v)
	}
	if loc := get(t, bob, chromedp.Location()); !strings.HasSuffix(loc, "/account") {
		t.Errorf("refused save left the address at %s", loc)
	}
	pc.check(bob, "member account refused")
	do(t, bob, chromedp.Navigate(base+"/account"), chromedp.WaitVisible(css("[data-testid=password-form]")),
		chromedp.SendKeys(css("#old_password"), "wrong password"), chromedp.SendKeys(css("[data-testid=password-form] #password"), "another fine password"),
		chromedp.Submit(css("[data-testid=password-form]")))
	focusedSummary(t, bob, "password refused")
	pc.check(bob, "password refused")
	// Its address takes only a form: a reload of it (a GET) lands on /account.
	do(t, bob, chromedp.Navigate(base+"/account/password"), chromedp.WaitVisible(css("[data-testid=password-form]")))
	if loc := get(t, bob, chromedp.Location()); !strings.HasSuffix(loc, "/account") {
		t.Errorf("GET /account/password: %s", loc)
	}
	pc.visit(bob, base, "/users/bob", "member's own profile")

	// A guest, and anonymous visitors.
	guest := tab(t, browser)
	do(t, guest, chromedp.Navigate(base+"/login"), chromedp.Click(css("form[action='/login/guest'] button")),
		chromedp.WaitVisible(css("[data-testid=guest-note]")))
	pc.check(guest, "guest")
	anon := tab(t, browser)
	do(t, anon, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("[data-testid=login-form]")))
	if w := get(t, anon, chromedp.Evaluate[float64](`document.querySelector("[data-testid=login-form]").getBoundingClientRect().width`)); w > 480 {
		t.Errorf("the login form is %.0f px wide at 1280 px", w)
	}
	for _, p := range []struct{ path, name string }{{"/login", "login"}, {"/signup", "signup"},
		{"/reset-password", "reset"}, {"/reset/not-a-token", "reset link"}, {"/logout", "logout (anonymous)"}} {
		pc.visit(anon, base, p.path, p.name)
	}
	do(t, anon, chromedp.Navigate(base+"/login"), chromedp.SendKeys(css("#username"), "bob"),
		chromedp.SendKeys(css("#password"), "wrong password"), chromedp.Submit(css("[data-testid=login-form]")))
	focusedSummary(t, anon, "login refused")
	pc.check(anon, "login refused")
	do(t, anon, chromedp.Navigate(base+"/signup"), chromedp.SendKeys(css("#login"), "bob"),
		chromedp.SendKeys(css("#password"), "password"), chromedp.Submit(css("[data-testid=signup-form]")))
	focusedSummary(t, anon, "signup refused")
	pc.check(anon, "signup refused")
	do(t, anon, chromedp.Navigate(base+"/reset-password"), chromedp.SendKeys(css("#username"), "bob"),
		chromedp.SendKeys(css("#password"), "another fine password"), chromedp.SendKeys(css("#security_code"), "000000"),
		chromedp.Submit(css("form.card")))
	focusedSummary(t, anon, "reset refused")
	pc.check(anon, "reset refused")

	// Closed: operators see why, others the closed page, /login no dead end.
	set := s.svc.Settings()
	set.FrontendMode = users.FrontendClosed
	if err := s.svc.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	pc.visit(op, base, "/users", "closed, operator")
	if !get(t, op, chromedp.Evaluate[bool](`!!document.querySelector("[data-testid=closed-banner]")`)) {
		t.Error("no closed banner")
	}
	pc.visit(bob, base, "/users", "closed, member")
	pc.visit(anon, base, "/login", "closed, login")
	if n := get(t, anon, chromedp.Evaluate[int](`document.querySelectorAll("form[action='/login/guest'], a[href='/signup']").length`)); n != 0 {
		t.Errorf("closed /login offers %d dead ends", n)
	}
}
