// Package metrics is what `switchboard serve --metrics ADDR` exposes to
// Prometheus: sessions, ingest, the outbox queue and its send results,
// poll rounds and errors, and how long a change waits to be drawn on a
// session's screen. The figures come from the places that already know
// them (the store's change feed, the poller's rounds, the SSH server's
// frames); nothing here reads the store on a hot path.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// Options are the gauges read when Prometheus scrapes.
type Options struct {
	// Sessions is how many SSH sessions are open.
	Sessions func() int
	// QueueDepth is how many drafts wait in the outbox (queued or being
	// sent).
	QueueDepth func() (int, error)
}

// Metrics holds the collectors of one serve process.
type Metrics struct {
	reg        *prometheus.Registry
	ingested   prometheus.Counter
	refreshed  prometheus.Counter
	sends      *prometheus.CounterVec
	rounds     *prometheus.CounterVec
	pollErrors *prometheus.CounterVec
	frame      prometheus.Histogram
	resyncs    prometheus.Counter
}

// New registers the collectors, with the Go runtime's and the process's.
func New(o Options) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		ingested: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_mentions_ingested_total",
			Help: "Mentions stored for the first time (rate() of it is the ingest rate).",
		}),
		refreshed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_mentions_changed_total",
			Help: "Mention records changed by a fetch or an operator action.",
		}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_outbox_sends_total",
			Help: "Send attempts the outbox finished, by result (sent, failed, unknown, retry, cancelled).",
		}, []string{"result"}),
		rounds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_poll_rounds_total",
			Help: "Poll rounds made, by connector.",
		}, []string{"connector"}),
		pollErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_poll_errors_total",
			Help: "Poll rounds that failed, by connector.",
		}, []string{"connector"}),
		frame: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "switchboard_frame_latency_seconds",
			Help:    "Time from the first change a session's screen has not drawn to the frame that draws it.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		resyncs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_feed_resyncs_total",
			Help: "Times the metrics' change-feed subscription fell behind (counts since then are missing).",
		}),
	}
	m.reg.MustRegister(m.ingested, m.refreshed, m.sends, m.rounds, m.pollErrors, m.frame, m.resyncs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o.Sessions != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "switchboard_ssh_sessions",
			Help: "App sessions open over SSH now.",
		}, func() float64 { return float64(o.Sessions()) }))
	}
	if o.QueueDepth != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "switchboard_outbox_queue_depth",
			Help: "Drafts queued in the outbox or being sent now (-1 when the store cannot be read).",
		}, func() float64 {
			n, err := o.QueueDepth()
			if err != nil {
				return -1
			}
			return float64(n)
		}))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Follow counts what the store's change feed reports until ctx ends or
// the subscription closes; it closes sub.
func (m *Metrics) Follow(ctx context.Context, sub *store.Subscription) {
	defer sub.Close()
	for {
		u, err := sub.Next(ctx)
		if err != nil {
			return
		}
		m.Update(u)
	}
}

// Update counts one committed change.
func (m *Metrics) Update(u store.Update) {
	if u.Resync {
		m.resyncs.Inc()
	}
	m.ingested.Add(float64(len(u.New)))
	m.refreshed.Add(float64(len(u.Changed)))
	for _, ev := range u.Events {
		if r, ok := sendResult(ev); ok {
			m.sends.WithLabelValues(r).Inc()
		}
	}
}

// sendResult is the outcome of a send attempt a draft event records: the
// draft leaving the sending state.
func sendResult(ev domain.Event) (string, bool) {
	if ev.Kind != domain.EventDraft || ev.Field != "state" || ev.Before != string(domain.DraftSending) {
		return "", false
	}
	st, _, _ := strings.Cut(ev.After, ":")
	switch domain.DraftState(st) {
	case domain.DraftSent:
		return "sent", true
	case domain.DraftFailed:
		return "failed", true
	case domain.DraftUnknown:
		return "unknown", true
	case domain.DraftQueued:
		return "retry", true
	case domain.DraftCancelled:
		return "cancelled", true
	}
	return "other", true
}

// Round counts one poll round.
func (m *Metrics) Round(r connectors.RoundResult) {
	m.rounds.WithLabelValues(r.Name).Inc()
	if r.Err != nil && !errors.Is(r.Err, context.Canceled) {
		m.pollErrors.WithLabelValues(r.Name).Inc()
	}
}

// Frame records how long a change waited to be drawn.
func (m *Metrics) Frame(d time.Duration) { m.frame.Observe(d.Seconds()) }
