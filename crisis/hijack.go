package crisis

import (
	"errors"
	"fmt"
	"strings"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/policy"
	"switchboard/safetext"
	"switchboard/store"
)

// AccountAlert is the hijack watch's stored alert as a detection alert,
// so that the board, `switchboard alerts` and the notifications show it
// beside the others. It stays open until it is dismissed or declared.
func AccountAlert(a domain.AccountAlert) detect.Alert {
	if a.Kind == domain.AlertLookalike {
		return lookalikeAlert(a)
	}
	kind := detect.KindAccountPost
	if a.Kind == domain.AlertAccountProfile {
		kind = detect.KindAccountProfile
	}
	stream := string(a.Platform) + ":" + a.Connector
	reason := store.AccountAlertTitle(a)
	if a.Kind == domain.AlertAccountPost {
		app := a.App
		if app == "" {
			app = "the platform does not say"
		}
		reason += fmt.Sprintf(" (app: %s; %s): %q %s", app, strings.Join(a.Reasons, "; "), safetext.Truncate(a.Text, 140, "…"), a.URL)
	} else {
		var ch []string
		for _, c := range a.Changes {
			ch = append(ch, fmt.Sprintf("%s %q → %q", c.Field, safetext.Truncate(c.Before, 60, "…"), safetext.Truncate(c.After, 60, "…")))
		}
		reason += ": " + strings.Join(ch, "; ")
	}
	acc := a
	return detect.Alert{ID: a.ID, Kind: kind, Stream: stream, Start: a.DetectedAt, End: a.DetectedAt, RaisedAt: a.DetectedAt,
		Reason: safetext.Line(reason), Severity: "critical", Account: &acc, Open: true, Mentions: 0}
}

// lookalikeAlert is a look-alike account found by account search, as the
// impersonation alert the detector raises for a look-alike that mentions
// the brand (the same board row, suggestion and declaration), kept in
// the store and open until dismissed or declared.
func lookalikeAlert(a domain.AccountAlert) detect.Alert {
	suspect := domain.Author{Handle: a.Handle, Name: a.Text}
	reason := "found by account search on " + string(a.Platform) + ": " + safetext.Line(a.Handle)
	if a.Text != "" {
		reason += fmt.Sprintf(" (%q)", safetext.Truncate(a.Text, 60, "…"))
	}
	if len(a.Reasons) > 0 {
		reason += ": " + safetext.Line(strings.Join(a.Reasons, "; "))
	}
	return detect.Alert{ID: a.ID, Kind: detect.KindImpersonation, Stream: detect.StreamImpersonation, Start: a.DetectedAt,
		End: a.DetectedAt, RaisedAt: a.DetectedAt, Suspect: &suspect, Reason: reason, Open: true,
		Platforms: []detect.Count{{Key: string(a.Platform), N: 0}}}
}

// IsAccount reports whether a is one of the hijack watch's alerts.
func IsAccount(a detect.Alert) bool { return a.Account != nil }

// HijackResult is what Hijack did.
type HijackResult struct {
	// Paused is true when Hijack paused sending (false: it was already
	// paused, or pausing was not asked for).
	Paused   bool
	Incident domain.Incident
}

// Hijack is the one action on a hijack-watch alert: pause all sending
// (when pause) and declare a SEV1 security incident from it (when
// declare) with the pack's `security` playbook (account compromise) as
// checklist, and dismiss the alert as declared. Sending is paused first:
// while the accounts may be in other hands, nothing more leaves. Both
// steps need a lead.
func Hijack(s *store.Store, pack *policy.Pack, actor string, a detect.Alert, pause, declare bool) (HijackResult, error) {
	var res HijackResult
	if !pause && !declare {
		return res, errors.New("nothing to do: pause sending, declare an incident, or both")
	}
	if pause {
		_, err := s.SetSendingPaused(actor, true, "suspected account takeover: alert "+a.ID)
		switch {
		case err == nil:
			res.Paused = true
		case errors.Is(err, store.ErrNoChange):
		default:
			return res, fmt.Errorf("pausing all sending: %w", err)
		}
	}
	if declare {
		sug := Suggest(a)
		inc, err := DeclareFromAlert(s, pack, actor, a, store.IncidentSpec{Title: sug.Title, Scenario: domain.ScenarioSecurity,
			Severity: domain.Sev1, Summary: sug.Summary})
		if err != nil {
			return res, fmt.Errorf("declaring the incident: %w", err)
		}
		res.Incident = inc
		if err := s.DismissAlerts(actor, []string{a.ID}, "declared "+inc.ID); err != nil && !errors.Is(err, store.ErrNoChange) {
			return res, err
		}
	}
	return res, nil
}
