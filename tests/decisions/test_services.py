"""Writing decisions: a decision's state changes in place and back, by whom, with a note when dropped."""
import pytest

from tests.helpers import VISIT_DAY, audit_events
from tracker.accounts.models import Role
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.decisions import services as decisions
from tracker.decisions.models import DecisionState


def test_decision_state_changes_in_place_and_back(db, make, fars):
    director, _head, project = fars
    decision = make.decision(project, author=director)
    viewer = make.user(role=Role.viewer)

    with pytest.raises(InvalidInput) as error:
        decisions.set_decision_state(db, actor=director, decision=decision, state=DecisionState.dropped, note=" ")
    assert set(error.value.errors) == {"note"}
    with pytest.raises(Forbidden):
        decisions.set_decision_state(db, actor=viewer, decision=decision, state=DecisionState.done)
    with pytest.raises(NotFound):
        decisions.set_decision_state(db, actor=make.user(province="Zanjan"), decision=decision,
                                    state=DecisionState.done)

    decisions.set_decision_state(db, actor=director, decision=decision, state=DecisionState.done,
                                note="اعتبار تخصیص یافت", now=VISIT_DAY)
    assert (decision.state, decision.state_note, decision.state_changed_by) == (
        DecisionState.done, "اعتبار تخصیص یافت", director.id)
    decisions.set_decision_state(db, actor=director, decision=decision, state=DecisionState.open)
    assert (decision.state, decision.state_note) == (DecisionState.open, "")
    changes = [e.after.get("state") for e in audit_events(db, "decisions", decision.id)]
    assert changes == [DecisionState.open.value, DecisionState.done.value, DecisionState.open.value]
    assert all(e.project_id == project.id for e in audit_events(db, "decisions", decision.id))
