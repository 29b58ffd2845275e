#!/usr/bin/env python3
"""Write the .docx templates the fill tests use, from XML typed here the way
Microsoft Word saves it: rsid attributes, w14 paragraph ids, proofing marks
(<w:proofErr/>) and a bookmark (_GoBack) in the middle of a placeholder, a
placeholder split over several runs with different formatting, even "{{"
itself split into "{" + "{". python-docx cannot write such runs on purpose,
so the XML is written by hand and zipped with a fixed date (the files are
committed; rerun this script after changing it).

usage: make_templates.py [OUTDIR]   (default: this script's folder)

  split.docx   every placeholder form, split the way Word splits them; a
               table whose row repeats per item; header and footer
  errors.docx  one of each mistake an officer makes, in body, table and
               footer (the fill must report them all at once)
  plain.docx   no placeholder at all (the fill must keep every byte of
               every part)
  split.dotx   split.docx saved as a Word template (.dotx content type)
"""
import os
import sys
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:w="%s" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'mc:Ignorable="w14 w15"' % W)
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def para(inner, pid, ppr='<w:pPr><w:jc w:val="both"/></w:pPr>'):
    return ('<w:p w14:paraId="%08X" w14:textId="77777777" w:rsidR="00A1234B" '
            'w:rsidRDefault="00C5678D" w:rsidP="00C5678D">%s%s</w:p>'
            % (pid, ppr, inner))


def run(text, rpr="", rsid="00C5678D"):
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return '<w:r w:rsidR="%s">%s<w:t%s>%s</w:t></w:r>' % (
        rsid, rpr, space, text)


def cell(inner, width):
    return ('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>'
            % (width, inner))


def table(rows, widths):
    grid = "".join('<w:gridCol w:w="%d"/>' % w for w in widths)
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" '
            'w:type="auto"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>%s'
            '</w:tblGrid>%s</w:tbl>' % (grid, "".join(rows)))


def row(cells, widths, header=False):
    trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return '<w:tr w:rsidR="00A1234B" w14:paraId="00000001">%s%s</w:tr>' % (
        trpr, "".join(cell(c, w) for c, w in zip(cells, widths)))


def document(body):
    sect = ('<w:sectPr w:rsidR="00A1234B"><w:headerReference w:type="default" '
            'r:id="rId8"/><w:footerReference w:type="default" r:id="rId9"/>'
            '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" '
            'w:right="851" w:bottom="1134" w:left="1701" w:header="567" '
            'w:footer="567" w:gutter="0"/><w:cols w:space="708"/>'
            '<w:docGrid w:linePitch="360"/></w:sectPr>')
    return DECL + '<w:document %s><w:body>%s%s</w:body></w:document>' % (
        NS, body, sect)


def hdr_ftr(tag, body):
    return DECL + '<w:%s %s>%s</w:%s>' % (tag, NS, body, tag)


STYLES = DECL + (
    '<w:styles xmlns:w="%s"><w:docDefaults><w:rPrDefault><w:rPr>'
    '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
    'w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/>'
    '<w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
    '<w:name w:val="Normal"/><w:qFormat/></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
    '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" '
    'w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" '
    'w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" '
    'w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" '
    'w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" '
    'w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" '
    'w:color="auto"/></w:tblBorders></w:tblPr></w:style></w:styles>' % W)

SETTINGS = DECL + (
    '<w:settings xmlns:w="%s"><w:zoom w:percent="100"/><w:proofState '
    'w:spelling="clean" w:grammar="clean"/><w:defaultTabStop w:val="720"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/><w:rsids>'
    '<w:rsidRoot w:val="00A1234B"/><w:rsid w:val="00A1234B"/>'
    '<w:rsid w:val="00C5678D"/><w:rsid w:val="00D11111"/>'
    '<w:rsid w:val="00D22222"/></w:rsids></w:settings>' % W)


def content_types(main="document"):
    return DECL + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.%s.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
        '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '</Types>' % main)


RELS = DECL + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '</Relationships>')

DOC_RELS = DECL + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
    '</Relationships>')

CORE = DECL + (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<dc:title>Mẫu báo cáo CCHC</dc:title><dc:creator>Văn phòng Sở</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">2024-11-02T08:15:00Z</dcterms:created>'
    '</cp:coreProperties>')

APP = DECL + (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    '<Application>Microsoft Office Word</Application><AppVersion>16.0000</AppVersion></Properties>')

BOLD = "<w:rPr><w:b/><w:bCs/></w:rPr>"
ITAL = "<w:rPr><w:i/><w:iCs/></w:rPr>"
CENTER = '<w:pPr><w:jc w:val="center"/></w:pPr>'
WIDTHS = [800, 6000, 2500]


def split_body():
    b = []
    b.append(para(run("BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH", BOLD), 0x10,
                  CENTER))
    # period label and unit name, whole in one run each
    b.append(para(run("Kỳ báo cáo: ") + run("{{period.label}}") +
                  run(" (đến ngày ") + run("{{period.last_day:date}}") +
                  run(")."), 0x11))
    # the classic split: "{{" | "par.index" | bookmark | "_pct:2" bold | "}}"
    b.append(para(
        run("Chỉ số CCHC tự chấm đạt ") +
        run("{{", rsid="00D11111") +
        '<w:proofErr w:type="spellStart"/>' +
        run("par.index", rsid="00D11111") +
        '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>' +
        run("_pct:2", BOLD, rsid="00D22222") +
        '<w:proofErr w:type="spellEnd"/>' +
        run("}}") +
        run(" %, xếp loại ") + run("{{par.group.label}}") + run("."), 0x12))
    # "{{" itself split into "{" + "{", the closing braces in a third run,
    # a space inside the braces
    b.append(para(
        run("Tỷ lệ nhiệm vụ hoàn thành đúng hạn: ") +
        run("{") + run("{ tasks.on_time_pct:1 }", ITAL, rsid="00D11111") +
        run("}") + run(" %; quá hạn: ") + run("{{tasks.overdue}}") +
        run(" nhiệm vụ."), 0x13))
    # thousands, plain, no data (null), yes/no, text with a line break
    b.append(para(
        run("Hồ sơ tiếp nhận: {{services.received}} (mã {{services.code:plain}}); "
            "số ngày trễ trung bình: {{tasks.days_late_mean:2}}; "
            "có số liệu dịch vụ: {{services.reported}}."), 0x14))
    b.append(para(run("Đơn vị: {{unit.name}}; ghi chú: {{unit.note}}."),
                  0x15))
    # the repeated row with the item number, text and a number
    hdr = row([para(run("STT", BOLD), 0x20, CENTER),
               para(run("Tiêu chí bị trừ điểm", BOLD), 0x21, CENTER),
               para(run("Điểm bị trừ", BOLD), 0x22, CENTER)], WIDTHS, True)
    rep = row([para(run("{{par.top_lost[].#}}"), 0x23, CENTER),
               para(run("{{par.top_lost[].")
                    + '<w:proofErr w:type="gramStart"/>' + run("name}}")
                    + '<w:proofErr w:type="gramEnd"/>', 0x24),
               para(run("{{par.top_lost[].points_lost:2}}"), 0x25,
                    '<w:pPr><w:jc w:val="right"/></w:pPr>')], WIDTHS)
    tot = row([para("", 0x26), para(run("Tổng số điểm bị trừ", BOLD), 0x27),
               para(run("{{par.points_lost_total:2}}", BOLD), 0x28,
                    '<w:pPr><w:jc w:val="right"/></w:pPr>')], WIDTHS)
    b.append(table([hdr, rep, tot], WIDTHS))
    # a repeated paragraph (outside a table) and an empty list
    b.append(para(run("- {{par.areas[].name}}: {{par.areas[].index_pct:1}} %"),
                  0x30))
    b.append(para(run("Không có: {{tasks.overdue_list[].title}}"), 0x31))
    b.append(para(run("Lĩnh vực thứ hai: {{par.areas[2].name}}."), 0x32))
    return "".join(b)


def errors_body():
    b = []
    b.append(para(run("Chỉ số: {{par.index_pc}} và {{par.index_pct:x}}."),
                  0x40))
    b.append(para(run("Đơn vị: {{unit}}; kỳ {{period.id:2}}; chưa đóng {{par.points"),
                  0x41))
    b.append(para(run("Thứ hai: {{par.areas[9].name}}; {{#}}; {{par..x}}."), 0x42))
    hdr = row([para(run("STT"), 0x50), para(run("Tên"), 0x51),
               para(run("Điểm"), 0x52)], WIDTHS, True)
    mixed = row([para(run("{{par.top_lost[].#}}"), 0x53),
                 para(run("{{par.areas[].name}}"), 0x54),
                 para(run("{{par.top_lost[].points}}"), 0x55)], WIDTHS)
    unknown = row([para(run("{{par.top_lost[].#}}"), 0x56),
                   para(run("{{par.top_lost[].nam}}"), 0x57),
                   para(run("{{tasks.missing}}"), 0x58)], WIDTHS)
    b.append(table([hdr, mixed, unknown], WIDTHS))
    b.append(para(run("Danh sách: {{unit.name[].x}}"), 0x59))
    return "".join(b)


HEADER = hdr_ftr("hdr", para(run("{{unit.") + run("name}}", ITAL), 0x60,
                             '<w:pPr><w:pStyle w:val="Header"/></w:pPr>'))
FOOTER = hdr_ftr("ftr", para(run("Báo cáo {{period.label}} – trang "), 0x61,
                             '<w:pPr><w:pStyle w:val="Footer"/></w:pPr>'))
FOOTER_BAD = hdr_ftr("ftr", para(run("{{period.lable}}"), 0x62))
PLAIN_FOOTER = hdr_ftr("ftr", para(run("Trang chân"), 0x63))


def write(path, document_xml, header=HEADER, footer=FOOTER, main="document"):
    entries = [
        ("[Content_Types].xml", content_types(main)),
        ("_rels/.rels", RELS),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/header1.xml", header),
        ("word/footer1.xml", footer),
        ("word/styles.xml", STYLES),
        ("word/settings.xml", SETTINGS),
        ("docProps/core.xml", CORE),
        ("docProps/app.xml", APP),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 11, 2, 8, 15, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "split.docx"), document(split_body()))
    write(os.path.join(out, "split.dotx"), document(split_body()),
          main="template")
    write(os.path.join(out, "errors.docx"), document(errors_body()),
          footer=FOOTER_BAD)
    write(os.path.join(out, "plain.docx"), document(
        para(run("Một văn bản không có chỗ trống nào."), 0x70)),
        header=hdr_ftr("hdr", para(run("Đầu trang"), 0x71)),
        footer=PLAIN_FOOTER)


main()
