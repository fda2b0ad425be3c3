// Package animelist fetches users' anime lists from AniList, MyAnimeList and
// Kitsu, stores the anime ids on the user, and lists the catalogue's songs
// of those anime ("My anime songs"). The rules live here: who may fetch,
// at most one fetch a minute per user, a failed fetch keeps the previous
// list. Fetches asked for at login and after edits run in the background
// on one small worker.
package animelist

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/users"
)

// Store is what the service needs from storage.
type Store interface {
	UserByLogin(ctx context.Context, login string) (*users.User, error)
	// SetAnimeList stores ids while the user's provider and social network
	// names are still those given; false when they changed meanwhile.
	SetAnimeList(ctx context.Context, login, provider string, social users.SocialNetworks, ids []int, at time.Time) (bool, error)
	AnimeSongs(ctx context.Context, q karas.AnimeQuery) (karas.AnimePage, error)
	AnimeWithSongs(ctx context.Context, login, provider string) (int, error)
}

// Errors of the domain; faces map them to their codes.
var (
	ErrOnlineAccount = errors.New("the online account's server fetches its anime list")
	ErrGuest         = errors.New("guests have no anime list")
	ErrNoSource      = errors.New("no anime list to fetch: choose a provider and your name there")
	ErrTooSoon       = errors.New("the anime list was fetched less than a minute ago")
)

// Defaults of Options.
const (
	DefaultMinInterval  = time.Minute
	DefaultQueueSize    = 256
	DefaultFetchTimeout = time.Minute
)

// Options configure a Service.
type Options struct {
	Store        Store
	Providers    map[string]Provider
	Log          *slog.Logger
	Now          func() time.Time
	MinInterval  time.Duration // between two fetches of one user
	QueueSize    int           // background fetches waiting; more are dropped
	FetchTimeout time.Duration // one whole fetch, every page
}

// Service fetches and lists anime lists.
type Service struct {
	store        Store
	providers    map[string]Provider
	log          *slog.Logger
	now          func() time.Time
	minInterval  time.Duration
	fetchTimeout time.Duration

	mu     sync.Mutex
	state  map[string]*fetchState
	timers map[string]*time.Timer // fetches put off by the rate, by login
	queue  chan job

	// life ends at Stop: every fetch runs under it rather than under its
	// caller, so that a fetch ends at shutdown and not when a client leaves.
	life     context.Context
	endLife  context.CancelFunc
	stopOnce sync.Once
	cancel   context.CancelFunc
	done     chan struct{}
	stopped  bool
}

// fetchState is the last fetch of one user.
type fetchState struct {
	at      time.Time     // when it started
	source  [2]string     // provider and name it fetched
	err     error         // how it ended
	running chan struct{} // closed when it ends; nil when none runs
}

type job struct {
	login string
	moved bool
}

// New makes the service; Start runs its worker.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MinInterval <= 0 {
		o.MinInterval = DefaultMinInterval
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = DefaultFetchTimeout
	}
	s := &Service{store: o.Store, providers: o.Providers, log: o.Log, now: o.Now,
		minInterval: o.MinInterval, fetchTimeout: o.FetchTimeout,
		state: map[string]*fetchState{}, timers: map[string]*time.Timer{}, queue: make(chan job, o.QueueSize)}
	s.life, s.endLife = context.WithCancel(context.Background())
	return s
}

// Start runs the background worker until Stop (or ctx ends).
func (s *Service) Start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		for {
			select {
			case <-ctx.Done():
				return
			case j := <-s.queue:
				s.background(ctx, j)
			}
		}
	}()
}

// Stop ends the worker: a fetch under way is cancelled, queued and put-off
// ones are dropped. It waits for the worker to return.
func (s *Service) Stop() {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.stopped = true
		for login, t := range s.timers {
			t.Stop()
			delete(s.timers, login)
		}
		s.mu.Unlock()
		s.endLife()
		if s.cancel != nil {
			s.cancel()
			<-s.done
		}
	})
}

// ListStale queues a background fetch (users.AnimeLists). It never blocks:
// when the queue is full the fetch is dropped and logged.
func (s *Service) ListStale(login string, moved bool) {
	select {
	case s.queue <- job{login: login, moved: moved}:
	default:
		s.log.Warn("anime list queue full: fetch dropped", "login", login)
	}
}

// Refresh fetches u's list now (refreshAnimeList, the panel's button). A
// fetch of the last minute is not repeated: its outcome is the answer, or
// ErrTooSoon when it fetched another source. A failure keeps the stored
// list.
func (s *Service) Refresh(ctx context.Context, u *users.User) error {
	if err := Eligible(u); err != nil {
		return err
	}
	return s.refresh(ctx, u)
}

// Eligible tells whether u's list may be fetched here: a local member with
// a provider and a name there.
func Eligible(u *users.User) error {
	switch {
	case u.Type == users.TypeGuest:
		return ErrGuest
	case u.IsOnline():
		return ErrOnlineAccount
	}
	p, n := users.AnimeSource(u)
	if p == "" || n == "" {
		return ErrNoSource
	}
	return nil
}

func (s *Service) refresh(ctx context.Context, u *users.User) error {
	p, n := users.AnimeSource(u)
	source := [2]string{p, n}
	pr, ok := s.providers[p]
	if !ok {
		return fmt.Errorf("%w: unknown provider %q", ErrNotConfigured, p)
	}
	if err := pr.CheckName(n); err != nil {
		return err // a name no provider can have costs no fetch
	}
	s.mu.Lock()
	st := s.state[u.Login]
	if st == nil {
		s.prune()
		st = &fetchState{}
		s.state[u.Login] = st
	}
	for st.running != nil {
		ch := st.running
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		s.mu.Lock()
	}
	if !st.at.IsZero() && s.now().Sub(st.at) < s.minInterval {
		defer s.mu.Unlock()
		if st.source == source {
			return st.err
		}
		return ErrTooSoon
	}
	st.at, st.source, st.running = s.now(), source, make(chan struct{})
	s.mu.Unlock()

	err := s.fetch(pr, u, n)

	s.mu.Lock()
	st.err = err
	close(st.running)
	st.running = nil
	s.mu.Unlock()
	return err
}

// prune forgets fetches older than the interval; called with mu held.
func (s *Service) prune() {
	if len(s.state) < 1024 {
		return
	}
	for login, st := range s.state {
		if st.running == nil && s.now().Sub(st.at) >= s.minInterval {
			delete(s.state, login)
		}
	}
}

// fetch runs one fetch to its end even when the caller goes away (its
// outcome answers the next minute's callers), within FetchTimeout, and
// stops at Stop.
func (s *Service) fetch(pr Provider, u *users.User, name string) error {
	provider := pr.Name()
	ctx, cancel := context.WithTimeout(s.life, s.fetchTimeout)
	defer cancel()
	start := s.now()
	ids, err := pr.Fetch(ctx, name)
	if err != nil {
		s.log.Warn("anime list fetch failed", "login", u.Login, "provider", provider, "err", err)
		return err
	}
	slices.Sort(ids)
	stored, err := s.store.SetAnimeList(ctx, u.Login, provider, u.SocialNetworks, ids, s.now())
	if err != nil {
		return fmt.Errorf("animelist: store %s: %w", u.Login, err)
	}
	s.log.Info("anime list fetched", "login", u.Login, "provider", provider, "anime", len(ids),
		"stored", stored, "took", s.now().Sub(start).String())
	return nil
}

// background serves a queued fetch: the user as stored now, when one may
// fetch. A moved source that the rate puts off is fetched once the minute
// is over.
func (s *Service) background(ctx context.Context, j job) {
	u, err := s.store.UserByLogin(ctx, j.login)
	if err != nil {
		if !errors.Is(err, users.ErrNotFound) {
			s.log.Warn("anime list: reading user", "login", j.login, "err", err)
		}
		return
	}
	if Eligible(u) != nil {
		return
	}
	err = s.refresh(ctx, u)
	if errors.Is(err, ErrTooSoon) && j.moved {
		s.later(j.login)
	}
}

// later queues a moved source's fetch for when the user's minute is over.
func (s *Service) later(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped || s.timers[login] != nil {
		return
	}
	wait := s.minInterval
	if st := s.state[login]; st != nil {
		wait = min(s.minInterval, max(0, s.minInterval-s.now().Sub(st.at)))
	}
	s.log.Info("anime list fetch put off: fetched less than a minute ago", "login", login, "wait", (wait + time.Second).String())
	s.timers[login] = time.AfterFunc(wait+time.Second, func() {
		s.mu.Lock()
		delete(s.timers, login)
		s.mu.Unlock()
		s.ListStale(login, true)
	})
}

// Page sizes of List.
const (
	DefaultPageSize = 400
	MaxPageSize     = 2000
)

// Query is a page of "My anime songs".
type Query struct {
	Filter string
	Order  string // one of karas.Orders; anything else is the default
	From   int
	Size   int // 0: DefaultPageSize; at most MaxPageSize
}

// List returns viewer's anime songs. Guests and users without a list get
// an empty page. Titles and series names resolve in the viewer's languages.
func (s *Service) List(ctx context.Context, viewer *users.User, q Query) (karas.AnimePage, error) {
	provider, _ := users.AnimeSource(viewer)
	if viewer.Type == users.TypeGuest || provider == "" || len(viewer.AnimeListIDs) == 0 {
		return karas.AnimePage{Songs: []karas.Song{}}, nil
	}
	size := q.Size
	if size <= 0 {
		size = DefaultPageSize
	}
	main, fallback := Languages(viewer)
	page, err := s.store.AnimeSongs(ctx, karas.AnimeQuery{Login: viewer.Login, ListKey: listKey(viewer), Provider: provider, Main: main,
		Fallback: fallback, Filter: karas.Fold(q.Filter), Order: q.Order, Offset: max(0, q.From), Limit: min(size, MaxPageSize)})
	if err != nil {
		return page, fmt.Errorf("animelist: list %s: %w", viewer.Login, err)
	}
	if page.Songs == nil {
		page.Songs = []karas.Song{}
	}
	return page, nil
}

// listKey names a stored list: when it was fetched and a hash of its ids.
func listKey(u *users.User) string {
	h := fnv.New64a()
	for _, id := range u.AnimeListIDs {
		fmt.Fprintf(h, "%d,", id)
	}
	at := ""
	if u.AnimeListLastModifiedAt != nil {
		at = u.AnimeListLastModifiedAt.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%s/%d/%x", at, len(u.AnimeListIDs), h.Sum64())
}

// AnimeWithSongs counts how many anime of u's list have songs.
func (s *Service) AnimeWithSongs(ctx context.Context, u *users.User) (int, error) {
	provider, _ := users.AnimeSource(u)
	if provider == "" || len(u.AnimeListIDs) == 0 {
		return 0, nil
	}
	return s.store.AnimeWithSongs(ctx, u.Login, provider)
}

// Languages are a reader's title languages (SPEC §2): main_series_lang, else
// the UI language's ISO 639-2/B code, else English; fallback_series_lang,
// else English.
func Languages(u *users.User) (main, fallback string) {
	main, fallback = "eng", "eng"
	if u.Language != nil {
		if l, ok := uiLanguages[*u.Language]; ok {
			main = l
		}
	}
	if u.MainSeriesLang != nil && *u.MainSeriesLang != "" {
		main = *u.MainSeriesLang
	}
	if u.FallbackSeriesLang != nil && *u.FallbackSeriesLang != "" {
		fallback = *u.FallbackSeriesLang
	}
	return main, fallback
}

// uiLanguages maps UI languages (ISO 639-1) to ISO 639-2/B.
var uiLanguages = map[string]string{
	"en": "eng", "fr": "fre", "ja": "jpn", "it": "ita", "es": "spa", "de": "ger", "pt": "por", "id": "ind",
	"pl": "pol", "ru": "rus", "zh": "chi", "ko": "kor", "nl": "dut", "ar": "ara", "ta": "tam", "br": "bre",
}
