"""French labels of the audit journal: what each action, object type and detail key means to an inspector.

`core` knows no app, so each app that writes audit entries declares its own, in its AppConfig.ready():

    register_actions({"member.create": _("Adhérent créé"), …}, group=self.verbose_name)
    register_object_types(["members.member", "members.site"])          # the model's verbose_name
    register_object_types({"members.member": _("Adhérent")})            # or an explicit label
    register_detail_labels({"effective_date": _("Date d'effet")})      # before/after keys that are no model field

The members app also registers how a typed member name or SIREN becomes member ids (`register_member_lookup`), so
that the journal is searched by member without core importing members. A house-rule test fails when the code writes
an action that has no label here.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mutualis.core.collation import french_key

# The journal's own action: an export for an inspection is itself recorded.
EXPORT_ACTION = "audit_log.export"
EXPORT_OBJECT_TYPE = "core.auditentry"

# code → (label, group label); module-level so that a test may swap one for a copy.
_actions: dict[str, tuple[Any, Any]] = {EXPORT_ACTION: (_("Journal d'audit exporté"), _("Journal d'audit"))}
_object_types: dict[str, Any] = {EXPORT_OBJECT_TYPE: _("Journal d'audit")}
_detail_labels: dict[str, Any] = {}

MemberSearch = Callable[[Any, str], Mapping[int, str]]
MemberNames = Callable[[Any, Iterable[int]], Mapping[int, str]]
_member_lookup: list[tuple[MemberSearch, MemberNames]] = []


def register_actions(labels: Mapping[str, Any], *, group: Any = "") -> None:
    """Give French labels to audit actions (`"member.approved"` → « Adhésion approuvée »), shown under `group`
    (the app's name) in the journal's « Action » list."""
    for code, label in labels.items():
        _actions[code] = (label, group)


def register_object_types(types: Mapping[str, Any] | Iterable[str]) -> None:
    """Give French labels to object types: a mapping code → label, or model labels (`"members.site"`) whose
    verbose_name is the label."""
    if isinstance(types, Mapping):
        _object_types.update(types)
    else:
        for code in types:
            _object_types[code] = None  # resolved through the app registry when shown


def register_detail_labels(labels: Mapping[str, Any]) -> None:
    """Give French labels to before/after keys that are not a field of the object's model (`"effective_date"`)."""
    _detail_labels.update(labels)


def register_member_lookup(*, search: MemberSearch, names: MemberNames) -> None:
    """Set how the journal finds members (one per project): `search(user, text)` → {id: name} of the members whose
    name or SIREN matches, `names(user, ids)` → {id: name}; both see only what the user may see."""
    _member_lookup[:] = [(search, names)]


def registered_actions() -> dict[str, str]:
    """Every action with a French label, code → label."""
    return {code: str(label) for code, (label, _group) in _actions.items()}


def action_label(code: str) -> str:
    """The French label of an action, or its code when no app declared it."""
    known = _actions.get(code)
    return str(known[0]) if known else code


def model_for(object_type: str) -> Any:
    """The model an object type names (`"members.site"` → Site), or None (an object type that is no model)."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(code: str) -> str:
    """The French label of an object type: the registered one, else the model's verbose_name, else the code."""
    label = _object_types.get(code)
    if label:
        return str(label)
    model = model_for(code)
    return str(capfirst(model._meta.verbose_name)) if model is not None else code


def detail_label(key: str) -> str | None:
    """The French label registered for a before/after key, or None."""
    label = _detail_labels.get(key)
    return str(label) if label else None


def _sorted(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(pairs, key=lambda pair: french_key(pair[1]))


def action_choices(present: Iterable[str] = ()) -> list[tuple[str, Any]]:
    """Choices of the « Action » filter: the registered actions grouped by app, in French order, then the codes met in
    the journal that no app declared (kept, so that no entry is out of reach)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, (label, group) in _actions.items():
        groups.setdefault(str(group), []).append((code, str(label)))
    others = [(code, code) for code in sorted(set(present) - set(_actions))]
    choices: list[tuple[str, Any]] = [
        (group, _sorted(items)) for group, items in sorted(groups.items(), key=lambda item: french_key(item[0]))
    ]
    if others:
        choices.append((str(_("Autres")), others))
    return choices


def object_type_choices(present: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Choices of the « Type d'objet » filter: registered types and those met in the journal, in French order."""
    return _sorted((code, object_type_label(code)) for code in set(_object_types) | set(present))


def members_matching(user: Any, text: str) -> dict[int, str]:
    """The members whose name or SIREN matches the text, {id: name}, as the registered lookup finds them."""
    if not _member_lookup:
        raise RuntimeError("No member lookup registered: the members app registers it in its AppConfig.ready().")
    return dict(_member_lookup[0][0](user, text))


def member_names(user: Any, ids: Iterable[int]) -> dict[int, str]:
    """The names of the given members, {id: name}, as the registered lookup finds them."""
    if not _member_lookup:
        raise RuntimeError("No member lookup registered: the members app registers it in its AppConfig.ready().")
    return dict(_member_lookup[0][1](user, list(ids)))
