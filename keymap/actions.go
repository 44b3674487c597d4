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
	"outbox": {{Name: "list"}, {Name: "prompt", Capturing: true}},
}

// Panes are the panes in the order of the README's table.
var Panes = []string{"global", "inbox", "crisis", "policy", "composer", "outbox"}

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
	{Name: "global.quit", Keys: []string{"q"}, Desc: "quit"},
	{Name: "global.force_quit", Keys: []string{"ctrl+c"}, Desc: "quit, even while typing"},
	{Name: "global.help", Keys: []string{"?"}, Desc: "help"},
	{Name: "global.palette", Keys: []string{":", "ctrl+p", "ctrl+k"}, Help: ":/ctrl+p", Desc: "commands"},
	{Name: "global.inbox", Keys: []string{"1"}, Desc: "inbox"},
	{Name: "global.crisis", Keys: []string{"2"}, Desc: "crisis"},
	{Name: "global.policy", Keys: []string{"3"}, Desc: "policy"},
	{Name: "global.outbox", Keys: []string{"4"}, Desc: "outbox"},

	{Name: "inbox.up", Keys: []string{"up", "k"}, Desc: "up"},
	{Name: "inbox.down", Keys: []string{"down", "j"}, Desc: "down"},
	{Name: "inbox.top", Keys: []string{"g", "home"}, Help: "g", Desc: "top"},
	{Name: "inbox.bottom", Keys: []string{"G", "end"}, Help: "G", Desc: "bottom"},
	{Name: "inbox.page_down", Keys: []string{"ctrl+d", "pgdown"}, Help: "ctrl+d", Desc: "half page down"},
	{Name: "inbox.page_up", Keys: []string{"ctrl+u", "pgup"}, Help: "ctrl+u", Desc: "half page up"},
	{Name: "inbox.open", Keys: []string{"enter"}, Desc: "open"},
	{Name: "inbox.back", Keys: []string{"esc"}, Desc: "back"},
	{Name: "inbox.search", Keys: []string{"/"}, Desc: "search"},
	{Name: "inbox.filter", Keys: []string{"f"}, Desc: "filter"},
	{Name: "inbox.prev_view", Keys: []string{"["}, Desc: "previous view"},
	{Name: "inbox.next_view", Keys: []string{"]"}, Desc: "next view"},
	{Name: "inbox.select", Keys: []string{"space"}, Desc: "select"},
	{Name: "inbox.range", Keys: []string{"V"}, Desc: "select a range"},
	{Name: "inbox.select_all", Keys: []string{"*"}, Desc: "select all matching"},
	{Name: "inbox.invert", Keys: []string{"~"}, Desc: "invert selection"},
	{Name: "inbox.tag", Keys: []string{"t"}, Desc: "tag"},
	{Name: "inbox.assign", Keys: []string{"a"}, Desc: "assign"},
	{Name: "inbox.status", Keys: []string{"s"}, Desc: "status"},
	{Name: "inbox.snooze", Keys: []string{"z"}, Desc: "snooze until…"},
	{Name: "inbox.done", Keys: []string{"x"}, Desc: "done"},
	{Name: "inbox.answered", Keys: []string{"A"}, Desc: "answered elsewhere"},
	{Name: "inbox.note", Keys: []string{"n"}, Desc: "note"},
	{Name: "inbox.escalate", Keys: []string{"e"}, Desc: "escalate"},
	{Name: "inbox.reply", Keys: []string{"r"}, Desc: "reply"},
	{Name: "inbox.undo", Keys: []string{"u"}, Desc: "undo"},
	{Name: "inbox.undo_rules", Keys: []string{"U"}, Desc: "undo routing rules"},
	{Name: "inbox.copy", Keys: []string{"o"}, Desc: "copy URL"},
	{Name: "inbox.impostor", Keys: []string{"I"}, Desc: "flag/clear impostor"},
	{Name: "inbox.jump_new", Keys: []string{"N"}, Desc: "jump to new"},
	{Name: "inbox.refresh", Keys: []string{"ctrl+r"}, Desc: "reload"},

	{Name: "crisis.up", Keys: []string{"up", "k"}, Desc: "up"},
	{Name: "crisis.down", Keys: []string{"down", "j"}, Desc: "down"},
	{Name: "crisis.left", Keys: []string{"left", "h"}, Desc: "previous column", Modes: board},
	{Name: "crisis.right", Keys: []string{"right", "l"}, Desc: "next column", Modes: board},
	{Name: "crisis.open", Keys: []string{"enter"}, Desc: "open", Modes: board},
	{Name: "crisis.close", Keys: []string{"esc", "backspace"}, Help: "esc", Desc: "board", Modes: incident},
	{Name: "crisis.alerts", Keys: []string{"a"}, Desc: "alerts", Modes: board},
	{Name: "crisis.declare", Keys: []string{"d"}, Desc: "declare from alert", Modes: board},
	{Name: "crisis.dismiss", Keys: []string{"x"}, Desc: "dismiss alert", Modes: board},
	{Name: "crisis.new", Keys: []string{"n"}, Desc: "new incident", Modes: board},
	{Name: "crisis.forward", Keys: []string{">", "."}, Help: ">", Desc: "next status"},
	{Name: "crisis.back", Keys: []string{"<", ","}, Help: "<", Desc: "previous status"},
	{Name: "crisis.sev_up", Keys: []string{"+", "="}, Help: "+", Desc: "more severe"},
	{Name: "crisis.sev_down", Keys: []string{"-"}, Desc: "less severe"},
	{Name: "crisis.tick", Keys: []string{"space", "x"}, Help: "space", Desc: "tick", Modes: incident},
	// on the board: brings back the alerts just dismissed
	{Name: "crisis.update", Keys: []string{"u"}, Desc: "status update"},
	{Name: "crisis.note", Keys: []string{"N"}, Desc: "note", Modes: incident},
	{Name: "crisis.summary", Keys: []string{"S"}, Desc: "summary", Modes: incident},
	{Name: "crisis.role", Keys: []string{"r"}, Desc: "roles", Modes: incident},
	{Name: "crisis.holding", Keys: []string{"s"}, Desc: "holding statement"},
	{Name: "crisis.mentions", Keys: []string{"m"}, Desc: "mentions in inbox"},
	{Name: "crisis.scroll_up", Keys: []string{"pgup"}, Desc: "older timeline", Modes: incident},
	{Name: "crisis.scroll_down", Keys: []string{"pgdown"}, Desc: "newer timeline", Modes: incident},
	{Name: "crisis.impact", Keys: []string{"i"}, Desc: "impact", Modes: incident},
	{Name: "crisis.edit_title", Keys: []string{"t"}, Desc: "title", Modes: incident},
	{Name: "crisis.scenario", Keys: []string{"c"}, Desc: "scenario", Modes: incident},
	{Name: "crisis.copy", Keys: []string{"y"}, Desc: "copy post-mortem", Modes: incident},
	{Name: "crisis.add_item", Keys: []string{"A"}, Desc: "add checklist item", Modes: incident},

	{Name: "policy.edit", Keys: []string{"enter", "i"}, Desc: "edit draft", Modes: browse},
	{Name: "policy.done", Keys: []string{"esc"}, Desc: "stop editing", Modes: edit},
	{Name: "policy.next_finding", Keys: []string{"n"}, Desc: "next finding", Modes: browse},
	{Name: "policy.prev_finding", Keys: []string{"N"}, Desc: "previous finding", Modes: browse},
	{Name: "policy.fix", Keys: []string{"f"}, Desc: "apply fix", Modes: browse},
	{Name: "policy.fix_all", Keys: []string{"F"}, Desc: "apply all fixes", Modes: browse},
	{Name: "policy.platform", Keys: []string{"p"}, Desc: "platform", Modes: browse},
	{Name: "policy.visibility", Keys: []string{"v"}, Desc: "public/private", Modes: browse},
	{Name: "policy.reply", Keys: []string{"r"}, Desc: "reply/post", Modes: browse},
	{Name: "policy.tab", Keys: []string{"tab"}, Desc: "rules/guidelines", Modes: browse},
	{Name: "policy.up", Keys: []string{"up", "k"}, Desc: "scroll up", Modes: browse},
	{Name: "policy.down", Keys: []string{"down", "j"}, Desc: "scroll down", Modes: browse},
	{Name: "policy.page_up", Keys: []string{"pgup", "ctrl+u"}, Help: "pgup", Desc: "page up", Modes: browse},
	{Name: "policy.page_down", Keys: []string{"pgdown", "ctrl+d"}, Help: "pgdn", Desc: "page down", Modes: browse},
	{Name: "policy.top", Keys: []string{"g", "home"}, Help: "g", Desc: "top", Modes: browse},
	{Name: "policy.bottom", Keys: []string{"G", "end"}, Help: "G", Desc: "bottom", Modes: browse},
	{Name: "policy.clear", Keys: []string{"X"}, Desc: "clear draft", Modes: browse},
	{Name: "policy.edit_fix", Keys: []string{"ctrl+x"}, Desc: "apply fix", Modes: edit},
	{Name: "policy.edit_next", Keys: []string{"ctrl+o"}, Desc: "next finding", Modes: edit},
	{Name: "policy.edit_platform", Keys: []string{"ctrl+y"}, Desc: "platform", Modes: edit},

	{Name: "composer.switch", Keys: []string{"tab"}, Desc: "public ⇄ private"},
	{Name: "composer.send", Keys: []string{"ctrl+s"}, Desc: "send"},
	{Name: "composer.fix", Keys: []string{"ctrl+f"}, Desc: "apply fix"},
	{Name: "composer.template", Keys: []string{"ctrl+t"}, Desc: "templates"},
	{Name: "composer.new_draft", Keys: []string{"ctrl+n"}, Desc: "new draft"},
	{Name: "composer.public", Keys: []string{"ctrl+p"}, Desc: "reply in public instead"},
	{Name: "composer.close", Keys: []string{"esc"}, Desc: "save and close"},

	{Name: "outbox.up", Keys: []string{"up", "k"}, Desc: "up", Modes: list},
	{Name: "outbox.down", Keys: []string{"down", "j"}, Desc: "down", Modes: list},
	{Name: "outbox.approve", Keys: []string{"A"}, Desc: "approve", Modes: list},
	{Name: "outbox.reject", Keys: []string{"X"}, Desc: "reject", Modes: list},
	{Name: "outbox.retry", Keys: []string{"R"}, Desc: "retry send", Modes: list},
	{Name: "outbox.cancel", Keys: []string{"C"}, Desc: "cancel draft", Modes: list},
	{Name: "outbox.pause", Keys: []string{"P"}, Desc: "pause/resume all sending", Modes: list},
	{Name: "outbox.mine", Keys: []string{"m"}, Desc: "needs my approval ⇄ all", Modes: list},
	{Name: "outbox.confirm", Keys: []string{"enter"}, Desc: "confirm", Modes: prompt},
	{Name: "outbox.back", Keys: []string{"esc"}, Desc: "back", Modes: prompt},
}
