package users

import (
	"context"
	"strings"
)

// invisibleTwin answers a nickname refused for its invisible characters:
// when, without them, it is another user's name, the answer is that the name
// is taken (the contract: "`Admin` with a zero-width space collides with
// `Admin`"); otherwise it stays refused as invalid. except is the login of
// the account being edited, "" for a new one.
func invisibleTwin(tx Tx, raw, except string, refused error) error {
	if fe, ok := refused.(*FieldError); !ok || fe.Field != "nickname" || !hasInvisible(raw) {
		return refused
	}
	bare := strings.Map(func(r rune) rune {
		if hasInvisible(string(r)) {
			return -1
		}
		return r
	}, raw)
	nick, err := CleanNickname(bare)
	if err != nil {
		return refused
	}
	owner, err := tx.NameOwner(NicknameKey(nick), except)
	if err != nil {
		return err
	}
	if owner != "" {
		return ErrNicknameTaken
	}
	return refused
}

// createRefusal is invisibleTwin for a new account's nickname.
func (s *Service) createRefusal(ctx context.Context, nickname string, refused error) error {
	if fe, ok := refused.(*FieldError); !ok || fe.Field != "nickname" || !hasInvisible(nickname) {
		return refused
	}
	err := refused
	if uerr := s.store.Update(ctx, func(tx Tx) error {
		err = invisibleTwin(tx, nickname, "", refused)
		return nil
	}); uerr != nil {
		return uerr
	}
	return err
}
