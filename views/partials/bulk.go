package partials

// BulkAction is one action of the user list's bulk form.
type BulkAction struct {
	Value, Label string
	Verb         string // how the confirmation says it: "Delete", "Make private"
}

// BulkActions are the bulk form's choices, in its order.
var BulkActions = []BulkAction{
	{"delete", "Delete", "Delete"},
	{"private", "Make private", "Make private"},
	{"public", "Make public", "Make public"},
	{"type_user", "Make user", "Make a user:"},
	{"type_operator", "Make operator", "Make an operator:"},
	{"type_guest", "Make guest", "Make a guest:"},
	{"remove_temporary", "Remove every temporary guest", "Remove the temporary guest"},
}

// BulkActionByValue finds an action; false when unknown.
func BulkActionByValue(v string) (BulkAction, bool) {
	for _, a := range BulkActions {
		if a.Value == v {
			return a, true
		}
	}
	return BulkAction{}, false
}

// BulkTarget is one user a bulk action will act on.
type BulkTarget struct {
	Login, Nickname string
	Missing         bool // no such user (any more)
}

// BulkPlan is the confirmation of a bulk action.
type BulkPlan struct {
	Action  BulkAction
	Targets []BulkTarget
	Self    bool // the acting operator is among the targets
}
