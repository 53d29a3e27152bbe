"""t_demo_evidence.py — the demo's generated evidence files and rendered
Markdown, checked by real clients rather than by our own code: each evidence
file (src/app/demo_files.c: the pen-test report and the training
certificate as PDF, the supplier's certificate scan as PNG) is downloaded
through the running server and read by poppler (`pdfinfo`, `pdftotext`: one
A4 page, no syntax error, the text the demo wrote) and by two PNG decoders
(`pngcheck`, and Python's zlib with every chunk's CRC-32 and the image size);
document pages are parsed by Python's html.parser strictly (every element
closed in order, no <script> in the body, no event-handler attribute, no
javascript:/data:/vbscript: URL), for the demo's policy and for hostile
Markdown (raw HTML, script URLs)."""
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from html.parser import HTMLParser

from harness import *

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_JSON = os.path.join(HERE, "..", "..", "data", "demo.json")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def tool(name):
    path = shutil.which(name)
    check(path is not None, "%s is installed (scripts/bootstrap: poppler-utils, pngcheck)" % name)
    return path


def run_tool(*args):
    p = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def demo_evidence():
    """The demo's attach steps, from the data the demo is built from."""
    with open(DEMO_JSON, encoding="utf-8") as fh:
        d = json.load(fh)
    out = []

    def walk(x):
        if isinstance(x, dict):
            if "attach" in x and "file" in x:
                out.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(d)
    return out


def png_problems(data):
    """Decodes a PNG with zlib and checks it as a reader must; [] when good."""
    bad = []
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return ["no PNG signature"]
    at, chunks, idat, ihdr = 8, [], b"", None
    while at < len(data):
        if at + 8 > len(data):
            bad.append("a truncated chunk header at %d" % at)
            break
        n, typ = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + n]
        crc = data[at + 8 + n:at + 12 + n]
        if len(body) != n or len(crc) != 4:
            bad.append("chunk %r runs past the end" % typ)
            break
        if zlib.crc32(typ + body) & 0xffffffff != struct.unpack(">I", crc)[0]:
            bad.append("chunk %r has a wrong CRC-32" % typ)
        chunks.append(typ)
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        at += 12 + n
    if not chunks or chunks[0] != b"IHDR" or chunks[-1] != b"IEND":
        bad.append("chunks are not IHDR ... IEND: %r" % chunks)
    if ihdr is None:
        return bad + ["no IHDR"]
    w, h, depth, colour, comp, filt, inter = ihdr
    if (depth, colour, comp, filt, inter) != (8, 0, 0, 0, 0):
        bad.append("not 8-bit grayscale, non-interlaced: %r" % (ihdr,))
    try:
        raw = zlib.decompress(idat)
    except zlib.error as ex:
        return bad + ["IDAT does not inflate: %s" % ex]
    if len(raw) != h * (w + 1):
        bad.append("%d bytes of pixels for %d x %d" % (len(raw), w, h))
    elif any(raw[y * (w + 1)] > 4 for y in range(h)):
        bad.append("a row with an unknown filter type")
    return bad


class Strict(HTMLParser):
    """Every element closed, in order; records what a safe page must not
    have. Text inside <div class="markdown"> is the rendered Markdown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.scripts_in_body, self.md_depth = [], [], 0, None
        self.in_body, self.md_tags, self.md_seen = False, [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag == "script" and self.in_body:
            self.scripts_in_body += 1
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append("<%s %s=...>: an event handler attribute" % (tag, k))
            if k in ("href", "src", "action", "formaction", "xlink:href") and v:
                s = "".join(v.split()).lower()
                if s.startswith(BAD_SCHEMES):
                    self.problems.append("<%s %s=%r>: a script URL" % (tag, k, v))
        if self.md_depth is not None:
            self.md_tags.append(tag)
        if tag == "div" and ("class", "markdown") in attrs and self.md_depth is None:
            self.md_depth = len(self.stack)
            self.md_seen += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append("</%s>: a void element closed" % tag)
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes %r" % (tag, self.stack[-3:]))
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if self.md_depth is not None and len(self.stack) == self.md_depth:
            self.md_depth = None

    def finish(self):
        self.close()
        if self.stack:
            self.problems.append("left open: %r" % self.stack)
        return self.problems


def parse(html):
    p = Strict()
    p.feed(html)
    p.finish()
    return p


HOSTILE = """# Procedure <script>alert('h1')</script>

<script>alert('block')</script>

<div onclick="alert('div')">raw block</div>

A [plain link](https://example.com/a?b=1&c=2), [js](javascript:alert(1)),
[JS](JaVaScRiPt:alert(2)), [spaced]( javascript:alert(3)), [data](data:text/html;base64,PHNjcmlwdD4=),
[vb](vbscript:msgbox(1)), <a href="javascript:alert(4)">raw a</a>,
<img src=x onerror="alert(5)"> and ![pic](javascript:alert(6)).

| a | b |
|---|---|
| <b>x</b> | `code <i>` |

- *em* and **strong**
- `<script>` in code

> a quote with <span onmouseover="alert(7)">a span</span>
"""


def main():
    pdfinfo, pdftotext, pngcheck = tool("pdfinfo"), tool("pdftotext"), tool("pngcheck")
    f = demo_file("evidence.isms")
    srv = Server(f.path, threads=2)
    aud = Client(srv)
    aud.login_as(f.accounts["auditor"])
    tmp = tempfile.mkdtemp(prefix="isms-evidence-")
    expected = demo_evidence()
    check_eq(len(expected), 3, "the demo attaches three generated files")
    seen_pdf = seen_png = 0
    try:
        for ev in expected:
            rows = [r for r in sql(f.path, "SELECT ref || '|' || subject FROM attachment WHERE "
                                           "name = '%s'" % ev["name"].replace("'", "''"))
                    .split("\n") if r]
            check_eq(len(rows), 1, "the demo's %s is stored once" % ev["name"])
            if not rows:
                continue
            att, subject = rows[0].split("|")
            path = "/%s/%s/attachments/%s" % (plural(rtype_of(subject)), subject, att)
            d = aud.get(path)
            check(d.status == 200 and len(d.body) > 100, "%s downloads through the server" %
                  ev["name"], d.describe())
            local = os.path.join(tmp, att + "." + ev["file"])
            with open(local, "wb") as fh:
                fh.write(d.body)
            if ev["file"] == "pdf":
                seen_pdf += 1
                check_eq(d.header("Content-Type"), "application/pdf", "%s: served as a PDF" % att)
                rc, out, err = run_tool(pdfinfo, local)
                check(rc == 0 and err.strip() == "", "pdfinfo reads %s without an error" %
                      ev["name"], "rc %d\n%s\n%s" % (rc, out, err))
                check("Pages:           1" in out and "595 x 842 pts (A4)" in out and
                      "Encrypted:       no" in out,
                      "%s: one A4 page, not encrypted" % ev["name"], out)
                rc, text, err = run_tool(pdftotext, "-layout", local, "-")
                check(rc == 0 and err.strip() == "", "pdftotext extracts %s" % ev["name"], err)
                flat = " ".join(text.split())
                want = [ev.get("title", "")] + [l for l in ev.get("lines", []) if l]
                missing = [w for w in want if all(ord(ch) < 128 for ch in w) and
                           " ".join(w.split()) not in flat]
                check(not missing, "%s holds the text the demo wrote (%d lines)" %
                      (ev["name"], len(want)), "missing %r\ngot:\n%s" % (missing, text))
            else:
                seen_png += 1
                check_eq(d.header("Content-Type"), "image/png", "%s: served as a PNG" % att)
                rc, out, err = run_tool(pngcheck, "-v", local)
                check(rc == 0 and "No errors detected" in out,
                      "pngcheck finds no error in %s" % ev["name"], out + err)
                check("160 x 110 image, 8-bit grayscale" in out,
                      "pngcheck: a 160 x 110 grayscale scan", out)
                bad = png_problems(d.body)
                check(not bad, "zlib and CRC-32 decode the PNG chunk by chunk", "; ".join(bad))
                # the checker itself must fail on a damaged file
                broken = bytearray(d.body)
                broken[40] ^= 0xff
                check(png_problems(bytes(broken)) != [], "a flipped byte is caught by the checker")
                with open(local + ".bad", "wb") as fh:
                    fh.write(bytes(broken))
                rc, out, err = run_tool(pngcheck, local + ".bad")
                check(rc != 0, "pngcheck rejects the flipped byte too", out)
        check((seen_pdf, seen_png) == (2, 1), "two PDFs and one PNG were checked")

        # ---- rendered Markdown, parsed strictly ----
        st = Client(srv)
        st.login_as(f.accounts["staff"])
        page = st.get("/documents/DOC-0001")
        check_status(page, 200, "staff open the information security policy")
        p = parse(page.text)
        check(p.md_seen == 1 and len(p.md_tags) > 5,
              "the page holds the rendered Markdown (%d elements)" % len(p.md_tags))
        check(not p.problems, "the policy page parses strictly: balanced, no handler, no "
              "script URL", "\n".join(p.problems[:10]))
        check_eq(p.scripts_in_body, 0, "no <script> in the policy page's body")
        check("script" not in p.md_tags, "no script element in the rendered Markdown")
        # every demo document, as the manager reads it (working copies included)
        mgr = Client(srv)
        mgr.login_as(f.accounts["manager"])
        refs = [x for x in sql(f.path, "SELECT ref FROM document ORDER BY id").split() if x]
        bad_pages = []
        rendered = 0
        for ref in refs:
            pg = mgr.get("/documents/" + ref)
            pp = parse(pg.text)
            rendered += pp.md_seen
            if pg.status != 200 or pp.problems or pp.scripts_in_body:
                bad_pages.append("%s: %s %r" % (ref, pg.status, pp.problems[:3]))
        with_body = int(sql(f.path, "SELECT count(*) FROM document WHERE length(body) > 0")
                        .strip() or 0)
        note("strict HTML: %d demo document pages, %d with rendered Markdown" %
             (len(refs), rendered))
        check(len(refs) >= 10 and not bad_pages and rendered == with_body,
              "all %d demo document pages parse strictly (%d with rendered Markdown)" %
              (len(refs), rendered), "\n".join(bad_pages))
        api = Api(srv, f.token(f.accounts["manager"].name))
        r = api.post("/api/v1/documents", {"title": "Hostile procedure", "kind": "procedure",
                                           "owner": f.accounts["manager"].person,
                                           "body": HOSTILE})
        check_status(r, 201, "a document with hostile Markdown is stored (it is only text)")
        ref = (r.json() or {}).get("id")
        mc = Client(srv)
        mc.login_as(f.accounts["manager"])
        page = mc.get("/documents/%s" % ref)
        check_status(page, 200, "the hostile document's page opens")
        p = parse(page.text)
        check(not p.problems, "the hostile page parses strictly: balanced, no handler, no "
              "script URL", "\n".join(p.problems[:10]))
        check_eq(p.scripts_in_body, 0, "no <script> in the hostile page's body")
        check("script" not in p.md_tags and "img" in p.md_tags and "ul" in p.md_tags and
              "blockquote" in p.md_tags and "strong" in p.md_tags and p.md_tags.count("a") >= 6,
              "the Markdown is rendered (links, image, list, quote, emphasis) without scripts",
              repr(p.md_tags))
        check('href="https://example.com/a?b=1&amp;c=2"' in page.text,
              "an ordinary link is kept, its & escaped")
        check("&lt;script&gt;" in page.text, "code showing <script> is escaped text")
        # the checker itself fails on a bad page
        bad = parse("<html><body><div class=\"markdown\"><p><a href=\" JavaScript:x\" "
                    "onclick=\"y\">a</p></div><script>z</script></body></html>")
        check(len(bad.problems) >= 3 and bad.scripts_in_body == 1,
              "the strict parser catches a script URL, a handler, misnesting and a script",
              repr(bad.problems))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run(main)
