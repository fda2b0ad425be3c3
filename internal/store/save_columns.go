package store

import (
	"reflect"

	"github.com/kmusers/kmusers/internal/users"
)

// changedColumns are the columns of u that differ from the row as this
// transaction read it; all of them when it did not read it. An edit of the
// bio wrote all 28 columns and so rewrote every index of the table (SQLite
// rewrites the index entries of every column assigned): issue 16.
func (t userTx) changedColumns(u *users.User) []string {
	before, ok := t.read[u.Login]
	if !ok {
		return userSaveColumns
	}
	var cols []string
	for _, f := range userFields[1:] { // the key is never saved
		if !reflect.DeepEqual(f.ptr(&before), f.ptr(u)) {
			cols = append(cols, f.col)
		}
	}
	return cols
}
