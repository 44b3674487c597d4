package bluesky

import (
	"encoding/json"
	"fmt"

	"switchboard/connectors"
)

// The answers of the calls that log in and send, decoded and checked:
// every id that goes into a URL, a header or the store is checked here.

// decodeSession reads a createSession or refreshSession answer: a DID,
// both tokens (visible ASCII only: they go into an Authorization header)
// and the handle (printable, may be empty).
func decodeSession(nsid string, b []byte) (session, error) {
	var s session
	if err := json.Unmarshal(b, &s); err != nil {
		return session{}, fmt.Errorf("%w: %s answer is not a session", connectors.ErrBadPayload, nsid)
	}
	if !isDID(s.DID) || !connectors.ValidToken(s.AccessJwt) || !connectors.ValidToken(s.RefreshJwt) {
		return session{}, fmt.Errorf("%w: %s answer without did or tokens", connectors.ErrBadPayload, nsid)
	}
	if len(s.Handle) > 253 || !printable(s.Handle) {
		return session{}, fmt.Errorf("%w: %s answer with a malformed handle", connectors.ErrBadPayload, nsid)
	}
	s.PDS, s.Identifier = "", "" // ours, never the server's
	return s, nil
}

// decodeConvo reads a chat.bsky.convo.getConvoForMembers answer: the
// conversation's id.
func decodeConvo(b []byte) (string, error) {
	var conv struct {
		Convo struct {
			ID string `json:"id"`
		} `json:"convo"`
	}
	if err := json.Unmarshal(b, &conv); err != nil || !isOpaqueID(conv.Convo.ID) {
		return "", fmt.Errorf("%w: getConvoForMembers answer without a convo id", connectors.ErrBadPayload)
	}
	return conv.Convo.ID, nil
}

// decodeSent reads a chat.bsky.convo.sendMessage answer (a messageView):
// the message's id.
func decodeSent(b []byte) (string, error) {
	var sent struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &sent); err != nil || !isOpaqueID(sent.ID) {
		return "", fmt.Errorf("%w: sendMessage answer without a message id", connectors.ErrBadPayload)
	}
	return sent.ID, nil
}

// decodeCreated reads a com.atproto.repo.createRecord answer: the new
// record's at:// URI (did, collection, record key) and CID.
func decodeCreated(b []byte) (strongRef, error) {
	var out strongRef
	if err := json.Unmarshal(b, &out); err != nil {
		return strongRef{}, fmt.Errorf("%w: createRecord answer is not a record reference", connectors.ErrBadPayload)
	}
	if _, _, _, ok := splitATURI(out.URI); !ok || !isOpaqueID(out.CID) {
		return strongRef{}, fmt.Errorf("%w: createRecord answer without a uri", connectors.ErrBadPayload)
	}
	return out, nil
}

// isOpaqueID: a server-chosen id (convo, message, CID) of the record-key
// alphabet, at most 256 bytes, so it is safe in a path and the store.
func isOpaqueID(s string) bool { return len(s) <= 256 && isRecordKey(s) }
