"""``rumourscope app`` in a real browser: a lawyer builds a case through the forms, runs it and
downloads the exhibit; a teacher moves sliders. Every request the page makes must go to the
app's own server, and each page is saved under build/screenshots/."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import re
import urllib.request
import zipfile
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import rumourscope as rs
from rumourscope.app import start_server

from .conftest import save_screenshot

pytestmark = pytest.mark.browser

EVIDENCE = {
    "group-info-s01.png": b"\x89PNG\r\n\x1a\n fictional group-info screen \x00\xff",
    "chat export.txt": "2024-05-10 20:31 孙先生: the clinic re-uses needles\n".encode(),
    "affidavit.txt": b"Kevin Zhang, my patient, told me he saw it in both groups.\n",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    server = start_server(workdir=tmp_path_factory.mktemp("app-work"))
    yield server
    server.stop()


@pytest.fixture
def page(browser, app):
    """The app's page, recording every request it makes; fails if one leaves the server."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(app.url)
    page.get_by_role("tab", name="Teach").wait_for(timeout=60_000)
    yield page
    own = urlsplit(app.url).netloc
    # data: URLs are in the page itself, blob: URLs are made by it (the inner URL is its origin)
    elsewhere = [u for u in requests if not u.startswith("data:")
                 and urlsplit(u.removeprefix("blob:")).netloc != own]
    assert not elsewhere, f"the page asked other hosts: {elsewhere}"
    assert requests
    page.close()


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def fill(page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).select_option(label=option)


FIGURE_WIDTHS = (
    "() => [...document.querySelectorAll('.js-plotly-plot')]"
    ".filter(e => e.offsetParent !== null)"
    ".map(e => [e.querySelector('.main-svg').getBoundingClientRect().width,"
    " e.parentNode.getBoundingClientRect().width])"
)


def wait_for_full_width(page) -> None:
    """Every shown figure settles at (nearly) its container's full width."""
    try:
        page.wait_for_function(
            f"() => {{ const w = ({FIGURE_WIDTHS})(); "
            "return w.length > 0 && w.every(([drawn, room]) => drawn >= 0.95 * room); }",
            timeout=5_000,
        )
    except PlaywrightTimeout:  # say what the widths were
        widths = page.evaluate(FIGURE_WIDTHS)
        raise AssertionError(f"figures narrower than their room: {widths}") from None


def test_the_server_wants_its_token_and_listens_on_loopback_only(app):
    parts = urlsplit(app.url)
    assert parts.hostname == "127.0.0.1"
    assert re.fullmatch(r"token=[\w-]{20,}", parts.query)
    for path in ("/", "/api/kernels", "/voila/render/app.ipynb"):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request("GET", path)
        answer = connection.getresponse()
        # without the token: sent to the login page, shown nothing
        assert answer.status == 302, path
        assert "login" in answer.getheader("Location"), path
        connection.close()
    with urllib.request.urlopen(app.url, timeout=30) as answer:
        assert answer.status == 200


def test_teacher_sliders_keep_numbers_and_figure_in_step_at_full_width(page):
    tab(page, "Teach")
    figure = page.locator(".js-plotly-plot:visible")
    figure.wait_for(timeout=60_000)
    readout = page.locator("td:text-is('P(≥ 500 reposts)') + td")
    before = readout.inner_text()
    page.locator(".widget-slider:visible .noUi-handle").nth(2).focus()  # repost probability
    page.keyboard.press("ArrowRight")  # one step: one update (two could land one by one)
    page.wait_for_function(
        "([old]) => { const c = [...document.querySelectorAll('td')].find("
        "t => t.textContent === 'P(≥ 500 reposts)'); return c && c.nextSibling.textContent !== old"
        "}", arg=[before], timeout=10_000,
    )  # fmt: skip
    after = readout.inner_text()
    # the figure states the same chance as the readout once it is redrawn
    figure.locator(f"text=/P\\(≥ 500 reposts\\) = {re.escape(after)}/").wait_for(timeout=10_000)
    assert after != before
    wait_for_full_width(page)
    assert readout.inner_text() == after  # and the readout did not move on meanwhile
    save_screenshot(page, "app-teach")


def exhibit(page, form: int, source: str) -> None:
    """Choose the exhibit of the form-th row form (groups, observations, rosters, identities)."""
    page.locator(".widget-dropdown:has(label:text-is('From exhibit')) select").nth(form) \
        .select_option(source)  # fmt: skip


def test_lawyer_builds_a_screenshot_case_runs_it_and_downloads_the_exhibit(page, app, tmp_path):
    """The screenshot-level case of the bundled kind, smaller: group sizes from a group-info
    screen and a chat export, display names, one person identified across two groups."""
    tab(page, "Case")
    fill(page, "Title", "Chen v. Sun: a post about a dental clinic (fictional)")
    fill(page, "Entered by", "R. Osei, law clerk")
    fill(page, "What it shows", "Group-info screen of s01, Mr He's chat export, the affidavit")
    fill(page, "Obtained (who, when, how)", "Sent to counsel by the plaintiff, 2024-05-12")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Add evidence files").click()
    chooser.value.set_files([
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
        for name, data in EVIDENCE.items()
    ])  # fmt: skip
    page.get_by_role("cell", name="evidence/chat export.txt").wait_for()
    fill(page, "Poster's WeChat ID", "wxid_sunlei_88")
    fill(page, "Poster's name", "孙磊")
    fill(page, "Poster lives in", "Ontario")
    fill(page, "Posted in group", "s01")
    # a bad value is explained next to its field as it is typed, in plain words
    fill(page, "Posted at", "2024-13-45 25:00")
    page.get_by_text("is not a date and time; write it as 2024-03-15 21:10").wait_for()
    fill(page, "Posted at", "2024-05-10 20:30")
    page.get_by_text("is not a date and time").wait_for(state="detached")
    fill(page, "Deleted at (if it was)", "2024-05-11 09:00")
    for group, source in (("s01", "evidence/group-info-s01.png"),
                          ("s02", "evidence/chat export.txt")):
        fill(page, "Group ID", group)
        exhibit(page, 0, source)
        page.get_by_role("button", name="Add group").click()
        page.get_by_role("cell", name=group, exact=True).wait_for()
    # group sizes: 群聊(40) on the group-info screen, "about 30" from the chat export
    fill(page, "Observed at", "2024-05-10 20:45")
    choose(page, "What was counted", "members of a group (group size)")
    fill(page, "Count", "900")
    page.get_by_text("a WeChat group holds at most 500 members, not 900").wait_for()
    fill(page, "Count", "40")
    choose(page, "Group (if one)", "s01")
    exhibit(page, 1, "evidence/group-info-s01.png")
    page.get_by_role("button", name="Add observation").click()
    page.get_by_role("cell", name="members", exact=True).wait_for()
    fill(page, "Observed at", "2024-05-11 22:00")
    fill(page, "Its time zone", "Asia/Shanghai")
    fill(page, "Count", "30")
    choose(page, "The count is", "about")
    fill(page, "Within (for “about”)", "0.1")
    choose(page, "Group (if one)", "s02")
    exhibit(page, 1, "evidence/chat export.txt")
    page.get_by_role("button", name="Add observation").click()
    page.get_by_role("cell", name="Asia/Shanghai", exact=True).wait_for()
    # display names seen in the chat export; a name twice in one group is refused by the
    # loader's own check, next to the name
    for group, name in (("s01", "孙先生"), ("s01", "Kevin Z"), ("s01", "Kevin Z"),
                        ("s02", "Kevin Zhang")):
        choose(page, "Roster of group", group)
        fill(page, "Name as shown", name)
        exhibit(page, 2, "evidence/chat export.txt")
        page.get_by_role("button", name="Add name to the roster").click()
        if (group, name) == ("s01", "Kevin Z") and page.get_by_role(
                "cell", name="Kevin Z", exact=True).count():
            page.get_by_text("this name is listed twice for this group").wait_for()
            continue
        page.get_by_role("cell", name=name, exact=True).first.wait_for()
    assert page.get_by_role("cell", name="Kevin Z", exact=True).count() == 1
    # "the same person as ...": a name no roster of that group lists is refused, next to it
    choose(page, "Seen in group", "s02")
    fill(page, "Under the name", "Kevin")
    fill(page, "Is the person", "Kevin Zhang")
    fill(page, "Asserted by", "Dr Chen (plaintiff)")
    fill(page, "How they matched", "same avatar and phone number; he is her patient")
    exhibit(page, 3, "evidence/affidavit.txt")
    page.get_by_role("button", name="Add identity").click()
    page.get_by_text("not a name listed for this group in the rosters").wait_for()
    page.get_by_text("Rosters (display names seen").scroll_into_view_if_needed()
    save_screenshot(page, "app-case-rosters")
    fill(page, "Under the name", "Kevin Zhang")
    page.get_by_text("not a name listed for this group").wait_for(state="detached")
    page.get_by_role("button", name="Add identity").click()
    page.get_by_role("cell", name="Dr Chen (plaintiff)").wait_for()
    choose(page, "Seen in group", "s01")
    fill(page, "Under the name", "Kevin Z")
    fill(page, "Is the person", "Kevin Zhang")
    fill(page, "Asserted by", "Dr Chen (plaintiff)")
    fill(page, "How they matched", "same avatar and phone number; he is her patient")
    page.get_by_role("button", name="Add identity").click()
    page.get_by_role("cell", name="Dr Chen (plaintiff)").nth(1).wait_for()
    fill(page, "WeChat ID or label", "contact_toronto_1")
    fill(page, "Display name", "<b>Helen</b> =HYPERLINK(\"x\")")
    fill(page, "Lives in", "Ontario")
    page.get_by_role("button", name="Add reader").click()
    page.get_by_text('<b>Helen</b> =HYPERLINK("x")').wait_for()  # shown as text, not markup
    fill(page, "Places of interest", "Ontario")
    # a world of 8,000 people and 3 drawn networks, so the runs are quick
    fill(page, "Community size (people)", "8000")
    fill(page, "Source of that number", "assumption for this test")
    fill(page, "Networks to draw", "3")
    fill(page, "How the rosters were compiled", "display names typed as shown in the export")
    fill(page, "New folder name", "chen-v-sun")
    page.get_by_label("Title", exact=True).scroll_into_view_if_needed()
    page.mouse.wheel(0, -2000)
    save_screenshot(page, "app-case")
    page.get_by_role("button", name="Create the case folder").click()
    page.get_by_text("Opened “Chen v. Sun").wait_for(timeout=60_000)

    folder = app.workdir / "chen-v-sun"
    case = rs.load_case(folder, key_file=tmp_path / "k.key")  # what `rumourscope validate` does
    assert case.title.startswith("Chen v. Sun")
    assert case.network_drawn
    assert case.known.rosters.shape[0] == 3
    assert case.known.identities["person"].nunique() == 1
    assert case.known.groups.loc["s01", "size_low"] == 40
    assert case.network.n_networks == 3
    hashes = dict(zip(case.manifest["file"], case.manifest["sha256"], strict=True))
    for name, data in EVIDENCE.items():
        assert (folder / "evidence" / name).read_bytes() == data
        assert hashes[f"evidence/{name}"] == hashlib.sha256(data).hexdigest()

    tab(page, "Evidence")
    page.locator(".js-plotly-plot:visible").wait_for(timeout=30_000)
    save_screenshot(page, "app-evidence")

    tab(page, "Run")
    fill(page, "Simulated runs", "30")
    fill(page, "Runs per scenario", "5")
    seed = page.get_by_label("Seed (write it down)", exact=True).input_value()
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator(".progress:visible, .widget-progress:visible").first.wait_for(timeout=5_000)
    page.get_by_text(f"Done: 30 runs, seed {seed}").wait_for(timeout=240_000)
    save_screenshot(page, "app-run")
    # the same run again would write over the exhibit: refused
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("already exists and is never written over").wait_for()

    tab(page, "Exhibit")
    preview = page.frame_locator("iframe.rs-preview")
    preview.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    save_screenshot(page, "app-exhibit")
    with page.expect_download() as download:
        page.locator("a.rs-download").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    names = archive.namelist()
    top = names[0].split("/")[0]
    manifest = json.loads(archive.read(f"{top}/manifest.json"))
    assert manifest["seed"] == int(seed)
    assert {o["path"] for o in manifest["outputs"]} >= {"report.html", "tables.xlsx"}
    for output in manifest["outputs"]:
        data = archive.read(f"{top}/{output['path']}")
        assert hashlib.sha256(data).hexdigest() == output["sha256"], output["path"]

    tab(page, "Explore")
    page.locator(".js-plotly-plot:visible .main-svg").first.wait_for(timeout=120_000)
    # the two-panel chart fills its tab, not plotly's default 700 pixels
    wait_for_full_width(page)
    (drawn, room), = page.evaluate(FIGURE_WIDTHS)
    assert room > 1000
    assert drawn >= 0.95 * room, (drawn, room)
    save_screenshot(page, "app-explore")


def test_evidence_over_the_limit_is_refused_before_it_is_sent(page):
    # a 12 MB file is over the web server's default message cap (10 MB) and within the app's
    # limit (25 MB): it must arrive; a 26 MB file is refused by the page, with the reason
    tab(page, "Case")
    fill(page, "What it shows", "A long chat export")
    fill(page, "Obtained (who, when, how)", "Sent to counsel by a member")
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))

    def add(name: str, size: int) -> None:
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Add evidence files").click()
        chooser.value.set_files([{"name": name, "mimeType": "text/plain",
                                  "buffer": b"x" * size}])

    add("export 12 MB.txt", 12 * 2**20)
    page.get_by_role("cell", name="evidence/export 12 MB.txt").wait_for(timeout=60_000)
    add("video.txt", 26 * 2**20)
    page.wait_for_function("() => true")  # let the page's check run
    page.wait_for_timeout(500)
    assert alerts == ["'video.txt' is 26.0 MB; the app takes evidence files of up to 25 MB "
                      "(add larger ones to the case folder by hand)"]
    assert page.get_by_role("cell", name="evidence/video.txt").count() == 0
