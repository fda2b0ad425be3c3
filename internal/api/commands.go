package api

// commands is the API: name → who may call it, whether the frontend must be
// open, and the handler. The gate reads it once per request.
var commands = map[string]command{
	"getUsers":                   {who: loggedIn, openOnly: true, fail: "USER_LIST_ERROR", run: (*Handler).getUsers},
	"createUser":                 {who: anyone, openOnly: true, fail: "USER_CREATE_ERROR", run: (*Handler).createUser},
	"getUser":                    {who: anyone, openOnly: true, fail: "USER_VIEW_ERROR", run: (*Handler).getUser},
	"deleteUser":                 {who: operator, fail: "USER_DELETE_ERROR", run: (*Handler).deleteUser},
	"editUser":                   {who: operator, fail: "USER_EDIT_ERROR", run: (*Handler).editUser},
	"resetUserPassword":          {who: anyone, fail: "USER_RESETPASSWORD_ERROR", run: (*Handler).resetUserPassword},
	"getMyAccount":               {who: loggedIn, fail: "USER_VIEW_ERROR", run: (*Handler).getMyAccount},
	"deleteMyUser":               {who: member, fail: "USER_DELETE_ERROR", run: (*Handler).deleteMyUser},
	"deleteMyAccount":            {who: member, fail: "USER_DELETE_ERROR", run: (*Handler).deleteMyUser},
	"editMyAccount":              {who: member, guestCode: "GUESTS_CANNOT_EDIT", fail: "USER_EDIT_ERROR", run: (*Handler).editMyAccount},
	"convertMyLocalUserToOnline": {who: member, fail: "USER_CONVERT_ERROR", run: (*Handler).convertToOnline},
	"convertMyOnlineUserToLocal": {who: member, fail: "USER_DELETE_ERROR_ONLINE", run: (*Handler).convertToLocal},
	"refreshAnimeList":           {who: member, fail: "REFRESH_ANIME_LIST_ERROR", run: (*Handler).refreshAnimeList},
	"getAnimeList":               {who: loggedIn, fail: "ANIME_LIST_VIEW_ERROR", run: (*Handler).getAnimeList},
	"login":                      {who: anyone, fail: "LOG_ERROR", run: (*Handler).login},
	"loginGuest":                 {who: anyone, fail: "NO_MORE_GUESTS_AVAILABLE", run: (*Handler).loginGuest},
	"checkAuth":                  {who: loggedIn, fail: "INTERNAL_ERROR", run: (*Handler).checkAuth},
}
