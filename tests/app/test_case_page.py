"""The Case page's forms, driven as a browser would drive them (setting a widget's value fires
its observers; clicking a button runs its handlers): rosters and identities are added row by
row, a bad one is explained next to its field, and the page writes a valid partial case."""

from __future__ import annotations

from datetime import UTC, datetime

import rumourscope as rs
from rumourscope.app.case_page import CasePage
from rumourscope.app.state import AppState


def _fill(form, **values) -> None:
    for name, value in values.items():
        target = form.fields[name]
        (target.input if hasattr(target, "input") else target).value = value
    form.add.click()


def _files(*files: tuple[str, bytes]) -> tuple[dict, ...]:
    """Files as the upload widget holds them once the browser has sent them."""
    return tuple({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                  "last_modified": datetime(2024, 5, 20, tzinfo=UTC)} for name, data in files)


def test_a_screenshot_kind_case_is_built_through_the_forms(tmp_path):
    page = CasePage(AppState(workdir=tmp_path))
    f = page.case_fields
    for name, value in {"title": "Chen v. Sun (fictional)", "compiled_by": "R. Osei",
                        "poster": "wxid_sun", "poster_name": "孙磊",
                        "poster_jurisdiction": "Ontario", "post_group": "s01",
                        "post_time": "2024-05-10 20:30", "deletion_time": "2024-05-11 09:00",
                        "jurisdictions": "Ontario", "population": "7000",
                        "network_seed": "1"}.items():
        f[name].input.value = value
    page.upload.value = _files(("x.png", b"x"))
    assert "say what the files show" in page.evidence_status.value  # and nothing is taken
    assert not page.draft.evidence
    page.evidence_description.input.value = "group-info screen and chat export"
    page.evidence_obtained.input.value = "sent to counsel by a member"
    page.upload.value = _files(("info.png", b"png"), ("export.txt", b"chat"))
    _fill(page.groups, group="s01", name="Parents", jurisdiction="Ontario",
          source="evidence/info.png")
    _fill(page.groups, group="s03", source="evidence/export.txt")
    _fill(page.observations, time="2024-05-10 20:45", kind="members", count="3", bound="exact",
          group="s01", source="evidence/info.png")
    _fill(page.observations, time="2024-05-11 22:00", timezone="Asia/Shanghai",
          kind="members", count="250", bound="about", tolerance="0.1", group="s03",
          source="evidence/export.txt")
    _fill(page.observations, time="2024-05-11 22:00", timezone="Asia/Shanghai",
          kind="in_group", count="", bound="exact", group="s03", source="evidence/export.txt")
    assert len(page.observations.rows) == 3, page.observations.status.value
    _fill(page.observations, time="2024-05-11 23:00", kind="members", count="40",
          bound="exact", group="", source="evidence/export.txt")
    said = page.observations.status.value
    assert "Group (if one): a members count must name its group" in said, said
    assert len(page.observations.rows) == 3
    # a reader fact names one of the named readers, entered first, and never the poster
    read = dict(time="2024-05-15 12:00", kind="reader", count="", bound="exact",
                source="evidence/export.txt")
    _fill(page.observations, user="", **read)
    assert "say who read it" in page.observations.status.value
    for user, said in (("wxid_helen", "add this person under Named readers first"),
                       ("wxid_sun", "that is the poster")):
        _fill(page.observations, user=user, **read)
        assert len(page.observations.rows) == 3
        assert said in page.observations.fields["user"].message.value
    _fill(page.readers, user="wxid_helen", name="Helen Wu", jurisdiction="Ontario",
          communities="knows the plaintiff")
    _fill(page.observations, user="WXID_Helen", **read)
    assert len(page.observations.rows) == 4, page.observations.status.value
    for group, name in (("s01", "孙先生"), ("s01", "Kevin Z"), ("s03", "Kevin Zhang")):
        _fill(page.rosters, group=group, name=name, source="evidence/export.txt")
    assert len(page.rosters.rows) == 3, page.rosters.status.value
    # a fourth name in s01 (3 members, the poster among them once identified) is one too many
    _fill(page.rosters, group="s01", name="老何", source="evidence/export.txt")
    assert len(page.rosters.rows) == 3
    said = page.rosters.status.value
    assert "group &#x27;s01&#x27; has 4 known members" in said, said
    assert "the observations row 1 states exactly 3 members" in said, said
    identity = {"person": "Kevin Zhang", "asserted_by": "Dr Chen", "method": "same avatar",
                "source": "evidence/export.txt"}
    _fill(page.identities, group="s03", name="Nobody", **identity)
    assert not page.identities.rows
    said = page.identities.fields["name"].message.value
    assert "not a name listed for this group in the rosters" in said
    assert ".csv" not in said
    _fill(page.identities, group="s03", name="Kevin Zhang", **identity)
    _fill(page.identities, group="s01", name="Kevin Z", **identity)
    _fill(page.identities, group="s01", name="孙先生", person="wxid_sun", asserted_by="Mr He",
          method="WeChat ID shown", source="evidence/export.txt")
    assert len(page.identities.rows) == 3, page.identities.status.value
    # one sighting said to be two people
    _fill(page.identities, group="s03", name="Kevin Zhang", **{**identity, "person": "Other"})
    assert "one sighting is one person" in page.identities.fields["person"].message.value
    # removing a roster name an identity names says so at once
    page.rosters.remove.click()
    said = page.rosters.status.value
    assert "the identities, row 1: not a name listed for this group in the rosters" in said
    _fill(page.rosters, group="s03", name="Kevin Zhang", source="evidence/export.txt")
    assert len(page.rosters.rows) == 3
    _fill(page.readers, user="contact_1", name="Helen", jurisdiction="Ontario",
          communities="knows the plaintiff")
    page.world.fields["key"].value = "known_group_overlap"
    page.world.fields["value"].input.value = "1.5"
    assert "probability" in page.world.fields["value"].message.value
    _fill(page.world, key="known_group_overlap", value="0.05", source="assumption: one suburb")
    assert len(page.world.rows) == 1
    page.target.input.value = "chen-v-sun"
    # a world too small for the groups: the loader's answer shows next to the field too
    f["population"].input.value = "300"
    page.create.click()
    said = f["population"].message.value
    assert "population must be at least" in said, page.create_status.value
    assert not (tmp_path / "chen-v-sun").exists()
    f["population"].input.value = "7000"
    page.drawer.value = "lazy"
    page.create.click()
    assert "Opened" in page.open_status.value, page.create_status.value
    case = rs.load_case(tmp_path / "chen-v-sun", key_file=tmp_path / "k.key")
    assert case.known.rosters.shape[0] == 3
    assert case.known.identities.shape[0] == 3
    assert case.world.known_group_overlap == 0.05
    assert case.world.population == 7000
    assert case.network.drawn.lazy


def test_the_whole_bundled_screenshot_case_can_be_typed_into_the_page(tmp_path):
    """Every row and setting of sample_data/screenshot_case goes in through the widgets, one
    evidence file at a time with its own description, and the folder loads as the bundled."""
    from .test_draft_screenshot import SOURCE, assert_same_case, screenshot_draft

    want = screenshot_draft()
    page = CasePage(AppState(workdir=tmp_path))
    for name, field in page.case_fields.items():
        field.input.value = getattr(want, name)
    page.scope.value = want.deletion_scope
    for item in want.evidence.values():
        page.evidence_description.input.value = item.description
        page.evidence_obtained.input.value = item.obtained
        page.upload.value = _files((item.path.removeprefix("evidence/"), item.data))
    assert list(page.draft.evidence) == list(want.evidence)
    # the named readers go in before the observations: a reader fact names one of them
    for form, rows in ((page.groups, want.groups), (page.readers, want.readers),
                       (page.observations, want.observations), (page.rosters, want.rosters),
                       (page.identities, want.identities)):
        for row in rows:
            _fill(form, **{k: v for k, v in row.items() if k in form.fields})
        assert len(form.rows) == len(rows), form.status.value
    for key, item in want.world.items():
        _fill(page.world, key=key, **item)
    for table, record in want.provenance.items():
        method, sources = page.provenance[table]
        method.input.value = record["method"]
        sources.value = tuple(record["sources"])
    page.target.input.value = "chen-v-sun"
    page.create.click()
    assert "Opened" in page.open_status.value, page.create_status.value
    key = tmp_path / "k.key"
    made = rs.load_case(tmp_path / "chen-v-sun", key_file=key, show_names=True)
    assert_same_case(made, rs.load_case(SOURCE, key_file=key, show_names=True))
