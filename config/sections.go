package config

// Sections are top-level config sections owned by other packages. To add
// one, add a field here with its yaml tag (e.g.
// `Inbox InboxConfig `yaml:"inbox"“) and put its type, defaults and
// checks in a file of your own in this package. Give the type an
// UnmarshalYAML(*yaml.Node) error method to check values with line
// numbers; unknown keys inside it are rejected like everywhere else.
type Sections struct {
	// Inbox is the terminal UI and routing rules (inbox.go).
	Inbox Inbox `yaml:"inbox"`
	// Crisis is the crisis board's detection sensitivity (crisis.go).
	Crisis Crisis `yaml:"crisis"`
	// Keys remaps the terminal UI's keys (keys.go).
	Keys Keys `yaml:"keys"`
	// Notify is the outgoing webhooks (notify.go).
	Notify []NotifyTarget `yaml:"notify"`
	// Contacts tags authors by handle (contacts.go).
	Contacts Contacts `yaml:"contacts"`
	// Streams are the keyword and hashtag streams (streams.go).
	Streams Streams `yaml:"streams"`
}
