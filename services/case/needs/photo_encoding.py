"""Proof photos re-encoded from their pixels alone: no EXIF, GPS, XMP, ICC or text chunks survive.

Pure functions (no I/O), run off the event loop. The pixel count is read from the header and
bounded before anything is decoded (a 50 kB PNG can claim 100 000 × 100 000 pixels).
"""

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from services.common.errors import DomainError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class NotAnImage(DomainError):
    status, code, title = 422, "NOT_AN_IMAGE", "Not a JPEG, PNG or WebP image"


class TooManyPixels(DomainError):
    status, code, title = 422, "IMAGE_TOO_LARGE", "Too many pixels"


@dataclass(frozen=True)
class EncodedPhoto:
    data: bytes
    content_type: str
    sha256: str
    width: int
    height: int


def reencode(content: bytes, *, max_pixels: int, max_edge: int) -> EncodedPhoto:
    """Decode a JPEG, PNG or WebP, turn it upright (EXIF orientation), shrink it to `max_edge` on
    its longer side, and encode it again in its own format from the pixels only."""
    not_an_image = NotAnImage("Send a JPEG, PNG or WebP photo.", "请上传 JPEG、PNG 或 WebP 格式的照片。")
    too_many = TooManyPixels(f"At most {max_pixels} pixels per photo.", f"照片像素不能超过 {max_pixels}。")
    try:
        image = Image.open(io.BytesIO(content), formats=list(FORMATS))
    except Image.DecompressionBombError as exc:
        raise too_many from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise not_an_image from exc
    width, height = image.size
    if width * height > max_pixels:
        raise too_many
    source_format = str(image.format)
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as exc:
        raise too_many from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise not_an_image from exc
    upright.thumbnail((max_edge, max_edge))
    pixels = _pixels_only(upright, source_format)
    out = io.BytesIO()
    if source_format == "JPEG":
        pixels.save(out, "JPEG", quality=85, optimize=True)
    elif source_format == "PNG":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=85)
    data = out.getvalue()
    return EncodedPhoto(data, FORMATS[source_format], hashlib.sha256(data).hexdigest(), *pixels.size)


def _pixels_only(image: Image.Image, source_format: str) -> Image.Image:
    """A new image holding nothing but the pixels (Pillow would carry `info` — ICC, EXIF, text — into some encoders)."""
    keep_alpha = source_format != "JPEG" and (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info)
    mode = "RGBA" if keep_alpha else ("L" if image.mode in ("1", "L", "I;16", "I") else "RGB")
    converted = image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean
