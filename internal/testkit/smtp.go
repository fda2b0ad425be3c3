package testkit

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/mail"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message an SMTP test server received.
type Mail struct {
	From string
	To   []string
	Data []byte
	TLS  bool // the message came over STARTTLS
}

// Header parses the message's header.
func (m Mail) Header() mail.Header {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return mail.Header{}
	}
	return msg.Header
}

// SMTPServer is a real SMTP server on loopback, in the test process.
type SMTPServer struct {
	Addr  string
	Mails chan Mail // every message received, in order

	user, password string
	mu             sync.Mutex
	authed         int
}

// StartSMTP serves SMTP on 127.0.0.1 until the test ends. With a user and
// password, it offers AUTH PLAIN (over the plain connection: loopback).
func StartSMTP(t testing.TB, user, password string) *SMTPServer {
	t.Helper()
	return StartSMTPTLS(t, user, password, nil)
}

// StartSMTPTLS is StartSMTP offering STARTTLS with cfg.
func StartSMTPTLS(t testing.TB, user, password string, cfg *tls.Config) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPServer{Addr: ln.Addr().String(), Mails: make(chan Mail, 16), user: user, password: password}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.TLSConfig = cfg
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// Authenticated counts the successful AUTH commands.
func (s *SMTPServer) Authenticated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authed
}

// NewSession implements smtp.Backend.
func (s *SMTPServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{srv: s, conn: c}, nil
}

type smtpSession struct {
	srv    *SMTPServer
	conn   *smtp.Conn
	authed bool
	m      Mail
}

func (ss *smtpSession) AuthMechanisms() []string {
	if ss.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != ss.srv.user || password != ss.srv.password {
			return errors.New("bad credentials")
		}
		ss.authed = true
		ss.srv.mu.Lock()
		ss.srv.authed++
		ss.srv.mu.Unlock()
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.user != "" && !ss.authed {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	ss.m = Mail{From: from}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.m.To = append(ss.m.To, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.m.Data = b
	_, ss.m.TLS = ss.conn.TLSConnectionState()
	ss.srv.Mails <- ss.m
	return nil
}

func (ss *smtpSession) Reset()        { ss.m = Mail{} }
func (ss *smtpSession) Logout() error { return nil }
