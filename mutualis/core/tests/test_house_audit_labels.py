"""The audit journal's French labels: every action the code writes has one, declared by the app that writes it."""

import ast
from pathlib import Path

import pytest

import mutualis
from mutualis.core import audit_labels
from mutualis.core.collation import french_key
from mutualis.members.choices import MEMBER_TRANSITIONS, MemberStatus

ROOT = Path(mutualis.__file__).parent
# Functions whose calls write an audit entry, and where their action is: a keyword, or a position (0-based).
AUDIT_WRITERS = {"audit_record": ("action", None), "_audit": ("action", 1), "update_audited": ("action", None)}


def _written_actions() -> tuple[set[str], set[str], list[str]]:
    """(literal actions, prefixes of f-string actions, call sites whose action is neither) in the code that runs."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    unknown: list[str] = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        forwarding = {  # functions whose own `action` parameter they pass on (the helpers above)
            id(node)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and "action" in {a.arg for a in node.args.args + node.args.kwonlyargs}
        }
        parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in AUDIT_WRITERS:
                continue
            keyword, position = AUDIT_WRITERS[name]
            value = next((k.value for k in node.keywords if k.arg == keyword), None)
            if value is None and position is not None and len(node.args) > position:
                value = node.args[position]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            branches = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
            if all(isinstance(b, ast.Constant) and isinstance(b.value, str) for b in branches):
                literals.update(b.value for b in branches)  # type: ignore[union-attr]
            elif isinstance(value, ast.JoinedStr) and isinstance(value.values[0], ast.Constant):
                prefixes.add(str(value.values[0].value))
            elif isinstance(value, ast.Name) and value.id == "action" and _inside(node, forwarding, parents):
                continue  # a helper passing on its caller's action, checked at the caller
            elif isinstance(value, ast.Attribute) and value.attr == "EXPORT_ACTION":
                literals.add(audit_labels.EXPORT_ACTION)
            else:
                unknown.append(where)
    return literals, prefixes, unknown


def _inside(node: ast.AST, functions: set[int], parents: dict[int, ast.AST]) -> bool:
    while id(node) in parents:
        node = parents[id(node)]
        if id(node) in functions:
            return True
    return False


# Actions built at run time, by their prefix: every value they can take.
DYNAMIC_ACTIONS = {"member.": {f"member.{status}" for targets in MEMBER_TRANSITIONS.values() for status in targets}}


def test_every_action_written_has_a_french_label():
    """House rule: every action the code records in the audit journal (a literal, or a member transition built
    from its target status) has a French label registered by its app in AppConfig.ready(); nothing writes an
    action the test cannot read."""
    literals, prefixes, unknown = _written_actions()
    assert unknown == [], "audit actions the test cannot read (use a literal): " + ", ".join(unknown)
    assert len(literals) > 40  # the code was read
    assert prefixes <= set(DYNAMIC_ACTIONS), (
        f"f-string actions with no expansion here: {prefixes - set(DYNAMIC_ACTIONS)}"
    )
    written = literals | {action for prefix in prefixes for action in DYNAMIC_ACTIONS[prefix]}
    labelled = audit_labels.registered_actions()
    missing = sorted(written - set(labelled))
    assert missing == [], "audit actions without a French label (register them in the app's apps.py): " + str(missing)
    assert all(labelled[action] != action for action in written)


def test_member_transitions_are_named_as_the_adhesion_steps():
    """A member's status change reads as the step it is: « Adhésion approuvée », « Adhésion refusée »."""
    assert audit_labels.action_label(f"member.{MemberStatus.APPROVED}") == "Adhésion approuvée"
    assert audit_labels.action_label(f"member.{MemberStatus.REJECTED}") == "Adhésion refusée"


def test_an_undeclared_action_or_type_shows_its_code_and_a_model_its_verbose_name():
    """Unknown codes are shown as they are (never hidden); a model's object type falls back to its verbose_name."""
    assert audit_labels.action_label("something.new") == "something.new"
    assert audit_labels.object_type_label("nothing.here") == "nothing.here"
    assert audit_labels.object_type_label("members.site") == "Site"
    assert audit_labels.object_type_label("purchasing.frameworkagreement") == "Accord-cadre"


def test_action_choices_are_grouped_by_app_in_french_order_with_the_codes_met():
    """The « Action » list groups actions under their app's name, in French order, and keeps the codes found in
    the journal that no app declared under « Autres »."""
    choices = dict(audit_labels.action_choices(["legacy.thing"]))
    members = choices["Adhérents"]
    labels = [label for _code, label in members]
    assert ("member.approved", "Adhésion approuvée") in members
    assert labels == sorted(labels, key=french_key)
    assert choices["Autres"] == [("legacy.thing", "legacy.thing")]
    assert ("audit_log.export", "Journal d'audit exporté") in choices["Journal d'audit"]
    groups = list(choices)
    assert groups[:-1] == sorted(groups[:-1], key=french_key) and groups[-1] == "Autres"


@pytest.mark.django_db
def test_member_lookup_finds_members_by_name_or_siren_for_staff_only(world):
    """The lookup the members app registers finds a member by (part of) its name or its SIREN, and finds nothing
    for a user who may not see that member."""
    member = world.member_a
    assert audit_labels.members_matching(world.staff, "versailles") == {member.pk: member.name}
    assert audit_labels.members_matching(world.staff, member.siren) == {member.pk: member.name}
    assert audit_labels.member_names(world.staff, [member.pk]) == {member.pk: member.name}
    assert audit_labels.members_matching(world.other_member, member.siren) == {}
