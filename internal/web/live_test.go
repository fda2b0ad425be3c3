package web_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kmusers/kmusers/internal/users"
)

// stream opens /events for a browser and returns its event names.
func (b *browser) stream(t *testing.T, query string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.s.srv.URL+"/events"+query, nil)
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("/events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				out <- name
			}
		}
		close(out)
	}()
	return out
}

func TestEventStream(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	s.member("bob")
	if p := s.browser().get("/events", false); p.status != http.StatusSeeOther {
		t.Fatalf("anonymous /events: %d", p.status)
	}
	all := op.stream(t, "")
	bob := op.stream(t, "?user=bob")
	ctx := context.Background()
	if _, err := s.svc.Edit(ctx, "bob", users.Patch{Bio: users.Some("private words")}); err != nil {
		t.Fatal(err)
	}
	if e := <-all; e != "users" {
		t.Fatalf("list stream: %q", e)
	}
	// The profile stream says "users" and "user"; nothing of the change.
	got := map[string]bool{<-bob: true, <-bob: true}
	if !got["users"] || !got["user"] {
		t.Fatalf("profile stream: %v", got)
	}
	// Another user's change is only "users" for bob's page.
	if err := s.svc.Create(ctx, nil, users.NewAccount{Login: "carol", Password: pw}); err != nil {
		t.Fatal(err)
	}
	if e := <-bob; e != "users" {
		t.Fatalf("profile stream after another user: %q", e)
	}
	if e := <-all; e != "users" {
		t.Fatalf("list stream after a creation: %q", e)
	}
}

// TestLivePanelInBrowser: two panel windows; an edit in one appears in the
// other's list by itself, which keeps its search and sort.
func TestLivePanelInBrowser(t *testing.T) {
	s := newSite(t)
	s.operator()
	s.member("bob")
	browser := chrome(t)
	base := s.srv.URL
	login := func(ctx context.Context) {
		do(t, ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("[data-testid=login-form]")),
			chromedp.SendKeys(css("#username"), "olga"), chromedp.SendKeys(css("#password"), pw),
			chromedp.Submit(css("[data-testid=login-form]")), chromedp.WaitVisible(css("[data-testid=user-search]")))
	}
	watcher, editor := tab(t, browser), tab(t, browser)
	login(watcher)
	login(editor)
	do(t, watcher, chromedp.Navigate(base+"/users?q=bo&sort=nickname&dir=desc"), chromedp.WaitVisible(css("[data-login=bob]")))
	waitFor(t, watcher, `!!document.querySelector("[sse-connect]") && htmx.findAll("#user-table").length === 1`)
	do(t, editor, chromedp.Navigate(base+"/users/bob/edit"), chromedp.WaitVisible(css("[data-testid=profile-form]")),
		chromedp.SetValue(css("#nickname"), "Bob Live"), chromedp.Submit(css("[data-testid=profile-form]")),
		chromedp.WaitVisible(css("article.profile")))
	waitFor(t, watcher, `(document.querySelector("[data-login=bob] [data-testid=user-nickname]") || {}).textContent === "Bob Live"`)
	if loc := get(t, watcher, chromedp.Location()); !strings.Contains(loc, "q=bo") || !strings.Contains(loc, "sort=nickname") {
		t.Fatalf("the refresh lost the view: %s", loc)
	}
	if q := get(t, watcher, chromedp.Value(css("[data-testid=user-search]"))); q != "bo" {
		t.Fatalf("search box: %q", q)
	}
	// A new user matching the search appears too; one that does not, does not.
	do(t, editor, chromedp.Navigate(base+"/users/new"), chromedp.WaitVisible(css("[data-testid=profile-form]")),
		chromedp.SendKeys(css("#login"), "bonnie"), chromedp.SendKeys(css("#password"), pw),
		chromedp.Submit(css("[data-testid=profile-form]")), chromedp.WaitVisible(css("article.profile")))
	waitFor(t, watcher, `!!document.querySelector("[data-login=bonnie]")`)
	// A profile page follows its user.
	do(t, watcher, chromedp.Navigate(base+"/users/bonnie"), chromedp.WaitVisible(css("article.profile")))
	waitFor(t, watcher, `!!document.querySelector("[sse-connect]")`)
	do(t, editor, chromedp.Navigate(base+"/users/bonnie/edit"), chromedp.WaitVisible(css("[data-testid=profile-form]")),
		chromedp.SetValue(css("#nickname"), "Bonnie Sings"), chromedp.Submit(css("[data-testid=profile-form]")),
		chromedp.WaitVisible(css("article.profile")))
	waitFor(t, watcher, `document.querySelector("article.profile h1").textContent === "Bonnie Sings"`)
}
