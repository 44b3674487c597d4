package store

import "switchboard/domain"

// Approving is a capability of its own, not a rung of the role ladder: an
// operator approves (or rejects) a draft only when Options.Authorize
// allows them domain.ApproveFor(role) for every approval role the draft
// waits for — on a team, the roles on their `approves:` list.

// MayApprove says why actor cannot approve or reject d, or nil: the draft
// is someone else's and actor approves for every role it waits for. The
// draft's state is not checked (Approve says when it is not awaiting
// approval).
func (s *Store) MayApprove(actor string, d domain.Draft) error {
	if d.Author == actor {
		return ErrOwnDraft
	}
	roles := d.ApprovalRoles()
	if len(roles) == 0 {
		return s.authorize(actor, domain.PermApprove)
	}
	for _, r := range roles {
		if err := s.authorize(actor, domain.ApproveFor(r)); err != nil {
			return err
		}
	}
	return nil
}

// AwaitingApprovalBy lists the drafts waiting for an approval actor can
// give (someone else's, for roles actor approves for), newest first: the
// "needs my approval" queue.
func (s *Store) AwaitingApprovalBy(actor string) ([]domain.Draft, error) {
	ds, err := s.Drafts(domain.DraftAwaitingApproval)
	if err != nil {
		return nil, err
	}
	out := ds[:0]
	for _, d := range ds {
		if s.MayApprove(actor, d) == nil {
			out = append(out, d)
		}
	}
	return out, nil
}
