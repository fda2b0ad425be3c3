package users

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// RemoteAnimeList is a host's answer to a refresh of its account's anime
// list: the anime ids it stores for the account and when it fetched them
// (nil: the host did not say).
type RemoteAnimeList struct {
	IDs            []int
	LastModifiedAt *time.Time
}

// RefreshOnlineAnimeList has the host of an online account fetch the
// account's anime list again (its rules apply there: once a minute, a
// failure keeps the previous list), then stores the ids it answers in the
// local copy. Every failure leaves the local list as it was. The host's
// refusals come back as the Remote gives them (ErrOnlineToken,
// ErrRemoteDisabled, ErrUnreachable, or the fetch's own errors), for each
// face to map once.
func (s *Service) RefreshOnlineAnimeList(ctx context.Context, me *User, onlineToken string) (*User, error) {
	if !me.IsOnline() {
		return nil, ErrNotOnline
	}
	_, host := SplitLogin(me.Login)
	if err := s.onlineHostOK(host); err != nil {
		return nil, err
	}
	if s.remote == nil {
		return nil, ErrUnreachable
	}
	if onlineToken == "" {
		return nil, ErrOnlineToken
	}
	list, err := s.remote.RefreshAnimeList(ctx, host, onlineToken)
	if err != nil {
		return nil, err
	}
	if list.IDs == nil || !validAnimeIDs(list.IDs) {
		return nil, fmt.Errorf("%w: %s answered an invalid anime list", ErrUnreachable, host)
	}
	ids := slices.Clone(list.IDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	at := list.LastModifiedAt
	if at == nil {
		now := s.now().UTC()
		at = &now
	}
	u, err := s.update(ctx, me.Login, func(_ Tx, row *User) error {
		row.AnimeListIDs, row.AnimeListLastModifiedAt = IntList(ids), at
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("users: store the anime list of %s: %w", me.Login, err)
	}
	s.log.Info("online anime list refreshed", "login", me.Login, "anime", len(ids))
	return u, nil
}
