package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/avatars"
)

// A form with a picture is read as a stream, not by ParseMultipartForm: a
// picture over the avatar limit must become a field message ("too big")
// with the rest of the form kept, so the body may be larger than the limit.
// Cutting the body at the limit would lose the fields after the file, and
// with them the CSRF check's token: the form would answer "expired".
const (
	// maxUploadBody caps a form with a picture: room for one over the
	// limit, which is read and thrown away, never kept.
	maxUploadBody = 64 << 20
	maxFieldBytes = 64 << 10 // one text field
	maxFormParts  = 200
)

// uploadKey holds the form's picture (*uploadedFile) in the echo context.
const uploadKey = "kmusers.upload"

type uploadedFile struct {
	name   string
	data   []byte // nil when tooBig
	tooBig bool
}

var errBadForm = errors.New("web: unreadable form")

// bodyLimit is the most a panel request may send.
func bodyLimit(r *http.Request) int64 {
	if isMultipart(r) {
		return maxUploadBody
	}
	return maxFormBytes
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// readMultipart reads a posted multipart form: its text fields become the
// request's form (c.FormValue reads them), its "avatar" file is kept in
// memory up to avatars.MaxBytes, any larger file only marked too big.
func readMultipart(c echo.Context) error {
	r := c.Request()
	if r.Method != http.MethodPost || !isMultipart(r) {
		return nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return errBadForm
	}
	values := url.Values{}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || n == maxFormParts {
			return tooLargeOr(err)
		}
		if err := readPart(c, part, values); err != nil {
			return err
		}
	}
	r.PostForm = values
	r.Form = url.Values{}
	for k, v := range values {
		r.Form[k] = append([]string(nil), v...)
	}
	for k, v := range r.URL.Query() {
		r.Form[k] = append(r.Form[k], v...)
	}
	r.MultipartForm = &multipart.Form{Value: values, File: map[string][]*multipart.FileHeader{}}
	return nil
}

func readPart(c echo.Context, part *multipart.Part, values url.Values) error {
	defer part.Close()
	name := part.FormName()
	if part.FileName() == "" {
		b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return tooLargeOr(err)
		}
		if len(b) > maxFieldBytes {
			return errBadForm
		}
		values.Add(name, string(b))
		return nil
	}
	if name != "avatar" {
		_, err := io.Copy(io.Discard, part)
		return tooLargeOr(err)
	}
	b, err := io.ReadAll(io.LimitReader(part, avatars.MaxBytes+1))
	if err != nil {
		return tooLargeOr(err)
	}
	up := &uploadedFile{name: part.FileName(), data: b}
	if len(b) > avatars.MaxBytes {
		up.data, up.tooBig = nil, true
		if _, err := io.Copy(io.Discard, part); err != nil {
			return tooLargeOr(err)
		}
	}
	c.Set(uploadKey, up)
	return nil
}

// tooLargeOr tells a body over maxUploadBody from another broken form.
func tooLargeOr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return errBadForm
}

// badForm answers a form that could not be read at all.
func (h *Handler) badForm(c echo.Context, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return h.message(c, http.StatusRequestEntityTooLarge, "refusal.too_big", "refusal.too_big_text")
	}
	return h.message(c, http.StatusBadRequest, "refusal.unreadable", "refusal.unreadable_text")
}
