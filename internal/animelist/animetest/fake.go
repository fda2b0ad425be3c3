// Package animetest is a fake of the three anime list providers for tests:
// one HTTP server answering in each provider's response shape (AniList's
// GraphQL MediaListCollection in chunks, MyAnimeList v2 animelist pages with
// paging.next, Kitsu JSON:API library-entries with links.next), with users
// whose names ask for failures.
package animetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kmusers/kmusers/internal/animelist"
)

// Statuses of an entry, mapped to each provider's words.
const (
	Watching  = "watching"
	Completed = "completed"
	Dropped   = "dropped"
	Planning  = "planning"
)

var words = map[string]map[string]string{
	"anilist": {Watching: "CURRENT", Completed: "COMPLETED", Dropped: "DROPPED", Planning: "PLANNING"},
	"mal":     {Watching: "watching", Completed: "completed", Dropped: "dropped", Planning: "plan_to_watch"},
	"kitsu":   {Watching: "current", Completed: "completed", Dropped: "dropped", Planning: "planned"},
}

// Entry is one anime of a list.
type Entry struct {
	ID     int
	Status string
}

// Special user names (any provider; Kitsu takes the numbers in brackets).
const (
	Missing   = "ghost"     // (404) the provider does not know the user
	Broken    = "broken"    // (500) the provider fails
	Junk      = "junk"      // (666) 200 with a body that is not JSON
	Huge      = "huge"      // (777) 200 with a body over the size cap
	Slow      = "slow"      // (888) answers once Release is called or the client gives up
	Elsewhere = "elsewhere" // (999) the paging link points to another host
	Redirect  = "redirect"  // (555) a redirect to another host
)

var kitsuSpecial = map[string]string{"404": Missing, "500": Broken, "666": Junk, "777": Huge, "888": Slow, "999": Elsewhere, "555": Redirect}

// Fake is the fake providers' server.
type Fake struct {
	Server   *httptest.Server
	PageSize int // entries per page or chunk (default 2, to exercise paging)
	Requests atomic.Int64

	mu      sync.Mutex
	lists   map[string][]Entry
	failing map[string]bool
	release chan struct{}
	other   *httptest.Server
}

// New starts the fake; it stops at the test's end.
func New(t interface{ Cleanup(func()) }) *Fake {
	f := &Fake{PageSize: 2, lists: map[string][]Entry{}, release: make(chan struct{})}
	f.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"data": []any{}})
	}))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /anilist", f.anilist)
	mux.HandleFunc("GET /mal/v2/users/{name}/animelist", f.mal)
	mux.HandleFunc("GET /kitsu/api/edge/library-entries", f.kitsu)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.Release()
		f.Server.Close()
		f.other.Close()
	})
	return f
}

// Config points the providers at the fake.
func (f *Fake) Config() animelist.Config {
	return animelist.Config{AniListURL: f.Server.URL + "/anilist", MALURL: f.Server.URL + "/mal/v2",
		KitsuURL: f.Server.URL + "/kitsu/api/edge", MALClientID: "test-client-id"}
}

// Set gives a user a list (the same on every provider; Kitsu by id).
func (f *Fake) Set(user string, entries ...Entry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists[user] = entries
}

// Fail makes a user's answers fail (500) until Fail(user, false).
func (f *Fake) Fail(user string, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing == nil {
		f.failing = map[string]bool{}
	}
	f.failing[user] = on
}

// Release lets slow answers go.
func (f *Fake) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.release:
	default:
		close(f.release)
	}
}

// special answers the failure a user name asks for; true when it did.
func (f *Fake) special(w http.ResponseWriter, r *http.Request, user string, notFound func()) bool {
	f.mu.Lock()
	failing := f.failing[user]
	f.mu.Unlock()
	if failing {
		user = Broken
	}
	switch user {
	case Missing:
		notFound()
	case Broken:
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
	case Junk:
		w.Write([]byte("<html>Service temporarily unavailable</html>"))
	case Huge:
		w.Write([]byte(`{"data":[`))
		chunk := []byte(strings.Repeat(`{"node":{"id":1}},`, 1000))
		for written := 0; written < animelist.MaxBodyBytes+1024; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return true
			}
		}
		w.Write([]byte(`{}]}`))
	case Slow:
		select {
		case <-f.release:
		case <-r.Context().Done():
		}
		http.Error(w, "too late", http.StatusServiceUnavailable)
	case Redirect:
		http.Redirect(w, r, f.other.URL+"/elsewhere", http.StatusFound)
	default:
		return false
	}
	return true
}

func (f *Fake) entries(user string) ([]Entry, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.lists[user]
	return l, ok
}

func (f *Fake) anilist(w http.ResponseWriter, r *http.Request) {
	f.Requests.Add(1)
	var req struct {
		Query     string `json:"query"`
		Variables struct {
			UserName string `json:"userName"`
			Chunk    int    `json:"chunk"`
			PerChunk int    `json:"perChunk"`
		} `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !strings.Contains(req.Query, "MediaListCollection") {
		http.Error(w, `{"errors":[{"message":"Invalid query","status":400}]}`, http.StatusBadRequest)
		return
	}
	notFound := func() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"errors":[{"message":"User not found","status":404,"locations":[{"line":2,"column":3}]}],"data":{"MediaListCollection":null}}`))
	}
	user := req.Variables.UserName
	if f.special(w, r, user, notFound) {
		return
	}
	all, ok := f.entries(user)
	if !ok {
		notFound()
		return
	}
	per := f.PageSize
	chunk := max(1, req.Variables.Chunk)
	page, more := pageOf(all, (chunk-1)*per, per)
	byStatus := map[string][]map[string]any{}
	var order []string
	for _, e := range page {
		st := words["anilist"][e.Status]
		if _, seen := byStatus[st]; !seen {
			order = append(order, st)
		}
		byStatus[st] = append(byStatus[st], map[string]any{"status": st, "mediaId": e.ID})
	}
	lists := []map[string]any{}
	for _, st := range order {
		lists = append(lists, map[string]any{"name": st, "status": st, "isCustomList": false, "entries": byStatus[st]})
	}
	writeJSON(w, map[string]any{"data": map[string]any{"MediaListCollection": map[string]any{"hasNextChunk": more, "lists": lists}}})
}

func (f *Fake) mal(w http.ResponseWriter, r *http.Request) {
	f.Requests.Add(1)
	if r.Header.Get("X-MAL-CLIENT-ID") == "" {
		w.WriteHeader(http.StatusUnauthorized)
		writeJSON(w, map[string]any{"error": "invalid_token"})
		return
	}
	user := r.PathValue("name")
	notFound := func() {
		w.WriteHeader(http.StatusNotFound)
		writeJSON(w, map[string]any{"error": "not_found", "message": ""})
	}
	if f.special(w, r, user, notFound) {
		return
	}
	all, ok := f.entries(user)
	if !ok {
		notFound()
		return
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	page, more := pageOf(all, offset, f.PageSize)
	data := []map[string]any{}
	for _, e := range page {
		data = append(data, map[string]any{
			"node":        map[string]any{"id": e.ID, "title": fmt.Sprintf("Anime %d", e.ID), "main_picture": map[string]any{"medium": "https://example.org/x.jpg"}},
			"list_status": map[string]any{"status": words["mal"][e.Status], "score": 8, "num_episodes_watched": 12, "is_rewatching": false},
		})
	}
	paging := map[string]any{}
	if more {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(offset+f.PageSize))
		paging["next"] = f.Server.URL + r.URL.Path + "?" + q.Encode()
	}
	if user == Elsewhere {
		paging["next"] = f.other.URL + r.URL.Path
	}
	writeJSON(w, map[string]any{"data": data, "paging": paging})
}

func (f *Fake) kitsu(w http.ResponseWriter, r *http.Request) {
	f.Requests.Add(1)
	q := r.URL.Query()
	id := q.Get("filter[userId]")
	user := id
	if s, ok := kitsuSpecial[id]; ok {
		user = s
	}
	notFound := func() {
		w.WriteHeader(http.StatusNotFound)
		writeJSON(w, map[string]any{"errors": []map[string]any{{"title": "Record not found", "status": "404"}}})
	}
	if f.special(w, r, user, notFound) {
		return
	}
	all, _ := f.entries(user) // Kitsu answers an empty list for an unknown id
	offset, _ := strconv.Atoi(q.Get("page[offset]"))
	page, more := pageOf(all, offset, f.PageSize)
	data := []map[string]any{}
	included := []map[string]any{}
	for i, e := range page {
		data = append(data, map[string]any{
			"id": strconv.Itoa(1000 + offset + i), "type": "libraryEntries",
			"attributes": map[string]any{"status": words["kitsu"][e.Status]},
			"relationships": map[string]any{"anime": map[string]any{
				"links": map[string]any{"self": "https://kitsu.app/api/edge/library-entries/1/relationships/anime"},
				"data":  map[string]any{"type": "anime", "id": strconv.Itoa(e.ID)},
			}},
		})
		included = append(included, map[string]any{"id": strconv.Itoa(e.ID), "type": "anime", "attributes": map[string]any{"slug": "anime-" + strconv.Itoa(e.ID)}})
	}
	links := map[string]any{"first": f.Server.URL + r.URL.Path}
	if more {
		q.Set("page[offset]", strconv.Itoa(offset+f.PageSize))
		links["next"] = f.Server.URL + r.URL.Path + "?" + q.Encode()
	}
	if user == Elsewhere {
		links["next"] = f.other.URL + r.URL.Path
	}
	w.Header().Set("Content-Type", "application/vnd.api+json")
	writeJSON(w, map[string]any{"data": data, "included": included, "meta": map[string]any{"count": len(all)}, "links": links})
}

func pageOf(all []Entry, offset, size int) ([]Entry, bool) {
	if offset >= len(all) {
		return nil, false
	}
	end := min(len(all), offset+size)
	return all[offset:end], end < len(all)
}

func writeJSON(w http.ResponseWriter, v any) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	json.NewEncoder(w).Encode(v)
}
