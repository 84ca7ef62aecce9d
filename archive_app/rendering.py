"""WeasyPrint with a locked-down URL fetcher and the project's own CJK font.

Every PDF of the project is rendered here. User text reaches the templates only as
escaped text, and even if markup slipped through, the fetcher below lets WeasyPrint
read nothing but `data:` URLs and files inside the project's static folders: no
`file://` elsewhere, no HTTP, so a PDF can never leak a server file or call an
internal URL."""

import logging
import resource
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

logger = logging.getLogger(__name__)

FONT_FAMILY = "Collab Sans SC"  # our own @font-face name, so no system font can stand in


def static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    return roots


def static_url(relative: str) -> str:
    """A `file:` URL of one of the project's static files, for PDF templates."""
    return (static_roots()[0] / relative).as_uri()


class StaticOnlyURLFetcher(URLFetcher):
    """Allows `data:` URLs and files below the project's static folders; refuses the rest.

    A refused URL raises URLFetchingError: WeasyPrint logs it and leaves the resource out,
    so a stray reference in user text never stops the document."""

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            for root in static_roots():
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
        logger.warning("PDF rendering refused to fetch %s", url[:200])
        raise URLFetchingError(f"Refused URL: {url[:200]}")


@dataclass
class RenderedPdf:
    content: bytes
    pages: int


def page_counter_css(text: str) -> str:
    """Turn a translated "Page %(page)s of %(pages)s" into a CSS `content` value."""
    parts = []
    rest = text
    while rest:
        positions = [(rest.find(m), m) for m in ("%(page)s", "%(pages)s") if m in rest]
        if not positions:
            parts.append(_css_string(rest))
            break
        index, marker = min(positions)
        if index:
            parts.append(_css_string(rest[:index]))
        parts.append("counter(page)" if marker == "%(page)s" else "counter(pages)")
        rest = rest[index + len(marker) :]
    return " ".join(parts) or '""'


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def pdf_context(*, title: str, orientation: str = "portrait") -> dict:
    """What every PDF template's base needs; call inside translation.override."""
    return {
        "doc_title": title,
        "company_name": settings.COMPANY_NAME,
        "font_family": FONT_FAMILY,
        "font_regular": static_url("fonts/NotoSansSC-Regular.ttf"),
        "font_bold": static_url("fonts/NotoSansSC-Bold.ttf"),
        "page_counter": page_counter_css(gettext("Page %(page)s of %(pages)s")),
        "printed_line": gettext("Generated %(when)s")
        % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        "orientation": orientation,
        # Lists of names: 、 in Chinese, a comma elsewhere.
        "list_sep": "、" if (translation.get_language() or "").startswith("zh") else ", ",
    }


@contextmanager
def memory_limit(megabytes: int):
    """Cap the address space while one document renders, then give it back.

    A runaway document then fails with MemoryError instead of taking the worker (or
    the machine) down; the previous limit is restored for the next task."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        used = 0
    cap = used + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def render_html_to_pdf(html: str) -> RenderedPdf:
    """Lay out and write one document. Failures propagate: the caller records them."""
    document = HTML(
        string=html,
        base_url=static_roots()[0].as_uri() + "/",
        url_fetcher=StaticOnlyURLFetcher(),
    ).render()
    content = document.write_pdf()
    return RenderedPdf(content=content, pages=len(document.pages))


def render_template_to_pdf(
    template: str, context: dict, *, language: str, title, orientation: str = "portrait"
) -> RenderedPdf:
    """Render a template under templates/pdf/ in the reader's language."""
    with translation.override(language):
        full = {**context, **pdf_context(title=str(title), orientation=orientation)}
        html = render_to_string(template, full)
    with memory_limit(settings.PDF_MEMORY_LIMIT_MB):
        return render_html_to_pdf(html)
