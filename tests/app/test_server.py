"""The app's server and page agree on how much evidence one upload may carry."""

from __future__ import annotations

import re

from rumourscope.app import server
from rumourscope.app.case_draft import MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES, MAX_UPLOAD_BYTES

TEMPLATE = server.HERE / "share" / "voila" / "templates" / "rumourscope" / "index.html.j2"


def test_the_page_checks_uploads_against_the_apps_own_limits():
    match = re.search(r"const FILE_MB = (\d+), CHOICE_MB = (\d+), MAX_FILES = (\d+)",
                      TEMPLATE.read_text(encoding="utf-8"))
    assert match, "the page's upload check is missing"
    file_mb, choice_mb, files = map(int, match.groups())
    assert file_mb * 2**20 == MAX_EVIDENCE_BYTES
    assert choice_mb * 2**20 == MAX_UPLOAD_BYTES
    assert files == MAX_EVIDENCE_FILES


def test_the_server_takes_the_largest_upload_the_page_sends():
    # one choice of files is one message; the web server's default cap (10 MB) is smaller
    assert MAX_EVIDENCE_BYTES <= MAX_UPLOAD_BYTES < server.MESSAGE_CAP
    assert server.MESSAGE_CAP > 10 * 2**20
