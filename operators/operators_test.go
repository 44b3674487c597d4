package operators

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"switchboard/domain"
)

// newKey returns a fresh public key and its authorized_keys line.
func newKey(t testing.TB) (gossh.PublicKey, string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pk, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk)))
}

func TestParseFindsOperatorsByNameAndKey(t *testing.T) {
	k1, l1 := newKey(t)
	k2, l2 := newKey(t)
	k3, _ := newKey(t)
	src := "# the team\noperators:\n  - name: vera\n    role: viewer\n    keys: [\"" + l1 + " vera@laptop\"]\n  - name: ana\n    role: lead\n    teams: [support, comms]\n    keys:\n      - " + l2 + "\n"
	s, err := Parse([]byte(src), "ops.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 {
		t.Fatalf("Len = %d", s.Len())
	}
	names := []string{}
	for _, o := range s.Operators() {
		names = append(names, o.Name)
	}
	if strings.Join(names, ",") != "ana,vera" {
		t.Fatalf("operators not sorted by name: %v", names)
	}
	ana, ok := s.Get("ana")
	if !ok || ana.Role != domain.RoleLead || strings.Join(ana.Teams, ",") != "support,comms" || ana.Line != 6 {
		t.Fatalf("ana = %+v", ana)
	}
	if o, ok := s.ByKey(k1); !ok || o.Name != "vera" {
		t.Fatalf("ByKey(k1) = %v %v", o.Name, ok)
	}
	if o, ok := s.ByKey(k2); !ok || o.Name != "ana" {
		t.Fatalf("ByKey(k2) = %v %v", o.Name, ok)
	}
	if _, ok := s.ByKey(k3); ok {
		t.Fatal("an unknown key found an operator")
	}
	if fp := ana.Fingerprints(); len(fp) != 1 || fp[0] != gossh.FingerprintSHA256(k2) {
		t.Fatalf("fingerprints %v", fp)
	}
}

func TestParseErrorsCarryLines(t *testing.T) {
	_, key := newKey(t)
	cases := []struct{ name, src, want string }{
		{"bad role", "operators:\n  - name: vera\n    role: boss\n", "f.yaml:3: role \"boss\": want one of viewer, agent, legal, lead, admin"},
		{"no role", "operators:\n  - name: vera\n", "f.yaml:2: operator \"vera\" has no role"},
		{"bad name", "operators:\n  - name: Vera Smith\n    role: agent\n", "f.yaml:2: name \"Vera Smith\""},
		{"reserved name", "operators:\n  - name: rules\n    role: agent\n", "f.yaml:2: name \"rules\" is reserved"},
		{"unknown field", "operators:\n  - name: vera\n    role: agent\n    password: x\n", "f.yaml:4: unknown field \"password\""},
		{"twice", "operators:\n  - name: vera\n    role: agent\n  - name: vera\n    role: lead\n", "f.yaml:4: operator \"vera\" is listed twice (also on line 2)"},
		{"bad key", "operators:\n  - name: vera\n    role: agent\n    keys:\n      - ssh-ed25519 nope\n", "f.yaml:5: not a public key"},
		{"private key", "operators:\n  - name: vera\n    role: agent\n    keys: [\"-----BEGIN OPENSSH PRIVATE KEY-----\"]\n", "private key"},
		{"shared key", "operators:\n  - name: vera\n    role: agent\n    keys: [\"" + key + "\"]\n  - name: bob\n    role: agent\n    keys: [\"" + key + "\"]\n", "f.yaml:5: operator \"bob\": key SHA256:"},
		{"syntax", "operators:\n  - name: vera\n   role: [\n", "f.yaml:"},
		{"top level", "- vera\n", "f.yaml:1: the file must be a mapping"},
		{"not a list", "operators: vera\n", "f.yaml:1: operators: must be a list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), "f.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
	if s, err := Parse(nil, "f.yaml"); err != nil || s.Len() != 0 {
		t.Fatalf("empty file: %v %v", s, err)
	}
}

func TestAuthorizeRoleMatrixSaysWhy(t *testing.T) {
	src := "operators:\n"
	for _, r := range domain.Roles {
		src += "  - name: " + string(r) + "-op\n    role: " + string(r) + "\n"
	}
	set, err := Parse([]byte(src), "f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	reg := Static(set)
	perms := []domain.Permission{domain.PermTriage, domain.PermDraft, domain.PermApprove, domain.PermIncident, domain.PermPause, domain.PermAdmin, domain.PermBackup}
	// want[role] = permissions allowed, in perms order
	want := map[domain.Role]string{
		domain.RoleViewer: "-------",
		domain.RoleAgent:  "TD-----",
		domain.RoleLegal:  "TD-----",
		domain.RoleLead:   "TD-IP--",
		domain.RoleAdmin:  "TD-IPMB",
	}
	for _, r := range domain.Roles {
		got := ""
		for i, p := range perms {
			err := reg.Authorize(string(r)+"-op", p)
			if err == nil {
				got += string("TDAIPMB"[i])
				continue
			}
			got += "-"
			msg := err.Error()
			if !strings.HasPrefix(msg, string(r)+"-op is a") || !strings.Contains(msg, "cannot "+Verb(p)) {
				t.Errorf("refusal does not say why: %q", msg)
			}
		}
		if got != want[r] {
			t.Errorf("%s: allowed %s, want %s", r, got, want[r])
		}
	}
	if err := reg.Authorize("viewer-op", domain.PermTriage); err.Error() != "viewer-op is a viewer: viewers cannot tag, route, assign or close mentions" {
		t.Errorf("viewer refusal: %q", err)
	}
	if err := reg.Authorize("agent-op", domain.PermApprove); !strings.HasPrefix(err.Error(), "agent-op is an agent") {
		t.Errorf("article: %q", err)
	}
	// each refusal names the action refused, in words that read right
	for _, c := range []struct {
		who  string
		p    domain.Permission
		want string
	}{
		{"lead-op", domain.PermBackup, "lead-op is a lead: leads cannot back up the store"},
		{"lead-op", domain.PermAdmin, "lead-op is a lead: leads cannot manage operators"},
		{"legal-op", domain.PermIncident, "legal-op is a legal agent: legal agents cannot declare or run incidents"},
		{"agent-op", domain.PermPause, "agent-op is an agent: agents cannot pause or resume sending"},
	} {
		if err := reg.Authorize(c.who, c.p); err == nil || err.Error() != c.want {
			t.Errorf("%s %s: %v, want %q", c.who, c.p, err, c.want)
		}
	}
	if err := reg.Authorize("nobody", domain.PermTriage); err == nil || !strings.Contains(err.Error(), "not an operator") {
		t.Errorf("unknown actor: %v", err)
	}
	for _, sys := range []string{"rules", "clock", "outbox"} {
		if err := reg.Authorize(sys, domain.PermAdmin); err != nil {
			t.Errorf("system actor %s refused: %v", sys, err)
		}
	}
}

func TestAddRemoveKeepCommentsAndMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "operators.yaml")
	_, l1 := newKey(t)
	k2, l2 := newKey(t)
	if err := Add(path, Operator{Name: "ana", Role: domain.RoleAdmin, Keys: []string{l1}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append([]byte("# who may connect\n"), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Add(path, Operator{Name: "vera", Role: domain.RoleViewer, Teams: []string{"support"}, Keys: []string{l2}}); err != nil {
		t.Fatal(err)
	}
	if err := Add(path, Operator{Name: "vera", Role: domain.RoleAgent}); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Fatalf("adding vera twice: %v", err)
	}
	if err := Add(path, Operator{Name: "bob", Role: domain.RoleAgent, Keys: []string{l2}}); err == nil || !strings.Contains(err.Error(), "already vera's") {
		t.Fatalf("adding vera's key to bob: %v", err)
	}
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := s.ByKey(k2); !ok || o.Name != "vera" || o.Teams[0] != "support" {
		t.Fatalf("vera after add: %+v %v", o, ok)
	}
	if err := Remove(path, "vera"); err != nil {
		t.Fatal(err)
	}
	if err := Remove(path, "vera"); err == nil {
		t.Fatal("removing vera twice succeeded")
	}
	s, _ = Load(path)
	if _, ok := s.Get("vera"); ok || s.Len() != 1 {
		t.Fatalf("vera still there: %v", s.Operators())
	}
	data, _ = os.ReadFile(path)
	if !strings.Contains(string(data), "# who may connect") {
		t.Fatalf("comment lost:\n%s", data)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	// a broken file is not rewritten
	if err := os.WriteFile(path, []byte("operators:\n  - name: x\n    role: boss\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Add(path, Operator{Name: "bob", Role: domain.RoleAgent}); err == nil || !strings.Contains(err.Error(), ":3:") {
		t.Fatalf("add to broken file: %v", err)
	}
}

func TestWatchAppliesChangesWithoutRestart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "operators.yaml")
	if err := Add(path, Operator{Name: "vera", Role: domain.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	reg, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var changes []Change
	var errs []error
	stop := reg.OnChange(func(c Change) { mu.Lock(); changes = append(changes, c); mu.Unlock() })
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		reg.Watch(ctx, 20*time.Millisecond, func(e error) { mu.Lock(); errs = append(errs, e); mu.Unlock() })
		close(done)
	}()
	defer func() { cancel(); <-done }()
	wait := func(what string, f func() bool) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for !f() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if err := reg.Authorize("vera", domain.PermTriage); err != nil {
		t.Fatal(err)
	}
	if err := Add(path, Operator{Name: "ana", Role: domain.RoleLead}); err != nil {
		t.Fatal(err)
	}
	wait("ana added", func() bool { return reg.Role("ana") == domain.RoleLead })
	// an invalid edit is reported and changes nothing
	if err := os.WriteFile(path, []byte("operators:\n  - name: vera\n    role: boss\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wait("error reported", func() bool { mu.Lock(); defer mu.Unlock(); return len(errs) == 1 })
	if reg.Role("ana") != domain.RoleLead || !strings.Contains(errs[0].Error(), ":3:") {
		t.Fatalf("bad file applied or error without line: %v", errs[0])
	}
	if err := os.WriteFile(path, []byte("operators:\n  - name: vera\n    role: viewer\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wait("vera demoted", func() bool { return reg.Role("vera") == domain.RoleViewer })
	if err := reg.Authorize("vera", domain.PermTriage); err == nil {
		t.Fatal("demoted vera may still triage")
	}
	if err := reg.Authorize("ana", domain.PermTriage); err == nil {
		t.Fatal("removed ana may still triage")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(changes) != 2 || len(changes[0].Added) != 1 || changes[0].Added[0].Name != "ana" ||
		len(changes[1].Removed) != 1 || changes[1].Removed[0].Name != "ana" ||
		len(changes[1].Changed) != 1 || changes[1].Changed[0].Role != domain.RoleViewer {
		t.Fatalf("changes %+v", changes)
	}
}

func TestOpenMissingFileIsEmptyTeam(t *testing.T) {
	reg, err := Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if reg.Current().Len() != 0 {
		t.Fatal("not empty")
	}
	if _, err := Open("/proc/self/mem/x"); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Logf("open of an unreadable path: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	_, key := newKey(f)
	f.Add([]byte("operators:\n  - name: ana\n    role: lead\n    teams: [a]\n    keys: [\"" + key + "\"]\n"))
	f.Add([]byte("operators:\n  - name: vera\n    role: boss\n"))
	f.Add([]byte("operators: [{name: x, role: agent, keys: [\"ssh-rsa AAAA\"]}]"))
	f.Add([]byte("operators:\n  - &a {name: a, role: agent}\n  - *a\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "f.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, o := range s.Operators() {
			if ValidName(o.Name) != nil || !o.Role.Valid() {
				t.Fatalf("invalid operator accepted: %+v", o)
			}
			if g, ok := s.Get(o.Name); !ok || g.Name != o.Name {
				t.Fatalf("Get(%q) failed", o.Name)
			}
		}
	})
}

// TestApprovesIsItsOwnCapability: approving for an approval role is on
// the operator's approves: list, not in their role; a lead or admin
// without it cannot approve, an agent with it can.
func TestApprovesIsItsOwnCapability(t *testing.T) {
	src := `operators:
  - name: lou
    role: legal
    approves: [legal]
  - name: mia
    role: agent
    approves: [marketing-lead, legal]
  - name: leo
    role: lead
  - name: ada
    role: admin
`
	set, err := Parse([]byte(src), "ops.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if op, _ := set.Get("mia"); strings.Join(op.Approves, ",") != "marketing-lead,legal" {
		t.Fatalf("mia approves %v", op.Approves)
	}
	reg := Static(set)
	for _, c := range []struct {
		who, role string
		ok        bool
	}{
		{"lou", "legal", true}, {"lou", "marketing-lead", false}, {"mia", "legal", true}, {"mia", "marketing-lead", true},
		{"leo", "legal", false}, {"ada", "legal", false}, {"ada", "marketing-lead", false},
	} {
		err := reg.Authorize(c.who, domain.ApproveFor(c.role))
		if (err == nil) != c.ok {
			t.Errorf("%s approving for %s: %v, want allowed=%v", c.who, c.role, err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "cannot approve for "+c.role) {
			t.Errorf("refusal does not say why: %v", err)
		}
	}
	if err := reg.Authorize("leo", domain.ApproveFor("legal")); err == nil || !strings.HasPrefix(err.Error(), "leo is a lead and cannot approve for legal") {
		t.Errorf("lead refusal: %v", err)
	}
	if got := reg.Approves("lou"); strings.Join(got, ",") != "legal" {
		t.Errorf("Approves(lou) = %v", got)
	}
	// a viewer cannot approve; a bad role name is refused with its line
	for _, bad := range []struct{ src, want string }{
		{"operators:\n  - name: vic\n    role: viewer\n    approves: [legal]\n", "ops.yaml:4: operator \"vic\" is a viewer"},
		{"operators:\n  - name: lou\n    role: legal\n    approves: [Legal Team]\n", "ops.yaml:4: approves \"Legal Team\""},
	} {
		if _, err := Parse([]byte(bad.src), "ops.yaml"); err == nil || !strings.HasPrefix(err.Error(), bad.want) {
			t.Errorf("%q: %v, want %s", bad.src, err, bad.want)
		}
	}
	// Add writes approves:, and a change to it is a change to the team
	path := t.TempDir() + "/ops.yaml"
	if err := Add(path, Operator{Name: "lou", Role: domain.RoleLegal, Approves: []string{"legal"}}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	lou, _ := back.Get("lou")
	if strings.Join(lou.Approves, ",") != "legal" {
		t.Fatalf("after Add: %+v", lou)
	}
	before, _ := Parse([]byte("operators:\n  - name: lou\n    role: legal\n"), "")
	if c := Diff(before, back); len(c.Changed) != 1 {
		t.Fatalf("approves change not seen: %+v", c)
	}
}
