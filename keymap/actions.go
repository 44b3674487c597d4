package keymap

// Modes of the panes: an action applies in the modes it names (every mode
// of its pane when it names none). Two actions of a pane may share a key
// only when they have no mode in common. In a capturing mode the pane
// takes every key (the user is typing), so the global keys do not apply
// there, except global.force_quit.
var modes = map[string][]Mode{
	"global": {{Name: "all"}},
	"inbox":  {{Name: "list"}},
	// the board of columns and alerts, and one incident opened on it
	"crisis": {{Name: "board"}, {Name: "incident"}},
	// reading the findings, and typing in the draft
	"policy":   {{Name: "browse"}, {Name: "edit", Capturing: true}},
	"composer": {{Name: "edit", Capturing: true}},
	// the queue, and the comment prompt of approve, reject and pause
	"outbox":  {{Name: "list"}, {Name: "prompt", Capturing: true}},
	"reports": {{Name: "view"}},
	// the notification centre's list (global.notifications opens it)
	"notifications": {{Name: "list"}},
	// the columns (and an item opened), and the new-stream prompt
	"streams": {{Name: "list"}, {Name: "prompt", Capturing: true}},
}

// Panes are the panes in the order of the README's table.
var Panes = []string{"global", "inbox", "crisis", "policy", "composer", "outbox", "reports", "streams", "notifications"}

var (
	board    = []string{"board"}
	incident = []string{"incident"}
	edit     = []string{"edit"}
	browse   = []string{"browse"}
	list     = []string{"list"}
	prompt   = []string{"prompt"}
)

// actions is every action, its default keys and what it does. The help
// label (Help) is how help shows the default keys when it is not simply
// the keys joined by "/".
var actions = []Action{
	{Name: "global.quit", Keys: []string{"q"}, Desc: "quit", Doc: "quit (not while typing)"},
	{Name: "global.force_quit", Keys: []string{"ctrl+c"}, Desc: "quit, even while typing", Doc: "quit, even while typing"},
	{Name: "global.help", Keys: []string{"?"}, Desc: "help", Doc: "show every key of the pane (and the connectors' health)"},
	{Name: "global.palette", Keys: []string{":", "ctrl+p", "ctrl+k"}, Help: ":/ctrl+p", Desc: "commands", Doc: "the command palette: every action by name, type to filter, enter runs it"},
	{Name: "global.inbox", Keys: []string{"1"}, Desc: "inbox", Doc: "focus the inbox"},
	{Name: "global.crisis", Keys: []string{"2"}, Desc: "crisis", Doc: "focus the crisis board"},
	{Name: "global.policy", Keys: []string{"3"}, Desc: "policy", Doc: "focus the policy pane"},
	{Name: "global.outbox", Keys: []string{"4"}, Desc: "outbox", Doc: "focus the outbox"},
	{Name: "global.reports", Keys: []string{"5"}, Desc: "reports", Doc: "focus the reports"},
	{Name: "global.streams", Keys: []string{"6"}, Desc: "streams", Doc: "focus the Streams pane (keyword streams)"},
	{Name: "global.notifications", Keys: []string{"!"}, Desc: "notifications", Doc: "open or close the notification centre (the header counts the unread)"},

	{Name: "inbox.up", Keys: []string{"up", "k"}, Desc: "up", Doc: "move up (in an open mention: scroll)"},
	{Name: "inbox.down", Keys: []string{"down", "j"}, Desc: "down", Doc: "move down (in an open mention: scroll)"},
	{Name: "inbox.top", Keys: []string{"g", "home"}, Help: "g", Desc: "top", Doc: "newest (top of the list)"},
	{Name: "inbox.bottom", Keys: []string{"G", "end"}, Help: "G", Desc: "bottom", Doc: "oldest (bottom of the list)"},
	{Name: "inbox.page_down", Keys: []string{"ctrl+d", "pgdown"}, Help: "ctrl+d", Desc: "half page down"},
	{Name: "inbox.page_up", Keys: []string{"ctrl+u", "pgup"}, Help: "ctrl+u", Desc: "half page up"},
	{Name: "inbox.open", Keys: []string{"enter"}, Desc: "open", Doc: "open the mention"},
	{Name: "inbox.back", Keys: []string{"esc"}, Desc: "back", Doc: "back to the list; in the list, clear the selection"},
	{Name: "inbox.search", Keys: []string{"/"}, Desc: "search", Doc: "search all of history"},
	{Name: "inbox.filter", Keys: []string{"f"}, Desc: "filter", Doc: "filter the view"},
	{Name: "inbox.prev_view", Keys: []string{"["}, Desc: "previous view"},
	{Name: "inbox.next_view", Keys: []string{"]"}, Desc: "next view"},
	{Name: "inbox.select", Keys: []string{"space"}, Desc: "select", Doc: "select the mention under the cursor"},
	{Name: "inbox.range", Keys: []string{"V"}, Desc: "select a range", Doc: "select a range (again or esc ends it)"},
	{Name: "inbox.select_all", Keys: []string{"*"}, Desc: "select all matching", Doc: "select every mention the view, filter and search match"},
	{Name: "inbox.invert", Keys: []string{"~"}, Desc: "invert selection", Doc: "invert the selection within those matches"},
	{Name: "inbox.tag", Keys: []string{"t"}, Desc: "tag", Doc: "tag picker"},
	{Name: "inbox.assign", Keys: []string{"a"}, Desc: "assign", Doc: "assign to an operator or route to a team"},
	{Name: "inbox.status", Keys: []string{"s"}, Desc: "status", Doc: "status picker (open, pending, done, snooze 1h / 4h / until tomorrow / until…)"},
	{Name: "inbox.snooze", Keys: []string{"z"}, Desc: "snooze until…", Doc: "snooze until a time asked for (2h, 3d, a date)"},
	{Name: "inbox.done", Keys: []string{"x"}, Desc: "done", Doc: "mark done"},
	{Name: "inbox.answered", Keys: []string{"A"}, Desc: "answered elsewhere", Doc: "record a first response given outside switchboard"},
	{Name: "inbox.note", Keys: []string{"n"}, Desc: "note", Doc: "internal note (never sent)"},
	{Name: "inbox.escalate", Keys: []string{"e"}, Desc: "escalate", Doc: "declare an incident from the mentions, or attach them to one"},
	{Name: "inbox.reply", Keys: []string{"r"}, Desc: "reply", Doc: "reply in the composer"},
	{Name: "inbox.undo", Keys: []string{"u"}, Desc: "undo", Doc: "undo your last action"},
	{Name: "inbox.undo_rules", Keys: []string{"U"}, Desc: "undo routing rules", Doc: "undo what the routing rules changed on the mention"},
	{Name: "inbox.copy", Keys: []string{"o"}, Desc: "copy URL", Doc: "copy the mention's URL (OSC 52)"},
	{Name: "inbox.impostor", Keys: []string{"I"}, Desc: "flag/clear impostor", Doc: "flag the author as an impostor, or clear the flag"},
	{Name: "inbox.jump_new", Keys: []string{"N"}, Desc: "jump to new", Doc: "jump to the new mentions"},
	{Name: "inbox.refresh", Keys: []string{"ctrl+r"}, Desc: "reload", Doc: "reload"},
	{Name: "inbox.save_view", Keys: []string{"S"}, Desc: "save as view", Doc: "save the search or the filtered view as a named view in the config"},
	{Name: "inbox.merge", Keys: []string{"M"}, Desc: "merge into one conversation", Doc: "merge the selected mentions into one conversation"},
	{Name: "inbox.conversations", Keys: []string{"C"}, Desc: "rows per conversation", Doc: "one row per conversation (acting on its open mentions), or one per mention again"},

	{Name: "crisis.up", Keys: []string{"up", "k"}, Desc: "up", Doc: "move up (in an incident: the checklist)"},
	{Name: "crisis.down", Keys: []string{"down", "j"}, Desc: "down", Doc: "move down (in an incident: the checklist)"},
	{Name: "crisis.left", Keys: []string{"left", "h"}, Desc: "previous column", Modes: board},
	{Name: "crisis.right", Keys: []string{"right", "l"}, Desc: "next column", Modes: board},
	{Name: "crisis.open", Keys: []string{"enter"}, Desc: "open", Modes: board, Doc: "open the incident (on an alert: declare from it)"},
	{Name: "crisis.close", Keys: []string{"esc", "backspace"}, Help: "esc", Desc: "board", Modes: incident, Doc: "back to the board"},
	{Name: "crisis.alerts", Keys: []string{"a"}, Desc: "alerts", Modes: board, Doc: "jump to the alerts column"},
	{Name: "crisis.declare", Keys: []string{"d"}, Desc: "declare from alert", Modes: board},
	{Name: "crisis.dismiss", Keys: []string{"x"}, Desc: "dismiss alert", Modes: board},
	{Name: "crisis.new", Keys: []string{"n"}, Desc: "new incident", Modes: board},
	{Name: "crisis.hijack", Keys: []string{"H"}, Desc: "hijack: pause sending, declare SEV1", Modes: board, Doc: "on an alert about a brand account (a post switchboard did not send, a profile change): pause all sending and declare a SEV1 security incident from it"},
	{Name: "crisis.forward", Keys: []string{">", "."}, Help: ">", Desc: "next status", Doc: "move the incident to the next status"},
	{Name: "crisis.back", Keys: []string{"<", ","}, Help: "<", Desc: "previous status", Doc: "move the incident to the previous status"},
	{Name: "crisis.sev_up", Keys: []string{"+", "="}, Help: "+", Desc: "more severe", Doc: "raise the severity"},
	{Name: "crisis.sev_down", Keys: []string{"-"}, Desc: "less severe", Doc: "lower the severity"},
	{Name: "crisis.tick", Keys: []string{"space", "x"}, Help: "space", Desc: "tick", Modes: incident, Doc: "tick or untick the checklist item"},
	// on the board: brings back the alerts just dismissed
	{Name: "crisis.update", Keys: []string{"u"}, Desc: "status update", Doc: "post a status update (on the alerts: bring back the alerts just dismissed)"},
	{Name: "crisis.note", Keys: []string{"N"}, Desc: "note", Modes: incident, Doc: "add a note"},
	{Name: "crisis.summary", Keys: []string{"S"}, Desc: "summary", Modes: incident, Doc: "edit the summary"},
	{Name: "crisis.role", Keys: []string{"r"}, Desc: "roles", Modes: incident, Doc: "hand a role over"},
	{Name: "crisis.holding", Keys: []string{"s"}, Desc: "holding statement", Doc: "write a holding statement (a post on the brand's account)"},
	{Name: "crisis.mentions", Keys: []string{"m"}, Desc: "mentions in inbox", Doc: "show the incident's mentions in the inbox"},
	{Name: "crisis.scroll_up", Keys: []string{"pgup"}, Desc: "older timeline", Modes: incident},
	{Name: "crisis.scroll_down", Keys: []string{"pgdown"}, Desc: "newer timeline", Modes: incident},
	{Name: "crisis.impact", Keys: []string{"i"}, Desc: "impact", Modes: incident, Doc: "edit the impact"},
	{Name: "crisis.edit_title", Keys: []string{"t"}, Desc: "title", Modes: incident, Doc: "edit the title"},
	{Name: "crisis.scenario", Keys: []string{"c"}, Desc: "scenario", Modes: incident, Doc: "change the scenario (its playbook's items join the checklist)"},
	{Name: "crisis.copy", Keys: []string{"y"}, Desc: "copy post-mortem", Modes: incident, Doc: "copy the post-mortem (Markdown)"},
	{Name: "crisis.add_item", Keys: []string{"A"}, Desc: "add checklist item", Modes: incident},

	{Name: "policy.edit", Keys: []string{"enter", "i"}, Desc: "edit draft", Modes: browse, Doc: "edit the draft"},
	{Name: "policy.done", Keys: []string{"esc"}, Desc: "stop editing", Modes: edit, Doc: "stop editing"},
	{Name: "policy.next_finding", Keys: []string{"n"}, Desc: "next finding", Modes: browse},
	{Name: "policy.prev_finding", Keys: []string{"N"}, Desc: "previous finding", Modes: browse},
	{Name: "policy.fix", Keys: []string{"f"}, Desc: "apply fix", Modes: browse},
	{Name: "policy.fix_all", Keys: []string{"F"}, Desc: "apply all fixes", Modes: browse},
	{Name: "policy.platform", Keys: []string{"p"}, Desc: "platform", Modes: browse, Doc: "next platform to check for"},
	{Name: "policy.visibility", Keys: []string{"v"}, Desc: "public/private", Modes: browse, Doc: "check as public or private"},
	{Name: "policy.reply", Keys: []string{"r"}, Desc: "reply/post", Modes: browse, Doc: "check as a reply or a post"},
	{Name: "policy.tab", Keys: []string{"tab"}, Desc: "rules/guidelines", Modes: browse, Doc: "rules ⇄ guidelines"},
	{Name: "policy.up", Keys: []string{"up", "k"}, Desc: "scroll up", Modes: browse},
	{Name: "policy.down", Keys: []string{"down", "j"}, Desc: "scroll down", Modes: browse},
	{Name: "policy.page_up", Keys: []string{"pgup", "ctrl+u"}, Help: "pgup", Desc: "page up", Modes: browse},
	{Name: "policy.page_down", Keys: []string{"pgdown", "ctrl+d"}, Help: "pgdn", Desc: "page down", Modes: browse},
	{Name: "policy.top", Keys: []string{"g", "home"}, Help: "g", Desc: "top", Modes: browse},
	{Name: "policy.bottom", Keys: []string{"G", "end"}, Help: "G", Desc: "bottom", Modes: browse},
	{Name: "policy.clear", Keys: []string{"X"}, Desc: "clear draft", Modes: browse, Doc: "clear the draft"},
	{Name: "policy.edit_fix", Keys: []string{"ctrl+x"}, Desc: "apply fix", Modes: edit, Doc: "apply the fix (while editing)"},
	{Name: "policy.edit_next", Keys: []string{"ctrl+o"}, Desc: "next finding", Modes: edit, Doc: "next finding (while editing)"},
	{Name: "policy.edit_platform", Keys: []string{"ctrl+y"}, Desc: "platform", Modes: edit, Doc: "next platform (while editing)"},

	{Name: "composer.switch", Keys: []string{"tab"}, Desc: "public ⇄ private", Doc: "public reply ⇄ private message"},
	{Name: "composer.send", Keys: []string{"ctrl+s"}, Desc: "send", Doc: "send: queue it, or send it for approval"},
	{Name: "composer.fix", Keys: []string{"ctrl+f"}, Desc: "apply fix", Doc: "apply the fix of the first block finding"},
	{Name: "composer.template", Keys: []string{"ctrl+t"}, Desc: "templates", Doc: "template picker"},
	{Name: "composer.new_draft", Keys: []string{"ctrl+n"}, Desc: "new draft", Doc: "start another draft on the mention"},
	{Name: "composer.public", Keys: []string{"ctrl+p"}, Desc: "reply in public instead"},
	{Name: "composer.close", Keys: []string{"esc"}, Desc: "save and close", Doc: "save and close"},
	{Name: "composer.next_finding", Keys: []string{"ctrl+o"}, Desc: "next finding", Doc: "show the next finding in full"},

	{Name: "outbox.up", Keys: []string{"up", "k"}, Desc: "up", Modes: list},
	{Name: "outbox.down", Keys: []string{"down", "j"}, Desc: "down", Modes: list},
	{Name: "outbox.approve", Keys: []string{"A"}, Desc: "approve", Modes: list, Doc: "approve the draft (asks for a comment)"},
	{Name: "outbox.reject", Keys: []string{"X"}, Desc: "reject", Modes: list, Doc: "reject the draft (asks for a comment)"},
	{Name: "outbox.retry", Keys: []string{"R"}, Desc: "retry send", Modes: list, Doc: "put a failed draft back in the queue"},
	{Name: "outbox.cancel", Keys: []string{"C"}, Desc: "cancel draft", Modes: list, Doc: "cancel the draft"},
	{Name: "outbox.pause", Keys: []string{"P"}, Desc: "pause/resume all sending", Modes: list, Doc: "pause or resume all sending"},
	{Name: "outbox.mine", Keys: []string{"m"}, Desc: "needs my approval ⇄ all", Modes: list, Doc: "needs my approval ⇄ all"},
	{Name: "outbox.confirm", Keys: []string{"enter"}, Desc: "confirm", Modes: prompt, Doc: "confirm the comment"},
	{Name: "outbox.back", Keys: []string{"esc"}, Desc: "back", Modes: prompt, Doc: "leave the prompt"},

	{Name: "reports.window", Keys: []string{"w"}, Desc: "window", Doc: "next window: last 24 hours, 7 days, 30 days"},
	{Name: "reports.by", Keys: []string{"b"}, Desc: "group by", Doc: "next grouping: team, assignee, tag, platform, day, hour"},
	{Name: "reports.refresh", Keys: []string{"r", "ctrl+r"}, Desc: "refresh", Doc: "compute the figures again"},
	{Name: "reports.down", Keys: []string{"down", "j"}, Help: "↓/j", Desc: "scroll down", Doc: "scroll down"},
	{Name: "reports.up", Keys: []string{"up", "k"}, Help: "↑/k", Desc: "scroll up", Doc: "scroll up"},
	{Name: "streams.left", Keys: []string{"left", "h"}, Desc: "previous stream", Modes: list},
	{Name: "streams.right", Keys: []string{"right", "l"}, Desc: "next stream", Modes: list},
	{Name: "streams.up", Keys: []string{"up", "k"}, Desc: "up", Modes: list},
	{Name: "streams.down", Keys: []string{"down", "j"}, Desc: "down", Modes: list},
	{Name: "streams.promote", Keys: []string{"p"}, Desc: "promote to inbox", Modes: list, Doc: "put the stream item in the inbox (status open; undo in the inbox)"},
	{Name: "streams.dismiss", Keys: []string{"x"}, Desc: "dismiss", Modes: list, Doc: "dismiss the stream item (tag dismissed: it leaves the pane and never reaches the inbox)"},
	{Name: "streams.open", Keys: []string{"enter"}, Desc: "open", Modes: list, Doc: "open the stream item: full text, author, followers, URL"},
	{Name: "streams.back", Keys: []string{"esc"}, Desc: "back", Doc: "back to the columns; in the prompt, cancel it"},
	{Name: "streams.new", Keys: []string{"n"}, Desc: "new stream", Modes: list, Doc: "make a stream (name: terms, #tags) saved to the config's streams: and searched at once"},
	{Name: "streams.confirm", Keys: []string{"enter"}, Desc: "save stream", Modes: prompt, Doc: "save the new stream"},
	{Name: "notifications.up", Keys: []string{"up", "k"}, Desc: "up"},
	{Name: "notifications.down", Keys: []string{"down", "j"}, Desc: "down"},
	{Name: "notifications.open", Keys: []string{"enter"}, Desc: "open", Doc: "jump to what it is about (the mention, draft, incident or alert) and mark it read"},
	{Name: "notifications.read", Keys: []string{"space"}, Desc: "mark read", Doc: "mark the notification read"},
	{Name: "notifications.read_all", Keys: []string{"R"}, Desc: "mark all read", Doc: "mark every notification read"},
	{Name: "notifications.terminal", Keys: []string{"t"}, Desc: "terminal notifications", Doc: "terminal notifications for this session: off → bell → OSC 9 → OSC 777 (remembered for your next sessions)"},
	{Name: "notifications.close", Keys: []string{"esc"}, Desc: "close", Doc: "close the notification centre"},
}
