package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The tests in this package run the built binary, as a person would.
var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds switchboard once per test run and returns its path. Every
// test file of this package shares it.
func binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "switchboard-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "switchboard")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = err
			binPath = string(out)
		}
	})
	if binErr != nil {
		t.Fatalf("building switchboard: %v\n%s", binErr, binPath)
	}
	return binPath
}

// result of one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// run runs the binary with args and optional stdin, in an environment
// whose XDG directories point into a temp dir (never the user's files).
func run(t testing.TB, stdin string, args ...string) result { return runEnv(t, nil, stdin, args...) }

// runEnv is run with extra environment variables.
func runEnv(t testing.TB, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	home := t.TempDir()
	cmd.Env = append(append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "NO_COLOR=1"), env...)
	return runCmd(t, cmd, stdin)
}

// runCmd runs cmd with optional stdin and returns what it printed and its
// exit status.
func runCmd(t testing.TB, cmd *exec.Cmd, stdin string) result {
	t.Helper()
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", filepath.Base(cmd.Path), err)
	}
	return result{out.String(), errb.String(), code}
}
