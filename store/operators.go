package store

import "switchboard/domain"

// ChangeOperator is the Change kind published when the team changed.
const ChangeOperator = "operator"

// OperatorTarget is the audit target of operator name's record.
func OperatorTarget(name string) string { return "operator:" + name }

// RecordOperator appends the audit event of a change to the team, e.g.
// an operator removed (off-boarding): field "operator" with before
// "vera (viewer)" and after "" for a removal, field "role" for a new
// role. actor needs domain.PermAdmin ("operators", the file watcher of
// `switchboard serve`, is a system actor).
func (s *Store) RecordOperator(actor, name, field, before, after string) (domain.Event, error) {
	if err := s.authorize(actor, domain.PermAdmin); err != nil {
		return domain.Event{}, err
	}
	var ev domain.Event
	_, err := s.update(func(w *txw) error {
		var err error
		ev, err = w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventOperator, Target: OperatorTarget(name), Field: field, Before: before, After: after})
		w.extra = append(w.extra, Change{Kind: ChangeOperator, ID: name})
		return err
	})
	return ev, err
}
