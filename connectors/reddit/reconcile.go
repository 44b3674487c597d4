package reddit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"switchboard/connectors"
	"switchboard/domain"
)

var _ connectors.Reconciler = (*Connector)(nil)

// Lookup implements connectors.Reconciler. Reddit takes no idempotency key,
// so after a crash mid-send it looks for the message among the account's
// 100 newest: a private message in /message/sent to the same person (or in
// the same conversation) with the same text, or a comment in
// /user/<name>/comments under the same parent with the same text.
func (c *Connector) Lookup(ctx context.Context, msg connectors.Message) (connectors.SendResult, bool, error) {
	to := msg.InReplyTo
	private := msg.Visibility == domain.VisibilityPrivate
	path := "/message/sent"
	if !private {
		path = "/user/" + url.PathEscape(c.username) + "/comments"
	}
	q := url.Values{"limit": {"100"}, "raw_json": {"1"}}
	if !private {
		q.Set("sort", "new")
	}
	body, err := c.api(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
	if err != nil {
		return connectors.SendResult{}, false, c.fail(err)
	}
	var w struct {
		Kind string `json:"kind"`
		Data *struct {
			Children []struct {
				Kind string `json:"kind"`
				Data struct {
					ID        string `json:"id"`
					Name      string `json:"name"`
					Dest      string `json:"dest"`
					Body      string `json:"body"`
					Subject   string `json:"subject"`
					ParentID  string `json:"parent_id"`
					FirstMsg  string `json:"first_message_name"`
					Permalink string `json:"permalink"`
				} `json:"data"`
			} `json:"children"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &w); err != nil || w.Kind != "Listing" || w.Data == nil {
		return connectors.SendResult{}, false, c.fail(fmt.Errorf("%w: reddit %s is not a listing", connectors.ErrBadPayload, path))
	}
	text := strings.TrimSpace(msg.Text)
	for _, ch := range w.Data.Children {
		d := ch.Data
		if !fullnameRE().MatchString(d.Name) || strings.TrimSpace(d.Body) != text {
			continue
		}
		switch {
		case private && strings.HasPrefix(to.NativeID, "t4_") && ch.Kind == "t4" &&
			(d.ParentID == to.NativeID || (d.FirstMsg != "" && d.FirstMsg == to.Thread)):
			return connectors.SendResult{RemoteID: d.Name, URL: "https://www.reddit.com/message/messages/" + d.ID}, true, nil
		case private && !strings.HasPrefix(to.NativeID, "t4_") && ch.Kind == "t4" &&
			strings.EqualFold(d.Dest, to.Author.Handle) && d.Subject == c.subject:
			return connectors.SendResult{RemoteID: d.Name, URL: "https://www.reddit.com/message/messages/" + d.ID}, true, nil
		case !private && ch.Kind == "t1" && d.ParentID == to.NativeID:
			res := connectors.SendResult{RemoteID: d.Name}
			if strings.HasPrefix(d.Permalink, "/r/") {
				res.URL = "https://www.reddit.com" + d.Permalink
			}
			return res, true, nil
		}
	}
	return connectors.SendResult{}, false, nil
}
