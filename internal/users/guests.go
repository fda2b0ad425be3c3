package users

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/kmusers/kmusers/internal/events"
)

// guestNames are the shared guest accounts created at first start.
var guestNames = []string{
	"Mic Drop Marie", "Falsetto Fox", "Chorus Capybara", "Encore Eel", "Vibrato Viper",
	"Off-Key Otter", "Duet Dolphin", "Tambourine Tanuki", "Ballad Badger", "Karaoke Kappa",
	"Power Ballad Penguin", "Key Change Koala", "Backing Vocal Bat", "Opening Theme Owl",
	"Ending Credits Emu", "Subtitle Sloth", "Lyric Lynx", "Bridge Builder Bear",
	"High Note Heron", "Low Note Lobster", "Air Guitar Alpaca", "Mosh Pit Moose",
	"Idol Iguana", "Anisong Ant", "Opening Oni", "Insert Song Ibis", "Chibi Chorus",
	"Romaji Raccoon", "Kana Kangaroo", "Harmony Hamster", "Reverb Rabbit", "Echo Echidna",
	"Tempo Tortoise", "Metronome Mole", "Spotlight Squid", "Stage Fright Starling",
	"Disco Dango", "Onigiri Opera", "Mochi Maestro", "Taiyaki Tenor", "Ramen Rockstar",
	"Bento Baritone", "Sakura Soprano", "Yokai Yodeler",
}

// guestLogin derives a login from a guest's display name.
func guestLogin(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('_')
		}
	}
	return b.String()
}

// LoginGuest logs in as a shared guest not active within the online window,
// or, when name is given and the setting allows it, as a new temporary guest.
func (s *Service) LoginGuest(ctx context.Context, name string) (*User, string, error) {
	u, err := s.pickGuest(ctx, name)
	if err != nil {
		return nil, "", err
	}
	tok, err := s.IssueToken(ctx, u)
	return u, tok, err
}

// PanelLoginGuest logs a browser in as a free shared guest.
func (s *Service) PanelLoginGuest(ctx context.Context) (*User, *Session, error) {
	u, err := s.pickGuest(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	row, err := s.StartPanelSession(ctx, u, false)
	return u, row, err
}

func (s *Service) pickGuest(ctx context.Context, name string) (*User, error) {
	st := s.Settings()
	if !st.AllowGuestLogin {
		return nil, ErrGuestsNotAllowed
	}
	var u *User
	var err error
	if strings.TrimSpace(name) != "" {
		if !st.AllowTemporaryGuests {
			return nil, ErrGuestsNotAllowed
		}
		u, err = s.createTemporaryGuest(ctx, name)
	} else {
		u, err = s.claimGuest(ctx)
	}
	return u, err
}

func (s *Service) claimGuest(ctx context.Context) (*User, error) {
	var u *User
	err := s.store.Update(ctx, func(tx Tx) error {
		now := s.now().UTC()
		idle, err := tx.IdleGuests(now.Add(-s.onlineWindow))
		if err != nil {
			return err
		}
		if len(idle) == 0 {
			return ErrNoGuestAvailable
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(idle))))
		if err != nil {
			return err
		}
		if u, err = tx.UserByLogin(idle[n.Int64()]); err != nil {
			return err
		}
		u.LastLoginAt = now // taken: the next loginGuest picks another
		return tx.Save(u)
	})
	if err != nil {
		return nil, fmt.Errorf("users: claim guest: %w", err)
	}
	s.publish(events.UserUpdated, u.Login, "") // now online
	return u, nil
}

func (s *Service) createTemporaryGuest(ctx context.Context, name string) (*User, error) {
	nick, err := CleanNickname(name)
	if err != nil {
		return nil, err
	}
	login := guestLogin(nick)
	if ValidateLogin(login) != nil {
		return nil, ErrLoginInvalid
	}
	u := s.newUser(login, nick, TypeGuest)
	u.FlagTemporary = true
	u.LastLoginAt = s.now().UTC()
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := checkNames(tx, login, u.NicknameKey, ""); errors.Is(err, ErrNicknameTaken) {
			return ErrLoginTaken
		} else if err != nil {
			return err
		}
		return tx.Insert(u)
	})
	if err != nil {
		return nil, fmt.Errorf("users: temporary guest: %w", err)
	}
	s.publish(events.UsersUpdated, u.Login, "")
	return u, nil
}
