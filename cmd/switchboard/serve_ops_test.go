package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape reads one metric's value (the sum over its label sets when
// labels is empty) from a Prometheus text exposition.
func scrape(t *testing.T, url, name, labels string) (float64, bool) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	sum, found := 0.0, false
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		n, l, _ := strings.Cut(series, "{")
		if n != name || (labels != "" && strings.TrimSuffix(l, "}") != labels) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		sum, found = sum+v, true
	}
	return sum, found
}

// TestServeMetricsAndJSONLogs runs serve as an operator would put it behind
// Prometheus and a log collector: --metrics on a port, --log-format json.
// A real OpenSSH session moves the session gauge, the demo connector's
// polls move ingest and rounds, a reply sent through the outbox moves the
// send results, and every log line is a JSON object.
func TestServeMetricsAndJSONLogs(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh is not installed: the SSH end-to-end test needs OpenSSH's ssh (apt-get install openssh-client)")
	}
	dir := t.TempDir()
	db, ops, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "ops.yaml"), filepath.Join(dir, "config.yaml")
	key, pub := writeKeyPair(t, dir, "ana")
	if r := run(t, "", "operators", "add", "ana", "--role", "lead", "--key", pub, "--operators", ops); r.code != 0 {
		t.Fatalf("add ana: %+v", r)
	}
	conf := "brand:\n  name: Acme\n  handles: [\"@acme\"]\n  keywords: [acme]\nconnectors:\n  - name: sim\n    type: demo\n    seed: 2\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "serve", "--db", db, "--operators", ops, "--log-format", "yaml"); r.code != 2 || !strings.Contains(r.stderr, "want text or json") {
		t.Fatalf("a bad --log-format: %+v", r)
	}
	srv := startServe(t, []string{"NO_COLOR=1"}, "--db", db, "--config", cfg, "--operators", ops,
		"--host-key", filepath.Join(dir, "host"), "--metrics", "127.0.0.1:0", "--log-format", "json")
	var url string
	re := regexp.MustCompile(`metrics on (http://127\.0\.0\.1:\d+/metrics)`)
	deadline := time.Now().Add(10 * time.Second)
	for url == "" {
		if m := re.FindStringSubmatch(srv.logs()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("serve never said where its metrics are:\n%s", srv.logs())
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitMetric := func(what, name, labels string, ok func(float64) bool) float64 {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			v, found := scrape(t, url, name, labels)
			if found && ok(v) {
				return v
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %s{%s} = %v (found %v)\nlog:\n%s", what, name, labels, v, found, srv.logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitMetric("the demo's first poll", "switchboard_mentions_ingested_total", "", func(v float64) bool { return v > 0 })
	waitMetric("a poll round", "switchboard_poll_rounds_total", `connector="sim"`, func(v float64) bool { return v >= 1 })
	if v, _ := scrape(t, url, "switchboard_ssh_sessions", ""); v != 0 {
		t.Fatalf("sessions before anyone connected: %v", v)
	}
	if _, found := scrape(t, url, "go_goroutines", ""); !found {
		t.Error("no Go runtime metrics")
	}

	// an operator in the app: ssh -tt gives the session a terminal
	host, port, _ := strings.Cut(srv.addr, ":")
	sshc := exec.Command("ssh", "-tt", "-p", port, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-i", key, "op@"+host)
	stdin, err := sshc.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	sshc.Stdout, sshc.Stderr = io.Discard, io.Discard
	if err := sshc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sshc.Process.Kill(); _ = sshc.Wait() })
	waitMetric("the app over ssh", "switchboard_ssh_sessions", "", func(v float64) bool { return v == 1 })
	waitMetric("the session's frames", "switchboard_frame_latency_seconds_count", "", func(v float64) bool { return v >= 1 })

	// a reply through the outbox
	r := opensshRun(t, srv.addr, key, "", "mentions list --json --limit 20")
	if r.code != 0 {
		t.Fatalf("mentions list: %+v", r)
	}
	var ms []struct {
		Platform, ID, Kind string
	}
	if err := json.Unmarshal([]byte(r.stdout), &ms); err != nil || len(ms) == 0 {
		t.Fatalf("mentions list --json: %v\n%s", err, r.stdout)
	}
	sent := false
	for _, m := range ms {
		r := opensshRun(t, srv.addr, key, "", fmt.Sprintf(`reply %s:%s --text "Thanks for telling us, we are on it."`, m.Platform, m.ID))
		if r.code == 0 && strings.Contains(r.stdout, "queued") {
			sent = true
			break
		}
	}
	if !sent {
		t.Fatalf("no demo mention could be answered:\n%s", srv.logs())
	}
	waitMetric("the reply sent", "switchboard_outbox_sends_total", `result="sent"`, func(v float64) bool { return v == 1 })
	waitMetric("the queue emptied", "switchboard_outbox_queue_depth", "", func(v float64) bool { return v == 0 })

	_, _ = stdin.Write([]byte("q"))
	_ = sshc.Process.Kill()
	waitMetric("the session ended", "switchboard_ssh_sessions", "", func(v float64) bool { return v == 0 })

	for _, line := range strings.Split(strings.TrimSpace(srv.logs()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a log line that is not JSON: %q: %v", line, err)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("log line without %q: %s", k, line)
			}
		}
	}
	if !strings.Contains(srv.logs(), `"connector":"sim"`) {
		t.Errorf("no structured connector health line:\n%s", srv.logs())
	}
}
