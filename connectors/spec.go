package connectors

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// Spec is one entry of the config file's `connectors:` list, handed to the
// platform's Factory. Common fields are parsed already; Decode fills the
// platform's own settings struct from the same YAML entry.
type Spec struct {
	Name  string
	Type  string
	Every time.Duration
	// Decode decodes the whole entry into v (a struct with yaml tags); the
	// caller reports errors with the entry's line number.
	Decode func(v any) error
	// HTTP is the client to use (timeouts set by the caller); nil means a
	// default client with a 30 s timeout.
	HTTP *http.Client
	// StateDir is a private directory the connector may keep files in
	// (e.g. a Bluesky session), created with mode 0700.
	StateDir string
	// Getenv looks up environment variables (os.Getenv unless a test sets it).
	Getenv func(string) string
}

// Factory builds a connector from its config entry.
type Factory func(Spec) (Connector, error)

// Client returns spec.HTTP or a default client.
func (s Spec) Client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// Secret resolves a secret given as the name of an environment variable
// (envName, from a `…_env` field) or the path of a file (path, from a
// `…_file` field) that no one but its owner may read. what names the secret
// in errors; the secret itself never appears in an error.
func (s Spec) Secret(what, envName, path string) (string, error) {
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	switch {
	case envName != "" && path != "":
		return "", fmt.Errorf("connector %s: give %s either as _env or as _file, not both", s.Name, what)
	case envName != "":
		v := strings.TrimSpace(getenv(envName))
		if v == "" {
			return "", fmt.Errorf("connector %s: %s: environment variable %s is not set", s.Name, what, envName)
		}
		return v, nil
	case path != "":
		fi, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("connector %s: %s file: %w", s.Name, what, err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return "", fmt.Errorf("connector %s: %s file %s is readable by others (mode %04o); run: chmod 600 %s",
				s.Name, what, path, fi.Mode().Perm(), path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("connector %s: %s file: %w", s.Name, what, err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", fmt.Errorf("connector %s: %s file %s is empty", s.Name, what, path)
		}
		return v, nil
	default:
		return "", fmt.Errorf("connector %s: %s is missing: set %s_env or %s_file", s.Name, what, what, what)
	}
}

// MaxBody is the default limit on a platform response body.
const MaxBody = 8 << 20

// ErrTooLarge is returned by ReadBody when a body passes its limit.
var ErrTooLarge = errors.New("response body too large")

// ReadBody reads at most limit bytes of r; a longer body is an error
// wrapping ErrTooLarge and ErrBadPayload, never a truncated success.
func ReadBody(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading body: %v", ErrUnavailable, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %w (over %d bytes)", ErrBadPayload, ErrTooLarge, limit)
	}
	return b, nil
}

// MaxTokenBytes bounds an access token a platform hands out.
const MaxTokenBytes = 8 << 10

// ValidToken reports whether a token from a platform is safe to send back
// in an Authorization header: visible ASCII only, at most MaxTokenBytes.
func ValidToken(s string) bool {
	if s == "" || len(s) > MaxTokenBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
