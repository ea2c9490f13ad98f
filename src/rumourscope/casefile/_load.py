"""Loading a case folder: read once, validate everything, hash, pseudonymise, build the network."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from ..errors import CaseDataError, NetworkError, ParameterError, Problem
from ..model import Post
from ..network.graph import GroupNetwork
from ..network.known import KnownNetwork
from ..network.world import WorldModel
from ..platform import WECHAT
from ._case import Case
from ._checks import (
    FULL_TABLES,
    check_complete,
    check_partial,
    check_world,
    is_complete,
    known_people,
)
from ._ids import check_duplicate_ids, normalise_user_ids
from ._keys import DEMO_KEY, Pseudonymiser, default_key_dir, read_or_create_key
from ._network_spec import DEFAULT_NETWORK_SEED
from ._partial import (
    IDENTITY_COLUMNS,
    ROSTER_COLUMNS,
    build_known,
    check_sizes,
    fixed_memberships,
    member_counts,
    no_sizes,
    provenance_table,
    stated_sizes,
)
from ._paths import normalise_path
from ._read import RawFile, find_table, read_raw, read_table, sha256_file
from ._spec import CASE_FILE, CaseSpec, parse_spec
from ._tables import (
    check_observations,
    has_columns,
    summarised,
)

__all__ = ["default_key_file", "demo_case", "load_case"]

# table name -> columns it must have. Which tables are required depends on whether the case
# knows its network in full (users, groups, members) or only in part (groups); see _load.
TABLES: dict[str, tuple[str, ...]] = {
    "users": ("user",),
    "groups": ("group",),
    "members": ("user", "group"),
    "friends": ("user", "friend"),
    "rosters": ROSTER_COLUMNS,
    "identities": IDENTITY_COLUMNS,
    "observations": ("time", "kind", "count"),
}
ENTITY_KEYS = {"users": "user", "groups": "group"}  # the tables listing things by a unique ID


def default_key_file(folder: str | Path) -> Path:
    """The pseudonym key file of a case folder unless ``key_file=`` says otherwise: one per
    folder, in :func:`default_key_dir`, named after the folder and a hash of its full path."""
    folder = Path(folder).resolve()
    case_id = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    return default_key_dir() / f"{folder.name}-{case_id}.key"


def load_case(path: str | Path, *, key_file: str | Path | None = None,
              show_names: bool = False) -> Case:
    """Load, validate, hash and pseudonymise a case folder.

    The folder holds ``case.toml`` and tables, each as ``.csv`` (UTF-8 with or without BOM,
    or GB18030/GBK) or ``.xlsx``; see ``docs/case-format.md``. A case that knows its network
    in full has the tables ``users``, ``groups`` and ``members`` (and optionally ``friends``
    and ``observations``); a case that knows only part of it has a ``groups`` table and
    whatever the evidence gives: group sizes (``members`` observations), ``rosters`` of
    display names, ``identities`` asserted across groups, known ``users``, ``members`` and
    ``friends``. For such a case, :attr:`Case.known` holds what is known, :attr:`Case.world`
    the world model assumed for the rest, and :attr:`Case.network` the networks drawn from
    both, for runs that each use one (``[network] draws`` of them, default
    :data:`~rumourscope.network.sample.DEFAULT_NETWORKS`; seed ``[network] seed``, default
    0). Nothing in the folder is written, moved or modified.

    Parameters
    ----------
    path : str or Path
        The case folder.
    key_file : str or Path, optional
        File holding the pseudonym key (64 hex digits); created, readable by its owner only, if
        it does not exist. Default: ``<data dir>/keys/<case id>.key`` with the data dir from
        ``$RUMOURSCOPE_DATA_DIR`` or the user's data folder, and the case id a hash of the
        folder's absolute path. A key file may not be created inside the case folder.
    show_names : bool, default=False
        Keep display names in :attr:`Case.display_names`. Off by default: names are replaced
        by keyed pseudonyms and appear in no output.

    Returns
    -------
    Case

    Raises
    ------
    CaseDataError
        Listing every problem found, each with file, row, column and value.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import rumourscope as rs
    >>> from rumourscope.casefile import demo_folder
    >>> with tempfile.TemporaryDirectory() as keys:
    ...     case = rs.load_case(demo_folder(), key_file=Path(keys) / "demo.key")
    >>> case.observations.columns.tolist()
    ['time', 'hours', 'kind', 'count', 'bound', 'tolerance', 'group', 'place', 'user', 'source']
    >>> rs.load_case("no/such/folder")
    Traceback (most recent call last):
    ...
    rumourscope.errors.CaseDataError: 1 problem in the case data:
      - no/such/folder: not a folder; a case is a folder holding case.toml and tables
    """
    folder = Path(path)
    if not folder.is_dir():
        raise CaseDataError([Problem(str(path), "not a folder; a case is a folder holding "
                                     "case.toml and tables")])
    if key_file is None:
        key_file = default_key_file(folder)
    return _load(folder, key_file=Path(key_file), key=None, show_names=show_names)


#: The bundled fictional cases, by the name ``demo_case`` and ``rumourscope demo --case`` take.
DEMO_CASES = {"full": "demo_case", "screenshot": "screenshot_case"}


def demo_folder(which: str = "full") -> Path:
    """A bundled fictional case folder (inside an installed wheel, or the source tree)."""
    if which not in DEMO_CASES:
        raise ParameterError(f"which must be one of {list(DEMO_CASES)}, got {which!r}")
    here = Path(__file__).resolve().parent.parent
    name = DEMO_CASES[which]
    for candidate in (here / "_sample_data" / name, here.parent.parent / "sample_data" / name):
        if (candidate / CASE_FILE).is_file():
            return candidate
    raise CaseDataError([Problem(name, f"the bundled {which} demo case is missing from this "
                                 f"installation (looked in {here / '_sample_data'})")])


def demo_case(which: str = "full", *, show_names: bool = False) -> Case:
    """A bundled fictional case.

    ``"full"`` (the default): a Toronto bakery owner defamed in a WeChat group, with the whole
    network of 3,200 users listed. ``"screenshot"``: a Toronto dentist, built only from
    screenshot-level evidence (group sizes from group-info screens, two chat exports, a
    forwarded card, a read counter floor, the people who contacted her), so its network is
    drawn around what is known (:attr:`Case.network_drawn`).

    Every person, group and message in them is invented. Their pseudonym key is the public
    :data:`~rumourscope.casefile.DEMO_KEY`, so their pseudonyms are the same on every machine.

    Examples
    --------
    >>> import rumourscope as rs
    >>> case = rs.demo_case()
    >>> case.deletion_time
    9.0
    >>> int(case.network.groups.loc[case.posts[0].group, "size"])
    480
    >>> shots = rs.demo_case("screenshot")
    >>> shots.network_drawn, shots.known.describe_sizes()["s01"]
    (True, '493 exactly (evidence/01_group_info_s01.png)')
    """
    return _load(demo_folder(which), key_file=None, key=DEMO_KEY, show_names=show_names)


def _load(folder: Path, *, key_file: Path | None, key: bytes | None, show_names: bool) -> Case:
    problems: list[Problem] = []
    files: list[tuple[RawFile, str]] = []

    spec = None
    if not (folder / CASE_FILE).is_file():
        problems.append(Problem(CASE_FILE, f"missing: every case folder needs a {CASE_FILE}"))
    else:
        raw = read_raw(folder, CASE_FILE, problems)
        if raw is not None:
            files.append((raw, "case description"))
            spec = parse_spec(raw, folder, problems)

    found = {stem: find_table(folder, stem, problems, required=stem == "groups")
             for stem in TABLES}
    complete = is_complete(spec, found, problems)
    tables: dict[str, pd.DataFrame] = {}
    names: dict[str, str] = {}
    for stem, columns in TABLES.items():
        name = found[stem]
        if name is None:
            continue
        raw = read_raw(folder, name, problems)
        if raw is None:
            continue
        frame, raw = read_table(raw, problems)
        files.append((raw, f"{stem} table"))
        # An optional table may list nothing (no friend ties known, no observations yet).
        required = stem == "groups" or (complete and stem in FULL_TABLES)
        if frame is not None and has_columns(frame, name, columns, problems,
                                             need_rows=required):
            if "source" in frame.columns:
                frame = frame.assign(source=frame["source"].map(normalise_path))
            if stem in ENTITY_KEYS:
                check_duplicate_ids(frame, name, ENTITY_KEYS[stem], problems)
            frame = normalise_user_ids(frame, stem)
            tables[stem], names[stem] = frame, name

    inventory = set(spec.evidence["file"]) if spec else None
    check = check_complete if complete else check_partial
    groups = check(spec, tables, names, inventory, problems)
    observations = _empty_observations()
    sizes = None
    if "observations" in tables and groups is not None:
        origin = min(p.time for p in spec.posts) if spec and spec.posts else None
        checked = check_observations(tables["observations"], names["observations"], origin,
                                     groups, inventory, problems, known_people(tables, complete),
                                     partial=not complete)
        if checked is not None:
            observations = checked
        platform = spec.platform if spec else WECHAT
        counts = member_counts(tables["observations"], names["observations"], platform, problems)
        sizes = stated_sizes(counts)
    fixed = None
    if not complete and spec is not None and groups is not None:
        fixed = fixed_memberships(spec, tables, names)
        if sizes is not None:
            check_sizes(fixed, sizes, names["observations"], problems)
        check_world(spec, tables, fixed, sizes, problems)
    if problems:
        raise CaseDataError(summarised(problems))
    assert spec is not None  # no problems means case.toml was read

    if key is None:
        key = read_or_create_key(key_file, forbidden=folder)
    pseudo = Pseudonymiser(key)
    provenance = provenance_table(spec.network, names)
    world = None
    if complete:
        network, display_names = _network(spec, tables, pseudo, show_names, names)
        known = None  # everything is known: Case.known is made from the network when asked
    else:
        known, display_names = build_known(
            spec, tables, fixed, sizes if sizes is not None else no_sizes(), pseudo,
            show_names, provenance)
        world = _world(spec, known)
        seed = spec.network.seed if spec.network.seed is not None else DEFAULT_NETWORK_SEED
        if spec.network.drawer == "lazy":
            network = world.lazy(known, templates=spec.network.draws, seed=seed)
        else:
            network = world.sample(known, networks=spec.network.draws, seed=seed)
    evidence, manifest = _manifest(folder, files, spec.evidence)
    origin = min(p.time for p in spec.posts)
    hours = pd.Timedelta(hours=1)
    posts = tuple(
        Post(user=pseudo.user(p.user), group=p.group, time=float((p.time - origin) / hours))
        for p in spec.posts
    )
    deletion = None if spec.deletion is None else float((spec.deletion - origin) / hours)
    # A reader fact names a person as the network does: by the pseudonym of the same
    # (normalised) ID that the users and identities tables were pseudonymised from.
    observations = observations.assign(user=observations["user"].map(
        lambda u: pseudo.user(u) if isinstance(u, str) else None).astype(object))
    return Case(
        title=spec.title, description=spec.description, timezone=spec.timezone, posts=posts,
        post_times=tuple(p.time for p in spec.posts), origin=origin, deletion_time=deletion,
        deletion_utc=spec.deletion, deletion_scope=spec.deletion_scope,
        deletion_note=spec.deletion_note, deletion_mechanism=spec.deletion_mechanism,
        expert=spec.expert, rules=spec.rules, jurisdictions=spec.jurisdictions,
        communities=spec.communities, thresholds=spec.thresholds, network=network,
        display_names=display_names, observations=observations.reset_index(drop=True),
        evidence=evidence, manifest=manifest, folder=folder, names_shown=show_names,
        key_fingerprint=pseudo.fingerprint, pseudonymiser=pseudo, known_facts=known,
        world=world, provenance=provenance,
    )


def _world(spec: CaseSpec, known: KnownNetwork) -> WorldModel:
    """The case's world model: the values case.toml states (checked by _check_world), the rest
    from the evidence or the defaults."""
    return WorldModel.from_known(known, sources=spec.network.world_sources, **spec.network.world)


def _network(spec: CaseSpec, tables: dict[str, pd.DataFrame], pseudo: Pseudonymiser,
             show_names: bool, names: dict[str, str]) -> tuple[GroupNetwork, pd.Series]:
    users = tables["users"]
    # One HMAC per person; memberships and ties are mapped through the (validated) lookup.
    lookup = dict(zip(users["user"], map(pseudo.user, users["user"]), strict=True))
    ids = users["user"].map(lookup)
    kept = [c for c in ("jurisdiction", "communities") if c in users.columns]
    user_frame = users[kept].assign(user=ids)
    members = tables["members"].assign(user=lambda t: t["user"].map(lookup))
    friends = tables.get("friends")
    if friends is not None:
        friends = pd.DataFrame({"user": friends["user"].map(lookup),
                                "friend": friends["friend"].map(lookup)})
    group_columns = [c for c in ("group", "name", "jurisdiction", "activity")
                     if c in tables["groups"].columns]
    try:
        network = GroupNetwork.from_frames(
            members=members[["user", "group"]], groups=tables["groups"][group_columns],
            users=user_frame, friends=friends, platform=spec.platform,
        )
    except NetworkError as exc:  # checks above catch the common cases; this is the backstop
        raise CaseDataError([Problem(names["users"], str(exc))]) from None
    raw_names = users["name"] if "name" in users.columns else pd.Series("", users.index)
    shown = raw_names if show_names else raw_names.map(lambda n: pseudo.name(n) if n else "")
    display = pd.Series(shown.replace("", None).to_numpy(), index=pd.Index(ids, name="user"),
                        name="display_name", dtype=object)
    return network, display


def _manifest(folder: Path, files: list[tuple[RawFile, str]],
              inventory: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [(raw.name, role, raw.sha256, len(raw.data), raw.encoding, "case folder", "")
            for raw, role in files]
    hashed = [sha256_file(folder / f, f) for f in inventory["file"]]
    evidence = inventory.assign(sha256=[h for h, _ in hashed], bytes=[n for _, n in hashed])
    rows += [(e.file, "evidence", e.sha256, e.bytes, None, e.obtained, e.description)
             for e in evidence.itertuples()]
    manifest = pd.DataFrame(rows, columns=["file", "role", "sha256", "bytes", "encoding",
                                           "obtained", "description"])
    return evidence, manifest


def _empty_observations() -> pd.DataFrame:
    return pd.DataFrame({
        "time": pd.Series(dtype="datetime64[ns, UTC]"), "hours": pd.Series(dtype=float),
        "kind": pd.Series(dtype=object), "count": pd.Series(dtype="int64"),
        "bound": pd.Series(dtype=object), "tolerance": pd.Series(dtype=float),
        "group": pd.Series(dtype=object), "place": pd.Series(dtype=object),
        "user": pd.Series(dtype=object), "source": pd.Series(dtype=object),
    })
