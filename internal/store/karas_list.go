package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/kmusers/kmusers/internal/karas"
)

// animeOrderBy are the ORDER BY clauses by order: a fixed set of texts.
var animeOrderBy = map[string]string{
	karas.OrderSeries: "series_name, songtype, COALESCE(songorder, 0), title, kid",
	karas.OrderTitle:  "title, kid",
	karas.OrderRecent: "created_at DESC, kid",
	karas.OrderYear:   "year, title, kid",
}

// AnimeSongs reads a page of the songs of a user's anime list and the
// count of the whole list. Ordering the list (the matching, and titles and
// series names resolved in the reader's languages) is most of the work, so
// the ordered song ids are kept for the next pages: by list, languages,
// order, filter and catalogue generation, which an import changes. A page
// then reads only its own songs.
func (s *Store) AnimeSongs(ctx context.Context, q karas.AnimeQuery) (karas.AnimePage, error) {
	order, ok := animeOrderBy[q.Order]
	if !ok {
		q.Order, order = karas.OrderSeries, animeOrderBy[karas.OrderSeries]
	}
	db := s.r.WithContext(ctx)
	var gen int64
	if err := db.Raw("SELECT generation FROM catalogue_generation WHERE id = ?", 1).Row().Scan(&gen); err != nil {
		return karas.AnimePage{}, err
	}
	key := strings.Join([]string{q.ListKey, q.Login, q.Provider, q.Main, q.Fallback, q.Order, q.Filter, fmt.Sprint(gen)}, "\x00")
	kids, ok := s.animeOrders.get(key)
	if !ok || q.ListKey == "" {
		var err error
		if kids, err = s.orderAnimeSongs(ctx, q, order); err != nil {
			return karas.AnimePage{}, err
		}
		if q.ListKey != "" {
			s.animeOrders.put(key, kids)
		}
	}
	page := karas.AnimePage{Count: len(kids), Songs: []karas.Song{}}
	from := min(max(0, q.Offset), len(kids))
	to := len(kids)
	if q.Limit > 0 {
		to = min(to, from+q.Limit)
	}
	if from == to {
		return page, nil
	}
	want, _ := json.Marshal(kids[from:to]) // one bound value, whatever the page size
	rows, err := db.Raw("SELECT kid, payload FROM song_payloads WHERE kid IN (SELECT value FROM "+s.jsonValues("?")+")", string(want)).Rows()
	if err != nil {
		return page, err
	}
	defer rows.Close()
	byKID := map[string]karas.Song{}
	for rows.Next() {
		var kid, payload string
		if err := rows.Scan(&kid, &payload); err != nil {
			return page, err
		}
		var song karas.Song
		if err := json.Unmarshal([]byte(payload), &song); err != nil {
			return page, fmt.Errorf("song %s payload: %w", kid, err)
		}
		byKID[kid] = song
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	for _, kid := range kids[from:to] {
		if song, ok := byKID[kid]; ok { // gone since the order was cached: skipped
			page.Songs = append(page.Songs, song)
		}
	}
	return page, nil
}

// orderAnimeSongs lists the ids of a user's anime songs in order: the songs
// with a tag whose provider id is in the user's stored list (read from the
// users row, a JSON array: one bound value whatever its length), filtered,
// with titles and series names in the reader's languages.
func (s *Store) orderAnimeSongs(ctx context.Context, q karas.AnimeQuery, order string) ([]string, error) {
	like := "%" + escapeLike(q.Filter) + "%"
	rows, err := s.r.WithContext(ctx).Raw(`WITH matched AS (
			SELECT DISTINCT st.kid
			FROM tag_anime_ids a JOIN song_tags st ON st.tid = a.tid
			WHERE a.provider = ? AND a.anime_id IN (
				SELECT CAST(j.value AS INTEGER) FROM users u, `+s.jsonValues("u.anime_list_ids")+` WHERE u.login = ?)
		)
		SELECT kid FROM (
			SELECT s.kid, s.songtype, s.songorder, s.created_at, s.year,
				COALESCE(t1.title, t2.title, t3.title, '') AS title,
				COALESCE(n1.name, n2.name, tg.name, '') AS series_name
			FROM matched m JOIN songs s ON s.kid = m.kid
			LEFT JOIN song_titles t1 ON t1.kid = s.kid AND t1.lang = ?
			LEFT JOIN song_titles t2 ON t2.kid = s.kid AND t2.lang = ?
			LEFT JOIN song_titles t3 ON t3.kid = s.kid AND t3.lang = s.default_lang
			LEFT JOIN tags tg ON tg.tid = s.series_tid
			LEFT JOIN tag_names n1 ON n1.tid = s.series_tid AND n1.lang = ?
			LEFT JOIN tag_names n2 ON n2.tid = s.series_tid AND n2.lang = ?
			WHERE (? = '' OR s.search LIKE ? ESCAPE '\')
		) AS ordered ORDER BY `+order,
		q.Provider, q.Login, q.Main, q.Fallback, q.Main, q.Fallback, q.Filter, like).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	kids := []string{}
	for rows.Next() {
		var kid string
		if err := rows.Scan(&kid); err != nil {
			return nil, err
		}
		kids = append(kids, kid)
	}
	return kids, rows.Err()
}

// orderCache keeps ordered song id lists, the oldest dropped first once
// they hold more than orderCacheIDs ids (about 10 MB).
type orderCache struct {
	mu    sync.Mutex
	lists map[string][]string
	keys  []string // oldest first
	ids   int
}

const orderCacheIDs = 200_000

func (c *orderCache) get(key string) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.lists[key]
	return l, ok
}

func (c *orderCache) put(key string, kids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists == nil {
		c.lists = map[string][]string{}
	}
	if _, ok := c.lists[key]; ok || len(kids) > orderCacheIDs {
		return
	}
	c.lists[key] = kids
	c.keys = append(c.keys, key)
	c.ids += len(kids)
	for c.ids > orderCacheIDs && len(c.keys) > 0 {
		old := c.keys[0]
		c.keys = c.keys[1:]
		c.ids -= len(c.lists[old])
		delete(c.lists, old)
	}
}
