"""t_sortkeys.py — list order is data (issue 16, migration 0026): every
naturally ordered field has its key, natkey of the value, stored beside it,
and listings and their keyset cursor compare those bytes.

The order is the documented one (written out here independently of the C:
digit runs by value, ASCII letters folded, then the bytes): "Item 9" <
"item 9b" < "ITEM 010" < "item 10", both ways, in one page and walked by
the cursor a few at a time, in the API and on the list page; the stored
keys themselves compare as bytes like their values do; staff read
documents in the order of their released form. A file of schema 25 (this
one taken back to it, the same tables, columns and view as migrations
0001-0025 make) is upgraded on opening with every key computed — the same
keys the writes stored — verifies, and lists in the same order.
"""
import functools
import glob
import hashlib
import shutil
import sqlite3

from harness import *

TITLES = ["item 10", "Item 9", "item 9b", "ITEM 010", "item 2", "Item 10", "item 1", "item 01",
          "item", "Item", "item 9", "ITEM 9B", "item-3", "item.3", "item 3", "\u00e9lan 2",
          "Elan 10", "elan 2", "x 12345678901234567890123", "x 9999999999999999999999",
          "x 00012345678901234567890123", "a_b", "a[b", "A b", "0", "00", "000 x", "00 x"]


def walk(api, q, limit):
    """Every id of list query q, limit at a time through the cursor."""
    got, cursor = [], None
    for _ in range(500):
        r = api.get(q + "&limit=%d" % limit +
                    ("&cursor=" + urllib.parse.quote(cursor) if cursor else ""))
        if not check_status(r, 200, q + " page"):
            break
        got += [x["id"] for x in api_items(r.json()) or []]
        cursor = api_cursor(r.json())
        if not cursor:
            break
    return got


def listings(api, issues):
    """The issues by title and by owner, and staff's documents by title:
    every order both ways, in one page (ids)."""
    out = {}
    for q in ("/api/v1/issues?sort=title", "/api/v1/issues?sort=owner"):
        for order in ("asc", "desc"):
            r = api.get("%s&order=%s&limit=500" % (q, order))
            check_status(r, 200, q)
            out[q, order] = [x["id"] for x in api_items(r.json()) or []]
    return out


def key_columns(path):
    """Every stored key of the file: {(table, column): [(ref, key), ...]}."""
    db = sqlite3.connect(path)
    out = {}
    for (t,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'"):
        cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % t) if r[1].endswith("_sk")]
        for c in cols:
            out[t, c] = db.execute("SELECT ref, %s FROM %s ORDER BY id" % (c, t)).fetchall()
    out["version", "sortkeys"] = db.execute("SELECT subject_id, number, sortkeys FROM version "
                                            "WHERE subject_kind = 'document' AND state IN "
                                            "('approved', 'published') ORDER BY id").fetchall()
    db.close()
    return out


def schema_of(db):
    """Tables and views with their columns."""
    return {n: [r[1] for r in db.execute("PRAGMA table_info(%s)" % n)]
            for (n,) in db.execute("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
                                   "AND name NOT LIKE 'sqlite_%'")}


def to_schema_25(src, dst):
    """A copy of src as schema 25 had it: 0026 undone (its view as 0015
    made it, the key columns dropped); checked against what migrations
    0001-0025 make of an empty database."""
    shutil.copy(src, dst)
    schema = os.path.join(SRC, "src", "store", "schema")
    db = sqlite3.connect(dst)
    db.execute("DROP VIEW document_released")
    for (t,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'").fetchall():
        for c in [r[1] for r in db.execute("PRAGMA table_info(%s)" % t) if r[1].endswith("_sk")]:
            db.execute("ALTER TABLE %s DROP COLUMN %s" % (t, c))
    db.execute("ALTER TABLE version DROP COLUMN sortkeys")
    v15 = open(os.path.join(schema, "0015_typed.sql")).read()
    v15 = v15[v15.index("CREATE VIEW document_released"):]
    db.execute(v15[:v15.index(";")])
    db.execute("PRAGMA user_version = 25")
    db.commit()
    fresh = sqlite3.connect(":memory:")
    fresh.create_function("isms_sha256", 1, lambda v: None if v is None else
                          hashlib.sha256(v if isinstance(v, bytes) else str(v).encode()).hexdigest())
    for f in sorted(glob.glob(os.path.join(schema, "00[0-9][0-9]_*.sql"))):
        if int(os.path.basename(f)[:4]) <= 25:
            fresh.executescript(open(f).read())
    check_eq(schema_of(db), schema_of(fresh), "the copy has schema 25's tables, columns and view")
    db.close()
    fresh.close()


def main():
    f = demo_file("sk.isms")
    mgr, staff = f.accounts["manager"], f.accounts["staff"]
    people = [p["id"] for p in f.json("person", "list", "--json")]
    ids = {}
    for k, t in enumerate(TITLES):
        # owners too: a reference ordered by its key, some unset
        extra = {"owner": people[k % len(people)]} if k % 4 else {}
        ids[f.add("issue", title=t, kind="internal", **extra)] = t
    mtok, stok = f.token(mgr.name), f.token(staff.name)
    srv = Server(f.path)
    api, sapi = Api(srv, mtok), Api(srv, stok)

    note("the documented order, both ways, in one page and by the cursor")
    r = api.get("/api/v1/issues?sort=title&order=asc&limit=500")
    one = api_items(r.json()) or []
    titles = [x["title"] for x in one]
    want = sorted(one, key=functools.cmp_to_key(
        lambda a, b: nat_cmp(a["title"], b["title"]) or nat_cmp(a["id"], b["id"])))
    check_eq([x["id"] for x in one], [x["id"] for x in want], "issues by title: natural order")
    four = [t for t in titles if t in ("item 10", "Item 9", "item 9b", "ITEM 010")]
    check_eq(four, ["Item 9", "item 9b", "ITEM 010", "item 10"],
             "Item 9 < item 9b < ITEM 010 < item 10 (numbers by value, then case, then bytes)")
    check(titles.index("item 1") < titles.index("item 2") < titles.index("item 10"),
          "item 1 < item 2 < item 10", titles)
    check(titles.index("x 9999999999999999999999") < titles.index("x 12345678901234567890123"),
          "digit runs beyond 64 bits by value", titles)
    before = listings(api, ids)
    for (q, order), every in before.items():
        check(len(every) >= len(TITLES), "%s %s lists them all" % (q, order), len(every))
        for limit in (2, 3):
            check_eq(walk(api, "%s&order=%s" % (q, order), limit), every,
                     "%s %s: %d at a time = one page" % (q, order, limit))
    check_eq(before["/api/v1/issues?sort=title", "desc"],
             before["/api/v1/issues?sort=title", "asc"][::-1], "descending is ascending reversed")
    owners = [x.get("owner") for x in api_items(api.get(
        "/api/v1/issues?sort=owner&order=asc&limit=500").json()) or []]
    check(owners and owners[0] is None and owners[-1] is not None,
          "unset values first going up", owners)

    note("the list page orders alike")
    c = Client(srv)
    c.login_as(mgr)
    page = c.get("/issues?sort=title&dir=desc")
    shown = [m for m in re.findall(r'href="/issues/(ISS-\d+)"', page.text)]
    shown = list(dict.fromkeys(shown))
    check_eq(shown, before["/api/v1/issues?sort=title", "desc"][:len(shown)],
             "/issues?sort=title&dir=desc: the API's order")
    check(len(shown) >= len(TITLES), "the page shows them", len(shown))

    note("the stored keys compare as bytes like their values")
    rows = sql(f.path, "SELECT hex(title), hex(title_sk) FROM issue").split()
    pairs = [(bytes.fromhex(a.split("|")[0]).decode(), bytes.fromhex(a.split("|")[1]))
             for a in rows]
    bad = [(a, b) for a, ka in pairs for b, kb in pairs
           if ((ka > kb) - (ka < kb)) != nat_cmp(a, b)]
    check(len(pairs) >= len(TITLES) and not bad, "every pair of titles and keys agrees",
          bad[:3])
    check(all(0x20 <= ch <= 0x7e for _, k in pairs for ch in k), "keys are printable ASCII")

    note("staff read documents in their released form's order")
    sd = api_items(sapi.get("/api/v1/documents?sort=title&order=asc&limit=500").json()) or []
    st = [x["title"] for x in sd]
    check(len(st) >= 5 and all(nat_cmp(a, b) <= 0 for a, b in zip(st, st[1:])),
          "staff's documents by title, naturally", st)
    check_eq(walk(sapi, "/api/v1/documents?sort=title&order=desc", 2), [x["id"] for x in sd][::-1],
             "and walked two at a time, descending")
    staff_before = [x["id"] for x in sd]

    note("an ISMS file of schema 25 is upgraded with every key")
    srv.stop()
    keys = key_columns(f.path)
    check(len(keys) > 200, "keys in %d columns" % len(keys))
    to_schema_25(f.path, "old.isms")
    check_eq(sql("old.isms", "SELECT count(*) FROM pragma_table_info('issue') WHERE name "
                             "LIKE '%\\_sk' ESCAPE '\\'").strip(), "0", "no keys in the old file")
    c = isms("-f", "old.isms", "verify")
    check("ok:" in c.out, "it verifies (upgraded on opening)", c.describe)
    check_eq(sql("old.isms", "PRAGMA user_version").strip(), "26", "it is at schema 26")
    got = key_columns("old.isms")
    differ = [k for k in set(keys) | set(got) if keys.get(k) != got.get(k)]
    check(got == keys, "the upgrade computed the keys the writes stored, every column and row",
          lambda: "%d columns differ, e.g. %s: %s" % (len(differ), differ[0], [
              (a, b) for a, b in zip(got.get(differ[0], []), keys.get(differ[0], []))
              if a != b][:2]))
    old = Server(os.path.abspath("old.isms"))
    api, sapi = Api(old, mtok), Api(old, stok)
    check_eq(listings(api, ids), before, "it lists in the same order")
    check_eq([x["id"] for x in api_items(sapi.get(
        "/api/v1/documents?sort=title&order=asc&limit=500").json()) or []], staff_before,
        "staff's documents in the same order")
    check_eq(walk(api, "/api/v1/issues?sort=title&order=asc", 3),
             before["/api/v1/issues?sort=title", "asc"], "and pages alike")


run(main)
