"""The request's PersonalDataVault, keyed by `settings.pii_key` and built once per app."""

from typing import Annotated

from fastapi import Depends, Request

from services.common.personal_data import PersonalDataVault


def personal_data_vault(request: Request) -> PersonalDataVault:
    state = request.app.state
    if getattr(state, "personal_data_vault", None) is None:
        state.personal_data_vault = PersonalDataVault(state.settings.pii_key)
    return state.personal_data_vault


Vault = Annotated[PersonalDataVault, Depends(personal_data_vault)]
