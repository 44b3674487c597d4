package inbox

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"switchboard/domain"
	"switchboard/tui/pane"
)

// ShowMentions applies filter expression expr (e.g. "incident:INC-3") on
// the built-in Escalated view when the inbox has it (on the current view
// otherwise), as the crisis board's "jump to the inbox" does. Added for
// the crisis board; the root model calls it on a pane.ShowMentionsMsg.
func (m *Model) ShowMentions(expr string) tea.Cmd {
	q, err := m.parse(expr)
	if err != nil {
		return pane.ToastError(err.Error())
	}
	for i, v := range m.views {
		if v.Expr == "is:escalated" {
			m.viewIdx = i
			break
		}
	}
	m.dlg, m.detail = nil, nil
	m.expr, m.user, m.userSort, m.userTimed = strings.TrimSpace(expr), q.Filter, q.Sort, q.Timed
	m.selected = map[uint64]domain.Mention{}
	m.rebuildSource()
	return tea.Batch(m.reload(), m.loadCounts())
}

// mentionByKeyMsg is the mention OpenMention asked for.
type mentionByKeyMsg struct {
	key string
	m   domain.Mention
	err error
}

// OpenMention opens the mention with key in the detail view, whatever
// view the list shows (esc goes back to it): a notification's jump.
func (m *Model) OpenMention(key string) tea.Cmd {
	st := m.sess.Store
	return func() tea.Msg {
		mm, err := st.GetByKey(key)
		return mentionByKeyMsg{key: key, m: mm, err: err}
	}
}

func (m *Model) onMentionByKey(msg mentionByKeyMsg) tea.Cmd {
	if msg.err != nil {
		return pane.ToastError(msg.key + ": " + msg.err.Error())
	}
	m.dlg = nil
	m.reqSeq++
	mm := msg.m
	m.detail = &detailState{req: m.reqSeq, id: mm.ID, m: &mm}
	return m.loadDetail()
}
