package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/config"
	"github.com/kmusers/kmusers/internal/connlimit"
	"github.com/kmusers/kmusers/internal/datalock"
	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/logbuf"
	"github.com/kmusers/kmusers/internal/mail"
	"github.com/kmusers/kmusers/internal/online"
	"github.com/kmusers/kmusers/internal/secrets"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/socketio"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/internal/web"
)

const usage = `usage:
  kmusers [serve] [flags]            serve the API and the panel (default)
  kmusers create-operator LOGIN      create an operator; password on stdin
  kmusers reset-password LOGIN       set a local password; password on stdin
  kmusers import-karas DIR           import a Karaoke Mugen base (karaokes/, tags/) as the song catalogue
  kmusers import-km --from postgres://… [--avatars DIR] [--dry-run]
                                     move the users of a Karaoke Mugen database in
  kmusers migrate [--db DSN]         apply the database migrations and exit (deploy pipelines)
Flags (each also read from KMUSERS_<NAME>): run "kmusers serve -h".`

// run wires everything by constructors and runs one command.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var login string
	var km kmOptions
	switch cmd {
	case "serve", "migrate":
	case "create-operator", "reset-password", "import-karas":
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return fmt.Errorf("%s needs a %s\n%s", cmd, map[bool]string{true: "DIR", false: "LOGIN"}[cmd == "import-karas"], usage)
		}
		login, args = args[0], args[1:]
	case "import-km":
		var err error
		if km, args, err = kmFlags(args); err != nil {
			return err
		}
	case "help", "-h", "--help":
		fmt.Fprintln(stderr, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	cfg, err := config.Parse("kmusers "+cmd, args, getenv, stderr)
	if err != nil {
		return err
	}
	// One writer for every line, so that buffered access lines and direct
	// lines never interleave; only the access log is buffered.
	out := logbuf.New(stderr, accessFlush)
	defer out.Close() // last: every request's line is out
	log := newLogger(cfg, out.Direct())
	if cmd == "migrate" {
		return migrate(ctx, cfg, log)
	}
	if cmd == "serve" { // the CLI commands may run beside a server
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
		lock, err := datalock.Acquire(cfg.DataDir)
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	oenv, err := readOnlineEnv(getenv, cfg)
	if err != nil {
		return err
	}
	app, err := open(ctx, cfg, log, cmd == "serve", oenv)
	if err != nil {
		return err
	}
	defer app.close()
	switch cmd {
	case "create-operator":
		return createOperator(ctx, app.users, login, stdin)
	case "reset-password":
		return resetPassword(ctx, app.users, login, stdin)
	case "import-karas":
		return importKaras(ctx, app.db, login, stderr)
	case "import-km":
		return importKM(ctx, app, km, os.Stdout)
	}
	return serve(ctx, cfg, app, log, newLogger(cfg, out))
}

// accessFlush is how long an access line may wait in its buffer.
const accessFlush = 500 * time.Millisecond

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// app is the opened state: database, secrets and the domain.
type app struct {
	db      *store.Store
	secrets *secrets.Secrets
	users   *users.Service
	avatars *avatars.Service
	anime   *animelist.Service
	online  onlineEnv
	events  *events.Bus // what changed, for the live faces
	gcHeld  func()      // a server start: gives the collector back (startgc.go)
}

// open opens the data dir. Only a server start cleans up after the last run
// (temporary guests, avatar files) and draws security codes: the command-line
// tools must be safe while a server is running on the same data dir.
func open(ctx context.Context, cfg *config.Config, log *slog.Logger, serverStart bool, oenv onlineEnv) (*app, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	gcHeld := func() {}
	if serverStart {
		gcHeld = holdGC() // after the migrations, which may need the collector
	}
	sec, err := loadSecrets(ctx, cfg, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	av, err := avatars.New(filepath.Join(cfg.DataDir, "avatars"), db, time.Now, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	if sharedDB(cfg) {
		av.InDatabase(db) // no disk is shared: every process serves every avatar
	}
	bus := events.New()
	anime, err := newAnimeLists(cfg, db, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	remote, err := online.NewClient(oenv.resolve, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	svc, err := users.New(ctx, users.Options{
		Store: db, JWTSecret: sec.JWT, Log: log, BcryptCost: cfg.BcryptCost, OnlineWindow: cfg.OnlineWindow, Avatars: av,
		TokenLife: cfg.TokenLife, AuditRetention: cfg.AuditRetention,
		SignupsPerHour: cfg.SignupsPerHour, SignupBurst: cfg.SignupBurst,
		Tool: !serverStart, Remote: remote, AvatarIO: online.Avatars{Service: av}, Anime: anime,
		Events: bus, Limiters: limiters(cfg, db, log), LoginSlots: users.DefaultLoginSlots(),
	})
	if err != nil { // a server start sweeps the avatars once it listens (afterListening)
		db.Close()
		return nil, err
	}
	return &app{db: db, secrets: sec, users: svc, avatars: av, anime: anime, online: oenv, events: bus, gcHeld: gcHeld}, nil
}

func (a *app) close() { a.db.Close() }

// serve listens until ctx ends, then drains in-flight requests for 10 s.
func serve(ctx context.Context, cfg *config.Config, a *app, log, accessLog *slog.Logger) error {
	mailer := mail.NewQueue(a.online.smtp, log)
	defer func() {
		mctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		mailer.Close(mctx)
	}()
	cmds := api.New(a.users, log).WithAnime(a.anime)
	panel := web.New(a.users, a.avatars, a.secrets.CookieHash, a.secrets.CookieBlock, log)
	panel.TrustProxies(cfg.TrustedProxies)
	panel.Live(a.events)
	sio := socketio.New(socketio.Options{API: cmds, Events: a.events, Log: log})
	e := server.New(server.Deps{
		API: cmds, Socket: sio, DB: a.db, Log: log, AccessLog: accessLog, TrustedProxies: cfg.TrustedProxies,
		Uploads: a.avatars, Avatars: a.avatars,
		Web:    panel.WithAnime(a.anime),
		Online: online.NewHost(a.users, a.avatars, mailer, a.online.publicURL, log).WithAnime(a.anime),
	})
	stopShared, err := startShared(ctx, cfg, a, log)
	if err != nil {
		return err
	}
	defer stopShared()
	a.anime.Start(ctx)
	defer a.anime.Stop() // after the drain: no request is left to queue a fetch
	go every(ctx, 5*time.Minute, log, map[string]func(context.Context) error{"expiring uploads": a.avatars.Expire})
	go every(ctx, time.Hour, log, a.sweeps())
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	ln = connlimit.New(ln, cfg.MaxConnsPerIP)
	// Headers within 10 s, a body within its deadline (bodyDeadline in the
	// server: 15 s, uploads 2 minutes), the whole request within 3 minutes,
	// the reply (up to the whole user list) within 3 minutes.
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 3 * time.Minute,
		WriteTimeout: 3 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	srv.RegisterOnShutdown(panel.StopLive) // event streams would hold the drain
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", "http://"+ln.Addr().String())
	defer afterListening(ctx, a, log)() // waited for: the database closes after it
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("stopping: draining requests")
	sio.Close() // hijacked websockets are not drained by Shutdown
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// sweeps forget expired sessions and old audit rows: hourly, and first
// just after a start (afterListening).
func (a *app) sweeps() map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"sweeping sessions": a.users.SweepSessions, "sweeping the audit trail": a.users.SweepAudit}
}

// every runs the named chores each period until ctx ends; a failure is
// logged and tried again next time.
func every(ctx context.Context, period time.Duration, log *slog.Logger, chores map[string]func(context.Context) error) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for what, chore := range chores {
				if err := chore(ctx); err != nil {
					log.Warn(what, "err", err)
				}
			}
		}
	}
}

// readPassword reads one line; the password is taken as typed, never trimmed
// but for the line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func createOperator(ctx context.Context, svc *users.Service, login string, stdin io.Reader) error {
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	err = svc.Create(ctx, users.System(), users.NewAccount{Login: login, Password: pw, Role: "admin"})
	if err != nil {
		return fmt.Errorf("create-operator: %w", err)
	}
	return nil
}

func resetPassword(ctx context.Context, svc *users.Service, login string, stdin io.Reader) error {
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	if err := svc.SetPassword(ctx, login, pw); err != nil {
		return fmt.Errorf("reset-password: %w", err)
	}
	return nil
}
