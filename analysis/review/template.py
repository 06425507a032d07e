"""The pre-filled opponent review (oponentní posudek) as Markdown and as a Word document.

The template has the sections a reviewer writes (data, methods, assumptions, results,
reproducibility, conclusion). What the tool knows is filled in: the report, the inputs,
the parameters, the headline results and what moves them, the verify result; what only
the reviewer can judge is a bracketed prompt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROMPT_MARK = "[Doplní oponent: "


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)  # what the reviewer is asked


def prompt(text: str) -> str:
    return f"{PROMPT_MARK}{text}]"


def markdown(title: str, header: list[str], sections: list[Section]) -> str:
    lines = [f"# {title}", ""]
    lines += [f"{h}  " for h in header] + [""]
    for i, s in enumerate(sections, start=1):
        lines += [f"## {i}. {s.title}", ""]
        for p in s.paragraphs:
            lines += [p, ""]
        if s.bullets:
            lines += [f"- {b}" for b in s.bullets] + [""]
        for q in s.prompts:
            lines += [f"> {prompt(q)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_docx(path: Path, title: str, header: list[str], sections: list[Section]) -> None:
    """The same template as an editable Word document (python-docx).

    The document's core properties carry no creation time, so that the same review gives
    the same file content apart from the ZIP container's timestamps."""
    import datetime as dt

    from docx import Document
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    for section in doc.sections:  # A4, as the PDF (the default template is US Letter)
        section.page_width, section.page_height = Mm(210), Mm(297)
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Serif"
    style.font.size = Pt(10.5)
    doc.core_properties.title = title
    doc.core_properties.author = "socplan"
    fixed = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    doc.core_properties.created = fixed
    doc.core_properties.modified = fixed
    doc.core_properties.language = "cs-CZ"
    doc.add_heading(title, level=0)
    for h in header:
        doc.add_paragraph(h)
    for i, s in enumerate(sections, start=1):
        doc.add_heading(f"{i}. {s.title}", level=1)
        for p in s.paragraphs:
            doc.add_paragraph(p)
        for b in s.bullets:
            doc.add_paragraph(b, style="List Bullet")
        for q in s.prompts:
            run = doc.add_paragraph().add_run(prompt(q))
            run.italic = True
            run.font.color.rgb = RGBColor(0x80, 0x40, 0x30)
    doc.save(str(path))
