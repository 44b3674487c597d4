package operators

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"switchboard/domain"
)

// Change is what one reload of the file changed.
type Change struct {
	Added   []Operator
	Removed []Operator
	// Changed are operators whose role, teams, approves or keys changed
	// (new values).
	Changed []Operator
	// Before and After are the whole team before and after.
	Before, After *Set
}

// Empty reports whether nothing changed.
func (c Change) Empty() bool { return len(c.Added)+len(c.Removed)+len(c.Changed) == 0 }

// Registry is the live team of a server: the current Set, replaced when the
// file changes. It is safe for concurrent use.
type Registry struct {
	path string

	mu   sync.RWMutex
	set  *Set
	data []byte

	subMu  sync.Mutex
	subs   map[int]func(Change)
	nextID int
}

// Open loads the operators file at path (missing: an empty team).
func Open(path string) (*Registry, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("operators: %w", err)
	}
	set, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	return &Registry{path: path, set: set, data: data, subs: map[int]func(Change){}}, nil
}

// Static is a registry of a fixed set (tests, a single local operator).
func Static(set *Set) *Registry {
	if set == nil {
		set = &Set{byKey: map[string]int{}}
	}
	return &Registry{set: set, subs: map[int]func(Change){}}
}

// Path is the file the registry follows ("" for a static one).
func (r *Registry) Path() string { return r.path }

// Current is the team as it is now.
func (r *Registry) Current() *Set {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.set
}

// Lookup finds the operator behind a public key, in the current team.
func (r *Registry) Lookup(k gossh.PublicKey) (Operator, bool) { return r.Current().ByKey(k) }

// Role is the current role of operator name ("" when not an operator).
func (r *Registry) Role(name string) domain.Role {
	op, ok := r.Current().Get(name)
	if !ok {
		return ""
	}
	return op.Role
}

// OnChange calls f (on the reloading goroutine) after every change that
// is applied; the returned function stops it.
func (r *Registry) OnChange(f func(Change)) (stop func()) {
	r.subMu.Lock()
	id := r.nextID
	r.nextID++
	r.subs[id] = f
	r.subMu.Unlock()
	return func() {
		r.subMu.Lock()
		delete(r.subs, id)
		r.subMu.Unlock()
	}
}

// Reload reads the file again and, when it is valid and different,
// applies it and tells every OnChange function. A file that does not
// parse leaves the team as it was and returns the error (with its line).
func (r *Registry) Reload() (Change, error) {
	if r.path == "" {
		return Change{}, nil
	}
	data, err := os.ReadFile(r.path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Change{}, fmt.Errorf("operators: %w", err)
	}
	r.mu.RLock()
	same := bytes.Equal(data, r.data)
	r.mu.RUnlock()
	if same {
		return Change{}, nil
	}
	set, err := Parse(data, r.path)
	if err != nil {
		return Change{}, err
	}
	return r.apply(set, data), nil
}

// Replace swaps the team for set (tests, or a caller that parsed it).
func (r *Registry) Replace(set *Set) Change { return r.apply(set, nil) }

func (r *Registry) apply(set *Set, data []byte) Change {
	r.mu.Lock()
	before := r.set
	r.set, r.data = set, data
	r.mu.Unlock()
	c := Diff(before, set)
	if c.Empty() {
		return c
	}
	r.subMu.Lock()
	fs := make([]func(Change), 0, len(r.subs))
	for _, f := range r.subs {
		fs = append(fs, f)
	}
	r.subMu.Unlock()
	for _, f := range fs {
		f(c)
	}
	return c
}

// Diff is what changed from a to b.
func Diff(a, b *Set) Change {
	c := Change{Before: a, After: b}
	for _, op := range b.Operators() {
		old, ok := a.Get(op.Name)
		switch {
		case !ok:
			c.Added = append(c.Added, op)
		case old.Role != op.Role || !slices.Equal(old.Teams, op.Teams) || !slices.Equal(old.Approves, op.Approves) ||
			!slices.Equal(old.Fingerprints(), op.Fingerprints()):
			c.Changed = append(c.Changed, op)
		}
	}
	for _, op := range a.Operators() {
		if _, ok := b.Get(op.Name); !ok {
			c.Removed = append(c.Removed, op)
		}
	}
	return c
}

// Watch re-reads the file every interval (250 ms when 0) until ctx ends,
// so that an edit, `switchboard operators add|remove` or a copy over the
// file applies without a restart. Errors (a file that does not parse) go
// to onErr, once per distinct error; the team stays as it was.
func (r *Registry) Watch(ctx context.Context, every time.Duration, onErr func(error)) {
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var last string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_, err := r.Reload()
		switch {
		case err != nil && err.Error() != last:
			last = err.Error()
			if onErr != nil {
				onErr(err)
			}
		case err == nil:
			last = ""
		}
	}
}

// Authorize is store.Options.Authorize for a server (and for a local run
// when an operators file exists): switchboard's own services are
// allowed; an operator may do what their current role allows, and
// approve for the approval roles on their approves: list; anyone else is
// refused. A refusal says why, e.g. "vera is a viewer: viewers cannot
// tag, route, assign or close mentions".
func (r *Registry) Authorize(actor string, p domain.Permission) error {
	if IsSystemActor(actor) {
		return nil
	}
	set := r.Current()
	op, ok := set.Get(actor)
	if !ok {
		if set.File != "" {
			return fmt.Errorf("%s is not an operator in %s (any more)", actor, set.File)
		}
		return fmt.Errorf("%s is not an operator (any more)", actor)
	}
	one, many := RoleNoun(op.Role)
	a := actor + " is " + one
	if role, ok := p.ApprovalRole(); ok {
		if slices.Contains(op.Approves, role) && op.Role.Can(domain.PermDraft) {
			return nil
		}
		return fmt.Errorf("%s and cannot approve for %s: only an operator with approves: [%s] in the operators file can (%s)", a, role, role, approvesNow(op))
	}
	if p == domain.PermApprove {
		if len(op.Approves) > 0 && op.Role.Can(domain.PermDraft) {
			return nil
		}
		return fmt.Errorf("%s and cannot approve or reject drafts: approving takes approves: [ROLE] on the operator in the operators file (%s)", a, approvesNow(op))
	}
	if op.Role.Can(p) {
		return nil
	}
	return fmt.Errorf("%s: %s cannot %s", a, many, Verb(p))
}

// Approves is what operator name approves for now (nil when nothing or
// not an operator).
func (r *Registry) Approves(name string) []string {
	op, ok := r.Current().Get(name)
	if !ok {
		return nil
	}
	return slices.Clone(op.Approves)
}

func approvesNow(op Operator) string {
	if len(op.Approves) == 0 {
		return op.Name + " approves for no role"
	}
	return op.Name + " approves for " + strings.Join(op.Approves, ", ")
}

// Verb says what permission p lets an operator do.
func Verb(p domain.Permission) string {
	if role, ok := p.ApprovalRole(); ok {
		return "approve drafts for " + role
	}
	switch p {
	case domain.PermTriage:
		return "tag, route, assign or close mentions"
	case domain.PermDraft:
		return "write or queue drafts"
	case domain.PermApprove:
		return "approve or reject drafts"
	case domain.PermIncident:
		return "declare or run incidents"
	case domain.PermPause:
		return "pause or resume sending"
	case domain.PermAdmin:
		return "manage operators"
	case domain.PermBackup:
		return "back up the store"
	}
	return string(p)
}

// RoleNoun names one holder of role r, with its article ("a viewer", "an
// agent", "a legal agent"), and many of them ("legal agents").
func RoleNoun(r domain.Role) (one, many string) {
	noun := string(r)
	if r == domain.RoleLegal {
		noun = "legal agent" // an agent on the legal team
	}
	if noun == "" {
		return "without a role", "operators without a role"
	}
	a := "a "
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		a = "an "
	}
	return a + noun, noun + "s"
}
