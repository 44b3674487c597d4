package report

import (
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// Incident is how an incident went: how fast the team acknowledged it,
// spoke in public and resolved it, timed from its first mention, and the
// volume and negative share while it ran against the week before.
type Incident struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	// Start is the first linked mention's time (the declaration when it
	// has none); End is when it closed (empty while it runs).
	Start string `json:"start"`
	End   string `json:"end,omitempty"`
	// AcknowledgedS is from Start to the declaration.
	AcknowledgedS int64 `json:"time_to_acknowledge_s"`
	// FirstStatementS is from Start to the first post the outbox sent on
	// the brand's own account after the declaration (null: none yet).
	FirstStatementS *int64 `json:"time_to_first_statement_s"`
	// ResolvedS is from Start to the close (null while it runs).
	ResolvedS *int64 `json:"time_to_resolve_s"`
	// Mentions are all mentions created while it ran, PerHour their rate;
	// the Before figures are the week before Start.
	Mentions            int     `json:"mentions"`
	PerHour             float64 `json:"mentions_per_hour"`
	NegativeShare       float64 `json:"negative_share"`
	BeforePerHour       float64 `json:"week_before_mentions_per_hour"`
	BeforeNegativeShare float64 `json:"week_before_negative_share"`
	Linked              int     `json:"linked_mentions"`
}

// IncidentFigures computes the figures of incident id at now.
func IncidentFigures(st *store.Store, id string, now time.Time) (Incident, error) {
	inc, err := st.Incident(id)
	if err != nil {
		return Incident{}, err
	}
	out := Incident{ID: inc.ID, Title: inc.Title, Severity: inc.Severity.String(), Status: string(inc.Status), Linked: len(inc.Mentions)}
	start := inc.CreatedAt
	for _, k := range inc.Mentions {
		if m, err := st.GetByKey(k); err == nil && m.CreatedAt.Before(start) {
			start = m.CreatedAt
		}
	}
	end := now
	if !inc.ClosedAt.IsZero() {
		end = inc.ClosedAt
		r := int64(end.Sub(start) / time.Second)
		out.ResolvedS, out.End = &r, stamp(end)
	}
	out.Start = stamp(start)
	out.AcknowledgedS = int64(max(0, inc.CreatedAt.Sub(start)) / time.Second)
	if sent, err := st.Drafts(domain.DraftSent); err == nil {
		var first time.Time
		for _, d := range sent {
			if store.IsPost(d) && !d.SentAt.Before(inc.CreatedAt) && !d.SentAt.After(end) && (first.IsZero() || d.SentAt.Before(first)) {
				first = d.SentAt
			}
		}
		if !first.IsZero() {
			s := int64(first.Sub(start) / time.Second)
			out.FirstStatementS = &s
		}
	}
	count := func(from, to time.Time) (n, neg int, err error) {
		err = st.Each(store.Filter{Since: from, Until: to, Oldest: true}, func(m *domain.Mention) bool {
			n++
			if m.Band() == domain.BandNegative {
				neg++
			}
			return true
		})
		return n, neg, err
	}
	n, neg, err := count(start, end)
	if err != nil {
		return out, err
	}
	bn, bneg, err := count(start.Add(-7*24*time.Hour), start.Add(-time.Second))
	if err != nil {
		return out, err
	}
	hours := max(end.Sub(start).Hours(), 1.0/60)
	out.Mentions, out.PerHour = n, round(float64(n)/hours)
	out.BeforePerHour = round(float64(bn) / (7 * 24))
	if n > 0 {
		out.NegativeShare = round(float64(neg) / float64(n))
	}
	if bn > 0 {
		out.BeforeNegativeShare = round(float64(bneg) / float64(bn))
	}
	return out, nil
}
