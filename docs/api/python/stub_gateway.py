"""A stand-in for API Gateway on 127.0.0.1, for check.sh: it verifies each request's SigV4 signature as
API Gateway would (same credentials, service execute-api) and answers GET /v1/connections/{id} with
the example docs/api/openapi.yaml documents; anything else 403 or 404, as the gateway and the API do.

    python stub_gateway.py PORT_FILE REGION ACCESS_KEY SECRET_KEY
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi.yaml"
EXAMPLE = yaml.safe_load(DOCUMENT.read_text())["paths"]["/v1/connections/{id}"]["get"]["responses"]["200"]["content"][
    "application/json"]["examples"]["needsReauthorization"]["value"]


class Gateway(BaseHTTPRequestHandler):
    signer: SigV4Auth

    def do_GET(self):
        if not self.signature_holds():
            return self.answer(403, {"message": "The request signature we calculated does not match the signature you provided."})
        prefix = "/v1/connections/"
        if not self.path.startswith(prefix) or "/" in self.path[len(prefix):]:
            return self.answer(404, {"message": "Not Found"})
        return self.answer(200, dict(EXAMPLE, connectionId=self.path[len(prefix):].replace("%3A", ":")))

    def signature_holds(self) -> bool:
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("AWS4-HMAC-SHA256 ") or "X-Amz-Date" not in self.headers:
            return False
        fields = dict(part.strip().split("=", 1) for part in authorization[len("AWS4-HMAC-SHA256 "):].split(","))
        signed = {name: self.headers[name] for name in fields["SignedHeaders"].split(";")}
        request = AWSRequest(method=self.command, url=f"http://{self.headers['Host']}{self.path}", data=b"", headers=signed)
        request.context["timestamp"] = self.headers["X-Amz-Date"]
        expected = self.signer.signature(self.signer.string_to_sign(request, self.signer.canonical_request(request)), request)
        return fields["Signature"] == expected

    def answer(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port_file, region, access_key, secret_key = sys.argv[1:]
    Gateway.signer = SigV4Auth(Credentials(access_key, secret_key), "execute-api", region)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    Path(port_file).write_text(str(server.server_address[1]))
    server.serve_forever()
