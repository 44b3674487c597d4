// Package exchange is switchboard's import and export format: JSON Lines,
// one mention per line with its operator state, and CSV for spreadsheets.
//
//	{"platform":"mastodon","id":"…","url":"…","kind":"mention",
//	 "author":{"id":"…","handle":"@ana@example.social","name":"Ana","followers":120,"verified":false},
//	 "text":"…","lang":"en","created_at":"2026-11-20T10:00:00Z","in_reply_to":"…",
//	 "tags":[],"status":"open","team":"","assignee":""}
//
// platform, id, author.handle, text and created_at are required.
package exchange

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"switchboard/domain"
)

// Record is one line of the format.
type Record struct {
	Platform  domain.Platform `json:"platform"`
	ID        string          `json:"id"`
	URL       string          `json:"url,omitempty"`
	Kind      domain.Kind     `json:"kind,omitempty"`
	Author    domain.Author   `json:"author"`
	Text      string          `json:"text"`
	Lang      string          `json:"lang,omitempty"`
	CreatedAt string          `json:"created_at"`
	FetchedAt string          `json:"fetched_at,omitempty"`
	InReplyTo string          `json:"in_reply_to,omitempty"`
	Thread    string          `json:"thread,omitempty"`
	Sentiment *float64        `json:"sentiment,omitempty"`

	Tags         []string        `json:"tags"`
	Status       domain.Status   `json:"status"`
	Team         string          `json:"team"`
	Assignee     string          `json:"assignee"`
	Priority     domain.Priority `json:"priority,omitempty"`
	SnoozedUntil string          `json:"snoozed_until,omitempty"`
	IncidentID   string          `json:"incident_id,omitempty"`
	RespondedAt  string          `json:"responded_at,omitempty"`
	ResolvedAt   string          `json:"resolved_at,omitempty"`
	Notes        []domain.Note   `json:"notes,omitempty"`
	FYI          *bool           `json:"fyi,omitempty"`
	Conversation string          `json:"conversation,omitempty"`
	// Stream is the keyword stream that found it (status stream until
	// promoted); absent for items addressed to the brand.
	Stream string `json:"stream,omitempty"`
}

// ErrLineTooLong is returned for a line over MaxLine bytes.
var ErrLineTooLong = errors.New("line is longer than 1 MiB")

// MaxLine is the longest line Decode accepts.
const MaxLine = 1 << 20

// Decode parses one line into a mention; the error says what is wrong in
// words an operator can fix.
func Decode(line []byte) (domain.Mention, error) {
	var m domain.Mention
	if len(line) > MaxLine {
		return m, ErrLineTooLong
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return m, fmt.Errorf("invalid JSON: %s", jsonProblem(err))
	}
	for _, f := range []string{"platform", "id", "author", "text", "created_at"} {
		if _, ok := raw[f]; !ok {
			return m, fmt.Errorf("%s is missing", f)
		}
	}
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return m, fmt.Errorf("invalid field: %s", jsonProblem(err))
	}
	if r.Author.Handle == "" {
		return m, fmt.Errorf("author.handle is missing")
	}
	if r.ID == "" {
		return m, fmt.Errorf("id is empty")
	}
	if !r.Platform.Valid() {
		return m, fmt.Errorf("unknown platform %q (x, mastodon, bluesky, reddit, news)", r.Platform)
	}
	if r.Kind != "" && !r.Kind.Valid() {
		return m, fmt.Errorf("unknown kind %q (mention, reply, comment, dm, review, news)", r.Kind)
	}
	if r.Status != "" && !r.Status.Valid() {
		return m, fmt.Errorf("unknown status %q (open, pending, done, snoozed, spam, stream)", r.Status)
	}
	if !r.Priority.Valid() {
		return m, fmt.Errorf("unknown priority %q (low, normal, high, urgent)", r.Priority)
	}
	created, err := parseTime("created_at", r.CreatedAt)
	if err != nil {
		return m, err
	}
	if created.IsZero() {
		return m, fmt.Errorf("created_at is empty")
	}
	m = domain.Mention{Platform: r.Platform, NativeID: r.ID, URL: r.URL, Kind: r.Kind, Author: r.Author,
		Text: r.Text, Lang: r.Lang, CreatedAt: created, InReplyTo: r.InReplyTo, Thread: r.Thread, Stream: r.Stream}
	if m.FetchedAt, err = parseTime("fetched_at", r.FetchedAt); err != nil {
		return m, err
	}
	if r.Sentiment != nil {
		if *r.Sentiment < -1 || *r.Sentiment > 1 {
			return m, fmt.Errorf("sentiment %v is outside [-1, 1]", *r.Sentiment)
		}
		m.Sentiment = *r.Sentiment
	}
	m.State = domain.OperatorState{Tags: r.Tags, Team: r.Team, Assignee: r.Assignee, Status: r.Status,
		Priority: r.Priority, IncidentID: r.IncidentID, Notes: r.Notes}
	if len(m.State.Tags) == 0 {
		m.State.Tags = nil
	}
	if m.State.SnoozedUntil, err = parseTime("snoozed_until", r.SnoozedUntil); err != nil {
		return m, err
	}
	if m.State.Status == domain.StatusSnoozed && m.State.SnoozedUntil.IsZero() {
		return m, fmt.Errorf("status snoozed needs snoozed_until")
	}
	if m.State.RespondedAt, err = parseTime("responded_at", r.RespondedAt); err != nil {
		return m, err
	}
	if m.State.ResolvedAt, err = parseTime("resolved_at", r.ResolvedAt); err != nil {
		return m, err
	}
	if r.FYI != nil {
		m.State.FYI, m.FYIKnown = *r.FYI, true
	}
	if r.Conversation != "" {
		if _, _, ok := domain.SplitMentionKey(r.Conversation); !ok {
			return m, fmt.Errorf("conversation %q is not a mention key (platform:id)", r.Conversation)
		}
		m.State.Conversation = r.Conversation
	}
	return m, nil
}

// HasSentiment reports whether a line gave a sentiment score of its own.
func HasSentiment(line []byte) bool {
	return bytes.Contains(line, []byte(`"sentiment"`))
}

func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time (e.g. 2026-11-20T10:00:00Z)", field, s)
	}
	return t.UTC(), nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s should be %s, not %s", te.Field, te.Type, te.Value)
	}
	return err.Error()
}

// FromMention turns a stored mention into a record.
func FromMention(m *domain.Mention) Record {
	r := Record{Platform: m.Platform, ID: m.NativeID, URL: m.URL, Kind: m.Kind, Author: m.Author, Text: m.Text,
		Lang: m.Lang, CreatedAt: fmtTime(m.CreatedAt), FetchedAt: fmtTime(m.FetchedAt), InReplyTo: m.InReplyTo,
		Thread: m.Thread, Tags: m.State.Tags, Status: m.State.Status, Team: m.State.Team, Assignee: m.State.Assignee,
		Priority: m.State.Priority, SnoozedUntil: fmtTime(m.State.SnoozedUntil), IncidentID: m.State.IncidentID,
		RespondedAt: fmtTime(m.State.RespondedAt), ResolvedAt: fmtTime(m.State.ResolvedAt), Notes: m.State.Notes,
		Conversation: m.State.Conversation, Stream: m.Stream}
	s, fyi := m.Sentiment, m.State.FYI
	r.Sentiment, r.FYI = &s, &fyi
	if r.Tags == nil {
		r.Tags = []string{}
	}
	return r
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Encoder writes mentions in one format.
type Encoder interface {
	Encode(m *domain.Mention) error
	Flush() error
}

// NewEncoder returns an encoder for format "jsonl" or "csv".
func NewEncoder(w io.Writer, format string) (Encoder, error) {
	switch format {
	case "", "jsonl", "json":
		return &jsonlEncoder{enc: json.NewEncoder(w)}, nil
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(csvHeader); err != nil {
			return nil, err
		}
		return &csvEncoder{w: cw}, nil
	}
	return nil, fmt.Errorf("unknown format %q (jsonl, csv)", format)
}

type jsonlEncoder struct{ enc *json.Encoder }

func (e *jsonlEncoder) Encode(m *domain.Mention) error {
	e.enc.SetEscapeHTML(false)
	return e.enc.Encode(FromMention(m))
}
func (e *jsonlEncoder) Flush() error { return nil }

var csvHeader = []string{"platform", "id", "url", "kind", "author_id", "author_handle", "author_name", "followers",
	"verified", "text", "lang", "created_at", "in_reply_to", "thread", "tags", "status", "team", "assignee",
	"priority", "incident_id", "sentiment", "notes", "stream"}

type csvEncoder struct{ w *csv.Writer }

func (e *csvEncoder) Encode(m *domain.Mention) error {
	notes := make([]string, len(m.State.Notes))
	for i, n := range m.State.Notes {
		notes[i] = n.Author + ": " + n.Text
	}
	row := []string{string(m.Platform), m.NativeID, m.URL, string(m.Kind), m.Author.ID, m.Author.Handle, m.Author.Name,
		strconv.FormatInt(m.Author.Followers, 10), strconv.FormatBool(m.Author.Verified), m.Text, m.Lang,
		fmtTime(m.CreatedAt), m.InReplyTo, m.Thread, strings.Join(m.State.Tags, ";"), string(m.State.Status),
		m.State.Team, m.State.Assignee, string(m.State.Priority), m.State.IncidentID,
		strconv.FormatFloat(m.Sentiment, 'f', 3, 64), strings.Join(notes, "\n"), m.Stream}
	for i := range row {
		row[i] = CSVCell(row[i])
	}
	return e.w.Write(row)
}

func (e *csvEncoder) Flush() error { e.w.Flush(); return e.w.Error() }

// CSVCell defuses a cell that a spreadsheet would run as a formula (a
// hostile mention text such as "=HYPERLINK(…)"): it gets a leading quote.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s // a plain number, such as a negative sentiment score
		}
		return "'" + s
	}
	return s
}

// Contact is a contact line of the JSON Lines format, written after the
// mentions by export:
//
//	{"record":"contact","platform":"mastodon","handle":"@ana@social.example",
//	 "tags":["vip"],"notes":[{"author":"ana","at":"…","text":"…"}],"link":"bluesky:ana.bsky.social"}
//
// It carries what operators set on the author (tags, notes, links); the
// counters, names and followers come from the mentions. Contacts with the
// same link are one person: the link is the key (platform:handle) of one
// of them. A line without "record" is a mention, as in every older file.
type Contact struct {
	Record   string          `json:"record"`
	Platform domain.Platform `json:"platform"`
	Handle   string          `json:"handle"`
	Tags     []string        `json:"tags,omitempty"`
	Notes    []domain.Note   `json:"notes,omitempty"`
	Link     string          `json:"link,omitempty"`
}

// RecordContact is the "record" of a contact line.
const RecordContact = "contact"

// Kind says what a line holds: "mention" (a line without "record", or
// with "record":"mention") or "contact".
func Kind(line []byte) (string, error) {
	if !bytes.Contains(line, []byte(`"record"`)) {
		return "mention", nil
	}
	var r struct {
		Record *string `json:"record"`
	}
	if err := json.Unmarshal(line, &r); err != nil {
		return "", fmt.Errorf("invalid JSON: %s", jsonProblem(err))
	}
	switch {
	case r.Record == nil || *r.Record == "mention":
		return "mention", nil
	case *r.Record == RecordContact:
		return RecordContact, nil
	}
	return "", fmt.Errorf("unknown record %q (mention, contact)", *r.Record)
}

// DecodeContact parses a contact line.
func DecodeContact(line []byte) (Contact, error) {
	var c Contact
	if len(line) > MaxLine {
		return c, ErrLineTooLong
	}
	if err := json.Unmarshal(line, &c); err != nil {
		return c, fmt.Errorf("invalid field: %s", jsonProblem(err))
	}
	switch {
	case c.Record != RecordContact:
		return c, fmt.Errorf("record %q is not a contact", c.Record)
	case !c.Platform.Valid():
		return c, fmt.Errorf("unknown platform %q (x, mastodon, bluesky, reddit, news)", c.Platform)
	case strings.TrimSpace(strings.TrimPrefix(c.Handle, "@")) == "":
		return c, fmt.Errorf("handle is missing")
	case len(c.Link) > 1024:
		return c, fmt.Errorf("link is longer than 1024 bytes")
	}
	for i, n := range c.Notes {
		if strings.TrimSpace(n.Text) == "" || n.At.IsZero() {
			return c, fmt.Errorf("notes[%d] needs at and text", i)
		}
	}
	return c, nil
}

// ContactEncoder is an Encoder that also writes contact lines (JSON
// Lines; CSV has no place for them).
type ContactEncoder interface {
	EncodeContact(c *Contact) error
}

func (e *jsonlEncoder) EncodeContact(c *Contact) error {
	e.enc.SetEscapeHTML(false)
	c.Record = RecordContact
	return e.enc.Encode(c)
}
