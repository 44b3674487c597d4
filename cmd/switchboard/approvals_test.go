package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyLintApprovalRolesNobodyHolds: with an operators file, a pack
// rule whose approval role no operator approves for is a lint error at
// the rule's role: line.
func TestPolicyLintApprovalRolesNobodyHolds(t *testing.T) {
	dir := t.TempDir()
	ops := filepath.Join(dir, "ops.yaml")
	os.WriteFile(ops, []byte("operators:\n  - name: lou\n    role: legal\n    approves: [legal]\n  - name: leo\n    role: lead\n"), 0o600)
	r := run(t, "", "policy", "lint", "--operators", ops)
	if r.code != 1 || !strings.Contains(r.stdout, `default.yaml:206:11: error: rule `) || !strings.Contains(r.stdout, `no operator approves for "marketing-lead"`) {
		t.Fatalf("lint with nobody approving for marketing-lead: %+v", r)
	}
	if strings.Contains(r.stdout, `"legal"`) {
		t.Fatalf("legal is held by lou, yet reported:\n%s", r.stdout)
	}
	// operators.yaml beside the config file counts as configured too
	cfgDir := filepath.Join(dir, "cfg")
	os.MkdirAll(cfgDir, 0o700)
	os.WriteFile(filepath.Join(cfgDir, "operators.yaml"), []byte("operators:\n  - name: lou\n    role: legal\n    approves: [legal, marketing-lead]\n"), 0o600)
	if r := run(t, "", "policy", "lint", "--config", filepath.Join(cfgDir, "config.yaml")); r.code != 0 || !strings.Contains(r.stdout, "ok:") {
		t.Fatalf("lint with every approval role held: %+v", r)
	}
	// no operators file: a single local user, nothing to check
	if r := run(t, "", "policy", "lint"); r.code != 0 {
		t.Fatalf("lint without operators: %+v", r)
	}
}
