#!/usr/bin/python3
"""office_stubs.py - write analytics/cli/office_stubs.c.

The chiso executable does not link the drawing and office libraries
(Cairo, Pango, libzip, expat, libxml2, libfreexl, libxlsxwriter): they are
in the module chiso-office.so, loaded on first use (office_load.c). For
every function of those modules that the executable's own code calls, the
stub file defines a function of the same name and prototype that loads the
module and calls the real one through the module's table (office_module.c).

Run it after a public header named below changed, or when the link of
`chiso` fails with "undefined reference to chiso_..." (a command started
to call one more function of a lazily loaded module): add the name to
FUNCS and run

    /usr/bin/python3 analytics/cli/office_stubs.py
    clang-format -i analytics/cli/office_stubs.c

from the repository root (it writes office_stubs.c and office_funcs.h). A prototype the script reads wrongly does not
compile (the stub file includes the real headers).
"""
import re
import sys

HEADERS = {
    "datasets/workbook/chiso_workbook.h": [
        "chiso_workbook_open", "chiso_workbook_open_mem", "chiso_workbook_free",
        "chiso_workbook_sheet_count", "chiso_workbook_sheet_name",
        "chiso_workbook_sheet_hidden", "chiso_workbook_sheet_is_chart",
        "chiso_workbook_select", "chiso_workbook_selected_index",
        "chiso_workbook_selected_name", "chiso_workbook_next_row",
        "chiso_workbook_fill_merged", "chiso_workbook_position",
    ],
    "indicators/table/chiso_fwtable.h": [
        "chiso_fwtable_load", "chiso_fwtable_is_table",
        "chiso_fwtable_kind_word", "chiso_fwdoc_load", "chiso_fwdoc_free",
        "chiso_fwdoc_to_json", "chiso_fwdoc_write_csv",
    ],
    "analytics/form/chiso_form.h": [
        "chiso_form_write", "chiso_form_write_table_xlsx",
        "chiso_form_review_compute", "chiso_form_review_free",
        "chiso_form_review_to_json",
    ],
    "plots/chiso_plot.h": [
        "chiso_chart_new", "chiso_chart_free", "chiso_chart_load_csv",
        "chiso_chart_set_text", "chiso_chart_set_lang",
        "chiso_chart_set_number_format", "chiso_chart_set_highlight",
        "chiso_chart_highlight_found", "chiso_chart_add_band",
        "chiso_chart_add_series_break", "chiso_plot_csv_options_init",
        "chiso_plot_format_from_path", "chiso_plot_kind_parse",
        "chiso_plot_release_fonts", "chiso_plot_summary_json",
        "chiso_plot_write_stream",
    ],
    "plots/word/chiso_word.h": ["chiso_word_fill"],
    "analytics/report/chiso_report.h": [
        "chiso_report_build", "chiso_report_config_load",
        "chiso_report_config_free", "chiso_report_outcome_clear",
        "chiso_report_score_xlsx", "chiso_report_services_xlsx",
        "chiso_report_tasks_xlsx",
    ],
}


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r"^\s*#[^\n]*(\\\n[^\n]*)*", " ", text, flags=re.M)


def split_top(params):
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return [" ".join(p.split()) for p in out]


def param_name(p):
    m = re.search(r"\(\s*\*\s*(\w+)\s*\)", p)  # function pointer
    if m:
        return m.group(1)
    m = re.search(r"(\w+)\s*(\[[^\]]*\])*$", p)
    return m.group(1)


def prototype(text, name):
    for decl in text.split(";"):
        decl = decl.rsplit("}", 1)[-1]
        m = re.search(r"\b%s\s*\(" % name, decl)
        if not m or decl.strip().startswith("typedef"):
            continue
        ret = " ".join(decl[: m.start()].split())
        body = decl[m.end():]
        params = body[: body.rindex(")")]
        return ret, split_top(params)
    sys.exit("office_stubs.py: no prototype of %s" % name)


def main():
    out = [
        "/*",
        " * office_stubs.c - written by office_stubs.py, do not edit.",
        " *",
        " * One function per function of the lazily loaded modules that the",
        " * executable calls: load chiso-office.so (office_load.c) and call the",
        " * real function through its table.",
        " */",
        '#include "office.h"',
        "",
    ]
    for header, names in HEADERS.items():
        text = strip_comments(open(header, encoding="utf-8").read())
        for name in names:
            ret, params = prototype(text, name)
            if params in ([], ["void"]):
                decl, args = "void", ""
            else:
                decl = ", ".join(params)
                args = ", ".join(param_name(p) for p in params)
            call = "cli_office()->%s(%s);" % (name, args)
            out.append(ret)
            out.append("%s(%s)" % (name, decl))
            out.append("{")
            if name.endswith("_free") and ret == "void":
                # freeing nothing loads nothing (CSV paths free NULL)
                out.append("    if (%s == NULL) {" % param_name(params[0]))
                out.append("        return;")
                out.append("    }")
            out.append("    " + ("" if ret == "void" else "return ") + call)
            out.append("}")
            out.append("")
    with open("analytics/cli/office_stubs.c", "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    names = [n for v in HEADERS.values() for n in v]
    with open("analytics/cli/office_funcs.h", "w", encoding="utf-8") as f:
        f.write("/* office_funcs.h - written by office_stubs.py, do not edit.\n"
                " * X(name) for every function of the office table. */\n")
        f.write("#define CHISO_OFFICE_FUNCS(X) \\\n")
        f.write(" \\\n".join("    X(%s)" % n for n in names) + "\n")


main()
