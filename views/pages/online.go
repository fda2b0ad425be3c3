package pages

import "github.com/kmusers/kmusers/internal/users"

// onlineHost is the server of a name@host account.
func onlineHost(login string) string {
	_, host := users.SplitLogin(login)
	return host
}
