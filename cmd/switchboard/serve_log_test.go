package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
)

// TestServeLogsHealthChangesOnly: a connector that keeps succeeding is one
// line, not one a round; a failure, its error changing and the recovery
// are each a line; JSON lines carry the connector, state and error as
// fields, with platform text made safe.
func TestServeLogsHealthChangesOnly(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		l, err := newServeLog(&buf, format)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
		ok := func(i int) connectors.Health {
			return connectors.Health{State: connectors.HealthOK, LastSuccess: at.Add(time.Duration(i) * 5 * time.Second)}
		}
		l.health("sim", ok(0))
		l.health("sim", ok(1))
		l.health("sim", ok(2))
		l.health("sim", connectors.Health{State: connectors.HealthUnreachable, LastError: "dial tcp: refused"})
		l.health("sim", connectors.Health{State: connectors.HealthUnreachable, LastError: "dial tcp: refused"})
		l.health("sim", connectors.Health{State: connectors.HealthUnreachable, LastError: "503 \x1b[31mbusy"})
		l.health("other", ok(0))
		l.health("sim", ok(3))
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 5 {
			t.Fatalf("%s: %d lines, want 5 (ok, unreachable, new error, other ok, recovered):\n%s", format, len(lines), buf.String())
		}
		if strings.Contains(buf.String(), "\x1b") {
			t.Fatalf("%s: an escape reached the log: %q", format, buf.String())
		}
		if format == "json" {
			var rec struct{ Level, Connector, State, Error string }
			if err := json.Unmarshal([]byte(lines[2]), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Level != "WARN" || rec.Connector != "sim" || rec.State != string(connectors.HealthUnreachable) || !strings.Contains(rec.Error, "503") {
				t.Fatalf("json health line %+v from %s", rec, lines[2])
			}
		}
	}
}
