"""Key notifications (report pp.14, 34-37): a Contact for a child CSC does not know, else flags.

The table of which event raises or releases which flag is ``hub.domain.child.flag_rules``.
- A key notification for a child not known to CSC creates a Contact (the child becomes
  CONTACT). For a known child (a CSC record, or an earlier hub Contact) it raises its flags.
- A flag already up is not raised again; its refs and expiry are merged into the active one.
- A release removes its ref and clears the flag with the last ref (at once when it has none).
- A flag whose expiry date is before the child's next event is cleared as EXPIRED.
"""

from __future__ import annotations

from datetime import date

from hub.domain.child.context import Context, Outputs
from hub.domain.child.disclosure import Shared
from hub.domain.child.flag_rules import FLAG_SUMMARY, Raise, Release, notice_of
from hub.domain.child.state import ActiveFlag, ChildState, ContactMade
from hub.domain.child.timeline import summarise
from hub.domain.event_facts import envelope_of, event_date
from hub.domain.events import Event
from hub.domain.outputs.base import output_id
from hub.domain.outputs.codes import FlagClearReason
from hub.domain.outputs.contacts import ContactRecordCreated, FlagCleared, FlagRaised

Result = tuple[ChildState, Outputs]


def creates_contact(before: ChildState, event: Event) -> bool:
    return notice_of(event).contact is not None and not before.known_to_csc


def on_event(state: ChildState, shared: Shared, ctx: Context) -> Result:
    event, notice = shared.event, notice_of(shared.event)
    outputs: Outputs = ()
    if creates_contact(state, event):
        return _contact(state, event, ctx)
    for release in notice.releases:
        state, outputs = _then(_release(state, release, event, ctx), outputs)
    for wanted in notice.raises if state.known_to_csc else ():
        state, outputs = _then(_raise(state, wanted, event, ctx), outputs)
    return state, outputs


def expire(state: ChildState, shared: Shared, ctx: Context) -> Result:
    """Clear the flags whose expiry date is before this event's date."""
    on, event_id = event_date(shared.event), envelope_of(shared.event).event_id
    expired = [f for f in state.flags if f.expires_on is not None and f.expires_on < on]
    cleared = tuple(
        _cleared(f, ctx, FlagClearReason.EXPIRED, event_id, f.expires_on or on) for f in expired
    )
    return state.evolve(flags=tuple(f for f in state.flags if f not in expired)), cleared


def _then(result: Result, outputs: Outputs) -> Result:
    return result[0], outputs + result[1]


def _contact(state: ChildState, event: Event, ctx: Context) -> Result:
    """A Contact. Its id is the notification's, and after an identity review (which withdraws
    the contacts made before it) the review's too: a contact made again is a new one."""
    envelope = envelope_of(event)
    since_reset = (state.reset_id,) if state.reset_id else ()
    contact = ContactRecordCreated(
        contact_id=output_id("contact", envelope.event_id, *since_reset), child_key=ctx.child_key,
        contact_type=notice_of(event).contact, source_system=envelope.source_system,
        source_event_id=envelope.event_id, contact_date=event_date(event),
        summary=summarise(event), consent=envelope.consent,
    )
    made = ContactMade(contact_id=contact.contact_id, contact_type=contact.contact_type,
                       source_event_id=envelope.event_id)
    return state.evolve(known_to_csc=True, contact_open=True, contact=made), (contact,)


def _raise(state: ChildState, wanted: Raise, event: Event, ctx: Context) -> Result:
    on, envelope = event_date(event), envelope_of(event)
    if wanted.expires_on is not None and wanted.expires_on < on:
        return state, ()  # reported after it was over: only the timeline shows it
    refs = (wanted.ref,) if wanted.ref else ()
    if (current := state.flag(wanted.flag)) is not None:
        return _replace(state, _merge(current, refs, wanted.expires_on)), ()
    since_reset = (state.reset_id,) if state.reset_id else ()  # a cleared id stays cleared
    flag_id = output_id("flag", ctx.child_key, wanted.flag, envelope.event_id, *since_reset)
    while flag_id in state.superseded_flags:  # cleared for good: raised again, as a new flag
        flag_id = output_id("flag raised again", flag_id)
    raised = FlagRaised(
        flag_id=flag_id, child_key=ctx.child_key, flag=wanted.flag,
        raised_by_event_id=envelope.event_id, source_system=envelope.source_system,
        raised_on=on, expires_on=wanted.expires_on, summary=FLAG_SUMMARY[wanted.flag],
        consent=envelope.consent,
    )
    active = ActiveFlag(flag=wanted.flag, flag_id=flag_id, raised_by_event_id=envelope.event_id,
                        refs=refs, expires_on=wanted.expires_on)
    return state.evolve(flags=(*state.flags, active)), (raised,)


def _release(state: ChildState, release: Release, event: Event, ctx: Context) -> Result:
    current = state.flag(release.flag)
    if current is None or (release.ref and current.refs and release.ref not in current.refs):
        return state, ()
    left = tuple(r for r in current.refs if r != release.ref) if release.ref else ()
    if left:
        return _replace(state, current.model_copy(update={"refs": left})), ()
    event_id, on = envelope_of(event).event_id, event_date(event)
    cleared = _cleared(current, ctx, FlagClearReason.RESOLVED, event_id, on)
    return state.evolve(flags=tuple(f for f in state.flags if f is not current)), (cleared,)


def _merge(flag: ActiveFlag, refs: tuple[str, ...], expires_on: date | None) -> ActiveFlag:
    """A flag with no expiry outlasts any; otherwise the later expiry wins."""
    lasting = flag.expires_on is None or expires_on is None
    until = None if lasting else max(flag.expires_on, expires_on)  # type: ignore[type-var]
    merged = tuple(dict.fromkeys((*flag.refs, *refs)))
    return flag.model_copy(update={"refs": merged, "expires_on": until})


def _cleared(
    flag: ActiveFlag, ctx: Context, reason: FlagClearReason, event_id: str, on: date
) -> FlagCleared:
    return FlagCleared(flag_id=flag.flag_id, child_key=ctx.child_key, flag=flag.flag,
                       reason=reason, cleared_by_event_id=event_id, cleared_on=on)


def _replace(state: ChildState, flag: ActiveFlag) -> ChildState:
    return state.evolve(flags=tuple(flag if f.flag is flag.flag else f for f in state.flags))
