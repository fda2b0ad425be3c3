package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/users"
)

// Uploads is what the upload endpoint needs from the avatars.
type Uploads interface {
	Upload(ctx context.Context, owner, originalName string, data []byte) (avatars.Upload, error)
}

// multipartSlack is room for the multipart headers around the file.
const multipartSlack = 64 << 10

var (
	errFileTooLarge  = apiErr(http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE")
	errUnsupported   = apiErr(http.StatusUnsupportedMediaType, "UNSUPPORTED_IMAGE")
	errInvalidImage  = apiErr(http.StatusBadRequest, "INVALID_IMAGE")
	errNoFile        = errInvalidData.with(map[string]string{"file": "a multipart field \"file\" is required"})
	errUploadFailure = apiErr(http.StatusInternalServerError, "UPLOAD_ERROR")
)

type uploadReply struct {
	Filename     string `json:"filename"`
	OriginalName string `json:"originalname"`
	MIME         string `json:"mimetype"`
	Size         int    `json:"size"`
}

// ImportFile serves POST /api/importfile: a user's picture becomes a pending
// avatar upload. The body is streamed and cut at the cap, never buffered
// past it.
func (h *Handler) ImportFile(up Uploads) echo.HandlerFunc {
	return func(c echo.Context) error {
		apiHeaders(c)
		u, e := h.uploader(c)
		if e != nil {
			return writeUploadFail(c, e)
		}
		r := c.Request()
		r.Body = http.MaxBytesReader(c.Response(), r.Body, avatars.MaxBytes+multipartSlack)
		data, name, e := readFilePart(r)
		if e != nil {
			return writeUploadFail(c, e)
		}
		res, err := up.Upload(r.Context(), u.Login, name, data)
		if err != nil {
			return writeUploadFail(c, h.uploadFailure(c, err))
		}
		return c.JSON(http.StatusOK, uploadReply{Filename: res.ID, OriginalName: res.OriginalName, MIME: res.MIME, Size: res.Size})
	}
}

// uploader: users and operators, with the token in the Authorization header.
func (h *Handler) uploader(c echo.Context) (*users.User, *Error) {
	token := headerToken(c.Request().Header)
	if token == "" {
		return nil, errNotLoggedIn
	}
	u, err := h.users.Authenticate(c.Request().Context(), token)
	if errors.Is(err, users.ErrInvalidToken) {
		return nil, errInvalidToken
	}
	if err != nil {
		return nil, h.failure(c.Response().Header().Get(echo.HeaderXRequestID), "importfile", err, errUploadFailure.Code) // the database, not the client
	}
	if u.Type == users.TypeGuest {
		return nil, errNotGuest
	}
	return u, nil
}

// readFilePart finds the "file" part and reads at most MaxBytes+1 of it.
func readFilePart(r *http.Request) ([]byte, string, *Error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", errNoFile
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, "", partError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, avatars.MaxBytes+1))
		if err != nil {
			return nil, "", partError(err)
		}
		if len(data) > avatars.MaxBytes {
			return nil, "", errFileTooLarge
		}
		return data, part.FileName(), nil
	}
}

func partError(err error) *Error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errFileTooLarge
	}
	if errors.Is(err, io.EOF) {
		return errNoFile
	}
	return errInvalidData.with(map[string]string{"file": "the multipart body is malformed"})
}

func (h *Handler) uploadFailure(c echo.Context, err error) *Error {
	switch {
	case errors.Is(err, avatars.ErrTooLarge):
		return errFileTooLarge
	case errors.Is(err, avatars.ErrUnsupported):
		return errUnsupported
	case errors.Is(err, avatars.ErrInvalid):
		return errInvalidImage
	case errors.Is(err, avatars.ErrTooManyUploads):
		return errTooMany
	}
	return h.failure(c.Response().Header().Get(echo.HeaderXRequestID), "importfile", err, errUploadFailure.Code)
}

// writeUploadFail answers in the command envelope, with the KM REST shape
// ({code, message}) at the top level too, for clients of either.
func writeUploadFail(c echo.Context, e *Error) error {
	msg := Message{Code: e.Code, Data: e.Data}
	return c.JSON(e.Status, map[string]any{
		"err": true, "code": e.Status, "message": msg, "data": Action{Code: e.Status, Message: msg},
	})
}
