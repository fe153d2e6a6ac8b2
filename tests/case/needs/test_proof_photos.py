"""Proof photos: uploaded (multipart), re-encoded without metadata, served like the need's proof."""

import io
import struct
import zlib

import httpx
import pytest
from PIL import ExifTags, Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Case, ProofPhoto
from services.common.settings import Settings
from tests.case.factories import make_case, make_need, make_recipient, make_tree
from tests.support.auth import bearer


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 120, 40))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: the stored photo is turned upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (49.0, 35.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (117.0, 22.0, 48.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Wang Xiuying, Xingfu compound 3")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb is opened, never decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def upload(content: bytes, name: str = "proof.jpg", media: str = "image/jpeg") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, content, media)}


async def _need(session: AsyncSession, settings: Settings, state: str = "matched"):  # type: ignore[no-untyped-def]
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["room"])
    case = await make_case(session, recipient=recipient, state="intervention")
    need = await make_need(session, case=case, state=state, matched_reference="hold:1")
    return need, bearer(settings, "station_staff", platform_id=tree["station"].id)


class TestUpload:
    async def test_gps_exif_is_gone_when_fetched_back(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        need, staff = await _need(session, settings)
        sent = jpeg_with_gps()
        assert Image.open(io.BytesIO(sent)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload has GPS
        stored = await client.post(f"/v1/needs/{need.id}/proof-photo", files=upload(sent), headers=staff)
        assert stored.status_code == 201, stored.text
        assert stored.json()["url"] == f"/v1/needs/{need.id}/proof-photo"
        assert (stored.json()["width"], stored.json()["height"]) == (480, 640)  # turned upright

        fetched = await client.get(stored.json()["url"], headers=staff)
        assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/jpeg"
        photo = Image.open(io.BytesIO(fetched.content))
        assert dict(photo.getexif()) == {} and "exif" not in photo.info and "comment" not in photo.info
        assert b"Exif" not in fetched.content and b"PhoneMaker" not in fetched.content
        assert b"Xingfu" not in fetched.content
        row = await session.scalar(select(ProofPhoto).where(ProofPhoto.need_id == need.id))
        assert row is not None and row.size == len(fetched.content) and row.data == fetched.content

        shown = (await client.get(f"/v1/needs/{need.id}", headers=staff)).json()
        assert shown["proof_photo_url"] == f"/v1/needs/{need.id}/proof-photo"

    @pytest.mark.parametrize("chunked", [False, True])
    async def test_oversized_is_413(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, chunked: bool
    ) -> None:
        need, staff = await _need(session, settings)
        big = b"\xff\xd8" + b"\0" * settings.proof_photo_max_bytes
        if chunked:
            boundary = "wushe-test-boundary"
            body = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
                f"Content-Type: image/jpeg\r\n\r\n".encode()
                + big
                + f"\r\n--{boundary}--\r\n".encode()
            )

            async def stream():  # type: ignore[no-untyped-def]
                for start in range(0, len(body), 64 * 1024):
                    yield body[start : start + 64 * 1024]

            response = await client.post(
                f"/v1/needs/{need.id}/proof-photo",
                content=stream(),
                headers={**staff, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
        else:
            response = await client.post(f"/v1/needs/{need.id}/proof-photo", files=upload(big), headers=staff)
        assert response.status_code == 413 and response.json()["code"] == "PAYLOAD_TOO_LARGE"

    @pytest.mark.parametrize(
        ("content", "code"),
        [
            (b"%PDF-1.7 not a photo", "NOT_AN_IMAGE"),
            (b"GIF89a" + b"\0" * 20, "NOT_AN_IMAGE"),
            (png_claiming(30_000, 30_000), "IMAGE_TOO_LARGE"),
        ],
    )
    async def test_not_an_image_is_422(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, content: bytes, code: str
    ) -> None:
        need, staff = await _need(session, settings)
        response = await client.post(f"/v1/needs/{need.id}/proof-photo", files=upload(content), headers=staff)
        assert response.status_code == 422 and response.json()["code"] == code
        assert await session.scalar(select(ProofPhoto).where(ProofPhoto.need_id == need.id)) is None

    async def test_out_of_scope_is_404_before_reading(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        need, _ = await _need(session, settings)
        other = await make_tree(session, county="150702")
        stranger = bearer(settings, "station_staff", platform_id=other["station"].id)
        response = await client.post(
            f"/v1/needs/{need.id}/proof-photo", files=upload(jpeg_with_gps()), headers=stranger
        )
        assert response.status_code == 404

    async def test_an_open_need_takes_no_photo(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        need, staff = await _need(session, settings, state="open")
        response = await client.post(f"/v1/needs/{need.id}/proof-photo", files=upload(jpeg_with_gps()), headers=staff)
        assert response.status_code == 409


class TestVisibility:
    async def test_public_once_fulfilled_scoped_before(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        need, staff = await _need(session, settings)
        url = f"/v1/needs/{need.id}/proof-photo"
        assert (await client.post(url, files=upload(jpeg_with_gps()), headers=staff)).status_code == 201
        other = await make_tree(session, county="150702")
        stranger = bearer(settings, "station_staff", platform_id=other["station"].id)
        app = bearer(settings, "app_client", scopes=["wishes:read"])
        assert (await client.get(url)).status_code == 404  # matched, not yet fulfilled: staff only
        assert (await client.get(url, headers=stranger)).status_code == 404
        assert (await client.get(url, headers=app)).status_code == 404
        assert (await client.get(url, headers=staff)).headers["cache-control"] == "private, no-store"

        fulfilled = await client.post(
            f"/v1/needs/{need.id}/fulfil", json={"proof_note": "已送达", "proof_photo_url": url}, headers=staff
        )
        assert fulfilled.status_code == 200, fulfilled.text
        anonymous = await client.get(url)
        assert anonymous.status_code == 200 and anonymous.headers["cache-control"].startswith("public")
        assert (await client.get(url, headers=stranger)).status_code == 200
        wish = (await client.get(f"/v1/public-wishes/{need.id}")).json()
        assert wish["proof_photo_url"] == url

    async def test_a_link_elsewhere_is_refused_and_never_published(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        need, staff = await _need(session, settings)
        refused = await client.post(
            f"/v1/needs/{need.id}/fulfil",
            json={"proof_note": "已送达", "proof_photo_url": "https://img.example.org/p/1.jpg"},
            headers=staff,
        )
        assert refused.status_code == 422 and refused.json()["code"] == "PHOTO_URL_NOT_OURS"
        case = await session.get(Case, need.case_id)
        assert case is not None
        legacy = await make_need(
            session,
            case=case,
            state="fulfilled",
            proof_note="已送达",
            proof_photo_url="https://img.example.org/p/1.jpg",
        )
        assert (await client.get(f"/v1/public-wishes/{legacy.id}")).json()["proof_photo_url"] is None
