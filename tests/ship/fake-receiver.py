#!/usr/bin/env python3
"""A stand-in GitLab notes API and webhook receiver for tests/ship (loopback only).

    fake-receiver.py DIR    # writes DIR/port, then serves until killed

GET answers `[]` (no note yet); POST and PUT answer 201 {"id": 1}; every request body is
appended to DIR/requests.jsonl with its method, path and headers, so the ship checks can
assert what a pipeline job posted (and that no secret went where it should not).
"""
import http.server
import json
import pathlib
import sys

out = pathlib.Path(sys.argv[1])


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _record(self, body: bytes):
        with open(out / "requests.jsonl", "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "headers": dict(self.headers), "body": body.decode("utf-8", "replace")}) + "\n")

    def _answer(self, status: int, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._record(b"")
        self._answer(200, [])

    def do_POST(self):
        self._record(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self._answer(201, {"id": 1, "body": ""})

    do_PUT = do_POST


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
(out / "port").write_text(str(server.server_address[1]))
server.serve_forever()
