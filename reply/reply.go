// Package reply is the one path a reply takes from words to the outbox,
// shared by the composer (`r` in the app) and the `switchboard reply` and
// `drafts` commands: save the draft, check its exact saved text against
// the policy pack, then queue it, park it for approval by the roles the
// pack names, or refuse it with the findings that block it.
package reply

import (
	"slices"
	"strings"

	"switchboard/domain"
	"switchboard/policy"
	"switchboard/safetext"
	"switchboard/store"
)

// CanPrivate reports whether a mention of platform p takes a private
// message (news articles do not).
func CanPrivate(p domain.Platform) bool { return p != domain.PlatformNews }

// PostOn is the target of a post on the brand's own account on platform
// p: a draft that answers no mention (a holding statement, say). Submit
// given it writes a post; Context checks it as a post, not a reply.
func PostOn(p domain.Platform) domain.Mention { return domain.Mention{Platform: p} }

// IsPost reports whether m is a PostOn target rather than a mention.
func IsPost(m domain.Mention) bool { return m.NativeID == "" }

// Context is the policy context of draft d (its approvals count) when it
// answers mention m (or is a post, when m is a PostOn target) with
// visibility vis.
func Context(m domain.Mention, vis domain.Visibility, d domain.Draft) policy.Context {
	roles, _ := store.Approved(d)
	return policy.Context{Platform: m.Platform, Visibility: vis, Reply: !IsPost(m), Lang: m.Lang, Approvals: roles}
}

// Result is what Submit did.
type Result struct {
	// Draft is the draft as saved (and queued or parked).
	Draft domain.Draft
	// Blocked are the findings that refuse it: nothing was queued.
	Blocked []policy.Finding
	// Asked are the approval roles it waits for: it was parked for them.
	Asked []string
}

// Queued reports whether the draft went to the send queue.
func (r Result) Queued() bool { return len(r.Blocked) == 0 && len(r.Asked) == 0 }

// Store is what Submit needs of the store: the draft protocol (new,
// edit, ask for approval, queue). *store.Store is one.
type Store interface {
	NewDraft(actor, mentionKey string, vis domain.Visibility, text string) (domain.Draft, error)
	NewPost(actor string, p domain.Platform, text string) (domain.Draft, error)
	EditDraft(actor, id string, version int, vis domain.Visibility, text string) (domain.Draft, error)
	RequestApproval(actor, id string, version int, roles []string) (domain.Draft, error)
	QueueDraft(actor, id string, version int) (domain.Draft, error)
}

// Submit saves text as actor's reply to m (or post, for a PostOn target:
// always public) (a new draft when d.ID is "",
// else an edit of d unless it holds that text already), checks the saved
// text against pack, and then refuses it (Result.Blocked), parks it for
// approval by the roles the findings name (Result.Asked), or queues it.
// A draft already waiting for approval is left waiting. On an error the
// Result holds the draft as far as it got.
func Submit(st Store, pack *policy.Pack, actor string, m domain.Mention, d domain.Draft, vis domain.Visibility, text string) (Result, error) {
	var err error
	switch {
	case d.ID == "" && IsPost(m):
		d, err = st.NewPost(actor, m.Platform, text)
	case d.ID == "":
		d, err = st.NewDraft(actor, m.Key(), vis, text)
	case d.Text != text || d.Visibility != vis:
		d, err = st.EditDraft(actor, d.ID, d.Version, vis, text)
	}
	if err != nil {
		return Result{Draft: d}, err
	}
	res := Result{Draft: d}
	for _, f := range pack.Check(d.Text, Context(m, vis, d)) {
		switch {
		case !f.Blocking():
		case f.Severity == policy.Approval:
			if !slices.Contains(res.Asked, f.Role) {
				res.Asked = append(res.Asked, f.Role)
			}
		default:
			res.Blocked = append(res.Blocked, f)
		}
	}
	switch {
	case len(res.Blocked) > 0:
		return res, nil
	case len(res.Asked) > 0:
		if d.State != domain.DraftAwaitingApproval {
			res.Draft, err = st.RequestApproval(actor, d.ID, d.Version, res.Asked)
		}
		return res, err
	}
	res.Draft, err = st.QueueDraft(actor, d.ID, d.Version)
	return res, err
}

// Fields are the values a template's {{fields}} take from mention m: the
// author (their name, else their handle; a Mastodon handle without its
// @server part, which the policy would read as an e-mail address — the
// connector mentions the full handle anyway) and their name. Other fields
// are the operator's to fill.
func Fields(m domain.Mention) map[string]string {
	a := m.Author.Name
	if a == "" {
		a = m.Author.Handle
		if m.Platform == domain.PlatformMastodon {
			if i := strings.LastIndex(a, "@"); i > 0 {
				a = a[:i]
			}
		}
	}
	v := map[string]string{"author": safetext.Line(a)}
	if m.Author.Name != "" {
		v["name"] = safetext.Line(m.Author.Name)
	}
	return v
}

// Templates are the pack's templates that fit a mention of platform p.
func Templates(pack *policy.Pack, p domain.Platform) []policy.Template {
	var out []policy.Template
	for _, t := range pack.Templates() {
		if len(t.Platforms) == 0 || slices.Contains(t.Platforms, string(p)) {
			out = append(out, t)
		}
	}
	return out
}

// SavedBlocked is what the pack blocks in saved reply r, checked as a
// template (policy.Pack.TemplateBlocks): a library entry that could never
// be sent is refused when it is saved.
func SavedBlocked(pack *policy.Pack, r domain.SavedReply) []policy.Finding {
	_, blocked := pack.TemplateBlocks(policy.Template{Text: r.Text, Platforms: r.Platforms, Lang: r.Lang})
	return blocked
}

// SavedTemplates are the saved replies usable on platform p, as templates
// (ids "saved:r1" …), most used first.
func SavedTemplates(rs []domain.SavedReply, p domain.Platform) []policy.Template {
	var out []policy.Template
	for _, r := range rs {
		if len(r.Platforms) == 0 || slices.Contains(r.Platforms, string(p)) {
			out = append(out, policy.Template{ID: SavedPrefix + r.ID, Title: r.Title, Text: r.Text, Platforms: r.Platforms, Lang: r.Lang})
		}
	}
	return out
}

// SavedPrefix starts the template id of a saved reply.
const SavedPrefix = "saved:"
