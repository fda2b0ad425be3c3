package api

import (
	"net/http"
	"testing"
)

// FuzzDecodeRequest: the decoder never panics, and what it accepts has a
// command name and arguments that decode without panicking either.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"cmd":"login","body":{"username":"a","password":"b","securityCode":123}}`,
		`{"cmd":"editMyAccount","body":{"authorization":"x.y.z","body":{"nickname":null,"avatar":{"path":"/a/b"}}}}`,
		`{"cmd":"getUsers","body":{"from":-1,"size":"x","type":9}}`,
		`{"cmd":1}`, `[]`, `{"cmd":"a","body":[1,2]}`, `{"cmd":"a"} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, e := decodeRequest(b, http.Header{"Authorization": {"Bearer abc"}})
		if e != nil {
			if e.Status != http.StatusBadRequest {
				t.Fatalf("decoder error with status %d", e.Status)
			}
			return
		}
		if req.Cmd == "" {
			t.Fatal("accepted a request without a command")
		}
		var a editArgs
		_ = decodeArgs(req.Args, &a)
		var g getUsersArgs
		_ = decodeArgs(req.Args, &g)
		var l loginArgs
		_ = decodeArgs(req.Args, &l)
	})
}
