// Package operators is the team that may use a switchboard server: each
// operator's name, role (viewer, agent, legal, lead, admin), the approval
// roles they approve drafts for, teams and SSH public keys, read from operators.yaml. A Registry holds the current set,
// follows the file so changes apply without a restart, finds the operator
// behind an SSH key and answers the store's permission question
// (store.Options.Authorize) with a refusal that says why.
//
// The file:
//
//	operators:
//	  - name: ana
//	    role: lead
//	    teams: [support, comms]
//	    approves: [legal]   # the pack's approval roles ana signs off
//	    keys:
//	      - ssh-ed25519 AAAAC3Nza… ana@laptop
package operators

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	gossh "golang.org/x/crypto/ssh"
	"gopkg.in/yaml.v3"

	"switchboard/domain"
)

// Operator is one member of the team.
type Operator struct {
	Name  string
	Role  domain.Role
	Teams []string
	// Approves are the approval roles (a pack rule's role, e.g. "legal")
	// the operator approves drafts for. No role includes approving: a
	// lead or admin approves only for what is listed here.
	Approves []string
	// Keys are the operator's public keys in authorized_keys form.
	Keys []string
	// Line is where the operator's entry starts in the file (0 when the
	// operator was not read from a file).
	Line int

	parsed []gossh.PublicKey
}

// Fingerprints are the SHA256 fingerprints of the operator's keys.
func (o Operator) Fingerprints() []string {
	out := make([]string, len(o.parsed))
	for i, k := range o.parsed {
		out[i] = gossh.FingerprintSHA256(k)
	}
	return out
}

// SystemActors are the names switchboard's own services write under
// (routing rules, the snooze clock, the outbox sender …). They are always
// allowed and cannot be operator names.
var systemActors = []string{
	"rules", "clock", "outbox", "poller", "import", "detect", "crisis",
	"policy", "system", "switchboard", "operators",
}

// IsSystemActor reports whether name is one of switchboard's own services.
func IsSystemActor(name string) bool { return slices.Contains(systemActors, name) }

// nameRE is what an operator name may look like: it is shown on every
// screen and recorded on every event, so it is short and plain.
var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9._-]{0,31}$`) })

// ValidName says what is wrong with an operator name, or nil.
func ValidName(name string) error {
	if !nameRE().MatchString(name) {
		return fmt.Errorf("name %q: use 1-32 lower-case letters, digits, '.', '_' or '-', starting with a letter", name)
	}
	if IsSystemActor(name) {
		return fmt.Errorf("name %q is reserved for switchboard's own services", name)
	}
	return nil
}

// Set is one immutable snapshot of the team.
type Set struct {
	ops   []Operator // sorted by name
	byKey map[string]int
	// File is the file the set was read from, for messages.
	File string
}

// Operators lists the team, sorted by name.
func (s *Set) Operators() []Operator {
	if s == nil {
		return nil
	}
	return slices.Clone(s.ops)
}

// Get finds an operator by name.
func (s *Set) Get(name string) (Operator, bool) {
	if s == nil {
		return Operator{}, false
	}
	i, ok := slices.BinarySearchFunc(s.ops, name, func(o Operator, n string) int { return strings.Compare(o.Name, n) })
	if !ok {
		return Operator{}, false
	}
	return s.ops[i], true
}

// ByKey finds the operator a public key belongs to.
func (s *Set) ByKey(k gossh.PublicKey) (Operator, bool) {
	if s == nil || k == nil {
		return Operator{}, false
	}
	i, ok := s.byKey[string(k.Marshal())]
	if !ok {
		return Operator{}, false
	}
	return s.ops[i], true
}

// Len is the number of operators.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.ops)
}

// errorf is an error at a line of file.
func errorf(file string, line int, format string, a ...any) error {
	if file == "" {
		file = "operators.yaml"
	}
	return fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, a...))
}

// Parse reads an operators file's content; file names it in errors,
// which carry the line they are about. An empty file is an empty team.
func Parse(data []byte, file string) (*Set, error) {
	doc, err := parseDoc(data, file)
	if err != nil {
		return nil, err
	}
	return fromDoc(doc, file)
}

func parseDoc(data []byte, file string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if strings.HasPrefix(msg, "line ") {
			var line int
			if _, serr := fmt.Sscanf(msg, "line %d:", &line); serr == nil {
				_, rest, _ := strings.Cut(msg, ":")
				return nil, errorf(file, line, "%s", strings.TrimSpace(rest))
			}
		}
		return nil, fmt.Errorf("%s: %s", nameOr(file), msg)
	}
	return &doc, nil
}

func nameOr(file string) string {
	if file == "" {
		return "operators.yaml"
	}
	return file
}

// opsSeq finds the operators sequence of a document ("" doc: nil).
func opsSeq(doc *yaml.Node, file string) (*yaml.Node, error) {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, errorf(file, root.Line, "the file must be a mapping with an operators: list")
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "operators" {
			return nil, errorf(file, k.Line, "unknown field %q (the file has only operators:)", k.Value)
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			return nil, errorf(file, v.Line, "operators: must be a list")
		}
		seq = v
	}
	return seq, nil
}

func fromDoc(doc *yaml.Node, file string) (*Set, error) {
	seq, err := opsSeq(doc, file)
	if err != nil {
		return nil, err
	}
	s := &Set{byKey: map[string]int{}, File: file}
	if seq == nil {
		return s, nil
	}
	names := map[string]int{}
	keyOwner := map[string]string{}
	for _, n := range seq.Content {
		op, err := decodeOperator(n, file)
		if err != nil {
			return nil, err
		}
		if l, dup := names[op.Name]; dup {
			return nil, errorf(file, n.Line, "operator %q is listed twice (also on line %d)", op.Name, l)
		}
		names[op.Name] = n.Line
		for _, k := range op.parsed {
			id := string(k.Marshal())
			if other, dup := keyOwner[id]; dup {
				return nil, errorf(file, n.Line, "operator %q: key %s is already %s's", op.Name, gossh.FingerprintSHA256(k), other)
			}
			keyOwner[id] = op.Name
		}
		s.ops = append(s.ops, op)
	}
	slices.SortFunc(s.ops, func(a, b Operator) int { return strings.Compare(a.Name, b.Name) })
	for i, op := range s.ops {
		for _, k := range op.parsed {
			s.byKey[string(k.Marshal())] = i
		}
	}
	return s, nil
}

func decodeOperator(n *yaml.Node, file string) (Operator, error) {
	if n.Kind != yaml.MappingNode {
		return Operator{}, errorf(file, n.Line, "an operator must be a mapping (name:, role:, teams:, approves:, keys:)")
	}
	op := Operator{Line: n.Line}
	var hasRole bool
	approvesLine := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			if v.Kind != yaml.ScalarNode {
				return op, errorf(file, v.Line, "name must be text")
			}
			op.Name = v.Value
			if err := ValidName(op.Name); err != nil {
				return op, errorf(file, v.Line, "%v", err)
			}
		case "role":
			if v.Kind != yaml.ScalarNode {
				return op, errorf(file, v.Line, "role must be text")
			}
			op.Role, hasRole = domain.Role(v.Value), true
			if !op.Role.Valid() {
				return op, errorf(file, v.Line, "role %q: want one of %s", v.Value, roleList())
			}
		case "teams":
			ts, err := labels(v, file, "teams", "team %q: use lower-case letters, digits, '.', '_' or '-'")
			if err != nil {
				return op, err
			}
			op.Teams = ts
		case "approves":
			as, err := labels(v, file, "approves", "approves %q: an approval role as the policy pack names it (lower-case letters, digits, '.', '_' or '-')")
			if err != nil {
				return op, err
			}
			op.Approves = as
			approvesLine = v.Line
		case "keys":
			ks, err := strings2(v, file, "keys")
			if err != nil {
				return op, err
			}
			for j, line := range ks {
				pk, err := ParseKey(line)
				if err != nil {
					l := v.Line
					if v.Kind == yaml.SequenceNode && j < len(v.Content) {
						l = v.Content[j].Line
					}
					return op, errorf(file, l, "%v", err)
				}
				op.Keys = append(op.Keys, strings.TrimSpace(line))
				op.parsed = append(op.parsed, pk)
			}
		default:
			return op, errorf(file, k.Line, "unknown field %q (want name, role, teams, approves, keys)", k.Value)
		}
	}
	if op.Name == "" {
		return op, errorf(file, n.Line, "operator without a name")
	}
	if !hasRole {
		return op, errorf(file, n.Line, "operator %q has no role (want one of %s)", op.Name, roleList())
	}
	if len(op.Approves) > 0 && !op.Role.Can(domain.PermDraft) {
		return op, errorf(file, approvesLine, "operator %q is a %s: viewers only read, so they cannot approve (give them the agent or legal role)", op.Name, op.Role)
	}
	return op, nil
}

func roleList() string {
	rs := make([]string, len(domain.Roles))
	for i, r := range domain.Roles {
		rs[i] = string(r)
	}
	return strings.Join(rs, ", ")
}

// labels reads a list of short lower-case names (teams, approval roles);
// bad says what is wrong with one (a %q of it).
func labels(v *yaml.Node, file, field, bad string) ([]string, error) {
	xs, err := strings2(v, file, field)
	if err != nil {
		return nil, err
	}
	for _, x := range xs {
		if !nameRE().MatchString(x) {
			return nil, errorf(file, v.Line, bad, x)
		}
	}
	return xs, nil
}

func strings2(v *yaml.Node, file, field string) ([]string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return nil, nil
		}
		return []string{v.Value}, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(v.Content))
		for _, c := range v.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, errorf(file, c.Line, "%s: each entry must be text", field)
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, errorf(file, v.Line, "%s must be a list", field)
}

// ParseKey reads one public key in authorized_keys form
// ("ssh-ed25519 AAAA… comment"). Private keys are refused.
func ParseKey(line string) (gossh.PublicKey, error) {
	line = strings.TrimSpace(line)
	if strings.Contains(line, "PRIVATE KEY") {
		return nil, errors.New("that is a private key: give the public key (the .pub file)")
	}
	pk, _, _, rest, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, fmt.Errorf("not a public key in authorized_keys form (e.g. ssh-ed25519 AAAA… name): %v", err)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("one key per entry")
	}
	return pk, nil
}

// Load reads an operators file. A missing file is an empty team.
func Load(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Set{byKey: map[string]int{}, File: path}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("operators: %w", err)
	}
	return Parse(data, path)
}

// Add appends op to the file at path (creating it), keeping the file's
// comments; it refuses a name or key already there.
func Add(path string, op Operator) error {
	if err := ValidName(op.Name); err != nil {
		return err
	}
	if !op.Role.Valid() {
		return fmt.Errorf("role %q: want one of %s", op.Role, roleList())
	}
	return edit(path, func(doc *yaml.Node, seq **yaml.Node) error {
		n := &yaml.Node{Kind: yaml.MappingNode}
		add := func(k string, v *yaml.Node) {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
		}
		add("name", &yaml.Node{Kind: yaml.ScalarNode, Value: op.Name})
		add("role", &yaml.Node{Kind: yaml.ScalarNode, Value: string(op.Role)})
		flow := func(field string, xs []string) {
			if len(xs) == 0 {
				return
			}
			t := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, x := range xs {
				t.Content = append(t.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: x})
			}
			add(field, t)
		}
		flow("teams", op.Teams)
		flow("approves", op.Approves)
		ks := &yaml.Node{Kind: yaml.SequenceNode}
		for _, k := range op.Keys {
			ks.Content = append(ks.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: strings.TrimSpace(k)})
		}
		add("keys", ks)
		(*seq).Content = append((*seq).Content, n)
		return nil
	})
}

// Remove takes the operator name out of the file at path.
func Remove(path, name string) error {
	return edit(path, func(doc *yaml.Node, seq **yaml.Node) error {
		for i, n := range (*seq).Content {
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == "name" && n.Content[j+1].Value == name {
					(*seq).Content = slices.Delete((*seq).Content, i, i+1)
					return nil
				}
			}
		}
		return fmt.Errorf("%s has no operator %q", path, name)
	})
}

// edit reads, changes, checks and atomically rewrites the file (0600).
func edit(path string, change func(doc *yaml.Node, seq **yaml.Node) error) error {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("operators: %w", err)
	}
	doc, err := parseDoc(data, path)
	if err != nil {
		return err
	}
	if _, err := fromDoc(doc, path); err != nil {
		return fmt.Errorf("%w (fix the file first)", err)
	}
	seq, _ := opsSeq(doc, path)
	if seq == nil {
		seq = &yaml.Node{Kind: yaml.SequenceNode}
		root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "operators"}, seq}}
		if doc.Kind == 0 || len(doc.Content) == 0 {
			doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
		} else if r := doc.Content[0]; r.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(r.Content); i += 2 {
				if r.Content[i].Value == "operators" {
					r.Content[i+1] = seq
				}
			}
		} else {
			doc.Content[0] = root
		}
	}
	if err := change(doc, &seq); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("operators: %w", err)
	}
	_ = enc.Close()
	if _, err := Parse(buf.Bytes(), path); err != nil {
		return err
	}
	return writeAtomic(path, buf.Bytes())
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("operators: %w", err)
	}
	f, err := os.CreateTemp(dir, ".operators-*.yaml")
	if err != nil {
		return fmt.Errorf("operators: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("operators: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("operators: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("operators: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("operators: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("operators: %w", err)
	}
	return nil
}
