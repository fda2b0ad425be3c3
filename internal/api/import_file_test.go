package api_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	_ "image/jpeg" // decode served avatars
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func testPNG(t *testing.T, w, h int, c color.NRGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []byte{c.R, c.G, c.B, c.A})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type uploaded struct {
	Filename     string `json:"filename"`
	OriginalName string `json:"originalname"`
	MIME         string `json:"mimetype"`
	Size         int    `json:"size"`
}

// upload posts a file to path (any case of /api/importfile).
func (v *env) upload(token, path, name string, data []byte) (*httptest.ResponseRecorder, uploaded) {
	v.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	var up uploaded
	if rec.Code == 200 {
		if err := json.Unmarshal(rec.Body.Bytes(), &up); err != nil {
			v.t.Fatal(err)
		}
	}
	return rec, up
}

func (v *env) get(path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// files lists the avatar directory, temp files included.
func (v *env) files() []string {
	v.t.Helper()
	entries, err := os.ReadDir(v.avatarDir)
	if err != nil {
		v.t.Fatal(err)
	}
	// The avatars; each may have its list thumbnail beside it (NAME.64.EXT),
	// never one without its avatar.
	var out []string
	thumbs := map[string]bool{}
	for _, e := range entries {
		if name := e.Name(); strings.Contains(name, ".64.") {
			thumbs[strings.Replace(name, ".64.", ".", 1)] = true
		} else {
			out = append(out, name)
		}
	}
	for avatar := range thumbs {
		if !slices.Contains(out, avatar) {
			v.t.Fatalf("thumbnail of %s left without it", avatar)
		}
	}
	sort.Strings(out)
	return out
}

func TestAvatarUploadEditServe(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	bob := v.user("bob")
	rec, up := v.upload(bob, "/api/importFile", "../../me.png", testPNG(t, 800, 500, color.NRGBA{200, 10, 10, 255}))
	if rec.Code != 200 || up.Filename == "" || up.OriginalName != "me.png" || up.MIME != "image/jpeg" || up.Size == 0 {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	v.do(bob, "editMyAccount", map[string]any{"avatar": up.Filename}).want(t, 200, "USER_EDITED")
	var me struct {
		AvatarFile string `json:"avatar_file"`
	}
	v.do(bob, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	if me.AvatarFile != up.Filename {
		t.Fatalf("avatar_file %q", me.AvatarFile)
	}
	got := v.get("/avatars/" + up.Filename)
	h := got.Header()
	if got.Code != 200 || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(h.Get("Cache-Control"), "max-age=31536000") {
		t.Fatalf("serve: %d %v", got.Code, h)
	}
	img, _, err := image.Decode(got.Body)
	if err != nil || img.Bounds().Dx() != 256 || img.Bounds().Dy() != 256 {
		t.Fatalf("served avatar: %v %v", err, img)
	}
	// Spent: the same id cannot be used twice.
	v.do(bob, "editMyAccount", map[string]any{"avatar": up.Filename}).want(t, 400, "USER_EDIT_ERROR")

	// Replacing deletes the old file after the commit; a KM file object works.
	_, up2 := v.upload(bob, "/api/importfile", "b.png", testPNG(t, 300, 300, color.NRGBA{0, 0, 200, 255}))
	v.do(bob, "editMyAccount", map[string]any{"avatar": map[string]any{"path": "/tmp/uploads/" + up2.Filename, "originalname": "b.png"}}).
		want(t, 200, "USER_EDITED")
	if fs := v.files(); len(fs) != 1 || fs[0] != up2.Filename {
		t.Fatalf("files after replace: %v", fs)
	}
	if v.get("/avatars/"+up.Filename).Code != 404 {
		t.Fatal("old avatar still served")
	}
	// Deleting the user deletes the file.
	v.do(bob, "deleteMyUser", nil).want(t, 200, "USER_DELETED")
	if fs := v.files(); len(fs) != 0 {
		t.Fatalf("files after deletion: %v", fs)
	}
}

func TestAvatarUploadRefusals(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	bob := v.user("bob")
	eve := v.user("eve")
	guest := v.guest()
	img := testPNG(t, 64, 64, color.NRGBA{1, 2, 3, 255})
	cases := []struct {
		name, token string
		data        []byte
		status      int
		code        string
	}{
		{"no token", "", img, 401, "NOT_LOGGED_IN"},
		{"bad token", "x.y.z", img, 401, "INVALID_TOKEN"},
		{"guest", guest, img, 403, "NOT_GUEST"},
		{"9 MiB", bob, append(img, make([]byte, 9<<20)...), 413, "FILE_TOO_LARGE"},
		{"svg", bob, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 415, "UNSUPPORTED_IMAGE"},
		{"html as png", bob, []byte("<!doctype html><script>alert(1)</script>"), 415, "UNSUPPORTED_IMAGE"},
		{"truncated", bob, img[:len(img)-30], 400, "INVALID_IMAGE"},
	}
	for _, c := range cases {
		rec, _ := v.upload(c.token, "/api/importfile", "x.png", c.data)
		r := decodeReply(t, rec.Code, rec.Body)
		if r.Status != c.status || r.Code != c.code {
			t.Errorf("%s: %d %q, want %d %q", c.name, r.Status, r.Code, c.status, c.code)
		}
	}
	// Someone else's upload id is refused, and stays usable by its owner.
	_, up := v.upload(eve, "/api/importfile", "e.png", img)
	r := v.do(bob, "editMyAccount", map[string]any{"avatar": up.Filename}).want(t, 400, "USER_EDIT_ERROR")
	if !strings.Contains(string(r.MsgRaw), "INVALID_AVATAR") {
		t.Fatalf("data %s", r.MsgRaw)
	}
	// Expired after an hour.
	v.clock.Add(61 * time.Minute)
	v.do(eve, "editMyAccount", map[string]any{"avatar": up.Filename}).want(t, 400, "USER_EDIT_ERROR")
	for _, path := range []string{"/avatars/../secrets.json", "/avatars/%2e%2e%2fsecrets.json", "/avatars/..%2Fkmusers.db",
		"/avatars/" + strings.Repeat("a", 32) + ".png", "/avatars/x.svg", "/avatars/"} {
		if code := v.get(path).Code; code != 404 {
			t.Errorf("%s: %d", path, code)
		}
	}
	if rec := v.get("/avatars/blank.png"); rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("blank: %d", rec.Code)
	}
}

// TestConcurrentAvatarEdits: two uploads used at once by one user end with
// one referenced file and no orphan.
func TestConcurrentAvatarEdits(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	bob := v.user("bob")
	_, a := v.upload(bob, "/api/importfile", "a.png", testPNG(t, 64, 64, color.NRGBA{255, 0, 0, 255}))
	_, b := v.upload(bob, "/api/importfile", "b.png", testPNG(t, 64, 64, color.NRGBA{0, 255, 0, 255}))
	var wg sync.WaitGroup
	for _, id := range []string{a.Filename, b.Filename} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"cmd": "editMyAccount", "body": map[string]any{"avatar": id}})
			req := httptest.NewRequest(http.MethodPost, "/api/command", bytes.NewReader(body))
			req.Header.Set("Authorization", bob)
			v.e.ServeHTTP(httptest.NewRecorder(), req)
		}()
	}
	wg.Wait()
	var me struct {
		AvatarFile string `json:"avatar_file"`
	}
	v.do(bob, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	if fs := v.files(); len(fs) != 1 || fs[0] != me.AvatarFile {
		t.Fatalf("files %v, avatar %s", fs, me.AvatarFile)
	}
}

func TestOperatorSetsAvatarWithOwnUpload(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	bob := v.user("bob")
	_, mine := v.upload(op, "/API/IMPORTFILE", "o.png", testPNG(t, 64, 64, color.NRGBA{9, 9, 9, 255}))
	_, his := v.upload(bob, "/api/importfile", "b.png", testPNG(t, 64, 64, color.NRGBA{9, 9, 9, 255}))
	v.do(op, "editUser", map[string]any{"login": "bob", "avatar": his.Filename}).want(t, 400, "USER_EDIT_ERROR")
	v.do(op, "editUser", map[string]any{"login": "bob", "avatar": mine.Filename}).want(t, 200, "USER_EDITED")
}
