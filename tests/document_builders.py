"""Documents built in the tests that need them: PDFs, one whose text layer holds Chinese text.

Real plan PDFs cannot be bundled, and no PDF writer is a dependency; this builds a small valid PDF
by hand whose text layer gives back exactly the lines it was given, so `pypdf` reads it the way it
reads a Chinese government PDF (one text line per printed line, pages apart).
"""

from __future__ import annotations


def build_cjk_pdf(pages: list[list[str]]) -> bytes:
    """A valid PDF whose text layer holds the given lines, any Unicode (BMP) text: a Type0 font with
    Identity-H codes equal to the code points and a ToUnicode map saying so; no glyphs are embedded,
    so viewers show boxes, but text extraction reads what a real Chinese PDF's text layer gives."""
    ranges = "\n".join(f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Identity-UCS def "
            "/CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{256 - 8} beginbfrange\n{ranges}\nendbfrange endcmap CMapName currentdict /CMap defineresource pop end end")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type0 /BaseFont /NotoSerifCJK /Encoding /Identity-H "
               b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
               b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSerifCJK /CIDToGIDMap /Identity "
               b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap.encode())]
    kids = []
    for lines in pages:
        ops = ["BT /F1 12 Tf 14 TL 56 780 Td"]
        for line in lines:
            ops.append("<" + "".join(f"{ord(ch):04X}" for ch in line) + "> Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("ascii")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {len(objects)} 0 R >>".encode())
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    return pdf_file(objects, version=b"1.7")


def pdf_file(objects: list[bytes], version: bytes = b"1.4") -> bytes:
    """The bytes of a PDF holding these objects (numbered from 1, the first the catalogue), with the
    cross-reference table a reader needs to find them."""
    out = bytearray(b"%PDF-" + version + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
