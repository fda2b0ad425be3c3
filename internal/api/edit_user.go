package api

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"sync"

	"github.com/kmusers/kmusers/internal/users"
)

type editArgs struct {
	users.Patch
	OldLogin string    `json:"old_login"`
	Avatar   avatarArg `json:"avatar"`
}

// avatarArg names a pending upload: its id, or a KM file object whose
// filename or path ends in it. Only the id goes on; never a path.
type avatarArg struct {
	set   bool
	id    string
	valid bool
}

var uploadIDRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}(\.[a-z]{3,4})?$`) })

func (a *avatarArg) UnmarshalJSON(b []byte) error {
	a.set = true
	var s string
	if json.Unmarshal(b, &s) != nil {
		var obj struct {
			Filename string `json:"filename"`
			Path     string `json:"path"`
		}
		if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) || json.Unmarshal(b, &obj) != nil {
			return nil // not valid: reported as INVALID_AVATAR
		}
		s = obj.Filename
		if s == "" {
			s = obj.Path
		}
	}
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	a.id, a.valid = s, uploadIDRe().MatchString(s)
	return nil
}

// patch completes the domain patch with the avatar, which must have been
// uploaded by the caller.
func (a editArgs) patch(caller *users.User) (users.Patch, error) {
	p := a.Patch
	p.Uploader = caller.Login
	if a.Avatar.set {
		if !a.Avatar.valid {
			return p, users.ErrInvalidAvatar
		}
		p.Avatar = users.Some(a.Avatar.id)
	}
	return p, nil
}

// editUser is an operator's edit; with old_login it renames old_login to login.
func (h *Handler) editUser(c *call) (any, error) {
	var a editArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, editDecodeError(e)
	}
	target := strings.TrimSpace(a.Login.V)
	if a.OldLogin != "" {
		target = a.OldLogin
	} else {
		a.Login = users.Opt[string]{}
	}
	if target == "" {
		return nil, errInvalidData.with(map[string]string{"login": "is required"})
	}
	p, err := a.patch(c.user)
	if err == nil {
		_, err = h.users.Edit(c.ctx, target, p)
	}
	if err != nil {
		return nil, mapErr(err, errEditInvalid, editRules...)
	}
	return done("USER_EDITED"), nil
}
