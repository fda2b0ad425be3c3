package partials

import (
	"net/url"
	"strconv"
)

// AnimeQuery is the view of /account/anime the URL asks for.
type AnimeQuery struct {
	Q, Order string
	Page     int
}

// URL is the page's address for q.
func (q AnimeQuery) URL() string {
	v := url.Values{}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	if q.Order != "" {
		v.Set("order", q.Order)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if enc := v.Encode(); enc != "" {
		return "/account/anime?" + enc
	}
	return "/account/anime"
}

// AnimeSongRow is one song of "My anime songs", in the reader's languages.
type AnimeSongRow struct {
	KID, Title, Series, SongType, Langs, Year string
}

// AnimeSongList is a page of "My anime songs".
type AnimeSongList struct {
	Query        AnimeQuery
	Rows         []AnimeSongRow
	Total, Pages int
	HasList      bool   // the user has a fetched list
	Source       string // "AniList: name", or ""
	LastFetched  string
}

// PageURL is the address of page n of the same view.
func (l AnimeSongList) PageURL(n int) string { q := l.Query; q.Page = n; return q.URL() }
