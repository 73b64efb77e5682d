"""A meeting's record as an A4 PDF, in Chinese, for the village's files (台账).

Drawn with fpdf2 from PyPI, which embeds the subset of Noto Sans CJK SC it uses: it
reads the OpenType collection the project ships (``noto-cjk-sans-otc``) by face index
and embeds its CFF outlines as they are, so no system font or package is needed.
"""

from __future__ import annotations

from importlib.resources import as_file
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace

from bot.files.meeting_record import MeetingRecord, sections
from core import texts
from handlers.pictures import CJK_FONT, SIMPLIFIED_CHINESE

FAMILY = "NotoSansSC"
# The project ships the regular weight only: headings are shaded, not bold.
HEADINGS = FontFace(emphasis="", fill_color=(235, 235, 235))
MARGIN = 15  # mm
# Relative column widths of each table, in the order of ``sections``.
WIDTHS = ((1, 1, 4), (1, 8, 1.3, 1.3, 1.3, 1.6, 2.6), (1, 6, 2, 4), (1.2, 1.6, 8), (1, 6, 2))


def write_pdf(record: MeetingRecord, path: Path) -> None:
    """Write the record as an A4 PDF."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.set_title(record.title)
    with as_file(CJK_FONT) as font:
        pdf.add_font(FAMILY, fname=str(font), collection_font_number=SIMPLIFIED_CHINESE)
    pdf.add_page()
    pdf.set_font(FAMILY, size=17)
    pdf.cell(0, 12, record.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=11)
    for label, value in record.head:
        pdf.multi_cell(0, 7, f"{label}：{value}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 7, record.quorum, new_x="LMARGIN", new_y="NEXT")
    for (heading, columns, rows), widths in zip(sections(record), WIDTHS, strict=True):
        pdf.ln(3)
        pdf.set_font(FAMILY, size=13)
        pdf.cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, size=10)
        if not rows:
            pdf.cell(0, 7, texts.RECORD_NONE, new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(col_widths=widths, line_height=6, text_align="LEFT",
                       borders_layout=TableBordersLayout.ALL,
                       headings_style=HEADINGS) as table:
            for cells in (columns, *rows):
                row = table.row()
                for cell in cells:
                    row.cell(cell)
    pdf.ln(14)
    pdf.set_font(FAMILY, size=12)
    signature_width = (pdf.w - 2 * MARGIN) / len(texts.RECORD_SIGNATURES)
    for label in texts.RECORD_SIGNATURES:  # each label with a line to sign on
        left = pdf.get_x()
        pdf.cell(pdf.get_string_width(label) + 1, 10, label)
        pdf.line(pdf.get_x(), pdf.get_y() + 8, left + signature_width - 6, pdf.get_y() + 8)
        pdf.set_x(left + signature_width)
    pdf.output(str(path))
