"""GET /v1/connections/{id} through the client generated from docs/api/openapi.yaml, signed with SigV4.

    python get_connection.py https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com us-east-1 amazon:EU:A1B2C3D4E5F6G7

Credentials come from botocore's usual chain (environment, profile, instance or task role).
"""

import sys

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.session import Session

from authkeeper_api_client import Client
from authkeeper_api_client.api.connections import get_connection
from authkeeper_api_client.models import Connection


class SigV4(httpx.Auth):
    """Signs each request for API Gateway (`execute-api`) just before it is sent."""

    requires_request_body = True

    def __init__(self, region: str):
        credentials = Session().get_credentials()
        if credentials is None:
            raise SystemExit("No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
        self.signer = SigV4Auth(credentials, "execute-api", region)

    def auth_flow(self, request: httpx.Request):
        # Only Host (and the body's type) are signed: headers a proxy may rewrite stay out of the signature.
        headers = {"host": request.url.netloc.decode()}
        if "content-type" in request.headers:
            headers["content-type"] = request.headers["content-type"]
        signed = AWSRequest(method=request.method, url=str(request.url), data=request.content, headers=headers)
        self.signer.add_auth(signed)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in signed.headers:
                request.headers[name] = signed.headers[name]
        yield request


def main(api_url: str, region: str, connection_id: str) -> int:
    with Client(base_url=api_url, httpx_args={"auth": SigV4(region)}, raise_on_unexpected_status=True) as client:
        answer = get_connection.sync_detailed(connection_id, client=client)
    if isinstance(answer.parsed, Connection):
        connection = answer.parsed
        print(f"{connection.connection_id}: {connection.status.value} ({connection.status_text.value}), "
              f"marketplace {connection.marketplace}, last check {connection.last_check_outcome.value}")
        return 0
    print(f"{answer.status_code}: {answer.parsed}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    sys.exit(main(*sys.argv[1:]))
