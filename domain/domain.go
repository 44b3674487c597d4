// Package domain holds the plain types every other switchboard package
// speaks: mentions and the operator state on them, incidents, drafts and
// audit events. It has no dependencies beyond the standard library.
package domain

import (
	"strings"
	"time"
)

// Platform names where a mention came from.
type Platform string

const (
	PlatformX        Platform = "x"
	PlatformMastodon Platform = "mastodon"
	PlatformBluesky  Platform = "bluesky"
	PlatformReddit   Platform = "reddit"
	PlatformNews     Platform = "news"
)

// Platforms lists every known platform, in display order.
var Platforms = []Platform{PlatformX, PlatformMastodon, PlatformBluesky, PlatformReddit, PlatformNews}

// Valid reports whether p is a known platform.
func (p Platform) Valid() bool {
	for _, q := range Platforms {
		if p == q {
			return true
		}
	}
	return false
}

// Kind is what sort of item a mention is.
type Kind string

const (
	KindMention Kind = "mention"
	KindReply   Kind = "reply"
	KindComment Kind = "comment"
	KindDM      Kind = "dm"
	KindReview  Kind = "review"
	KindNews    Kind = "news"
)

// Kinds lists every kind.
var Kinds = []Kind{KindMention, KindReply, KindComment, KindDM, KindReview, KindNews}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, q := range Kinds {
		if k == q {
			return true
		}
	}
	return false
}

// Status is the operator's progress on a mention.
type Status string

const (
	StatusOpen    Status = "open"
	StatusPending Status = "pending"
	StatusDone    Status = "done"
	StatusSnoozed Status = "snoozed" // until OperatorState.SnoozedUntil
	// StatusSpam hides a mention from every view but Spam: a bot, a scam,
	// noise. An operator or an ingest rule sets it; it is undone like any.
	StatusSpam Status = "spam"
	// StatusStream is an item a keyword stream found (Mention.Stream) and
	// nobody promoted yet: it shows in the Streams pane and in no inbox
	// view. Promoting it (a key, an ingest rule, or the same post arriving
	// as a notification) sets it open.
	StatusStream Status = "stream"
)

// Statuses lists every status.
var Statuses = []Status{StatusOpen, StatusPending, StatusDone, StatusSnoozed, StatusSpam, StatusStream}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, q := range Statuses {
		if s == q {
			return true
		}
	}
	return false
}

// Priority orders the response queue.
type Priority string

const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Priorities lists every priority, lowest first.
var Priorities = []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}

// Valid reports whether p is a known priority ("" counts as normal).
func (p Priority) Valid() bool {
	if p == "" {
		return true
	}
	for _, q := range Priorities {
		if p == q {
			return true
		}
	}
	return false
}

// Band is a coarse sentiment class used for indexing and filtering.
type Band string

const (
	BandNegative Band = "negative"
	BandNeutral  Band = "neutral"
	BandPositive Band = "positive"
)

// Bands lists every band.
var Bands = []Band{BandNegative, BandNeutral, BandPositive}

// SentimentBand classifies a compound score in [-1, 1].
func SentimentBand(score float64) Band {
	switch {
	case score <= -0.05:
		return BandNegative
	case score >= 0.05:
		return BandPositive
	default:
		return BandNeutral
	}
}

// Author is who wrote a mention, as the platform describes them.
// Every string field is untrusted platform text.
type Author struct {
	ID        string `json:"id,omitempty"`
	Handle    string `json:"handle"`
	Name      string `json:"name,omitempty"`
	Followers int64  `json:"followers,omitempty"`
	Verified  bool   `json:"verified,omitempty"`
}

// Note is an internal note an operator left on a mention.
type Note struct {
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
}

// OperatorState is what the team did with a mention. Ingest never
// overwrites it; only operator actions (recorded as Events) change it.
type OperatorState struct {
	Tags         []string  `json:"tags,omitempty"`
	Team         string    `json:"team,omitempty"`
	Assignee     string    `json:"assignee,omitempty"`
	Status       Status    `json:"status,omitempty"`
	SnoozedUntil time.Time `json:"snoozed_until,omitzero"`
	Priority     Priority  `json:"priority,omitempty"`
	IncidentID   string    `json:"incident_id,omitempty"`
	Notes        []Note    `json:"notes,omitempty"`
	// RespondedAt is when the team first responded: the first reply the
	// outbox sent, or the time an operator marked the mention "answered
	// elsewhere". Closing a mention is not a response. Zero while it is
	// still waiting.
	RespondedAt time.Time `json:"responded_at,omitzero"`
	// ResolvedAt is when the mention was last marked done (zero while it
	// is not done); reports time resolution by it.
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// Conversation, when set, is the key of the mention a set of mentions
	// was merged into: duplicates and follow-ups marked as one
	// conversation (the earliest mention's key).
	Conversation string `json:"conversation,omitempty"`
	// FYI marks a mention that needs no reply (praise, a share, news): it
	// has no response clock. Set at ingest by NeedsReply; an operator (or
	// a rule) can ask for a reply after all, which clears it.
	FYI bool `json:"fyi,omitempty"`
	// Drafts is how many replies to the mention are being written or are
	// on their way (every draft not yet sent or cancelled); the store keeps
	// it with the drafts so a list can show it without another read.
	Drafts int `json:"drafts,omitempty"`
}

// HasTag reports whether the state carries tag t.
func (s OperatorState) HasTag(t string) bool {
	for _, x := range s.Tags {
		if x == t {
			return true
		}
	}
	return false
}

// Mention is one item from a platform: a mention, reply, comment, direct
// message, review or news article. Platform fields are untrusted text; the
// original bytes are kept for export and must pass safetext before they
// reach a terminal.
type Mention struct {
	// ID is the store's own id, assigned at first ingest (0 before).
	ID uint64 `json:"-"`

	Platform  Platform  `json:"platform"`
	NativeID  string    `json:"id"`
	URL       string    `json:"url,omitempty"`
	Kind      Kind      `json:"kind,omitempty"`
	Author    Author    `json:"author"`
	Text      string    `json:"text"`
	Lang      string    `json:"lang,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	InReplyTo string    `json:"in_reply_to,omitempty"`
	Thread    string    `json:"thread,omitempty"`
	// Connector is the name of the connector that fetched it, if any.
	Connector string `json:"connector,omitempty"`
	// Sentiment is a compound score in [-1, 1], computed at ingest.
	Sentiment float64 `json:"sentiment,omitempty"`
	// Stream is the name of the keyword stream (config streams:) that
	// found it, "" for an item addressed to the brand (a notification,
	// a mention, a DM). An item found by a stream has StatusStream until
	// it is promoted; it keeps the stream's name afterwards.
	Stream string `json:"stream,omitempty"`

	State OperatorState `json:"state"`

	// FYIKnown is set on an item that says itself whether it needs a
	// reply (an import record with "fyi"); ingest classifies the others
	// with NeedsReply. It is not stored.
	FYIKnown bool `json:"-"`
}

// Key is the mention's identity across fetches: platform and native id.
func (m *Mention) Key() string { return MentionKey(m.Platform, m.NativeID) }

// MentionKey joins a platform and a native id into a mention key.
func MentionKey(p Platform, nativeID string) string { return string(p) + ":" + nativeID }

// SplitMentionKey is the inverse of MentionKey.
func SplitMentionKey(key string) (Platform, string, bool) {
	p, id, ok := strings.Cut(key, ":")
	return Platform(p), id, ok
}

// NeedsReply classifies a new mention (its sentiment scored): questions,
// complaints and direct messages need a reply; news, shares and praise
// are for information. When unsure, it needs a reply: a missed complaint
// costs more than a clock on a compliment.
func NeedsReply(m *Mention) bool {
	switch {
	case m.Kind == KindDM || m.Kind == KindReview:
		return true
	case m.Kind == KindNews || m.Platform == PlatformNews:
		return false
	case strings.ContainsAny(m.Text, "?？¿"):
		return true
	case m.Band() == BandNegative:
		return true
	case strings.HasPrefix(m.Text, "RT @") || m.Band() == BandPositive:
		return false
	}
	return true
}

// Band is the mention's sentiment band.
func (m *Mention) Band() Band { return SentimentBand(m.Sentiment) }

// EffectiveStatus is the status with snoozes that have run out treated as open.
func (m *Mention) EffectiveStatus(now time.Time) Status {
	st := m.State.Status
	if st == "" {
		return StatusOpen
	}
	if st == StatusSnoozed && !m.State.SnoozedUntil.IsZero() && !now.Before(m.State.SnoozedUntil) {
		return StatusOpen
	}
	return st
}

// EventKind names one kind of operator action.
type EventKind string

const (
	EventTag        EventKind = "tag"
	EventUntag      EventKind = "untag"
	EventAssign     EventKind = "assign"
	EventRoute      EventKind = "route" // team
	EventStatus     EventKind = "status"
	EventPriority   EventKind = "priority"
	EventNote       EventKind = "note"
	EventAnswered   EventKind = "answered" // first response given outside switchboard
	EventEscalate   EventKind = "escalate" // link to an incident
	EventDraftEdit  EventKind = "draft_edit"
	EventDraft      EventKind = "draft" // draft state change (approval, queue, send)
	EventIncident   EventKind = "incident"
	EventChecklist  EventKind = "checklist"
	EventOutbox     EventKind = "outbox"   // pause or resume sending
	EventOperator   EventKind = "operator" // operator added or removed
	EventPolicy     EventKind = "policy"   // policy override recorded
	EventUndo       EventKind = "undo"
	EventImpostor   EventKind = "impostor" // author flagged as impersonating the brand
	EventFYI        EventKind = "fyi"      // value "fyi" (no reply needed, no clock) or "needs-reply"
	EventMerge      EventKind = "merge"    // value: the conversation's key ("" splits it off)
	EventLink       EventKind = "link"     // a contact joins (after) or leaves (before) a group of linked contacts
	EventImportMark EventKind = "import"
	EventSavedReply EventKind = "saved_reply" // a saved reply added, changed or removed
)

// Event is one operator action, appended to the audit log in the same
// transaction as the change it records. Events are never rewritten.
type Event struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Kind   EventKind `json:"kind"`
	Target string    `json:"target"` // a mention key, incident id, draft id …
	Field  string    `json:"field,omitempty"`
	Before string    `json:"before,omitempty"`
	After  string    `json:"after,omitempty"`
	// Group is the Seq of the first event of the operator action this
	// event belongs to: one action on a selection of ten mentions is ten
	// events with one Group, and undo reverses the whole group.
	Group uint64 `json:"group,omitempty"`
	// Undoes is the Group of the action this one reverses, for EventUndo.
	Undoes uint64 `json:"undoes,omitempty"`
}

// Severity of an incident: SEV1 is the worst.
type Severity int

const (
	Sev1 Severity = 1
	Sev2 Severity = 2
	Sev3 Severity = 3
	Sev4 Severity = 4
)

// String renders a severity as "SEV1".."SEV4".
func (s Severity) String() string {
	if s < Sev1 || s > Sev4 {
		return "SEV?"
	}
	return "SEV" + string(rune('0'+int(s)))
}

// Scenario is the kind of crisis an incident is.
type Scenario string

const (
	ScenarioReputation Scenario = "reputation"
	ScenarioSecurity   Scenario = "security"
	ScenarioCompliance Scenario = "compliance"
	ScenarioLegal      Scenario = "legal"
	ScenarioFinancial  Scenario = "financial"
	ScenarioOther      Scenario = "other"
)

// Scenarios lists every scenario.
var Scenarios = []Scenario{ScenarioReputation, ScenarioSecurity, ScenarioCompliance, ScenarioLegal, ScenarioFinancial, ScenarioOther}

// IncidentStatus is where an incident is in its life.
type IncidentStatus string

const (
	IncidentTriage   IncidentStatus = "triage"
	IncidentLive     IncidentStatus = "live"
	IncidentStable   IncidentStatus = "stable"
	IncidentClosed   IncidentStatus = "closed"
	IncidentLearning IncidentStatus = "learning"
)

// IncidentStatuses lists the statuses in lifecycle order.
var IncidentStatuses = []IncidentStatus{IncidentTriage, IncidentLive, IncidentStable, IncidentClosed, IncidentLearning}

// Roles on an incident.
var IncidentRoles = []string{"comms", "legal", "support", "security", "scribe"}

// RoleChange records who held an incident role from when.
type RoleChange struct {
	Role     string    `json:"role"`
	Operator string    `json:"operator"`
	At       time.Time `json:"at"`
	By       string    `json:"by"`
}

// ChecklistItem is one step of a playbook on an incident.
type ChecklistItem struct {
	Text   string    `json:"text"`
	Done   bool      `json:"done"`
	DoneBy string    `json:"done_by,omitempty"`
	DoneAt time.Time `json:"done_at,omitzero"`
}

// Incident is a crisis the team runs, with mentions as evidence.
type Incident struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Scenario    Scenario          `json:"scenario"`
	Severity    Severity          `json:"severity"`
	Status      IncidentStatus    `json:"status"`
	Lead        string            `json:"lead,omitempty"`
	Roles       map[string]string `json:"roles,omitempty"`
	RoleHistory []RoleChange      `json:"role_history,omitempty"`
	Mentions    []string          `json:"mentions,omitempty"` // mention keys
	Summary     string            `json:"summary,omitempty"`
	Impact      string            `json:"impact,omitempty"`
	Checklist   []ChecklistItem   `json:"checklist,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	ClosedAt    time.Time         `json:"closed_at,omitzero"`
	// AlertID is the alert it was declared from, if any.
	AlertID string `json:"alert_id,omitempty"`
}

// Visibility of a draft reply.
type Visibility string

const (
	VisibilityPublic  Visibility = "public"
	VisibilityPrivate Visibility = "private"
)

// DraftState is where a draft is in the outbox state machine:
// draft → (awaiting_approval → approved) → queued → sending → sent | failed | unknown.
type DraftState string

const (
	DraftEditing          DraftState = "draft"
	DraftAwaitingApproval DraftState = "awaiting_approval"
	DraftApproved         DraftState = "approved"
	DraftRejected         DraftState = "rejected"
	DraftQueued           DraftState = "queued"
	DraftSending          DraftState = "sending"
	DraftSent             DraftState = "sent"
	DraftFailed           DraftState = "failed"
	DraftUnknown          DraftState = "unknown"
	DraftCancelled        DraftState = "cancelled"
)

// Draft is a reply an operator is writing to a mention.
type Draft struct {
	ID         string     `json:"id"`
	MentionKey string     `json:"mention"`
	Platform   Platform   `json:"platform"`
	Visibility Visibility `json:"visibility"`
	Text       string     `json:"text"`
	Author     string     `json:"author"` // operator
	State      DraftState `json:"state"`
	// Version increases with every edit; an approval is for one version.
	Version         int    `json:"version"`
	ApprovalRole    string `json:"approval_role,omitempty"`
	ApprovedBy      string `json:"approved_by,omitempty"`
	ApprovedVersion int    `json:"approved_version,omitempty"`
	ReviewComment   string `json:"review_comment,omitempty"`
	// PackVersion is the policy pack ("id@version") whose check let the
	// draft go: recorded when the outbox begins to send it.
	PackVersion string `json:"pack_version,omitempty"`
	// IdempotencyKey is stored before any network call for this send.
	IdempotencyKey string    `json:"idempotency_key,omitempty"`
	Attempts       int       `json:"attempts,omitempty"`
	NextAttempt    time.Time `json:"next_attempt,omitzero"`
	LastError      string    `json:"last_error,omitempty"`
	Retryable      bool      `json:"retryable,omitempty"`
	RemoteID       string    `json:"remote_id,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	SentAt         time.Time `json:"sent_at,omitzero"`
}

// Role is an operator's role; each role can do what the one before it can.
// Approving drafts is not on this ladder: an operator approves for the
// approval roles listed on them (Operator.Approves, `approves: [legal]`),
// whatever their role, and being a lead or admin does not include it.
type Role string

const (
	RoleViewer Role = "viewer" // reads
	RoleAgent  Role = "agent"  // triages and drafts
	RoleLegal  Role = "legal"  // an agent on the legal team (approves what their approves: lists)
	RoleLead   Role = "lead"   // also runs incidents and pauses sending
	RoleAdmin  Role = "admin"  // also manages operators
)

// Roles lists the roles from least to most powerful.
var Roles = []Role{RoleViewer, RoleAgent, RoleLegal, RoleLead, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, q := range Roles {
		if r == q {
			return true
		}
	}
	return false
}

// Permission is one kind of write an operator may be allowed.
type Permission string

const (
	PermTriage Permission = "triage" // tag, route, assign, status, note, undo
	PermDraft  Permission = "draft"  // write drafts and queue them
	// PermApprove is approving or rejecting drafts for some approval role
	// (an operator with any approves: entry); a draft is approved with
	// ApproveFor(role) for each role it waits for.
	PermApprove  Permission = "approve"
	PermIncident Permission = "incident" // declare and run incidents, escalate
	PermPause    Permission = "pause"    // pause and resume all sending
	PermAdmin    Permission = "admin"    // manage operators
	PermBackup   Permission = "backup"   // copy the whole store (db backup over ssh)
)

// approvePrefix starts the permission of approving for one approval role.
const approvePrefix = "approve:"

// ApproveFor is the permission to approve or reject drafts that wait for
// the approval role (a pack rule's role, e.g. "legal").
func ApproveFor(role string) Permission { return Permission(approvePrefix + role) }

// ApprovalRole is the approval role of a permission made by ApproveFor.
func (p Permission) ApprovalRole() (string, bool) {
	return strings.CutPrefix(string(p), approvePrefix)
}

// Can reports whether role r has permission p. No role can approve:
// that is the operator's approves list, not their role.
func (r Role) Can(p Permission) bool {
	switch p {
	case PermTriage, PermDraft:
		return r == RoleAgent || r == RoleLegal || r == RoleLead || r == RoleAdmin
	case PermIncident, PermPause:
		return r == RoleLead || r == RoleAdmin
	case PermAdmin, PermBackup:
		return r == RoleAdmin
	}
	return false
}

// ApprovalRoles splits a draft's ApprovalRole ("legal,marketing-lead").
func (d Draft) ApprovalRoles() []string {
	if d.ApprovalRole == "" {
		return nil
	}
	return strings.Split(d.ApprovalRole, ",")
}

// SavedReply is an answer kept ready in the team's library: like a policy
// pack's template (with {{fields}}), but written by the team, for a team,
// a language and platforms, and counted as it is used.
type SavedReply struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Team      string   `json:"team,omitempty"`
	Lang      string   `json:"lang,omitempty"`
	Platforms []string `json:"platforms,omitempty"`
	// Tags suggest it for mentions carrying any of them.
	Tags      []string  `json:"tags,omitempty"`
	Uses      int       `json:"uses"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AccountAlertKind is what an account alert is about.
type AccountAlertKind string

const (
	// AlertAccountPost: a post on the brand's own account that switchboard's
	// outbox did not send, or that came from an app brand.apps does not
	// list.
	AlertAccountPost AccountAlertKind = "account_post"
	// AlertAccountProfile: the profile of a brand account changed (display
	// name, avatar, bio, links).
	AlertAccountProfile AccountAlertKind = "account_profile"
	// AlertLookalike: an account whose handle or display name looks like
	// the brand's, found by the look-alike watch's account search (not
	// by a mention). Handle and Text are the suspect's handle and name.
	AlertLookalike AccountAlertKind = "lookalike"
)

// AccountAlert is a critical alert about one of the brand's own
// accounts (a possible hijack). It is kept in the store, so it survives
// restarts; every text in it is as the platform gave it (make it safe
// where it is drawn).
type AccountAlert struct {
	ID        string           `json:"id"`
	Kind      AccountAlertKind `json:"kind"`
	Platform  Platform         `json:"platform"`
	Connector string           `json:"connector"`
	// Handle is the account's handle as the platform reports it.
	Handle string `json:"handle,omitempty"`
	// PostID, URL, Text and App describe the post (AlertAccountPost); App is
	// the client the platform says posted it ("" when it does not say).
	PostID string `json:"post_id,omitempty"`
	URL    string `json:"url,omitempty"`
	Text   string `json:"text,omitempty"`
	App    string `json:"app,omitempty"`
	// PostedAt is when the platform says the post was made.
	PostedAt time.Time `json:"posted_at,omitzero"`
	// Reasons say why it is an alert: "not sent by switchboard", "posted
	// from an app brand.apps does not list: Tweetbot".
	Reasons []string `json:"reasons"`
	// Changes are the profile fields that changed (AlertAccountProfile).
	Changes []ProfileChange `json:"changes,omitempty"`
	// DetectedAt is when switchboard saw it.
	DetectedAt time.Time `json:"detected_at"`
}

// ProfileChange is one profile field of a brand account, before and
// after.
type ProfileChange struct {
	Field  string `json:"field"` // name, avatar, bio, links, handle
	Before string `json:"before"`
	After  string `json:"after"`
}

// AccountProfile is a brand account's public profile as last seen.
type AccountProfile struct {
	Handle string   `json:"handle,omitempty"`
	Name   string   `json:"name"`
	Avatar string   `json:"avatar"`
	Bio    string   `json:"bio"`
	Links  []string `json:"links,omitempty"`
}

// OwnPost is a post on a brand account as the platform reports it.
type OwnPost struct {
	ID        string    `json:"id"`
	URL       string    `json:"url,omitempty"`
	Text      string    `json:"text"`
	App       string    `json:"app,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}
