package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"mime"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
)

func TestSendHasTextAndHTMLAndAuthenticates(t *testing.T) {
	t.Parallel()
	srv := testkit.StartSMTP(t, "mailer", "smtp secret")
	cfg := Config{Addr: srv.Addr, From: "kmusers@example.org", User: "mailer", Password: "smtp secret"}
	err := Send(context.Background(), cfg, Message{To: "ann@example.com", Subject: "Hello", Text: "plain words", HTML: "<p>html words</p>"})
	if err != nil {
		t.Fatal(err)
	}
	m := <-srv.Mails
	if srv.Authenticated() != 1 || len(m.To) != 1 || m.To[0] != "ann@example.com" || m.From != "kmusers@example.org" {
		t.Fatalf("envelope %+v, auth %d", m, srv.Authenticated())
	}
	h := m.Header()
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q", h.Get("Content-Type"))
	}
	body := string(m.Data[strings.Index(string(m.Data), "\r\n\r\n")+4:])
	mr := multipart.NewReader(strings.NewReader(body), params["boundary"])
	types := map[string]bool{}
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types[ct] = true
	}
	if !types["text/plain"] || !types["text/html"] {
		t.Fatalf("parts %v", types)
	}
}

func TestWrongSMTPPasswordFails(t *testing.T) {
	t.Parallel()
	srv := testkit.StartSMTP(t, "mailer", "smtp secret")
	cfg := Config{Addr: srv.Addr, From: "kmusers@example.org", User: "mailer", Password: "wrong"}
	if err := Send(context.Background(), cfg, Message{To: "a@example.com", Subject: "x", Text: "x", HTML: "x"}); err == nil {
		t.Fatal("sent with a wrong password")
	}
}

func TestQueueDeliversAndStops(t *testing.T) {
	t.Parallel()
	srv := testkit.StartSMTP(t, "", "")
	q := NewQueue(Config{Addr: srv.Addr, From: "k@example.org"}, (&testkit.Buffer{}).Logger())
	for i := 0; i < 3; i++ {
		if !q.Enqueue(Message{To: "b@example.com", Subject: "n", Text: "t", HTML: "h"}) {
			t.Fatal("dropped")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q.Close(ctx)
	if len(srv.Mails) != 3 {
		t.Fatalf("%d mails delivered before the stop", len(srv.Mails))
	}
	if q.Enqueue(Message{To: "b@example.com"}) {
		t.Fatal("a closed queue took a message")
	}
	off := NewQueue(Config{}, (&testkit.Buffer{}).Logger())
	if off.Enqueue(Message{To: "b@example.com"}) || off.Enabled() {
		t.Fatal("a queue without SMTP took a message")
	}
	off.Close(ctx)
}

func TestSTARTTLSWhenOffered(t *testing.T) {
	t.Parallel()
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS() // only for its test certificate (valid for 127.0.0.1)
	defer ts.Close()
	srv := testkit.StartSMTPTLS(t, "mailer", "smtp secret", &tls.Config{Certificates: ts.TLS.Certificates})
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	cfg := Config{Addr: srv.Addr, From: "k@example.org", User: "mailer", Password: "smtp secret",
		TLS: &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
	if err := Send(context.Background(), cfg, Message{To: "c@example.com", Subject: "s", Text: "t", HTML: "h"}); err != nil {
		t.Fatal(err)
	}
	if m := <-srv.Mails; !m.TLS || srv.Authenticated() != 1 {
		t.Fatalf("tls %v, auth %d", m.TLS, srv.Authenticated())
	}
	// Without STARTTLS offered, the mail still goes (opportunistic).
	plain := testkit.StartSMTP(t, "", "")
	if err := Send(context.Background(), Config{Addr: plain.Addr, From: "k@example.org"}, Message{To: "c@example.com", Subject: "s", Text: "t", HTML: "h"}); err != nil {
		t.Fatal(err)
	}
	if m := <-plain.Mails; m.TLS {
		t.Fatal("TLS without STARTTLS?")
	}
}
