#!/usr/bin/env python3
"""A fake Salesforce org for tests/ship (loopback only), speaking the wire formats the sfci
tools use: the OAuth 2.0 token endpoint (refresh-token grant of an SFDX auth URL), REST and
Tooling `query`, `limits`, and the Metadata REST `deployRequest` resource that
`gate deploy-watch` polls and PATCHes to cancel.

    fake-org.py DIR REFRESH_TOKEN    # writes DIR/port, then serves until killed

What it answers is read from DIR/org.json on every request, so a test changes the org
between two job runs by rewriting that file:

    {"queries": [{"match": "FROM Application_Log__c", "totalSize": 3, "records": []}, ...],
     "deploy": {"0Af…": [{"status": "InProgress", …}, {"status": "Succeeded", "done": true, …}]}}

A query gets the first entry whose `match` is a substring of its SOQL (REST and Tooling
alike; `"api": "tooling"` restricts an entry); no entry is a 400 MALFORMED_QUERY naming the
query. A deployRequest GET answers the id's states one after the other (the last one
repeats). Every request goes to DIR/requests.jsonl (method, path, query, body, and whether
it carried the session), never the tokens themselves. A wrong refresh token is a 400
invalid_grant; a request without the session is a 401 INVALID_SESSION_ID.
"""
import http.server
import json
import pathlib
import sys
import urllib.parse

out = pathlib.Path(sys.argv[1])
refresh_token = sys.argv[2]
ACCESS = "00DFAKE!fake-org-access-token-for-ship-tests"
polls = {}


def state():
    p = out / "org.json"
    return json.loads(p.read_text()) if p.exists() else {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self, status, payload, extra=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Sforce-Limit-Info", "api-usage=1000/15000")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _record(self, body, **more):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query).get("q", [None])[0]
        entry = {"method": self.command, "path": url.path, "q": q, "body": body,
                 "session": self.headers.get("Authorization") == f"Bearer {ACCESS}"}
        entry.update(more)
        with open(out / "requests.jsonl", "a") as f:
            f.write(json.dumps(entry) + "\n")
        return url.path, q

    def _body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", 0) or 0)).decode("utf-8", "replace")

    def do_POST(self):
        body = self._body()
        url = urllib.parse.urlsplit(self.path)
        form = urllib.parse.parse_qs(body)
        if url.path == "/services/oauth2/token":
            ok = form.get("grant_type") == ["refresh_token"] and form.get("refresh_token") == [refresh_token]
            self._record("(token request)", grant=form.get("grant_type", [""])[0], ok=ok)
            if not ok:
                return self._answer(400, {"error": "invalid_grant", "error_description": "expired access/refresh token"})
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            return self._answer(200, {"access_token": ACCESS, "instance_url": base, "token_type": "Bearer",
                                      "id": f"{base}/id/00D5g000004FAKEEAA/005000000000001AAA",
                                      "issued_at": "1764000000000", "signature": "ZmFrZQ=="})
        self._record(body)
        self._answer(404, [{"errorCode": "NOT_FOUND", "message": "fake org: no such resource"}])

    def _authorized(self):
        if self.headers.get("Authorization") != f"Bearer {ACCESS}":
            self._answer(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
            return False
        return True

    def do_GET(self):
        path, q = self._record(None)
        if not self._authorized():
            return
        parts = path.split("/")
        # /services/data/vXX.X/<resource...>
        resource = "/".join(parts[4:]) if path.startswith("/services/data/v") else ""
        st = state()
        if resource in ("query", "queryAll", "tooling/query"):
            api = "tooling" if resource == "tooling/query" else "rest"
            for e in st.get("queries", []):
                if e["match"] in (q or "") and e.get("api", api) == api:
                    recs = e.get("records", [])
                    return self._answer(200, {"totalSize": e.get("totalSize", len(recs)), "done": True, "records": recs})
            return self._answer(400, [{"errorCode": "MALFORMED_QUERY", "message": f"fake org: no answer for {q!r}"}])
        if resource == "limits":
            return self._answer(200, st.get("limits", {"DailyApiRequests": {"Max": 15000, "Remaining": 14000}}))
        if resource.startswith("metadata/deployRequest/"):
            job = resource.split("/")[2]
            states = st.get("deploy", {}).get(job)
            if not states:
                return self._answer(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
            n = polls.get(job, 0)
            polls[job] = n + 1
            r = dict(states[min(n, len(states) - 1)])
            r.setdefault("id", job)
            return self._answer(200, {"id": job, "deployResult": r})
        self._answer(404, [{"errorCode": "NOT_FOUND", "message": "fake org: no such resource"}])

    def do_PATCH(self):
        body = self._body()
        path, _ = self._record(body)
        if not self._authorized():
            return
        if "/metadata/deployRequest/" in path:
            job = path.rsplit("/", 1)[1]
            return self._answer(202, {"id": job, "deployResult": {"id": job, "status": "Canceling", "done": False}})
        self._answer(404, [{"errorCode": "NOT_FOUND", "message": "fake org: no such resource"}])


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
(out / "port").write_text(str(server.server_address[1]))
server.serve_forever()
