package policy

import "gopkg.in/yaml.v3"

// LintApprovers reports every approval role a pack's rules name that no
// one can give: held says whether some operator approves for a role (an
// `approves:` entry in the team's operators file). A draft caught by such
// a rule could never be approved, so each is an error at the rule's
// role: line. data is the pack as written; name is used in messages.
func LintApprovers(data []byte, name string, held func(role string) bool) []LintError {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return nil // Parse reports the broken file
	}
	rules := value(root.Content[0], "rules")
	if rules == nil || rules.Kind != yaml.SequenceNode {
		return nil
	}
	l := &linter{file: name}
	for _, n := range rules.Content {
		kind, sev, role := value(n, "kind"), value(n, "severity"), value(n, "role")
		approval := (kind != nil && kind.Value == KindApproval) || (sev != nil && sev.Value == string(Approval))
		if !approval || role == nil || role.Kind != yaml.ScalarNode || role.Value == "" || held(role.Value) {
			continue
		}
		id := ""
		if v := value(n, "id"); v != nil {
			id = v.Value
		}
		l.add(role, "rule %s: no operator approves for %q, so a draft it catches can never be approved (give someone approves: [%s] in the operators file)", id, role.Value, role.Value)
	}
	return l.errs
}
