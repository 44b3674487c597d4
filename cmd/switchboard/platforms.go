package main

import (
	"switchboard/connectors"
	"switchboard/connectors/bluesky"
	"switchboard/connectors/demo"
	"switchboard/connectors/mastodon"
	"switchboard/connectors/reddit"
	"switchboard/connectors/rss"
	"switchboard/connectors/x"
)

// platforms maps a config entry's `type` to the factory that builds its
// connector. Add one line per platform.
var platforms = map[string]connectors.Factory{
	"demo":     demo.Factory,
	"mastodon": mastodon.Factory,
	"rss":      rss.Factory,
	"x":        x.FromSpec,
	"bluesky":  bluesky.FromSpec,
	"reddit":   reddit.FromSpec,
}
