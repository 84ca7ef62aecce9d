"""User text can never make WeasyPrint read a local file or call a URL."""

import http.server
import threading

import pytest
from weasyprint.urls import URLFetchingError

from archive_app import services
from archive_app.rendering import StaticOnlyURLFetcher, render_html_to_pdf, static_url
from tests.archive_app.conftest import pdf_text
from tests.requests_app.factories import make_request


@pytest.fixture
def listener():
    """A real HTTP server on 127.0.0.1 that records every hit."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_fetcher_refuses_local_files_and_urls(listener):
    url, hits = listener
    fetcher = StaticOnlyURLFetcher()
    for refused in ("file:///etc/passwd", f"{url}/x.png", "file:///proc/self/environ"):
        with pytest.raises(URLFetchingError):
            fetcher.fetch(refused)
    # Climbing out of the static folder is refused too.
    with pytest.raises(URLFetchingError):
        fetcher.fetch(static_url("fonts/../../pyproject.toml"))
    assert hits == []


def test_fetcher_allows_data_and_project_static_files():
    fetcher = StaticOnlyURLFetcher()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    font = fetcher.fetch(static_url("fonts/OFL.txt"))
    assert b"Open Font License" in font.read()


def test_raw_markup_cannot_read_files_or_call_urls(listener):
    """Even markup that reached WeasyPrint unescaped fetches nothing."""
    url, hits = listener
    html = f"""<html><body><p>x</p>
      <img src="file:///etc/passwd"><img src="{url}/pixel.png">
      <link rel="attachment" href="file:///etc/passwd">
      <a rel="attachment" href="file:///etc/hostname">a</a>
      <link rel="stylesheet" href="{url}/style.css">
      <div style="background: url('{url}/bg.png')">y</div>
    </body></html>"""
    content = render_html_to_pdf(html).content
    assert hits == []
    assert b"root:" not in content
    assert b"/EmbeddedFile" not in content


def test_user_fields_render_as_text(demo, listener, django_capture_on_commit_callbacks):
    url, hits = listener
    request = make_request(
        demo,
        stage="in_progress",
        title='<img src="file:///etc/passwd"> evil',
        background_goal=f'<link rel="attachment" href="file:///etc/passwd"><img src="{url}/a.png">',
        content_deliverables=f"{url}/b.png",
    )
    with django_capture_on_commit_callbacks(execute=True):
        document = services.request_dossier(by=demo["secretary"], request=request, language="en")
    document.refresh_from_db()
    content = document.file.read()
    text, _reader = pdf_text(content)
    assert hits == []
    assert b"root:" not in content
    assert b"/EmbeddedFile" not in content
    assert 'src="file:///etc/passwd"' in text.replace("\n", " ")
