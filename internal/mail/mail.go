// Package mail sends the instance's mail (password reset links) through an
// SMTP server, from a small background queue so that no request waits on
// SMTP and an answer's timing tells nothing about the mail.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config is the SMTP server: KMUSERS_SMTP_ADDR (host:port), KMUSERS_SMTP_FROM,
// and optional KMUSERS_SMTP_USER and KMUSERS_SMTP_PASSWORD.
type Config struct {
	Addr     string
	From     string
	User     string
	Password string
	TLS      *tls.Config // nil: the system's roots (tests set their own)
}

// Enabled tells whether mail can be sent at all.
func (c Config) Enabled() bool { return c.Addr != "" && c.From != "" }

// Message is one mail with a text part and an HTML part.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// ErrDisabled: no SMTP server is configured.
var ErrDisabled = errors.New("mail: no SMTP server configured")

// sendTimeout bounds one delivery, connection included.
const sendTimeout = 30 * time.Second

// Send delivers one message now. STARTTLS is used when the server offers
// it; credentials, when set, are sent with the best mechanism offered.
func Send(ctx context.Context, cfg Config, m Message) error {
	if !cfg.Enabled() {
		return ErrDisabled
	}
	host, portText, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail: KMUSERS_SMTP_ADDR: %w", err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("mail: KMUSERS_SMTP_ADDR port: %w", err)
	}
	opts := []gomail.Option{
		gomail.WithPort(port), gomail.WithTLSPolicy(gomail.TLSOpportunistic), gomail.WithTimeout(sendTimeout),
	}
	if cfg.TLS != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLS))
	}
	if cfg.User != "" {
		// Credentials never cross a network in clear: over a plain connection
		// the discovery only picks challenge mechanisms; PLAIN goes only over
		// TLS, or to a server on this machine.
		auth := gomail.SMTPAuthAutoDiscover
		if host == "localhost" || net.ParseIP(host).IsLoopback() {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.User), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	msg := gomail.NewMsg()
	if err := msg.From(cfg.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	return nil
}

// Queue sends messages one at a time in the background. It holds at most
// a few messages: when full, a new one is dropped (and logged) rather than
// piling up.
type Queue struct {
	cfg  Config
	log  *slog.Logger
	ch   chan Message
	wg   sync.WaitGroup
	stop context.CancelFunc

	mu     sync.Mutex
	closed bool
}

// queueSize bounds the messages waiting.
const queueSize = 64

// NewQueue starts the worker; Close stops it after the messages waiting.
func NewQueue(cfg Config, log *slog.Logger) *Queue {
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{cfg: cfg, log: log, ch: make(chan Message, queueSize), stop: cancel}
	q.wg.Add(1)
	go q.run(ctx)
	return q
}

// Enabled tells whether an SMTP server is configured.
func (q *Queue) Enabled() bool { return q.cfg.Enabled() }

// Enqueue hands a message to the worker; false when it was dropped.
func (q *Queue) Enqueue(m Message) bool {
	if !q.cfg.Enabled() {
		q.log.Warn("mail not sent: no SMTP server configured (KMUSERS_SMTP_ADDR, KMUSERS_SMTP_FROM)")
		return false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	select {
	case q.ch <- m:
		return true
	default:
		q.log.Warn("mail dropped: the queue is full")
		return false
	}
}

func (q *Queue) run(ctx context.Context) {
	defer q.wg.Done()
	for m := range q.ch {
		if err := Send(ctx, q.cfg, m); err != nil {
			q.log.Error("mail not sent", "err", err)
			continue
		}
		q.log.Info("mail sent", "subject", m.Subject)
	}
}

// Close stops taking messages, sends those waiting (each bounded by its
// timeout, all by ctx) and returns.
func (q *Queue) Close(ctx context.Context) {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.ch)
	}
	q.mu.Unlock()
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		q.stop()
		<-done
	}
}
