package users

// AnimeLists hears when a user's anime list should be fetched again: at
// login, and after an edit that changed where the list comes from. It must
// not block: the fetch happens elsewhere, later.
type AnimeLists interface {
	ListStale(login string, sourceChanged bool)
}

// AnimeSource is where a user's anime list comes from: the provider of
// anime_list_to_fetch and the user's name there (the social network of the
// same name). Either is "" when unset.
func AnimeSource(u *User) (provider, name string) {
	if u.AnimeListToFetch == nil {
		return "", ""
	}
	provider = *u.AnimeListToFetch
	switch provider {
	case "anilist":
		name = u.SocialNetworks.Anilist
	case "myanimelist":
		name = u.SocialNetworks.Myanimelist
	case "kitsu":
		name = u.SocialNetworks.Kitsu
	}
	return provider, name
}

// dropMovedAnimeList empties the stored list when the edit moved its
// source: the ids belong to the old provider or name. It tells whether the
// source moved.
func dropMovedAnimeList(before [2]string, u *User) bool {
	p, n := AnimeSource(u)
	if before == [2]string{p, n} {
		return false
	}
	u.AnimeListIDs = IntList{}
	u.AnimeListLastModifiedAt = nil
	return true
}

func animeSourceKey(u *User) [2]string {
	p, n := AnimeSource(u)
	return [2]string{p, n}
}

// animeListStale passes the news on, when someone listens.
func (s *Service) animeListStale(login string, moved bool) {
	if s.anime != nil {
		s.anime.ListStale(login, moved)
	}
}
