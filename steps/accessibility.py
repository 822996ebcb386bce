"""Accessibility: axe scans of the console (softphone frame included, in each call state), the supervisor
board, the ticket view and the chat widget; keyboard-only call handling; new calls read out to screen readers."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.names import ACTOR, PERSONA, VISITOR

from fixtures.reporting import soft_attach
from pages.softphone_keys import SoftphoneByKeyboard

IMPACT = r"(?P<impact>minor|moderate|serious|critical)"
# what the softphone must show before "the console with <situation>" is scanned, so a scan never
# reports on a state it did not see
SITUATIONS = {
    "an idle softphone": lambda softphone: (softphone.expect_state("Available"), softphone.expect_not_ringing(),
                                            softphone.expect_no_active_call()),
    "a ringing call": lambda softphone: softphone.expect_state("Ringing"),
    "a call in progress": lambda softphone: softphone.expect_connected(),
    "a call on hold": lambda softphone: softphone.expect_on_hold(),
    "a call in wrap-up": lambda softphone: softphone.wrap_up.expect_open(),
}
SITUATION = "(?P<situation>" + "|".join(SITUATIONS) + ")"
ROLES = {"button": "button", "drop-down": "combobox"}


def _agent(agent, journey) -> str:
    return agent or journey.desk_agent


def _keys(agent, desktop) -> SoftphoneByKeyboard:
    return SoftphoneByKeyboard(desktop.console(agent))


def _report_path(keys: SoftphoneByKeyboard, what: str) -> None:
    soft_attach(" -> ".join(map(str, keys.path)) or "(already there)", f"keyboard path: {what}")


# --- scans ----------------------------------------------------------------------------------------

@then(parsers.re(rf"(?:the|(?P<agent>{ACTOR})'s) console with " + SITUATION + r" has no " + IMPACT
                 + r" accessibility problems$"))
def console_has_no_problems(agent, situation, impact, desktop, journey, accessibility):
    """Scans the agent's CRM console with axe-core, including everything inside the embedded softphone frame.
    First checks the softphone really shows the situation: "an idle softphone" (Available, no call), "a ringing
    call" (state Ringing), "a call in progress" (Connected), "a call on hold" (On hold, Resume offered) or "a call
    in wrap-up" (the wrap-up form open). Fails on any violation at the named impact or worse (serious means
    serious and critical) that is not in features/accessibility/known_violations.toml, and when a frame could
    not be scanned. Every finding is attached to the step: rule, element, help link. "the console" is the
    console of the first agent logged in."""
    name = _agent(agent, journey)
    console = desktop.console(name)
    SITUATIONS[situation](console.softphone)
    accessibility.expect_no_problems(console.page, f"{name}'s console with {situation}", impact)


@then(parsers.re(r"the supervisor board has no " + IMPACT + r" accessibility problems$"))
def board_has_no_problems(impact, board, accessibility):
    """Scans the supervisor board (the CTI's page the supervisor opened from the console) with axe-core. Fails on
    any violation at the named impact or worse that is not in the known-violations baseline; every finding is
    attached to the step. Needs "the supervisor ... is watching the supervisor board" first."""
    accessibility.expect_no_problems(board.page, "the supervisor board", impact)


@then(parsers.re(r"the ticket view has no " + IMPACT + r" accessibility problems$"))
def ticket_view_has_no_problems(impact, journey, accessibility):
    """Scans the helpdesk's ticket view the agent opened from the console with axe-core. Fails on any violation
    at the named impact or worse that is not in the known-violations baseline; every finding is attached to the
    step. Needs "... opens the ticket from ...'s record in the console" first."""
    view = journey.notes.get("ticket_view")
    assert view, "no ticket view is open: a step like 'Maya opens the ticket from Elena's record' must come first"
    accessibility.expect_no_problems(view.page, "the ticket view", impact)


@then(parsers.re(rf"(?P<customer>{VISITOR})'s chat widget has no " + IMPACT + r" accessibility problems$"))
def chat_widget_has_no_problems(customer, impact, journey, accessibility):
    """Scans the customer's web chat widget (the chat system's page, as the customer sees it) with axe-core.
    Fails on any violation at the named impact or worse that is not in the known-violations baseline; every
    finding is attached to the step. Needs "<customer> opens the chat on the website" first."""
    widget = journey.notes.get("widgets", {}).get(customer)
    assert widget, f"{customer} has no chat open: a step like '{customer} opens the chat on the website' must come first"
    accessibility.expect_no_problems(widget.page, f"{customer}'s chat widget", impact)


@when(parsers.re(rf"a button without a name is planted in (?P<agent>{ACTOR})'s softphone$"))
def plant_unnamed_button(agent, desktop):
    """Adds a button with no text and no label to the agent's softphone frame, in the browser only (no system
    changes): the defect a screen reader user meets as "button" with nothing more. Used to prove the scans see
    inside the frame."""
    desktop.console(agent).softphone.plant_unnamed_button()


@then(parsers.re(rf'the accessibility scan of (?P<agent>{ACTOR})\'s console fails on a "(?P<rule>[a-z0-9-]+)" problem '
                 r'inside the "(?P<frame>[^"]+)" frame$'))
def scan_finds_problem_in_frame(agent, rule, frame, desktop, accessibility):
    """Scans the agent's console with axe-core and checks that the scan would fail the scenario (a new serious or
    critical violation) because of the named axe rule (e.g. "button-name") on an element inside the frame with
    that title (e.g. "Softphone"), not on the console itself."""
    console = desktop.console(agent)
    scan, verdict = accessibility.scan(console.page, f"{agent}'s console with a planted problem")
    assert frame in scan.frames, f"the scan did not cover the {frame!r} frame; it scanned {scan.frames}"
    matching = [f for f in verdict.new if f.rule == rule and f.frame == frame]
    assert not verdict.passed and matching, (
        f"expected a new {rule!r} violation inside the {frame!r} frame; new ones: "
        + ("; ".join(f"{f.rule} at {f.where}" for f in verdict.new) or "none"))


# --- keyboard journeys ----------------------------------------------------------------------------

@when(parsers.re(rf"(?P<agent>{ACTOR}) answers the call with the keyboard$"))
def answer_by_keyboard(agent, desktop):
    """With the keyboard only, moves the focus from wherever it is (Tab) to the softphone's Answer button and
    presses Enter; waits until the softphone shows the active call. The Tab stops on the way are attached."""
    keys = _keys(agent, desktop)
    keys.answer()
    _report_path(keys, "to Answer")


@when(parsers.re(rf"(?P<agent>{ACTOR}) (?P<action>puts the call on hold|resumes the call) with the keyboard$"))
def hold_or_resume_by_keyboard(agent, action, desktop):
    """With the keyboard only, tabs to the softphone's Hold (or Resume) button and presses Enter; waits until
    the softphone shows the call on hold (or the Hold button again)."""
    keys = _keys(agent, desktop)
    if action.startswith("puts"):
        keys.put_on_hold()
    else:
        keys.resume()
    _report_path(keys, action)


@when(parsers.re(rf'(?P<agent>{ACTOR}) (?P<kind>cold|warm) transfers the call to (?:the "(?P<queue>\w+)" queue|'
                 rf'(?P<colleague>{ACTOR})) with the note "(?P<note>[^"]*)" using the keyboard$'))
def transfer_by_keyboard(agent, kind, queue, colleague, note, desktop, actors):
    """With the keyboard only: tabs to Transfer and presses Enter, picks cold or warm with the arrow keys,
    picks the queue or the colleague in "Transfer to" with the arrow keys, types the note, tabs to Transfer
    (cold) or Consult (warm) and presses Enter. The colleague is another agent's first name, e.g. Leo."""
    target = f"Queue: {queue}" if queue else f"Agent: {actors.user(colleague).name}"
    keys = _keys(agent, desktop)
    keys.transfer(kind, target, note)
    _report_path(keys, "to the transfer button")


@when(parsers.re(rf"(?P<agent>{ACTOR}) hangs up with the keyboard$"))
def hang_up_by_keyboard(agent, desktop):
    """With the keyboard only, tabs to the softphone's Hang up button and presses Enter; waits until the wrap-up
    form opens."""
    keys = _keys(agent, desktop)
    keys.hang_up()
    _report_path(keys, "to Hang up")


@when(parsers.re(rf'(?P<agent>{ACTOR}) completes the wrap-up with "(?P<code>[A-Z_]+)" using the keyboard$'))
def wrap_up_by_keyboard(agent, code, desktop):
    """With the keyboard only, tabs to the wrap-up form's Disposition drop-down, moves to the disposition with that
    code (e.g. "RESOLVED") with the arrow keys, tabs to Done and presses Enter; waits until the form closes."""
    keys = _keys(agent, desktop)
    keys.complete_wrap_up(code)
    _report_path(keys, "to Done")


@then(parsers.re(rf'(?P<agent>{ACTOR})\'s keyboard focus is on the softphone\'s "(?P<name>[^"]+)" '
                 r'(?P<role>button|drop-down)$'))
def focus_on_softphone_control(agent, name, role, desktop):
    """Checks that the keyboard focus moved by itself to the named softphone control, where the agent's next
    action is (e.g. "Hold" after answering, "Disposition" after hanging up), so a keyboard or screen reader user
    is not left at the top of the page. role: button or drop-down."""
    _keys(agent, desktop).expect_focus_on_control(ROLES[role], name)


@given(parsers.re(rf"(?P<agent>{ACTOR})'s screen reader is listening to the softphone$"))
def screen_reader_listens(agent, desktop, journey):
    """Takes hold of the softphone's live regions (the parts a screen reader reads out when they change) as they
    are now; fails if the softphone has none. A region added later would not be read out, so it does not count."""
    journey.notes.setdefault("listening", {})[agent] = desktop.console(agent).softphone.live_regions.listen()


@then(parsers.re(rf'(?P<agent>{ACTOR})\'s screen reader hears "(?P<words>[^"]+)" with (?P<caller>{PERSONA})\'s number$'))
def screen_reader_hears(agent, words, caller, personas, journey):
    """Checks that one of the softphone's live regions taken hold of earlier now says the words (e.g. "Incoming
    call") and the caller's phone number, so the agent hears about the call without looking."""
    listening = journey.notes.get("listening", {}).get(agent)
    assert listening, f"a step like \"{agent}'s screen reader is listening to the softphone\" must come first"
    heard = listening.expect_heard(words, personas[caller].phone)
    soft_attach(heard, "read out")


@when(parsers.re(rf"(?P<agent>{ACTOR}) tabs once around the console from the search box, forwards and then backwards$"))
def tab_around(agent, desktop, journey):
    """With the keyboard only, starts in the console's search box and presses Tab until the focus is back there,
    then does the same with Shift+Tab. Every stop (which document, which control) is kept for the checks below
    and attached to the step."""
    keys = _keys(agent, desktop)
    rounds = {"forwards": keys.walk_around(), "backwards": keys.walk_around(backwards=True)}
    journey.notes["tab_rounds"] = rounds
    for direction, stops in rounds.items():
        soft_attach("\n".join(map(str, stops)), f"Tab stops {direction}")


def _rounds(journey) -> dict:
    rounds = journey.notes.get("tab_rounds")
    assert rounds, "a step like 'Maya tabs once around the console ...' must come first"
    return rounds


@then("every control on the way has a name and shows where the focus is")
def every_stop_named_and_visible(journey):
    """Checks every Tab stop of both rounds: the control has a name a screen reader can read, and a visible focus
    indicator (an outline or a shadow) is drawn around it."""
    stops = _rounds(journey)["forwards"] + _rounds(journey)["backwards"]
    unnamed = [str(s) for s in stops if not s.name]
    hidden = [str(s) for s in stops if not s.shows_focus]
    assert not unnamed and not hidden, f"without a name: {unnamed or 'none'}; no visible focus: {hidden or 'none'}"


@then(parsers.re(r'the focus enters the "(?P<frame>[^"]+)" frame once and leaves it again$'))
def focus_enters_frame_once(frame, journey):
    """Checks, in both directions, that the Tab stops inside the frame with that title (e.g. "Softphone") come
    one after another (the focus goes in once and comes out once, it does not bounce in and out), that there is
    at least one, and that the focus comes out again (it is not trapped in the frame)."""
    for direction, stops in _rounds(journey).items():
        inside = [i for i, stop in enumerate(stops) if stop.frame == frame]
        assert inside, f"{direction}: the focus never entered the {frame} frame: " + " -> ".join(map(str, stops))
        assert inside == list(range(inside[0], inside[-1] + 1)), \
            f"{direction}: the focus went in and out of the {frame} frame: " + " -> ".join(map(str, stops))


@then(parsers.re(r'in the "(?P<frame>[^"]+)" frame the focus reaches "(?P<first>[^"]+)" before "(?P<second>[^"]+)"$'))
def focus_order_in_frame(frame, first, second, journey):
    """Checks that, tabbing forwards, the control named first (e.g. "Answer") comes before the one named second
    (e.g. "Reject") inside the frame with that title, and that both are reached."""
    names = [stop.name for stop in _rounds(journey)["forwards"] if stop.frame == frame]
    assert first in names and second in names, f"the {frame} frame's Tab stops are {names}"
    assert names.index(first) < names.index(second), f"{second!r} comes before {first!r}: {names}"


@then("backwards the focus visits the same controls in reverse order")
def backwards_is_reverse(journey):
    """Checks that Shift+Tab visits exactly the controls Tab visited, each once, in the opposite order (starting
    from and returning to the search box), so moving back out of the softphone lands where the agent came from."""
    forwards, backwards = _rounds(journey)["forwards"], _rounds(journey)["backwards"]
    assert len({(s.frame, s.position) for s in forwards}) == len(forwards), \
        "a control was visited twice: " + " -> ".join(map(str, forwards))
    assert [str(s) for s in backwards[1:]] == [str(s) for s in reversed(forwards[1:])], (
        "forwards:  " + " -> ".join(map(str, forwards)) + "\nbackwards: " + " -> ".join(map(str, backwards)))
