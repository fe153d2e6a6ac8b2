"""Turning a stored recipient into what the caller may see (masked or not)."""

from collections.abc import Collection
from datetime import date

from services.case.models import Recipient as RecipientRow
from services.case.recipients.schemas import Consent, Location, Recipient
from services.common.clock import clock
from services.common.personal_data import (
    PersonalDataVault,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
)
from services.common.vocabulary import Gender, RecipientCategory

# Who consented names a guardian when it was not the person: personal data too.
PERSONAL_FIELDS = ["name", "birth_date", "id_number", "phone", "address", "location", "health_notes", "consent"]
# A `fields` query parameter: personal fields by name, comma-separated ("" asks for none).
PERSONAL_FIELDS_PATTERN = "^(({names})(,({names}))*)?$".format(names="|".join(PERSONAL_FIELDS))


def selected_personal_fields(fields: str | None) -> list[str]:
    """The personal fields a `fields` parameter asks for, in PERSONAL_FIELDS order; all when absent."""
    if fields is None:
        return list(PERSONAL_FIELDS)
    asked = set(fields.split(","))
    return [field for field in PERSONAL_FIELDS if field in asked]


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


SELF = "本人"


def _consent(stored: dict[str, str], *, unmasked: bool) -> Consent:
    """Who consented is personal data too: a guardian's name is masked like the recipient's."""
    consent = Consent.model_validate(stored)
    if unmasked or consent.given_by == SELF:
        return consent
    name, bracket, role = consent.given_by.partition("（")
    return consent.model_copy(update={"given_by": mask_name(name) + bracket + role})


def recipient_view(
    row: RecipientRow, vault: PersonalDataVault, *, unmasked: bool, fields: Collection[str] = PERSONAL_FIELDS
) -> Recipient:
    """The caller's view: personal fields in `fields` unmasked when `unmasked`, the others as the
    masked view shows them (masked, or null where even a mask would say too much)."""
    shown = set(fields) if unmasked else set()
    id_number = vault.decrypt(row.id_number_encrypted)
    phone = vault.decrypt(row.phone_encrypted) if row.phone_encrypted else None
    address = vault.decrypt(row.address_encrypted) if row.address_encrypted else ""
    location = (
        Location(latitude=row.latitude, longitude=row.longitude)
        if "location" in shown and row.latitude is not None and row.longitude is not None
        else None
    )
    health_notes = vault.decrypt(row.health_notes_encrypted) if row.health_notes_encrypted else ""
    return Recipient(
        id=row.id,
        platform_id=row.platform_id,
        region_code=row.region_code,
        masked=not unmasked,
        name=row.name if "name" in shown else mask_name(row.name),
        gender=Gender(row.gender),
        age=age_on(row.birth_date, clock.today()),
        birth_date=row.birth_date if "birth_date" in shown else None,
        categories=[RecipientCategory(c) for c in row.categories],
        disability_grade=row.disability_grade,
        id_number=id_number if "id_number" in shown else mask_id_number(id_number),
        phone=(phone if "phone" in shown else mask_phone(phone)) if phone else None,
        address=address if "address" in shown else mask_address(address),
        location=location,
        health_notes=health_notes if "health_notes" in shown else None,
        consent=_consent(row.consent, unmasked="consent" in shown),
        version=row.version,
        created_at=row.created_at,
    )
