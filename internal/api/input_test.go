package api_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	big := `{"cmd":"getUsers","body":{"filter":"` + strings.Repeat("a", 1<<20) + `"}}`
	v.raw("", big, "").want(t, 413, "REQUEST_TOO_LARGE")
	for _, body := range []string{`{`, `not json`, `{"cmd":"login"} trailing`, `[]`, ``} {
		v.raw("", body, "").want(t, 400, "INVALID_DATA")
	}
	r := v.raw("", `{"cmd":42,"body":{}}`, "").want(t, 400, "INVALID_DATA")
	if !strings.Contains(string(r.MsgRaw), "cmd") {
		t.Errorf("cmd not named: %s", r.MsgRaw)
	}
	v.raw("", `{"cmd":"noSuchCommand","body":{}}`, "").want(t, 404, "UNKNOWN_COMMAND")
	r = v.raw("", `{"cmd":"login","body":{"username":["a"],"password":"x"}}`, "").want(t, 400, "INVALID_DATA")
	if !strings.Contains(string(r.MsgRaw), "username") {
		t.Errorf("username not named: %s", r.MsgRaw)
	}
	v.raw("", `{"cmd":"login","body":"a string"}`, "").want(t, 400, "INVALID_DATA")
	v.raw("", `{"cmd":"createUser","body":{"login":"x","password":"12345678","securityCode":1.5}}`, "").
		want(t, 400, "INVALID_DATA")
	// Bearer prefix accepted, in the header and in the KM body; a KM body
	// without a token takes the header's.
	tok := v.user("bob")
	v.do("Bearer "+tok, "checkAuth", nil).want(t, 200, "")
	v.doKM("Bearer "+tok, "checkAuth", nil).want(t, 200, "")
	v.do(tok, "checkAuth", map[string]any{"body": map[string]any{}}).want(t, 200, "")
}

// TestServerErrorsShowNothingInside: with the database gone, a command
// answers its 500 code, with no Go or SQL text, and the log has the
// request id.
func TestServerErrorsShowNothingInside(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	tok := v.user("olga")
	_ = v.db.Close()
	r := v.do("", "getUser", map[string]any{"username": "olga"}).want(t, 500, "USER_VIEW_ERROR")
	// A gate that cannot read the caller answers the command's own 500.
	v.do(tok, "getUsers", map[string]any{}).want(t, 500, "USER_LIST_ERROR")
	if regexp.MustCompile(`(?i)sql|database|closed|\.go`).Match(r.Data) {
		t.Fatalf("internals leaked: %s", r.Data)
	}
	if !regexp.MustCompile(`request_id=\S+`).MatchString(v.log.String()) {
		t.Fatalf("5xx not logged with a request id:\n%s", v.log.String())
	}
	if err := v.db.Ping(context.Background()); err == nil {
		t.Fatal("database still open")
	}
}
