"""Proof photos through the gateway: uploaded by the need's staff, served under the case service's
visibility (staff in scope before fulfilment, anyone after, 404 otherwise), capped at the photo's
own body limit, and named by proofPhotoUrl on Need and PublicWish."""

import io
import os
import uuid
from datetime import timedelta

import httpx
import pytest
from PIL import ExifTags, Image

from gateway.ids import from_global_id, to_global_id
from services.common.clock import clock
from services.common.settings import Settings
from tests.case.needs.test_proof_photos import jpeg_with_gps
from tests.e2e.test_gateway_case import _new_elder, _publish
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import gql

pytestmark = pytest.mark.e2e


def _matched_need(world: World, n: int) -> tuple[str, str]:
    """A published need, held and confirmed at the case service: (Need global id, local id)."""
    need_gid = _publish(world, _new_elder(world, n), "一副老花镜")["need"]["id"]
    need_id = str(from_global_id(need_gid)[1])
    case = world.stack.url("case")
    until = (clock.now() + timedelta(hours=1)).isoformat()
    reference = f"hold:{uuid.uuid4()}"
    for step, body in (("hold", {"reference": reference, "until": until}), ("confirm", {"reference": reference})):
        response = httpx.post(f"{case}/v1/needs/{need_id}/{step}", json=body, headers=world.station(), timeout=10)
        assert response.status_code == 200, response.text
    return need_gid, need_id


def _photo_url(world: World, path: str) -> str:
    return world.stack.url("gateway") + path


def _upload(world: World, need_gid: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        _photo_url(world, f"/photos/needs/{need_gid}"),
        files={"file": ("proof.jpg", content, "image/jpeg")},
        headers=headers,
        timeout=30,
    )


def noisy_jpeg(edge: int = 400) -> bytes:
    """A photo larger than the GraphQL body limit (64 kB): noise does not compress."""
    out = io.BytesIO()
    Image.frombytes("RGB", (edge, edge), os.urandom(edge * edge * 3)).save(out, "JPEG", quality=95)
    return out.getvalue()


NEED_PHOTO = "query($id: ID!) { node(id: $id) { ... on Need { proofPhotoUrl } ... on PublicWish { proofPhotoUrl } } }"


class TestThroughTheGateway:
    def test_upload_serve_and_publish(self, world: World, settings: Settings) -> None:
        need_gid, need_id = _matched_need(world, 801)
        url = _photo_url(world, f"/photos/needs/{need_gid}")
        assert httpx.get(url, timeout=10).status_code == 404  # nothing yet

        stored = _upload(world, need_gid, jpeg_with_gps(), world.station())
        assert stored.status_code == 201, stored.text
        assert stored.json()["url"] == f"/photos/needs/{need_gid}"
        assert (stored.json()["width"], stored.json()["height"]) == (480, 640)

        fetched = httpx.get(url, headers=world.station(), timeout=10)
        assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/jpeg"
        assert fetched.headers["cache-control"] == "private, no-store"
        photo = Image.open(io.BytesIO(fetched.content))
        assert dict(photo.getexif()) == {} and not photo.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert b"PhoneMaker" not in fetched.content

        # Before fulfilment: staff in scope only.
        other_station = bearer(settings, "station_staff", platform_id=uuid.uuid4(), region="150781")
        assert httpx.get(url, timeout=10).status_code == 404
        assert httpx.get(url, headers=other_station, timeout=10).status_code == 404
        shown = gql(world.stack, NEED_PHOTO, {"id": need_gid}, world.station())
        assert shown["data"]["node"]["proofPhotoUrl"] == f"/photos/needs/{need_gid}"

        fulfilled = httpx.post(
            f"{world.stack.url('case')}/v1/needs/{need_id}/fulfil",
            json={"proof_note": "老花镜已送到，老人很高兴。"},
            headers=world.station(),
            timeout=10,
        )
        assert fulfilled.status_code == 200, fulfilled.text
        wish_gid = to_global_id("PublicWish", need_id)
        app = bearer(settings, "app_client", subject="photo-app", scopes=["wishes:read"])
        wish = gql(world.stack, NEED_PHOTO, {"id": wish_gid}, app)
        assert wish["data"]["node"]["proofPhotoUrl"] == f"/photos/needs/{wish_gid}", wish
        public = httpx.get(_photo_url(world, f"/photos/needs/{wish_gid}"), timeout=10)
        assert public.status_code == 200 and public.content == fetched.content
        assert public.headers["cache-control"].startswith("public")

    def test_who_may_upload(self, world: World, settings: Settings) -> None:
        need_gid, _ = _matched_need(world, 802)
        photo = jpeg_with_gps()
        assert _upload(world, need_gid, photo, {}).status_code == 401
        app = bearer(settings, "app_client", subject="photo-app", scopes=["wishes:read", "wishes:claim"])
        assert _upload(world, need_gid, photo, app).json()["code"] == "FORBIDDEN"
        other_station = bearer(settings, "station_staff", platform_id=uuid.uuid4(), region="150781")
        assert _upload(world, need_gid, photo, other_station).status_code == 404
        wish_gid = to_global_id("PublicWish", str(from_global_id(need_gid)[1]))
        assert _upload(world, wish_gid, photo, world.station()).status_code == 404  # staff upload to a Need
        assert _upload(world, "not-an-id", photo, world.station()).status_code == 404
        assert httpx.get(_photo_url(world, "/photos/needs/bm90IGEgbmVlZA=="), timeout=10).status_code == 404

    def test_the_photo_has_its_own_body_limit(self, world: World, settings: Settings) -> None:
        need_gid, _ = _matched_need(world, 803)
        larger_than_graphql_takes = noisy_jpeg()
        assert len(larger_than_graphql_takes) > settings.graphql_max_body_bytes
        assert _upload(world, need_gid, larger_than_graphql_takes, world.station()).status_code == 201

        too_big = b"\xff\xd8" + b"\0" * (settings.proof_photo_max_bytes + 16 * 1024)
        refused = _upload(world, need_gid, too_big, world.station())
        assert refused.status_code == 413 and refused.json()["code"] == "PAYLOAD_TOO_LARGE"

        def chunked():  # type: ignore[no-untyped-def]
            boundary = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
            yield boundary
            for _ in range(0, len(too_big), 256 * 1024):
                yield b"\0" * 256 * 1024

        streamed = httpx.post(
            _photo_url(world, f"/photos/needs/{need_gid}"),
            content=chunked(),
            headers={**world.station(), "Content-Type": "multipart/form-data; boundary=b"},
            timeout=30,
        )
        assert streamed.status_code == 413 and streamed.json()["code"] == "PAYLOAD_TOO_LARGE"
        # GraphQL keeps its own small limit.
        graphql = httpx.post(
            _photo_url(world, "/graphql"), content=b"{" + b" " * settings.graphql_max_body_bytes + b"}", timeout=10
        )
        assert graphql.status_code == 413
