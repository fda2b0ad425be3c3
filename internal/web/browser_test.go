package web_test

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kmusers/kmusers/internal/users"
)

// Browser tests drive Debian's chromium through the panel, as a person
// would. KMUSERS_SCREENSHOTS=dir saves a screenshot of each main page
// (make screenshots writes docs/screenshots).

type css = chromedp.CSS

// chrome starts a headless chromium for the test; a missing browser fails
// the test, since CI installs it.
func chrome(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed (apt-get install chromium): the browser tests need it")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("user-data-dir", t.TempDir()), chromedp.Flag("window-size", "1280,900"),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("chromium did not start: %v", err)
	}
	return ctx
}

// tab is a fresh browser context (its own cookies) with a time limit.
func tab(t *testing.T, parent context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("at %s: %v", loc, err)
	}
}

func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("KMUSERS_SCREENSHOTS")
	if dir == "" {
		return
	}
	b := get(t, ctx, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls a JavaScript condition until it is true; errors while a
// navigation replaces the page are retried.
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("at %s: never true: %s (%v)", loc, expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *site) seedUsers(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		login := fmt.Sprintf("fan%03d", i)
		if err := s.svc.Create(context.Background(), users.System(), users.NewAccount{Login: login, Role: "guest"}); err != nil {
			t.Fatal(err)
		}
	}
}

func avatarFile(t *testing.T) string {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []byte{240, 80, 160, 255})
	}
	path := filepath.Join(t.TempDir(), "me.png")
	f, _ := os.Create(path)
	png.Encode(f, img)
	f.Close()
	return path
}

func TestPanelInBrowser(t *testing.T) {
	s := newSite(t)
	browser := chrome(t)
	base := s.srv.URL

	op := tab(t, browser)
	t.Run("setup then login", func(t *testing.T) {
		do(t, op, chromedp.Navigate(base+"/users"), chromedp.WaitVisible(css("[data-testid=setup-form]")))
		shot(t, op, "setup")
		do(t, op,
			chromedp.SendKeys(css("#login"), "olga"), chromedp.SendKeys(css("#password"), pw),
			chromedp.SendKeys(css("#security_code"), s.code()), chromedp.Submit(css("[data-testid=setup-form]")),
			chromedp.WaitVisible(css("[data-testid=user-search]")))
	})

	t.Run("operator creates, finds, pages, retypes and deletes", func(t *testing.T) {
		s.seedUsers(t, 200)
		do(t, op, chromedp.Navigate(base+"/users/new"), chromedp.WaitVisible(css("[data-testid=profile-form]")),
			chromedp.SendKeys(css("#login"), "zoe"), chromedp.SendKeys(css("#nickname"), "Zoe Sings"),
			chromedp.SendKeys(css("#password"), pw), chromedp.Submit(css("[data-testid=profile-form]")),
			chromedp.WaitVisible(css("article.profile")))
		do(t, op, chromedp.Navigate(base+"/users"), chromedp.WaitVisible(css("[data-testid=user-search]")))
		shot(t, op, "users")
		do(t, op, chromedp.SendKeys(css("[data-testid=user-search]"), "zo"))
		waitFor(t, op, `location.search.includes("q=zo") && document.querySelectorAll("[data-testid=user-row]").length === 1 && !!document.querySelector("[data-login=zoe]")`)
		if loc := get(t, op, chromedp.Location()); !strings.Contains(loc, "q=zo") {
			t.Fatalf("search not in the URL: %s", loc)
		}
		// Sort by a column, then search: the search keeps the sort.
		do(t, op, chromedp.Navigate(base+"/users"), chromedp.WaitVisible(css("[data-testid=user-search]")),
			chromedp.Click(css(`th a[href*="sort=nickname"]`)))
		waitFor(t, op, `location.search.includes("sort=nickname")`)
		do(t, op, chromedp.SendKeys(css("[data-testid=user-search]"), "fan01"))
		waitFor(t, op, `location.search.includes("q=fan01") && location.search.includes("sort=nickname")`)
		// Page through 200+ users: htmx swaps, the URL follows, back works.
		do(t, op, chromedp.Navigate(base+"/users?sort=login"), chromedp.WaitVisible(css("[data-testid=pagination]")))
		for page := 2; page <= 5; page++ {
			do(t, op, chromedp.Click(css("[data-testid=pagination] a[rel=next]")))
			waitFor(t, op, fmt.Sprintf(`document.querySelector("[data-testid=pagination]").textContent.includes("Page %d of 5")`, page))
		}
		if loc := get(t, op, chromedp.Location()); !strings.Contains(loc, "page=5") {
			t.Fatalf("page not in the URL: %s", loc)
		}
		do(t, op, chromedp.NavigateBack())
		waitFor(t, op, `document.querySelector("[data-testid=pagination]").textContent.includes("Page 4 of 5")`)
		// Change zoe's type.
		do(t, op, chromedp.Navigate(base+"/users/zoe/edit"), chromedp.WaitVisible(css("#type")),
			chromedp.SetValue(css("#type"), "0"), chromedp.Submit(css("[data-testid=profile-form]")),
			chromedp.WaitVisible(css("article.profile")))
		if txt := get(t, op, chromedp.Text(css("article.profile .muted"))); !strings.Contains(txt, "Operator") {
			t.Fatalf("type not changed: %q", txt)
		}
		shot(t, op, "profile")
		do(t, op, chromedp.Navigate(base+"/users/zoe/delete"), chromedp.WaitVisible(css("button.danger")))
		if txt := get(t, op, chromedp.Text(css("main"))); !strings.Contains(txt, "Zoe Sings") {
			t.Fatalf("confirmation does not name the user: %q", txt)
		}
		do(t, op, chromedp.Click(css("button.danger")), chromedp.WaitVisible(css("[data-testid=user-search]")))
		do(t, op, chromedp.Navigate(base+"/users?q=zoe"), chromedp.WaitVisible(css("#user-table")))
		if n := get(t, op, chromedp.Evaluate[int](`document.querySelectorAll("[data-login=zoe]").length`)); n != 0 {
			t.Fatal("zoe still listed")
		}
	})

	t.Run("user edits profile, avatar and password", func(t *testing.T) {
		if err := s.svc.Create(context.Background(), nil, users.NewAccount{Login: "bob", Password: pw}); err != nil {
			t.Fatal(err)
		}
		u := tab(t, browser)
		do(t, u, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("[data-testid=login-form]")))
		shot(t, u, "login")
		do(t, u, chromedp.SendKeys(css("#username"), "bob"), chromedp.SendKeys(css("#password"), pw),
			chromedp.Submit(css("[data-testid=login-form]")), chromedp.WaitVisible(css("[data-testid=user-search]")),
			chromedp.Navigate(base+"/account"), chromedp.WaitVisible(css("[data-testid=profile-form]")))
		do(t, u, chromedp.SetValue(css("#nickname"), "Bobby Tables"), chromedp.SetValue(css("#main_series_lang"), "jpn"),
			chromedp.SetValue(css("#fallback_series_lang"), "eng"),
			chromedp.SetUploadFiles(css("[data-testid=avatar-input]"), []string{avatarFile(t)}))
		waitFor(t, u, `document.querySelector("#avatar-preview").src.startsWith("blob:")`)
		shot(t, u, "account")
		do(t, u, chromedp.Submit(css("[data-testid=profile-form]")), chromedp.WaitVisible(css(".flash")))
		if v := get(t, u, chromedp.Value(css("#main_series_lang"))); v != "jpn" {
			t.Fatalf("language not saved: %q", v)
		}
		do(t, u, chromedp.Navigate(base+"/users?q=bob"), chromedp.WaitVisible(css("[data-login=bob]")))
		src := get(t, u, chromedp.Evaluate[string](`document.querySelector("[data-login=bob] img").getAttribute("src")`))
		if src == "/avatars/blank.png" || !strings.HasPrefix(src, "/avatars/") {
			t.Fatalf("avatar not shown in the list: %s", src)
		}
		if nick := get(t, u, chromedp.Text(css("[data-login=bob] [data-testid=user-nickname]"))); nick != "Bobby Tables" {
			t.Fatalf("nickname in list: %q", nick)
		}
		do(t, u, chromedp.Navigate(base+"/account"), chromedp.WaitVisible(css("[data-testid=password-form]")),
			chromedp.SendKeys(css("#old_password"), pw), chromedp.SendKeys(css("[data-testid=password-form] #password"), "a brand new password"),
			chromedp.Submit(css("[data-testid=password-form]")), chromedp.WaitVisible(css(".flash")))
		if _, err := s.svc.Login(context.Background(), "127.0.0.1", "bob", "a brand new password", nil); err != nil {
			t.Fatalf("new password does not work: %v", err)
		}
	})

	t.Run("guest sees public users only", func(t *testing.T) {
		err := s.svc.Create(context.Background(), nil, users.NewAccount{Login: "hidden", Password: pw})
		if err == nil {
			_, err = s.svc.Edit(context.Background(), "hidden", users.Patch{FlagPublic: users.Some(false)})
		}
		if err != nil {
			t.Fatal(err)
		}
		g := tab(t, browser)
		do(t, g, chromedp.Navigate(base+"/login"), chromedp.Click(css("form[action='/login/guest'] button")),
			chromedp.WaitVisible(css("[data-testid=user-search]")), chromedp.Navigate(base+"/users?q=hid"),
			chromedp.WaitVisible(css("#user-table")))
		if n := get(t, g, chromedp.Evaluate[int](`document.querySelectorAll("[data-login=hidden]").length`)); n != 0 {
			t.Fatal("a guest sees a private user")
		}
		do(t, g, chromedp.Navigate(base+"/users?q=bob"), chromedp.WaitVisible(css("[data-login=bob]")))
	})

	t.Run("closed frontend", func(t *testing.T) {
		do(t, op, chromedp.Navigate(base+"/settings"), chromedp.WaitVisible(css("[data-testid=settings-form]")))
		shot(t, op, "settings")
		do(t, op, chromedp.SetValue(css("#frontend_mode"), "0"), chromedp.Submit(css("[data-testid=settings-form]")),
			chromedp.WaitVisible(css(".flash")))
		u := tab(t, browser)
		do(t, u, chromedp.Navigate(base+"/login"), chromedp.SendKeys(css("#username"), "bob"),
			chromedp.SendKeys(css("#password"), "a brand new password"), chromedp.Submit(css("[data-testid=login-form]")))
		waitFor(t, u, `location.pathname === "/users"`)
		if h := get(t, u, chromedp.Text(css("main h1"))); !strings.Contains(h, "closed") {
			t.Fatalf("user sees %q, not the closed page", h)
		}
		shot(t, u, "closed")
		do(t, op, chromedp.Navigate(base+"/users"), chromedp.WaitVisible(css("[data-testid=user-search]")))
		do(t, op, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/users"), chromedp.WaitVisible(css("[data-testid=user-search]")))
		shot(t, op, "users-phone")
	})
}
