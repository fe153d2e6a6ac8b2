"""GraphiQL is served from the gateway's own files: no CDN, and the files are the ones the page's
integrity hashes name."""

import base64
import hashlib
import re

from fastapi.testclient import TestClient

from gateway.app import create_app
from services.common.settings import Settings


def test_graphiql_loads_only_from_the_gateway_and_every_file_matches_its_integrity_hash() -> None:
    settings = Settings(environment="development", introspection=True)
    with TestClient(create_app(settings)) as client:
        page = client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        assert "unpkg.com" not in page.text and "jsdelivr" not in page.text
        tags = re.findall(r'(?:src|href)="(/graphql-ide/[^"]+)"\s+integrity="(sha384-[^"]+)"', page.text)
        assert len(tags) == 7, tags
        for url, integrity in tags:
            asset = client.get(url)
            assert asset.status_code == 200, url
            digest = "sha384-" + base64.b64encode(hashlib.sha384(asset.content).digest()).decode()
            assert digest == integrity, url
