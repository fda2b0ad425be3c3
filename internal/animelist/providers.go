package animelist

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/kmusers/kmusers/internal/karas"
)

// Provider fetches the anime a user watches or has watched on one site.
type Provider interface {
	// Name is the provider's name in anime_list_to_fetch.
	Name() string
	// CheckName tells whether user can be a user of the provider
	// (ErrBadName), without asking it.
	CheckName(user string) error
	// Fetch returns the provider's anime ids of the user's entries that are
	// being watched or completed, every page of them.
	Fetch(ctx context.Context, user string) ([]int, error)
}

// Default base URLs: the public services.
const (
	DefaultAniListURL = "https://graphql.anilist.co"
	DefaultMALURL     = "https://api.myanimelist.net/v2"
	DefaultKitsuURL   = "https://kitsu.app/api/edge"
)

// Config names each provider's base URL and MyAnimeList's client id.
type Config struct {
	AniListURL, MALURL, KitsuURL string
	MALClientID                  string
	Transport                    http.RoundTripper // nil: the default
}

// NewProviders makes the three providers from their base URLs.
func NewProviders(c Config) (map[string]Provider, error) {
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	out := map[string]Provider{}
	for _, p := range []struct {
		name, raw string
		make      func(*client) Provider
	}{
		{karas.AniList, def(c.AniListURL, DefaultAniListURL), func(cl *client) Provider { return &AniList{c: cl} }},
		{karas.MyAnimeList, def(c.MALURL, DefaultMALURL), func(cl *client) Provider { return &MyAnimeList{c: cl, clientID: c.MALClientID} }},
		{karas.Kitsu, def(c.KitsuURL, DefaultKitsuURL), func(cl *client) Provider { return &Kitsu{c: cl} }},
	} {
		base, err := ParseBase(p.raw)
		if err != nil {
			return nil, fmt.Errorf("%s base URL: %w", p.name, err)
		}
		out[p.name] = p.make(newClient(base, c.Transport))
	}
	return out, nil
}

// collector gathers ids, unique, up to MaxIDs.
type collector struct {
	seen map[int]bool
	ids  []int
}

func (c *collector) add(id int) error {
	if id <= 0 || c.seen[id] {
		return nil
	}
	if c.seen == nil {
		c.seen = map[int]bool{}
	}
	if len(c.ids) >= MaxIDs {
		return fmt.Errorf("%w: more than %d entries", ErrProvider, MaxIDs)
	}
	c.seen[id] = true
	c.ids = append(c.ids, id)
	return nil
}

func (c *collector) list() []int {
	if c.ids == nil {
		return []int{}
	}
	return c.ids
}

// AniList reads MediaListCollection from AniList's GraphQL API, in chunks.
type AniList struct{ c *client }

// Name is "anilist".
func (*AniList) Name() string { return karas.AniList }

const aniListQuery = `query ($userName: String, $chunk: Int, $perChunk: Int) {
  MediaListCollection(userName: $userName, type: ANIME, status_in: [CURRENT, COMPLETED], chunk: $chunk, perChunk: $perChunk) {
    hasNextChunk
    lists { status entries { status mediaId } }
  }
}`

// aniListPerChunk is AniList's largest chunk.
const aniListPerChunk = 500

// CheckName accepts 1 to 64 characters.
func (*AniList) CheckName(user string) error {
	if user = strings.TrimSpace(user); user == "" || len(user) > 64 {
		return ErrBadName
	}
	return nil
}

// Fetch asks for the user's CURRENT and COMPLETED entries, chunk by chunk.
func (a *AniList) Fetch(ctx context.Context, user string) ([]int, error) {
	if err := a.CheckName(user); err != nil {
		return nil, err
	}
	user = strings.TrimSpace(user)
	var ids collector
	for chunk := 1; ; chunk++ {
		if chunk > MaxPages {
			return nil, fmt.Errorf("%w: more than %d chunks", ErrProvider, MaxPages)
		}
		body, _ := json.Marshal(map[string]any{"query": aniListQuery,
			"variables": map[string]any{"userName": user, "chunk": chunk, "perChunk": aniListPerChunk}})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.c.base.String(), bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		status, b, err := a.c.do(req)
		if err != nil {
			return nil, err
		}
		var res struct {
			Data *struct {
				MediaListCollection *struct {
					HasNextChunk bool `json:"hasNextChunk"`
					Lists        []struct {
						Entries []struct {
							Status  string `json:"status"`
							MediaID int    `json:"mediaId"`
						} `json:"entries"`
					} `json:"lists"`
				} `json:"MediaListCollection"`
			} `json:"data"`
			Errors []struct {
				Message string `json:"message"`
				Status  int    `json:"status"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(b, &res); err != nil {
			return nil, fmt.Errorf("%w: AniList answered %d with no JSON: %s", ErrProvider, status, snippet(b))
		}
		if len(res.Errors) > 0 || status != http.StatusOK {
			for _, e := range res.Errors {
				if e.Status == http.StatusNotFound {
					return nil, fmt.Errorf("%w: AniList: %s", ErrUserNotFound, e.Message)
				}
			}
			msg := ""
			if len(res.Errors) > 0 {
				msg = res.Errors[0].Message
			}
			return nil, fmt.Errorf("%w: AniList answered %d: %s", ErrProvider, status, msg)
		}
		if res.Data == nil || res.Data.MediaListCollection == nil {
			return nil, fmt.Errorf("%w: AniList answer has no MediaListCollection", ErrProvider)
		}
		for _, l := range res.Data.MediaListCollection.Lists {
			for _, e := range l.Entries {
				if e.Status == "CURRENT" || e.Status == "COMPLETED" {
					if err := ids.add(e.MediaID); err != nil {
						return nil, err
					}
				}
			}
		}
		if !res.Data.MediaListCollection.HasNextChunk {
			return ids.list(), nil
		}
	}
}

// MyAnimeList reads /users/{name}/animelist from MyAnimeList's API v2,
// following paging.next. The API needs a client id (X-MAL-CLIENT-ID).
type MyAnimeList struct {
	c        *client
	clientID string
}

// Name is "myanimelist".
func (*MyAnimeList) Name() string { return karas.MyAnimeList }

// malName is MyAnimeList's user name alphabet.
var malName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{2,32}$`) })

// CheckName accepts MyAnimeList's user names.
func (*MyAnimeList) CheckName(user string) error {
	if !malName().MatchString(strings.TrimSpace(user)) {
		return ErrBadName
	}
	return nil
}

// Fetch pages through the list, 1000 entries a page, and keeps the
// watching and completed ones.
func (m *MyAnimeList) Fetch(ctx context.Context, user string) ([]int, error) {
	if m.clientID == "" {
		return nil, fmt.Errorf("%w: MyAnimeList needs KMUSERS_MAL_CLIENT_ID", ErrNotConfigured)
	}
	if err := m.CheckName(user); err != nil {
		return nil, err
	}
	user = strings.TrimSpace(user)
	u := *m.c.base
	u.Path = strings.TrimRight(u.Path, "/") + "/users/" + url.PathEscape(user) + "/animelist"
	u.RawQuery = url.Values{"fields": {"list_status"}, "limit": {"1000"}, "nsfw": {"true"}}.Encode()
	next := u.String()
	var ids collector
	for page := 1; next != ""; page++ {
		if page > MaxPages {
			return nil, fmt.Errorf("%w: more than %d pages", ErrProvider, MaxPages)
		}
		req, err := get(ctx, next)
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-MAL-CLIENT-ID", m.clientID)
		req.Header.Set("Accept", "application/json")
		status, b, err := m.c.do(req)
		if err != nil {
			return nil, err
		}
		var res struct {
			Data []struct {
				Node struct {
					ID int `json:"id"`
				} `json:"node"`
				ListStatus struct {
					Status string `json:"status"`
				} `json:"list_status"`
			} `json:"data"`
			Paging struct {
				Next string `json:"next"`
			} `json:"paging"`
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		jsonErr := json.Unmarshal(b, &res)
		switch {
		case status == http.StatusNotFound:
			return nil, fmt.Errorf("%w: MyAnimeList: %s", ErrUserNotFound, res.Error)
		case status != http.StatusOK:
			return nil, fmt.Errorf("%w: MyAnimeList answered %d: %s %s", ErrProvider, status, res.Error, res.Message)
		case jsonErr != nil || res.Data == nil:
			return nil, fmt.Errorf("%w: MyAnimeList answer is not a list: %s", ErrProvider, snippet(b))
		}
		for _, e := range res.Data {
			if s := e.ListStatus.Status; s == "watching" || s == "completed" {
				if err := ids.add(e.Node.ID); err != nil {
					return nil, err
				}
			}
		}
		next = ""
		if res.Paging.Next != "" {
			nu, err := m.c.next(res.Paging.Next)
			if err != nil {
				return nil, err
			}
			next = nu.String()
		}
	}
	return ids.list(), nil
}

// Kitsu reads /library-entries from Kitsu's JSON:API by numeric user id,
// following links.next.
type Kitsu struct{ c *client }

// Name is "kitsu".
func (*Kitsu) Name() string { return karas.Kitsu }

// CheckName accepts a numeric user id.
func (*Kitsu) CheckName(user string) error {
	user = strings.TrimSpace(user)
	if n, err := strconv.Atoi(user); err != nil || n <= 0 || len(user) > 12 {
		return fmt.Errorf("%w: Kitsu needs the numeric user id", ErrBadName)
	}
	return nil
}

// Fetch pages through the user's current and completed anime entries.
func (k *Kitsu) Fetch(ctx context.Context, user string) ([]int, error) {
	if err := k.CheckName(user); err != nil {
		return nil, err
	}
	user = strings.TrimSpace(user)
	u := *k.c.base
	u.Path = strings.TrimRight(u.Path, "/") + "/library-entries"
	u.RawQuery = url.Values{
		"filter[userId]": {user}, "filter[kind]": {"anime"}, "filter[status]": {"current,completed"},
		"page[limit]": {"500"}, "include": {"anime"}, "fields[libraryEntries]": {"status,anime"}, "fields[anime]": {"slug"},
	}.Encode()
	next := u.String()
	var ids collector
	for page := 1; next != ""; page++ {
		if page > MaxPages {
			return nil, fmt.Errorf("%w: more than %d pages", ErrProvider, MaxPages)
		}
		req, err := get(ctx, next)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/vnd.api+json")
		status, b, err := k.c.do(req)
		if err != nil {
			return nil, err
		}
		var res struct {
			Data []struct {
				Attributes struct {
					Status string `json:"status"`
				} `json:"attributes"`
				Relationships struct {
					Anime struct {
						Data *struct {
							Type string `json:"type"`
							ID   string `json:"id"`
						} `json:"data"`
					} `json:"anime"`
				} `json:"relationships"`
			} `json:"data"`
			Links struct {
				Next string `json:"next"`
			} `json:"links"`
			Errors []struct {
				Title  string `json:"title"`
				Detail string `json:"detail"`
			} `json:"errors"`
		}
		jsonErr := json.Unmarshal(b, &res)
		switch {
		case status == http.StatusNotFound:
			return nil, fmt.Errorf("%w: Kitsu", ErrUserNotFound)
		case status != http.StatusOK:
			detail := ""
			if len(res.Errors) > 0 {
				detail = res.Errors[0].Title + " " + res.Errors[0].Detail
			}
			return nil, fmt.Errorf("%w: Kitsu answered %d: %s", ErrProvider, status, detail)
		case jsonErr != nil || res.Data == nil:
			return nil, fmt.Errorf("%w: Kitsu answer is not a list: %s", ErrProvider, snippet(b))
		}
		for _, e := range res.Data {
			d := e.Relationships.Anime.Data
			if d == nil || (e.Attributes.Status != "current" && e.Attributes.Status != "completed") {
				continue
			}
			id, err := strconv.Atoi(d.ID)
			if err != nil {
				return nil, fmt.Errorf("%w: Kitsu anime id %q is not a number", ErrProvider, d.ID)
			}
			if err := ids.add(id); err != nil {
				return nil, err
			}
		}
		next = ""
		if res.Links.Next != "" {
			nu, err := k.c.next(res.Links.Next)
			if err != nil {
				return nil, err
			}
			next = nu.String()
		}
	}
	return ids.list(), nil
}
