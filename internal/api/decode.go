package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// MaxBodyBytes caps a command request.
const MaxBodyBytes = 1 << 20

var (
	errTooLarge   = apiErr(http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE")
	errBadRequest = apiErr(http.StatusBadRequest, "INVALID_DATA")
)

// request is a decoded command: its name, its arguments and its tokens,
// whichever of the two KM forms carried them. The online token is read and
// type-checked now; the online accounts that use it are not built yet.
type request struct {
	Cmd         string
	Args        json.RawMessage
	Token       string
	OnlineToken string
}

// readBody reads at most MaxBodyBytes; more is 413.
func readBody(r *http.Request) ([]byte, *Error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errTooLarge
	}
	if err != nil {
		return nil, errBadRequest.with("body could not be read")
	}
	return b, nil
}

// decodeRequest reads {"cmd", "body"} and finds the tokens: in the body for
// the KM form ({"authorization", "onlineAuthorization", "body"}), else in the
// headers.
func decodeRequest(b []byte, header http.Header) (request, *Error) {
	var env struct {
		Cmd  json.RawMessage `json:"cmd"`
		Body json.RawMessage `json:"body"`
	}
	if err := strictJSON(b, &env); err != nil {
		return request{}, errBadRequest.with("malformed JSON")
	}
	var req request
	if err := json.Unmarshal(env.Cmd, &req.Cmd); err != nil || req.Cmd == "" {
		return req, errBadRequest.with(map[string]string{"cmd": "must be a command name"})
	}
	req.Args = env.Body
	var km map[string]json.RawMessage
	if isObject(env.Body) && json.Unmarshal(env.Body, &km) == nil && hasAny(km, "authorization", "onlineAuthorization", "body") {
		req.Args = km["body"]
		if err := optionalString(km["authorization"], &req.Token); err != nil {
			return req, errBadRequest.with(map[string]string{"authorization": "must be a string"})
		}
		if err := optionalString(km["onlineAuthorization"], &req.OnlineToken); err != nil {
			return req, errBadRequest.with(map[string]string{"onlineAuthorization": "must be a string"})
		}
		req.Token = stripBearer(req.Token)
	}
	// Headers fill what the body did not carry.
	if req.Token == "" {
		req.Token = headerToken(header)
	}
	if req.OnlineToken == "" {
		req.OnlineToken = header.Get("onlineAuthorization")
	}
	return req, nil
}

// headerToken reads the Authorization header, with or without "Bearer ".
func headerToken(header http.Header) string { return stripBearer(header.Get("Authorization")) }

func stripBearer(tok string) string {
	tok = strings.TrimSpace(tok)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "Bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	return tok
}

// strictJSON refuses trailing data after the value.
func strictJSON(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

func hasAny(m map[string]json.RawMessage, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

func optionalString(raw json.RawMessage, dst *string) error {
	if len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	return json.Unmarshal(raw, dst)
}

// decodeArgs fills the json-tagged fields of dst (a struct pointer) from the
// argument object, one field at a time, so a wrong type names its field.
// Unknown keys are ignored: KM clients send whole objects back.
func decodeArgs(raw json.RawMessage, dst any) *Error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil
	}
	var fields map[string]json.RawMessage
	if !isObject(t) || json.Unmarshal(t, &fields) != nil {
		return errBadRequest.with(map[string]string{"body": "must be an object"})
	}
	return fillFields(reflect.ValueOf(dst).Elem(), fields)
}

// fillFields decodes each tagged field, descending into embedded structs.
func fillFields(v reflect.Value, fields map[string]json.RawMessage) *Error {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if e := fillFields(v.Field(i), fields); e != nil {
				return e
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		rawField, ok := fields[name]
		if name == "" || name == "-" || !ok {
			continue
		}
		if err := unmarshalField(rawField, v.Field(i).Addr().Interface()); err != nil {
			return errBadRequest.with(map[string]string{name: fieldMessage(err)})
		}
	}
	return nil
}

// numericString is a JSON string holding a small integer, such as "1".
var numericString = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^"(-?[0-9]{1,9})"$`) })

// unmarshalField decodes one field. Where a number is expected, a numeric
// string is taken too (KM's system panel sends "type": "1"); anything else
// keeps the original type error.
func unmarshalField(raw json.RawMessage, dst any) error {
	err := json.Unmarshal(raw, dst)
	var te *json.UnmarshalTypeError
	if err == nil || !errors.As(err, &te) || te.Value != "string" {
		return err
	}
	m := numericString().FindSubmatch(bytes.TrimSpace(raw))
	if m == nil || json.Unmarshal(m[1], dst) != nil {
		return err
	}
	return nil
}

func fieldMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "must be " + kindName(te.Type)
	}
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.msg
	}
	return "invalid value"
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		return "a list"
	}
	return "of type " + t.String()
}

// codeArg is a security code sent as a JSON number or string.
type codeArg struct {
	set bool
	v   string
}

type codeError struct{ msg string }

func (e *codeError) Error() string { return e.msg }

func (c *codeArg) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	c.set = true
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &c.v); err != nil {
			return err
		}
		c.v = strings.TrimSpace(c.v)
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 999999 {
		return &codeError{"must be a six-digit code"}
	}
	c.v = fmt.Sprintf("%06d", n) // a number drops leading zeros: put them back
	return nil
}

func (c codeArg) ptr() *string {
	if !c.set {
		return nil
	}
	v := c.v
	return &v
}
