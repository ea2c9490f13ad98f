"""The legal rules an exhibit about spread answers to, by jurisdiction, as data.

Each rule says where it applies, whether it is criminal or civil, what must be proved and what
counts, with its citation and the date that citation was checked. Only one (PRC criminal law)
has a number; the others make the extent of publication a matter of evidence and weight. A case
declares which rules are relevant (``[law] rules`` in ``case.toml``): a modelled chance of
crossing a numeric threshold is reported only for those, so an exhibit never shows a criminal
threshold the case did not ask about.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .thresholds import PRC_2013_REPOSTS, PRC_2013_VIEWS, LegalCharacter, Threshold

__all__ = ["RULES", "LegalRule", "rule", "rules_table"]

_CHECKED = "2026-12-02"


@dataclass(frozen=True)
class LegalRule:
    """One jurisdiction's rule on the extent of publication.

    Parameters
    ----------
    key : str
        How ``case.toml`` names it, e.g. ``"prc-criminal"``.
    jurisdiction : str
    legal_character : LegalCharacter
    must_prove : str
        What a party must prove under it, in plain words.
    what_counts : str
        What the spread contributes: the count it is about, or what the court weighs.
    citation : str
    checked : str
        ISO date the citation was last checked against a source.
    thresholds : tuple of Threshold, default=()
        Its numeric thresholds (most rules have none).

    Examples
    --------
    >>> [t.count for t in rule("prc-criminal").thresholds]
    [5000, 500]
    >>> rule("ontario").thresholds
    ()
    """

    key: str
    jurisdiction: str
    legal_character: LegalCharacter
    must_prove: str
    what_counts: str
    citation: str
    checked: str = _CHECKED
    thresholds: tuple[Threshold, ...] = ()


RULES: tuple[LegalRule, ...] = (
    LegalRule(
        "prc-criminal", "PRC", LegalCharacter.CRIMINAL,
        "That the defamation was serious: among other triggers, the same defamatory "
        "information was actually clicked or viewed 5,000 times or more, or forwarded 500 "
        "times or more (posts repeated within a year and not dealt with count together).",
        "Actual counts of clicks/views or forwards of the same information. A modelled "
        "estimate is a probability about the model, never an actual count; a group chat "
        "shows no view counter, so the views limb is rarely provable.",
        "SPC/SPP Interpretation on the Application of Law in Handling Criminal Cases of Using "
        "Information Networks to Commit Defamation (2013), Art. 2",
        thresholds=(PRC_2013_VIEWS, PRC_2013_REPOSTS)),
    LegalRule(
        "prc-civil", "PRC", LegalCharacter.CIVIL,
        "Infringement of the right of reputation; no numeric threshold.",
        "Damages for mental distress weigh fault, the purpose, means, place and manner, the "
        "consequences, the defendant's profit and means, and local living standards: the "
        "extent of the spread goes to consequences.",
        "Civil Code of the PRC, arts. 1024 and 1183"),
    LegalRule(
        "ontario", "Ontario, Canada", LegalCharacter.CIVIL,
        "Publication to at least one person other than the plaintiff; damage is presumed. "
        "One reader in Ontario suffices for publication there.",
        "The mode and extent of publication, and the grapevine effect, go to damages (Hill v "
        "Church of Scientology factors); readers in Ontario found its jurisdiction, though a "
        "court may still send the case to a clearly more appropriate forum (Haaretz.com v "
        "Goldhar, 2018 SCC 28). A court needs evidence of how the platform "
        "works before inferring an audience (Kaur v Virk, 2022 ONSC 6697).",
        "Hill v Church of Scientology of Toronto, [1995] 2 SCR 1130; Haaretz.com v Goldhar, "
        "2018 SCC 28; Kaur v Virk, 2022 ONSC 6697"),
    LegalRule(
        "england-wales", "England and Wales", LegalCharacter.CIVIL,
        "Serious harm to reputation, caused or likely, proved as a fact (Defamation Act 2013, "
        "s. 1).",
        "Serious harm is often inferred from the scale of publication, readers who know the "
        "claimant and likely percolation; reader estimates without platform data are attacked "
        "as guesses.",
        "Defamation Act 2013, s. 1; Lachaux v Independent Print Ltd [2019] UKSC 27"),
    LegalRule(
        "australia", "Australia (NSW and uniform states)", LegalCharacter.CIVIL,
        "The serious harm element: the publication has caused, or is likely to cause, serious "
        "harm to reputation (since 1 July 2021).",
        "Courts weigh the extent of publication, the recipients and their relationship with "
        "the plaintiff, and evidence of a grapevine effect.",
        "Defamation Act 2005 (NSW), s. 10A, inserted by the Defamation Amendment Act 2020"),
)
"""The built-in rules; a case declares which are relevant and may add its own thresholds."""


def rule(key: str) -> LegalRule:
    """The built-in rule named ``key`` (case-insensitive).

    Raises
    ------
    KeyError
        No rule has that key.
    """
    for r in RULES:
        if r.key == key.strip().lower():
            return r
    raise KeyError(key)


def rules_table(relevant: tuple[str, ...]) -> pd.DataFrame:
    """Every built-in rule as a table, with whether the case declared it relevant."""
    rows = [(r.jurisdiction, str(r.legal_character), r.must_prove, r.what_counts, r.citation,
             r.checked, "yes" if r.key in relevant else "no", r.key) for r in RULES]
    return pd.DataFrame(rows, columns=["jurisdiction", "legal_character", "must_prove",
                                       "what_counts", "citation", "checked", "relevant", "key"])
