"""Where a need's proof photo is served, and the deprecated `proof_photo_url` of a fulfilment."""

import uuid

from services.common.errors import DomainError

PHOTO_PATH = "/v1/needs/{need_id}/proof-photo"


class PhotoUrlNotOurs(DomainError):
    status, code, title = 422, "PHOTO_URL_NOT_OURS", "Proof photos are uploaded"


def photo_path(need_id: uuid.UUID) -> str:
    return PHOTO_PATH.format(need_id=need_id)


def is_own_photo(need_id: uuid.UUID, url: str | None) -> bool:
    """Whether `url` (absolute, or a path) names this need's own photo endpoint."""
    if not url:
        return False
    path = "/" + url.split("://", 1)[1].partition("/")[2] if "://" in url else url
    return path.split("?", 1)[0].split("#", 1)[0] == photo_path(need_id)


def ensure_own_photo_url(need_id: uuid.UUID, url: str | None) -> None:
    """Deprecated input: only this need's own photo path is accepted (links elsewhere were published
    verbatim and could point anywhere, EXIF and all)."""
    if url is not None and not is_own_photo(need_id, url):
        raise PhotoUrlNotOurs(
            f"Upload the photo to POST {photo_path(need_id)}; links to photos elsewhere are not accepted.",
            f"请通过 POST {photo_path(need_id)} 上传照片；不接受外部照片链接。",
            field="proof_photo_url",
        )
