package main

import (
	"fmt"
	"os"
	"os/user"
	"strconv"

	"switchboard/domain"
	"switchboard/operators"
)

// Who acts. Over ssh the caller's key decides (serve looks the key up in
// the team and runs the command as that operator). A local run acts as
// the OS account that runs it — never as a name from the environment or a
// flag — and, when an operators file exists (operators.yaml beside the
// config file), as the operator of that name with that operator's role
// and approves: list, enforced in the store as on the server.

// localIdentity is the operator name of a local run: the OS account's
// user name (os/user), or "uid" and the numeric id when the account has
// no name. SWITCHBOARD_OPERATOR, when set to another name, is refused: it
// used to pick the name, and nobody may act as another operator.
func localIdentity() (string, error) {
	name := ""
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	} else {
		name = "uid" + strconv.Itoa(os.Getuid())
	}
	if v := os.Getenv("SWITCHBOARD_OPERATOR"); v != "" && v != name {
		return "", fmt.Errorf("SWITCHBOARD_OPERATOR=%s: a local switchboard acts as the OS account %s, never as another operator; "+
			"to act as %s, sign in to switchboard serve with their key (ssh), or unset SWITCHBOARD_OPERATOR", v, name, v)
	}
	return name, nil
}

// actor is who the command acts as: the ssh caller on serve, else the
// local identity.
func (g *globals) actor() (string, error) {
	if g.shared != nil {
		if g.caller == "" {
			return "", fmt.Errorf("no operator signed in")
		}
		return g.caller, nil
	}
	return localIdentity()
}

// localAuthorize is the store's permission check of a local run: the
// operators file's, when one exists (nil otherwise: a single local user).
func localAuthorize(g *globals) (func(string, domain.Permission) error, error) {
	team, err := configuredTeam(g, "")
	if err != nil || team == nil {
		return nil, err
	}
	return operators.Static(team).Authorize, nil
}
