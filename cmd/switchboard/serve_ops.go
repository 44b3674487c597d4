package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	charmlog "charm.land/log/v2"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/metrics"
	"switchboard/safetext"
)

// serveLog is serve's log: one line per event on stderr, as text for a
// person ("15:04:05 message") or, with --log-format json, one JSON object
// per line (log/slog's JSON handler: time, level, msg and the event's
// fields) for a log collector. Every message and field is passed through
// safetext.Line first: names and errors can hold platform text.
type serveLog struct {
	w    io.Writer
	json *slog.Logger // nil: text

	mu   sync.Mutex
	last map[string]string // connector → the state and error last logged
}

func newServeLog(w io.Writer, format string) (*serveLog, error) {
	switch format {
	case "", "text":
		return &serveLog{w: w}, nil
	case "json":
		// the SSH libraries log through charm's log package: the same
		// stream, the same shape
		charmlog.SetDefault(charmlog.NewWithOptions(w, charmlog.Options{
			Formatter: charmlog.JSONFormatter, ReportTimestamp: true, TimeFormat: time.RFC3339Nano,
		}))
		return &serveLog{w: w, json: slog.New(slog.NewJSONHandler(w, nil))}, nil
	}
	return nil, usagef("--log-format %q: want text or json", format)
}

// printf logs one message at info level.
func (l *serveLog) printf(format string, a ...any) {
	msg := safetext.Line(fmt.Sprintf(format, a...))
	if l.json != nil {
		l.json.Info(msg)
		return
	}
	fmt.Fprintf(l.w, "%s %s\n", time.Now().Format(time.TimeOnly), msg)
}

// health logs a connector's change of health: a warning unless it is ok.
// A round that only moves the time of the last success is not a change
// worth a line (a connector polled every 5 s would log every 5 s).
func (l *serveLog) health(name string, h connectors.Health) {
	l.mu.Lock()
	if l.last == nil {
		l.last = map[string]string{}
	}
	state := string(h.State) + "\x00" + h.LastError
	seen, ok := l.last[name]
	l.last[name] = state
	l.mu.Unlock()
	if ok && seen == state {
		return
	}
	if l.json == nil {
		logHealth(l.w, name, h)
		return
	}
	level := slog.LevelWarn
	if h.State == connectors.HealthOK {
		level = slog.LevelInfo
	}
	attrs := []slog.Attr{
		slog.String("connector", safetext.Line(name)),
		slog.String("state", string(h.State)),
	}
	if h.LastError != "" {
		attrs = append(attrs, slog.String("error", safetext.Line(h.LastError)))
	}
	l.json.LogAttrs(context.Background(), level, "connector "+safetext.Line(name)+": "+h.Describe(time.TimeOnly, time.Local), attrs...)
}

// serveMetrics listens on addr and serves m at /metrics until ctx ends.
// It returns the address it listens on (addr may name port 0).
func serveMetrics(ctx context.Context, addr string, m *metrics.Metrics, logf func(string, ...any)) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--metrics: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logf("metrics server stopped: %v", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return l.Addr().String(), nil
}

// queuedStates are the outbox's queue for its depth gauge.
var queuedStates = []domain.DraftState{domain.DraftQueued, domain.DraftSending}
