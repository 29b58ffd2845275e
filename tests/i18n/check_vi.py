#!/usr/bin/env python3
"""check_vi.py CHISO PO_FILE GOLDEN_DIR SOURCE_ROOT [CASE...]

Fails when English appears in chiso's Vietnamese output (docs/i18n.md).

Every golden case's command is run again with --lang vi (a `--lang en` in
its arguments is replaced; the default is Vietnamese anyway) in a scratch
copy of the case, like run_golden.sh. Its standard output, standard error
and every text file it creates (.txt .csv .json .md .html .svg, the text of
a .pdf through pdftotext, the XML of a .docx/.xlsx) are then searched for

  1. the English msgids of the catalogue: a msgid whose Vietnamese text
     differs from it is cut at its printf conversions and newlines; every
     piece of three words or more found verbatim is a failure;
  2. a short list of English words that must never appear in a Vietnamese
     table or message (ENGLISH_WORDS below), searched as whole words in
     standard output and standard error.

Data values are not messages: a hit that also appears in one of the case's
input files (an id, a file name, a note copied from the published store) or
in its arguments is not counted. Cases listed in tests/i18n/english-cases
(one name a line, with the reason) are skipped: they test English input.
Prints every hit as CASE: WHERE: "text" and exits 1 when there is one.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
import json

# JSON values that are codes of a documented schema, not words: they stay
# English in every language (docs/json.md), like the keys themselves.
JSON_CODE_KEYS = {
    "rule", "severity", "confidence", "code", "kind", "period", "period_kind",
    "level", "method", "direction", "status", "format", "language", "lang",
    "type", "unit", "id", "criterion_id", "file", "path", "source", "index",
    "segment", "scale", "aggregation", "normalisation", "normalization",
    "weights", "sha256", "name_en", "chart", "by", "what", "group_name",
    "better", "orientation", "status_code", "rule_type", "period_kind",
}


def words_text(t):
    """The text the English-word check reads: without the source lines a
    diagnostic quotes (a line, then its caret line), without quoted values
    ('...', "...") and without lines that name a command-line option (they
    may list its literal values: --period month|quarter)."""
    lines = t.split("\n")
    keep = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.startswith("    ") and nxt.strip() == "^":
            continue
        if line.strip() == "^":
            continue
        if re.search(r"(?<![\w-])--[a-z][a-z-]+", line):
            continue
        line = re.sub(r"'[^']*'|\"[^\"]*\"", "''", line)
        # a list of identifiers a message names (known: type, unit, bands)
        line = re.sub(r"\([^()]*:\s*[a-z_]+(?:, [a-z_]+)+\)", "()", line)
        keep.append(line)
    return "\n".join(keep)


def json_words(t):
    """The human text of a JSON document (string values of keys that are
    not codes), or None when t is not JSON."""
    try:
        doc = json.loads(t)
    except ValueError:
        return None
    out = []

    def walk(v, key):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, k)
        elif isinstance(v, list):
            for x in v:
                walk(x, key)
        elif isinstance(v, str) and key not in JSON_CODE_KEYS:
            out.append(v)
    walk(doc, None)
    return "\n".join(out)

# Words of chiso's own vocabulary that mean English leaked into a table or a
# message. Whole words, case-sensitive where the Vietnamese text could hold
# the word as a data value.
ENGLISH_WORDS = [
    "warning", "error:", "Try '", "more information", "Usage:",
    "month", "quarter", "proportional", "bands", "not reported",
    "points entered", "full points", "problems", "not shown",
    "medium", "high", "half", "ok:", "unknown option", "requires an argument",
    "No such file", "Permission denied", "Is a directory",
]

PRINTF = re.compile(r"%(?:\d+\$)?[-+ #0']*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
                    r"(?:hh|h|ll|l|L|q|j|z|Z|t)?[diouxXeEfFgGaAcspn%]")


def po_entries(path):
    """(msgid, msgstr) pairs of a .po file (no plurals, no contexts)."""
    entries, cur, key = [], {}, None

    def flush():
        if "msgid" in cur and cur["msgid"]:
            entries.append((cur["msgid"], cur.get("msgstr", "")))

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("msgid "):
                flush()
                cur, key = {"msgid": ""}, "msgid"
                line = line[6:]
            elif line.startswith("msgstr "):
                key = "msgstr"
                cur[key] = ""
                line = line[7:]
            elif not line.startswith('"'):
                continue
            if key is None:
                continue
            s = line.strip()[1:-1]
            s = (s.replace('\\"', '"').replace("\\n", "\n")
                 .replace("\\t", "\t").replace("\\\\", "\\"))
            cur[key] += s
    flush()
    return entries


def pieces(entries):
    """English pieces of three words or more that must not appear."""
    out = set()
    for msgid, msgstr in entries:
        if not msgstr or msgstr == msgid:
            continue
        for part in PRINTF.split(msgid):
            for line in part.split("\n"):
                line = line.strip(" :;,.()'\"")
                words = re.findall(r"[A-Za-z][A-Za-z'-]*", line)
                if len(words) >= 3 and len(line) >= 12:
                    out.add(line)
    return sorted(out, key=len, reverse=True)


def text_of(path):
    """The text of an output file worth searching, or None."""
    low = path.lower()
    try:
        if low.endswith(".pdf"):
            r = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", path,
                                "-"], capture_output=True, timeout=60)
            return r.stdout.decode("utf-8", "replace")
        if low.endswith((".docx", ".xlsx")):
            parts = []
            with zipfile.ZipFile(path) as z:
                for n in z.namelist():
                    if n.endswith(".xml") and ("document" in n or "sheet" in n
                                               or "sharedStrings" in n):
                        x = z.read(n).decode("utf-8", "replace")
                        parts.append(re.sub(r"<[^>]+>", " ", x))
            return "\n".join(parts)
        if low.endswith((".txt", ".csv", ".json", ".md", ".html", ".svg",
                         ".tsv", ".log")):
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
    except (OSError, zipfile.BadZipFile, subprocess.SubprocessError):
        return None
    return None


def case_args(case_dir):
    with open(os.path.join(case_dir, "args"), encoding="utf-8") as f:
        args = f.read().split("\n")
    if args and args[-1] == "":
        args.pop()
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "--lang" and i + 1 < len(args):
            out += ["--lang", "vi"]
            i += 2
            continue
        if a.startswith("--lang="):
            out.append("--lang=vi")
            i += 1
            continue
        out.append(a)
        i += 1
    return out


def run_case(chiso, case_dir, root):
    tmp = tempfile.mkdtemp(prefix="chiso-i18n.")
    run = os.path.join(tmp, "run")
    os.mkdir(run)
    skip = {"args", "stdin", "env", "expected.out", "expected.err",
            "expected.exit", "expected.files", "must", "HAND.md"}
    for n in os.listdir(case_dir):
        if n in skip:
            continue
        s = os.path.join(case_dir, n)
        if os.path.isdir(s):
            shutil.copytree(s, os.path.join(run, n), symlinks=True)
        else:
            shutil.copy(s, os.path.join(run, n))
    os.symlink(root, os.path.join(run, "root"))
    before = set()
    inputs = []
    for d, dirs, files in os.walk(run):
        dirs[:] = [x for x in dirs if not (d == run and x == "root")]
        for n in files:
            p = os.path.join(d, n)
            before.add(p)
            inputs.append(p)
    env = dict(os.environ, LC_ALL="C", TZ="UTC")
    ef = os.path.join(case_dir, "env")
    if os.path.exists(ef):
        for kv in open(ef, encoding="utf-8").read().split("\n"):
            if "=" in kv:
                k, v = kv.split("=", 1)
                env[k] = v
    args = case_args(case_dir)
    stdin_path = os.path.join(case_dir, "stdin")
    with open(stdin_path if os.path.exists(stdin_path) else os.devnull,
              "rb") as si:
        r = subprocess.run([chiso] + args, cwd=run, env=env, stdin=si,
                           capture_output=True, timeout=600)
    texts = [("out", r.stdout.decode("utf-8", "replace")),
             ("err", r.stderr.decode("utf-8", "replace"))]
    for d, dirs, files in os.walk(run):
        dirs[:] = [x for x in dirs if not (d == run and x == "root")]
        for n in sorted(files):
            p = os.path.join(d, n)
            if p in before:
                continue
            t = text_of(p)
            if t is not None:
                texts.append(("files/" + os.path.relpath(p, run), t))
    data = "\n".join(args)
    for p in inputs:
        t = text_of(p)
        if t is None:
            try:
                with open(p, encoding="utf-8", errors="replace") as f:
                    t = f.read()
            except OSError:
                t = ""
        data += "\n" + t
    # files the arguments name under the source tree (root/...)
    for a in args:
        for part in a.split(","):
            if part.startswith("root/"):
                p = os.path.join(root, part[5:])
                if os.path.isfile(p):
                    t = text_of(p) or open(p, encoding="utf-8",
                                           errors="replace").read()
                    data += "\n" + t
                elif os.path.isdir(p):
                    for d, _, files in os.walk(p):
                        for n in files:
                            t = text_of(os.path.join(d, n))
                            if t:
                                data += "\n" + t
    shutil.rmtree(tmp, ignore_errors=True)
    return texts, data


def main():
    if len(sys.argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    chiso, po, golden, root = sys.argv[1:5]
    chiso = os.path.abspath(chiso)
    root = os.path.abspath(root)
    only = set(sys.argv[5:])
    english = set()
    ef = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "english-cases")
    if os.path.exists(ef):
        for line in open(ef, encoding="utf-8"):
            line = line.split("#", 1)[0].strip()
            if line:
                english.add(line)
    pcs = pieces(po_entries(po))
    words = [(w, re.compile(r"(?<![A-Za-z_])" + re.escape(w) +
                            r"(?![A-Za-z_])")) for w in ENGLISH_WORDS]
    hits, n_cases = 0, 0
    for area in sorted(os.listdir(golden)):
        adir = os.path.join(golden, area)
        if not os.path.isdir(adir):
            continue
        for case in sorted(os.listdir(adir)):
            cdir = os.path.join(adir, case)
            name = area + "/" + case
            if not os.path.exists(os.path.join(cdir, "args")):
                continue
            if only and name not in only:
                continue
            if name in english:
                continue
            n_cases += 1
            texts, data = run_case(chiso, cdir, root)
            for where, t in texts:
                found = set()
                j = json_words(t) if t.lstrip()[:1] in ("{", "[") else None
                if j is not None:
                    t = j
                for p in pcs:
                    if p in t and p not in data and not any(
                            p in f for f in found):
                        found.add(p)
                if where in ("out", "err") or j is not None:
                    wt = words_text(t)
                    for w, rx in words:
                        for m in rx.finditer(wt):
                            line = wt[wt.rfind("\n", 0, m.start()) + 1:
                                      wt.find("\n", m.end()) % (len(wt) + 1)]
                            if w not in data or line not in data:
                                found.add(w)
                                break
                for f in sorted(found):
                    print('%s: %s: "%s"' % (name, where, f))
                    hits += 1
    print("i18n: %d cases run in Vietnamese, %d catalogue pieces, "
          "%d English hits" % (n_cases, len(pcs), hits))
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
