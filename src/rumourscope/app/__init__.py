"""``rumourscope app``: the lawyer's and the teacher's way in, in the browser, without code.

A Voilà page over ipywidgets (:mod:`.server` starts it) with six tabs: *Case* (open a case
folder, or build one through forms: :mod:`.case_page`, written by :mod:`.case_draft`),
*Evidence* (a timeline of the observations), *Run* (the estimate with progress and cancel),
*Exhibit* (a preview of the report and the whole output folder as one zip), *Teach* (the
virality explorer) and *Explore* (the scenario explorer of the open case).
"""

from .server import AppServer, start_server

__all__ = ["AppServer", "start_server"]
