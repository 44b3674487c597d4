package main

import (
	"switchboard/connectors"
	"switchboard/connectors/demo"
	"switchboard/connectors/mastodon"
	"switchboard/connectors/rss"
)

// platforms maps a config entry's `type` to the factory that builds its
// connector. Add one line per platform.
var platforms = map[string]connectors.Factory{
	"demo":     demo.Factory,
	"mastodon": mastodon.Factory,
	"rss":      rss.Factory,
}
