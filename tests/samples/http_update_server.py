"""An HTTP server on the host's loopback for the download tests: it serves one image at
one path, whole or cut short after a given number of body bytes, or answers with another
status, or with a response head padded by extra headers."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IMAGE_PATH = "/levante.signed.bin"


class ImageServer:
    """Serves `image` at IMAGE_PATH on 127.0.0.1:`port`; with `cut_after` set, announces
    the whole length but closes the connection after that many body bytes; `status`
    other than 200 answers with no body; `padding` adds that many bytes of headers."""

    def __init__(self) -> None:
        self.image = b""
        self.cut_after: int | None = None
        self.status = 200
        self.padding = 0
        self.requests: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                owner.requests.append(self.path)
                if self.path != IMAGE_PATH or owner.status != 200:
                    self.send_error(404 if self.path != IMAGE_PATH else owner.status)
                    return
                self.send_response(200)
                for index in range(0, owner.padding, 64):
                    self.send_header(f"X-Padding-{index}", "p" * 48)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(owner.image)))
                self.end_headers()
                body = owner.image if owner.cut_after is None \
                    else owner.image[:owner.cut_after]
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # the test looks at `requests`, not at a log on stderr

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def serve(self, image: bytes, cut_after: int | None = None, status: int = 200,
              padding: int = 0) -> None:
        self.image, self.cut_after, self.status, self.padding = \
            image, cut_after, status, padding
        self.requests.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
