"""LibreOffice headless for the office-output tests.

Each call uses its own user profile (-env:UserInstallation) under the
test's work folder, so tests running in parallel never share one (a shared
profile makes the second soffice hand its job to the first and return at
once, or fail on the profile lock). The profile can carry a locale: with
vi-VN, LibreOffice shows numbers and dates the way a Vietnamese user's
spreadsheet program does (1.234,56; 30/06/2024).
"""
import os
import shutil
import subprocess

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop \
oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
</oor:items>
"""


def profile(work, name, locale=None):
    """A fresh profile folder; returns its file:// URL."""
    path = os.path.abspath(os.path.join(work, "lo-profile-" + name))
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "user"))
    if locale:
        with open(os.path.join(path, "user", "registrymodifications.xcu"),
                  "w", encoding="utf-8") as f:
            f.write(_XCU.format(locale=locale))
    return "file://" + path


def convert_many(srcs, fmt, outdir, work, name, locale=None, timeout=300):
    """soffice --headless --convert-to fmt SRC...: one start of LibreOffice
    for several files (each start costs seconds). Returns the output
    paths (each source's base name with the format's extension)."""
    os.makedirs(outdir, exist_ok=True)
    env = dict(os.environ)
    env["HOME"] = os.path.abspath(work)  # nothing written to the real HOME
    cmd = [SOFFICE, "-env:UserInstallation=" + profile(work, name, locale),
           "--headless", "--norestore", "--convert-to", fmt,
           "--outdir", outdir] + list(srcs)
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    ext = fmt.split(":")[0]
    outs = []
    for src in srcs:
        base = os.path.splitext(os.path.basename(src))[0]
        out = os.path.join(outdir, base + "." + ext)
        if r.returncode != 0 or (ext != "csv" and not os.path.exists(out)):
            raise RuntimeError("soffice failed (%d) on %s:\n%s\n%s" % (
                r.returncode, src, r.stdout.decode(errors="replace"),
                r.stderr.decode(errors="replace")))
        outs.append(out)
    return outs


def convert(src, fmt, outdir, work, name, locale=None, timeout=180):
    """One file: see convert_many."""
    return convert_many([src], fmt, outdir, work, name, locale, timeout)[0]
