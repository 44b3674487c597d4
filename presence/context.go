package presence

import "context"

type ctxKey struct{}

// NewContext returns ctx carrying the session's presence, so that the
// code building a session's panes (cmd/switchboard's sessionOptions, the
// composer) can find it without another parameter.
func NewContext(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, ctxKey{}, s)
}

// FromContext is the session's presence, or nil outside a shared server.
func FromContext(ctx context.Context) *Session {
	if ctx == nil {
		return nil
	}
	s, _ := ctx.Value(ctxKey{}).(*Session)
	return s
}
