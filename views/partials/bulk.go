package partials

// BulkAction is one action of the user list's bulk form; Label and Verb
// (how the confirmation says it: "Delete", "Make a user:") are message IDs.
type BulkAction struct {
	Value, Label string
	Verb         string
}

// BulkActions are the bulk form's choices, in its order.
var BulkActions = []BulkAction{
	{"delete", "bulk.delete", "bulk.delete.verb"},
	{"private", "bulk.private", "bulk.private.verb"},
	{"public", "bulk.public", "bulk.public.verb"},
	{"type_user", "bulk.type_user", "bulk.type_user.verb"},
	{"type_operator", "bulk.type_operator", "bulk.type_operator.verb"},
	{"type_guest", "bulk.type_guest", "bulk.type_guest.verb"},
	{"remove_temporary", "bulk.remove_temporary", "bulk.remove_temporary.verb"},
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
	// NoOperatorLeft: the action leaves no operator able to log in with a
	// password.
	NoOperatorLeft bool
}
