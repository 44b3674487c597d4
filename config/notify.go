package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// NotifyTarget is one outgoing webhook (`notify:` in the config):
//
//	notify:
//	  - name: war-room
//	    type: slack                # a Slack incoming webhook
//	    url_env: SLACK_WEBHOOK_URL # the URL is a secret: read from the environment
//	    events: [alert, incident]
//	    min_severity: SEV2
//	  - name: pager
//	    type: webhook              # JSON body, signed with HMAC-SHA256
//	    url: https://hooks.example.com/switchboard
//	    secret_env: PAGER_SECRET
//	    events: [approval]
type NotifyTarget struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"`
	// URL or URLEnv (the name of an environment variable holding it).
	URL    string `yaml:"url"`
	URLEnv string `yaml:"url_env"`
	// SecretEnv names the environment variable holding a webhook's
	// signing secret (required for type webhook).
	SecretEnv string `yaml:"secret_env"`
	// Events are the kinds sent (alert, incident, approval); empty: all.
	Events []string `yaml:"events"`
	// MinSeverity drops alerts and incidents less severe (SEV1 is the
	// most severe); empty: all.
	MinSeverity string `yaml:"min_severity"`
}

// NotifyEvents are the kinds of event a target can take.
var NotifyEvents = []string{"alert", "incident", "approval"}

func checkNotify(ts []NotifyTarget) error {
	seen := map[string]bool{}
	for i, t := range ts {
		where := fmt.Sprintf("notify[%d]", i)
		if err := checkLabel(t.Name); err != nil {
			return fmt.Errorf("%s: name: %v", where, err)
		}
		where = "notify " + t.Name
		if seen[t.Name] {
			return fmt.Errorf("%s: the name is used twice", where)
		}
		seen[t.Name] = true
		switch t.Type {
		case "slack":
		case "webhook":
			if t.SecretEnv == "" {
				return fmt.Errorf("%s: a webhook needs secret_env, the environment variable holding its signing secret", where)
			}
		default:
			return fmt.Errorf("%s: type %q: want slack or webhook", where, t.Type)
		}
		if (t.URL == "") == (t.URLEnv == "") {
			return fmt.Errorf("%s: give url or url_env (one of them)", where)
		}
		if t.URL != "" {
			u, err := url.Parse(t.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return fmt.Errorf("%s: url: want an http(s) URL", where)
			}
		}
		for _, e := range t.Events {
			if !slices.Contains(NotifyEvents, e) {
				return fmt.Errorf("%s: event %q: want %s", where, e, strings.Join(NotifyEvents, ", "))
			}
		}
		switch t.MinSeverity {
		case "", "SEV1", "SEV2", "SEV3", "SEV4":
		default:
			return fmt.Errorf("%s: min_severity %q: want SEV1, SEV2, SEV3 or SEV4", where, t.MinSeverity)
		}
	}
	return nil
}
