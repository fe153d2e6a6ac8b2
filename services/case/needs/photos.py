"""Proof photos (凭证照片): uploaded by the need's staff, seen by whoever may see the need's proof."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry, Need, ProofPhoto
from services.case.needs import repository
from services.case.needs.photo_encoding import EncodedPhoto
from services.case.needs.photo_links import photo_path
from services.case.needs.service import ensure_writer, get, not_found
from services.common.audit import record_audit
from services.common.auth import Principal
from services.common.clock import clock
from services.common.errors import Conflict
from services.common.vocabulary import NeedState

# A photo proves delivery: from the match on (taken at the door, before fulfilment is recorded).
UPLOAD_STATES = (NeedState.MATCHED, NeedState.FULFILLED, NeedState.CLOSED)
PUBLIC_STATES = (NeedState.FULFILLED, NeedState.CLOSED)


async def authorize_upload(session: AsyncSession, principal: Principal, need_id: uuid.UUID) -> Need:
    """The need whose photo the caller may set (staff in scope, a matched or fulfilled need), locked;
    settled before a byte of the upload is read."""
    need = await get(session, principal, need_id, lock=True)  # out of scope: 404 for every role
    ensure_writer(principal)
    if NeedState(need.state) not in UPLOAD_STATES:
        raise Conflict(
            "A proof photo is added once the need is matched.", "需求匹配后才能上传凭证照片。", current_state=need.state
        )
    return need


async def store(session: AsyncSession, principal: Principal, need: Need, photo: EncodedPhoto) -> ProofPhoto:
    """Keep the re-encoded photo with the need (replacing an earlier one); the need names it."""
    stored = await repository.put_photo(
        session,
        ProofPhoto(
            need_id=need.id,
            content_type=photo.content_type,
            data=photo.data,
            sha256=photo.sha256,
            size=len(photo.data),
            width=photo.width,
            height=photo.height,
            uploaded_by=principal.subject,
        ),
    )
    need.proof_photo_url = photo_path(need.id)
    need.version += 1
    need.updated_at = clock.now()
    await session.flush()
    await record_audit(session, AuditEntry, principal, "proof_photo", "need", str(need.id), ["proof_photo"])
    return stored


async def readable(session: AsyncSession, principal: Principal | None, need_id: uuid.UUID) -> tuple[ProofPhoto, bool]:
    """The photo and whether it is public: staff see it within their scope; anyone sees it once the
    public wish is fulfilled (as the feed shows the proof). Anything else is not found."""
    need = await repository.get(session, principal, need_id) if principal is not None else None
    if need is None:
        need = await repository.public_need(session, need_id)
        if need is None or NeedState(need.state) not in PUBLIC_STATES:
            raise not_found()
    photo = await repository.photo_of(session, need.id)
    if photo is None:
        raise not_found()
    return photo, NeedState(need.state) in PUBLIC_STATES
