#!/usr/bin/env python3
"""Re-create the fictional demo case in ``sample_data/demo_case/`` from a fixed seed.

Every person, group, business and message is invented. Run from the repository root::

    python tools/make_demo_case.py            # rewrites sample_data/demo_case
    python tools/make_demo_case.py --out DIR  # writes a copy elsewhere

The output is byte-for-byte the same on every run and machine (the tests check this).
"""

from __future__ import annotations

import argparse
import csv
import struct
import zlib
from pathlib import Path

import numpy as np

SEED = 20240315
N_USERS = 3200
N_GROUPS = 45
MAIN_SIZE = 480  # the group the post appeared in
CAP = 500
TORONTO, VANCOUVER, SHANGHAI = "Ontario", "British Columbia", "China"
SHARE = {TORONTO: 0.5, VANCOUVER: 0.2, SHANGHAI: 0.3}
KNOWS = "knows the plaintiff"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐"
    "许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉"
    "兰萍红鹏辉晶婷雪琳宇浩凯欣怡佳子涵梓轩思远"
)
FIRST = [
    "Amy", "Kevin", "Grace", "Jason", "Cindy", "Eric", "Vivian", "Tony", "Helen", "David", "Jenny",
    "Michael", "Lily", "Frank", "Sophie", "Daniel", "Emily", "Alex", "Wendy", "Peter", "Nancy",
    "Ryan", "Tina", "Leo", "Karen", "Sam", "Iris", "Victor", "Joyce", "Brian", "Fiona", "Ivan",
    "Crystal", "Henry", "Olivia", "Jack", "Mandy", "Steven", "Rachel", "Andy",
]
LAST = [
    "Smith", "Chen", "Wong", "Lee", "Brown", "Liu", "Martin", "Tremblay", "Zhang", "Wilson",
    "Nguyen", "Campbell", "Ho", "Taylor", "Lam", "Roy", "Anderson", "Chan", "Singh", "Clarke",
]

PLACES = {
    TORONTO: ["多伦多北约克", "士嘉堡", "万锦Markham", "列治文山", "密西沙加", "Downtown Toronto",
              "多伦多华人", "York Region"],
    VANCOUVER: ["温哥华", "列治文Richmond", "本拿比Burnaby", "高贵林", "Vancouver"],
    SHANGHAI: ["上海浦东", "上海徐汇", "上海闵行", "上海静安"],
}
TOPICS = ["邻里群", "妈妈群", "美食交流", "生活互助", "二手买卖", "房产交流", "校友会", "羽毛球群",
          "Foodies", "Parents Group", "Business Owners", "Neighbours"]


def names(rng: np.random.Generator, n: int) -> list[str]:
    """Chinese, English and mixed display names, as WeChat users choose them."""
    out = []
    for style in rng.choice(3, size=n, p=[0.6, 0.25, 0.15]):
        surname = SURNAMES[rng.integers(len(SURNAMES))]
        given = "".join(GIVEN[k] for k in rng.integers(len(GIVEN), size=rng.integers(1, 3)))
        first, last = FIRST[rng.integers(len(FIRST))], LAST[rng.integers(len(LAST))]
        out.append([surname + given, f"{first} {last}", f"{first} {surname}{given[0]}"][style])
    return out


def wxids(rng: np.random.Generator, n: int) -> list[str]:
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
    ids: dict[str, None] = {}
    while len(ids) < n:
        ids["wxid_" + "".join(rng.choice(alphabet, 14))] = None
    return list(ids)


def build(rng: np.random.Generator) -> dict:
    places = list(SHARE)
    user_place = rng.choice(len(places), size=N_USERS, p=list(SHARE.values()))
    sociability = rng.lognormal(0.0, 0.8, N_USERS)

    # Group 0 is where the post appeared (Toronto); group 1 is the plaintiff's customers.
    group_place = np.concatenate([[0, 0], rng.choice(len(places), N_GROUPS - 2, p=[.5, .25, .25])])
    sizes = np.minimum(CAP - 20, np.round(18 * (1 + rng.pareto(1.1, N_GROUPS)))).astype(int)
    sizes = np.maximum(sizes, 6)
    sizes[0], sizes[1] = MAIN_SIZE, 210
    names_used: set[str] = set()
    group_names = ["North York 邻里互助群", "Golden Maple Bakery 金枫烘焙 VIP"]
    for g in range(2, N_GROUPS):
        while True:
            place = PLACES[places[group_place[g]]]
            name = place[rng.integers(len(place))] + TOPICS[rng.integers(len(TOPICS))]
            if name not in names_used and name not in group_names:
                break
        names_used.add(name)
        group_names.append(name)

    members = [set() for _ in range(N_GROUPS)]
    for g in range(N_GROUPS):
        affinity = np.where(user_place == group_place[g], 1.0, 0.06)
        p = sociability * affinity
        chosen = rng.choice(N_USERS, size=sizes[g], replace=False, p=p / p.sum())
        members[g].update(int(u) for u in chosen)
    # Everyone in the tables was found in some group's member list: place the rest, favouring
    # big groups of their own city (as invitations do), leaving the first group at 480.
    covered = set().union(*members)
    limit = np.minimum(2 * sizes + 5, CAP - 10)
    for u in (u for u in range(N_USERS) if u not in covered):
        fits = np.array([g > 0 and group_place[g] == user_place[u] for g in range(N_GROUPS)])
        size = np.array([len(m) for m in members], dtype=float)
        weight = np.where(fits & (size < limit), sizes, 0.0)
        if not weight.any():  # the city's groups are all full: grow the roomiest ones
            weight = np.where(fits & (size < CAP - 10), sizes, 0.0)
        members[int(rng.choice(N_GROUPS, p=weight / weight.sum()))].add(u)

    knows = np.zeros(N_USERS, dtype=bool)
    chance = {0: 0.15, 1: 0.7}
    for g in (0, 1):
        for u in sorted(members[g]):
            knows[u] |= user_place[u] == 0 and rng.random() < chance[g]
    base = np.array([0.02, 0.005, 0.01])[user_place]  # family and old friends in Shanghai too
    knows |= rng.random(N_USERS) < base

    ties: set[tuple[int, int]] = set()
    user_groups = [[] for _ in range(N_USERS)]
    for g, m in enumerate(members):
        for u in m:
            user_groups[u].append(g)
    same_place = [np.flatnonzero(user_place == k) for k in range(len(places))]
    for u in range(N_USERS):
        for _ in range(rng.poisson(3)):
            if rng.random() < 0.7:
                pool = sorted(members[user_groups[u][rng.integers(len(user_groups[u]))]])
            else:
                pool = same_place[user_place[u]]
            v = int(pool[rng.integers(len(pool))])
            if v != u:
                ties.add((min(u, v), max(u, v)))

    return {
        "ids": wxids(rng, N_USERS), "names": names(rng, N_USERS), "place": user_place,
        "knows": knows, "group_names": group_names, "group_place": group_place,
        "activity": rng.choice(["busy", "normal", "quiet"], N_GROUPS, p=[.2, .5, .3]),
        "members": members, "ties": sorted(ties),
    }


def png(width: int, height: int, rng: np.random.Generator) -> bytes:
    """A tiny grey 'screenshot' placeholder: a title bar and a few lines of 'text'."""
    image = np.full((height, width), 235, dtype=np.uint8)
    image[:10] = 60
    for top in range(16, height - 6, 9):
        image[top : top + 4, 6 : 6 + int(rng.integers(width // 3, width - 12))] = 150
    raw = b"".join(b"\x00" + row.tobytes() for row in image)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write(out: Path, seed: int = SEED) -> None:
    root = np.random.default_rng(seed)
    net_rng, file_rng = root.spawn(2)
    d = build(net_rng)
    ids, places, members = d["ids"], list(SHARE), d["members"]
    gid = [f"g{g + 1:02d}" for g in range(N_GROUPS)]
    out.mkdir(parents=True, exist_ok=True)
    (out / "evidence").mkdir(exist_ok=True)

    write_csv(out / "users.csv", ["user", "name", "jurisdiction", "communities"],
              [(ids[u], d["names"][u], places[d["place"][u]], KNOWS if d["knows"][u] else "")
               for u in range(N_USERS)])
    write_csv(out / "groups.csv", ["group", "name", "jurisdiction", "activity"],
              [(gid[g], d["group_names"][g], places[d["group_place"][g]], d["activity"][g])
               for g in range(N_GROUPS)])
    write_csv(out / "members.csv", ["user", "group"],
              [(ids[u], gid[g]) for g in range(N_GROUPS) for u in sorted(members[g])])
    write_csv(out / "friends.csv", ["user", "friend"], [(ids[a], ids[b]) for a, b in d["ties"]])

    # The poster: a Toronto member of the first group who does not know the plaintiff.
    poster = next(u for u in sorted(members[0]) if d["place"][u] == 0 and not d["knows"][u])
    vancouver = next(g for g in range(2, N_GROUPS) if d["group_place"][g] == 1)
    shanghai = next(g for g in range(2, N_GROUPS) if d["group_place"][g] == 2)
    evidence = [
        ("evidence/01_group_info_g01.png", "Screenshot of the group-info screen of "
         f"{gid[0]} showing {MAIN_SIZE} members", "Taken on her phone by a member who knows the "
         "plaintiff, 2024-03-15 21:25 Toronto time; original phone retained"),
        ("evidence/02_forwarded_copies.png", "Screenshot of three groups where the post was "
         "forwarded", "Sent to the plaintiff by a customer, 2024-03-15 23:40 Toronto time"),
        ("evidence/03_shanghai_witness_export.txt", "Chat export by a relative of the plaintiff "
         "in Shanghai showing the post in two groups", "WeChat chat export emailed to counsel "
         "on 2024-03-18; timestamps in Shanghai time"),
        ("evidence/04_group_info_vancouver.png", f"Screenshot of the group-info screen of "
         f"{gid[vancouver]}", "Screenshot by a Vancouver member, 2024-03-15 22:30 Pacific time"),
        ("evidence/05_chat_export_summary.txt", "Summary of a notarised capture listing groups "
         "and forwards seen", "Notarised capture, 2024-03-16 morning; the notary's copy is "
         "held by counsel"),
        ("evidence/06_named_readers.txt", "List of readers who contacted the plaintiff about "
         "the post (names withheld here)", "Compiled by the plaintiff, sworn in an affidavit "
         "on 2024-03-20"),
    ]
    for file, _, _ in evidence:
        path = out / file
        if file.endswith(".png"):
            path.write_bytes(png(72, 128, file_rng))
        else:
            path.write_text(f"FICTIONAL DEMO EVIDENCE: invented for the rumourscope demo case.\n"
                            f"{file}\n[message text and member names withheld in this demo]\n",
                            encoding="utf-8")
    obs = [
        ("2024-03-15 21:25:00-04:00", "", "members", MAIN_SIZE, "exact", gid[0], evidence[0][0]),
        ("2024-03-16 10:05:00+08:00", "", "groups_seen", 2, "at_least", "", evidence[2][0]),
        ("2024-03-15 22:30:00", "America/Vancouver", "members", len(members[vancouver]), "exact",
         gid[vancouver], evidence[3][0]),
        ("2024-03-15 23:40:00-04:00", "", "reposts", 3, "at_least", "", evidence[1][0]),
        ("2024-03-16 20:00:00", "Asia/Shanghai", "members", len(members[shanghai]), "exact",
         gid[shanghai], evidence[2][0]),
        ("2024-03-16 08:00:00-04:00", "", "groups_seen", 5, "at_least", "", evidence[4][0]),
        ("2024-03-16 08:00:00-04:00", "", "reposts", 7, "at_least", "", evidence[4][0]),
        ("2024-03-20 12:00:00-04:00", "", "named_readers", 14, "at_least", "", evidence[5][0]),
    ]
    write_csv(out / "observations.csv",
              ["time", "timezone", "kind", "count", "bound", "group", "source"], obs)

    inventory = "\n".join(
        f'[[evidence]]\nfile = "{f}"\ndescription = "{desc}"\nobtained = "{how}"\n'
        for f, desc, how in evidence)
    (out / "case.toml").write_text(f'''\
# FICTIONAL demo case, generated by tools/make_demo_case.py (seed {seed}).
title = "Li v. Zhao: WeChat post about Golden Maple Bakery (fictional demo)"
description = """A fictional case. A Toronto bakery owner, Ms Li, says a member of the WeChat \
group {gid[0]} posted a false claim that her bakery sold spoiled food. The post was deleted nine \
hours later. Everything here is invented."""
timezone = "America/Toronto"
platform = "wechat"

[[posts]]
user = "{ids[poster]}"
group = "{gid[0]}"
time = 2024-03-15T21:10:00-04:00

[deletion]
time = 2024-03-16T06:10:00-04:00
mechanism = "owner-removal"
scope = "original"
note = "Removed from the group by its owner after a request from Ms Li's lawyer."

[interest]
jurisdictions = ["{TORONTO}", "{VANCOUVER}", "{SHANGHAI}"]
communities = ["{KNOWS}"]

# Only the Ontario action is brought: no criminal threshold is asked about.
[law]
rules = ["ontario"]

# Left for the expert: a draft until name, expertise, qualifications and research are filled.
[expert]
instructions = "Counsel for Ms Li asked how far the post spread in WeChat groups, who read it \
and where, and what its earlier removal would have changed."
issues = "The extent of publication and republication of the post, in Ontario and elsewhere, \
for the assessment of general damages."

{inventory}''', encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent / "sample_data" / "demo_case"
    parser.add_argument("--out", type=Path, default=default, help="folder to write")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    write(args.out, args.seed)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
