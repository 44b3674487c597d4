// Package connectors is the platform-neutral side of fetching mentions and
// sending replies. Each platform lives in its own package below this one
// and implements Connector; the poller (in this package) runs them against
// the store.
package connectors

import (
	"context"
	"errors"
	"fmt"
	"time"

	"switchboard/domain"
)

// Page is one fetch: the items found and the cursor that follows them.
// The store writes Items and Cursor in one transaction, so a crash can
// never leave the cursor ahead of the data.
type Page struct {
	Items  []domain.Mention
	Cursor string
	// More is true when the platform has more items right now and the
	// poller should fetch again without waiting for the schedule.
	More bool
}

// Message is a reply to send through a connector.
type Message struct {
	// IdempotencyKey is unique per send attempt chain; platforms that accept
	// one (Mastodon's Idempotency-Key) get it, the others use it to
	// reconcile after a crash.
	IdempotencyKey string
	Visibility     domain.Visibility
	Text           string
	// InReplyTo is the mention being answered.
	InReplyTo domain.Mention
	// Post is a new public post on the account's own timeline, answering
	// no one (InReplyTo is zero): a crisis holding statement. A connector
	// that cannot post returns ErrPermanent.
	Post bool
}

// ErrPostPrivate is the answer to a Post that is not public.
var ErrPostPrivate = fmt.Errorf("%w: a post on the account is public; a private message needs someone to send it to", ErrPermanent)

// SendResult is what the platform said about a sent message.
type SendResult struct {
	RemoteID string
	URL      string
}

// RateLimit is a connector's normalised rate-limit state.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time // zero when unknown
}

// HealthState summarises a connector.
type HealthState string

const (
	HealthOK          HealthState = "ok"
	HealthRateLimited HealthState = "rate-limited"
	HealthAuthFailed  HealthState = "auth-failed"
	HealthUnreachable HealthState = "unreachable"
	HealthUnknown     HealthState = "unknown"
)

// HealthMode is how a connector's items arrive.
type HealthMode string

const (
	// ModePolling: fetched on the connector's schedule (the zero Mode
	// means the same).
	ModePolling HealthMode = "polling"
	// ModeLive: a stream is connected and pushes items as they are posted.
	ModeLive HealthMode = "live"
)

// Health is what the header and `poll --once` show for a connector.
type Health struct {
	State HealthState
	// Mode says whether the connector is live (streaming) or polling.
	Mode HealthMode
	// StreamNote is why a connector that can stream is polling (e.g. the
	// plan does not allow the stream), "" otherwise; never a secret.
	StreamNote  string
	Until       time.Time // for rate-limited
	LastSuccess time.Time
	LastError   string // never holds a secret
	RateLimit   RateLimit
}

// Connector is one configured account on one platform.
type Connector interface {
	// Name is the configured name (e.g. "mastodon-main").
	Name() string
	// Platform is the platform the items come from.
	Platform() domain.Platform
	// Fetch returns items newer than cursor ("" means first run).
	Fetch(ctx context.Context, cursor string) (Page, error)
	// Send posts a private message (Visibility private) or a public reply.
	Send(ctx context.Context, msg Message) (SendResult, error)
	// Health reports the connector's last known state.
	Health() Health
}

// Reconciler is implemented by connectors that can tell whether a message
// with an idempotency key was already sent (after a crash mid-send).
type Reconciler interface {
	// Lookup returns the sent message's result, found=false if the platform
	// has no such message, or an error when it cannot tell.
	Lookup(ctx context.Context, msg Message) (res SendResult, found bool, err error)
}

// Scheduler is a connector with its own default schedule: the poller uses
// DefaultEvery for it when it is added with every 0 (no `every:` in its
// config entry) instead of the poller's default.
type Scheduler interface {
	DefaultEvery() time.Duration
}

// Error kinds a connector returns, so the poller and outbox can decide
// whether to retry. Wrap them with fmt.Errorf("…: %w", ErrX).
var (
	ErrAuth        = errors.New("authentication failed")
	ErrRateLimited = errors.New("rate limited")
	ErrUnavailable = errors.New("platform unavailable")
	ErrBadPayload  = errors.New("malformed payload")
	ErrPermanent   = errors.New("rejected by platform")
	ErrCannotDM    = errors.New("cannot send a private message to this author")
)

// RateLimitError carries when a rate limit resets.
type RateLimitError struct {
	Reset time.Time
	Msg   string
}

func (e *RateLimitError) Error() string {
	if e.Reset.IsZero() {
		return fmt.Sprintf("rate limited: %s", e.Msg)
	}
	return fmt.Sprintf("rate limited until %s: %s", e.Reset.UTC().Format(time.RFC3339), e.Msg)
}

// Unwrap makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// CannotDMError says why a private message is impossible, in words an
// operator can act on (e.g. "this author accepts messages only from
// accounts they follow").
type CannotDMError struct{ Reason string }

func (e *CannotDMError) Error() string { return "cannot send a private message: " + e.Reason }

// Unwrap makes errors.Is(err, ErrCannotDM) true.
func (e *CannotDMError) Unwrap() error { return ErrCannotDM }

// Retryable reports whether a send or fetch that failed with err may be
// tried again later.
func Retryable(err error) bool {
	return errors.Is(err, ErrRateLimited) || errors.Is(err, ErrUnavailable) ||
		errors.Is(err, context.DeadlineExceeded)
}

// ThreadFetcher is implemented by connectors that can fetch a mention's
// conversation from the platform, so that a thread opened on a reply
// shows what it answers (and, stored, shows it offline afterwards).
type ThreadFetcher interface {
	// FetchThread returns the posts of m's conversation that the platform
	// gives: m's ancestors up to the conversation's first post, and the
	// replies it returns with them. Each is a mention with InReplyTo set
	// (Kind reply or comment; the first post Kind mention), platform text
	// as it came (untrusted). A direct message has no thread: nothing.
	FetchThread(ctx context.Context, m domain.Mention) (Thread, error)
}

// Thread is what a ThreadFetcher found.
type Thread struct {
	Items []domain.Mention
	// Missing are the native ids of posts the conversation answers that
	// the platform did not give: deleted, removed, not visible to the
	// account, or out of its reach.
	Missing []string
}

// OwnPage is one look at the brand's own account: its posts newer than
// the own-posts cursor, the cursor after them, the account's handle and
// its profile as it is now (nil when it could not be read).
type OwnPage struct {
	Handle  string
	Posts   []domain.OwnPost
	Cursor  string
	Profile *domain.AccountProfile
}

// OwnPostsFetcher is a connector that can read the brand account's own
// recent posts (with the app that posted each, where the platform says)
// and its profile: the hijack watch. cursor is "" on the first look,
// which returns the newest posts only (they become the baseline).
type OwnPostsFetcher interface {
	FetchOwn(ctx context.Context, cursor string) (OwnPage, error)
}
