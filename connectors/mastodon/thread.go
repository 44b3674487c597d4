package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"switchboard/connectors"
	"switchboard/domain"
)

// maxContext bounds the statuses one context answer may hold.
const maxContext = 4000

// DecodeContext turns a GET /api/v1/statuses/:id/context body into
// mentions (ancestors first, then descendants) and the ids the statuses
// answer that the server did not give (deleted, or not visible to the
// account). focus is the id the context is of (it is not in the answer).
func DecodeContext(body []byte, host, focus, focusParent string) ([]domain.Mention, []string, error) {
	var ctx struct {
		Ancestors   *[]status `json:"ancestors"`
		Descendants *[]status `json:"descendants"`
	}
	if err := json.Unmarshal(body, &ctx); err != nil {
		return nil, nil, fmt.Errorf("%w: context: %v", connectors.ErrBadPayload, err)
	}
	if ctx.Ancestors == nil || ctx.Descendants == nil {
		return nil, nil, fmt.Errorf("%w: context without ancestors or descendants", connectors.ErrBadPayload)
	}
	if n := len(*ctx.Ancestors) + len(*ctx.Descendants); n > maxContext {
		return nil, nil, fmt.Errorf("%w: context of %d statuses", connectors.ErrBadPayload, n)
	}
	have := map[string]bool{focus: true}
	var out []domain.Mention
	for _, list := range []*[]status{ctx.Ancestors, ctx.Descendants} {
		for i := range *list {
			m, err := statusMention(&(*list)[i], host)
			if err != nil {
				return nil, nil, err
			}
			have[m.NativeID] = true
			out = append(out, m)
		}
	}
	// what the ancestors (and the focus) answer that is not there is gone
	var missing []string
	ask := func(parent string) {
		if parent != "" && !have[parent] {
			missing = append(missing, parent)
			have[parent] = true
		}
	}
	ask(focusParent)
	for _, m := range out[:len(*ctx.Ancestors)] {
		ask(m.InReplyTo)
	}
	return out, missing, nil
}

// FetchThread implements connectors.ThreadFetcher with the status's
// context: its ancestors and descendants as the server shows them to the
// account. A status the server no longer has is reported missing.
func (c *Connector) FetchThread(ctx context.Context, m domain.Mention) (connectors.Thread, error) {
	if m.Platform != domain.PlatformMastodon || m.Kind == domain.KindDM || m.NativeID == "" {
		return connectors.Thread{}, nil
	}
	body, _, err := c.do(ctx, http.MethodGet, "/api/v1/statuses/"+url.PathEscape(m.NativeID)+"/context", nil, nil)
	if err != nil {
		if errors.Is(err, errNotFound) { // deleted, or no longer visible to the account
			return connectors.Thread{Missing: []string{m.NativeID}}, nil
		}
		return connectors.Thread{}, err
	}
	items, missing, err := DecodeContext(body, c.host, m.NativeID, m.InReplyTo)
	if err != nil {
		return connectors.Thread{}, err
	}
	for i := range items {
		items[i].Connector = c.name
	}
	return connectors.Thread{Items: items, Missing: missing}, nil
}

var _ connectors.ThreadFetcher = (*Connector)(nil)
