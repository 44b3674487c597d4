package main

import (
	"context"
	"slices"

	"switchboard/config"
	"switchboard/notices"
)

// newNotices builds the process's notification deriver: it turns the
// audit log and the response clocks into each operator's notices (the
// notification centre, `!`). me is the local operator ("" on serve):
// without an operators file, the team is me and the config's
// inbox.operators.
func (e *appEnv) newNotices(me string, logf func(string, ...any)) *notices.Deriver {
	var ic config.Inbox
	if e.config != nil {
		ic = e.config.Inbox
	}
	pol, _ := ic.SLA() // checked when the config was read
	o := notices.Options{Store: e.store, SLA: pol, Warning: ic.Warning(), Watcher: e.crisisWatcher(), Logf: logf}
	if e.team != nil {
		o.Operators = func() []string {
			var names []string
			for _, op := range e.team().Operators() {
				names = append(names, op.Name)
			}
			return names
		}
		o.Known = func(name string) bool { _, ok := e.team().Get(name); return ok }
	} else {
		names := slices.Clone(ic.Operators)
		if me != "" && !slices.Contains(names, me) {
			names = append(names, me)
		}
		o.Operators = func() []string { return names }
		o.Known = func(name string) bool { return slices.Contains(names, name) }
	}
	return notices.New(o)
}

// startNotices runs the deriver until ctx ends.
func (e *appEnv) startNotices(ctx context.Context, me string, logf func(string, ...any)) {
	d := e.newNotices(me, logf)
	go func() { _ = d.Run(ctx) }()
}
