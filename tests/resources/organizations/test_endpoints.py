"""Organisations over HTTP: registration, validation, verification, scoping, updates."""

import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.resources.models import AuditEntry, Organization, OutboxEvent
from tests.resources.factories import credit_code, make_organization
from tests.support.auth import bearer


def registration(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "kind": "community_foundation",
        "name": "满洲里市社区发展基金会",
        "credit_code": "91440300708461136T",
        "contact_name": "张伟",
        "contact_phone": "13912345678",
        "service_regions": ["150781"],
    }
    body.update(overrides)
    return body


async def count(connection: AsyncConnection, model: type) -> int:
    return await connection.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]


class TestRegister:
    async def test_admin_registers_pending_with_audit_and_event(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        response = await client.post(
            "/v1/organizations",
            json=registration(),
            headers=bearer(settings, "civil_affairs_admin", region="1507"),
        )
        assert response.status_code == 201
        body = response.json()
        assert body["verification_status"] == "pending"
        assert await count(connection, AuditEntry) == 1
        assert await count(connection, OutboxEvent) == 1

    async def test_bad_credit_code_is_refused_and_nothing_written(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        response = await client.post(
            "/v1/organizations",
            json=registration(credit_code="91440300708461136X"),
            headers=bearer(settings, "civil_affairs_admin", region="1507"),
        )
        assert response.status_code == 422
        assert response.json()["code"] == "VALIDATION_FAILED"
        assert await count(connection, Organization) == 0
        assert await count(connection, AuditEntry) == 0

    async def test_individual_donor_has_no_credit_code(self, client: httpx.AsyncClient, settings: Settings) -> None:
        headers = bearer(settings, "civil_affairs_admin", region="1507")
        with_code = await client.post("/v1/organizations", json=registration(kind="individual_donor"), headers=headers)
        without = await client.post(
            "/v1/organizations",
            json=registration(kind="individual_donor", credit_code=None, name="王小明"),
            headers=headers,
        )
        assert with_code.status_code == 422
        assert without.status_code == 201

    async def test_unknown_kind_is_422(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.post(
            "/v1/organizations",
            json=registration(kind="secret_society"),
            headers=bearer(settings, "civil_affairs_admin"),
        )
        assert response.status_code == 422

    async def test_service_region_outside_admin_region_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        response = await client.post(
            "/v1/organizations",
            json=registration(service_regions=["150102"]),
            headers=bearer(settings, "civil_affairs_admin", region="1507"),
        )
        assert response.status_code == 403
        assert await count(connection, Organization) == 0

    async def test_only_admins_register(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.post(
            "/v1/organizations",
            json=registration(),
            headers=bearer(settings, "org_staff", org_id=uuid.uuid4()),
        )
        assert response.status_code == 403

    async def test_duplicate_credit_code_is_409(self, client: httpx.AsyncClient, settings: Settings) -> None:
        headers = bearer(settings, "civil_affairs_admin")
        code = credit_code()
        first = await client.post("/v1/organizations", json=registration(credit_code=code), headers=headers)
        second = await client.post("/v1/organizations", json=registration(credit_code=code), headers=headers)
        assert first.status_code == 201
        assert second.status_code == 409
        assert second.json()["code"] == "DUPLICATE_CREDIT_CODE"


class TestVerification:
    async def test_admin_verifies_once(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, verification_status="pending")
        headers = bearer(settings, "civil_affairs_admin", region="1507")
        first = await client.post(f"/v1/organizations/{organization.id}/verify", headers=headers)
        again = await client.post(f"/v1/organizations/{organization.id}/verify", headers=headers)
        assert first.status_code == 200
        assert first.json()["verification_status"] == "verified"
        assert again.status_code == 409
        assert again.json()["code"] == "INVALID_TRANSITION"

    async def test_org_staff_cannot_verify_themselves(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, verification_status="pending")
        response = await client.post(
            f"/v1/organizations/{organization.id}/verify",
            headers=bearer(settings, "org_staff", org_id=organization.id),
        )
        assert response.status_code == 403

    async def test_admin_of_another_region_gets_404(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, verification_status="pending")
        response = await client.post(
            f"/v1/organizations/{organization.id}/verify",
            headers=bearer(settings, "civil_affairs_admin", region="4301"),
        )
        assert response.status_code == 404


class TestReadAndUpdate:
    async def test_org_staff_sees_only_their_own(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        own = await make_organization(rolled_back_db)
        other = await make_organization(rolled_back_db, name="另一家")
        headers = bearer(settings, "org_staff", org_id=own.id)
        assert (await client.get(f"/v1/organizations/{own.id}", headers=headers)).status_code == 200
        assert (await client.get(f"/v1/organizations/{other.id}", headers=headers)).status_code == 404
        listed = (await client.get("/v1/organizations", headers=headers)).json()["items"]
        assert [item["id"] for item in listed] == [str(own.id)]
        batch = await client.get(f"/v1/organizations:batch?ids={own.id},{other.id}", headers=headers)
        assert [item["id"] for item in batch.json()["items"]] == [str(own.id)]

    async def test_individual_donor_is_masked_for_station_staff(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        donor = await make_organization(rolled_back_db, kind="individual_donor", name="王小明", contact_name="王小明")
        response = await client.get(
            f"/v1/organizations/{donor.id}", headers=bearer(settings, "station_staff", region="150781")
        )
        body = response.json()
        assert (body["name"], body["contact_phone"]) == ("王**", "138****5678")

    async def test_update_needs_if_match_and_refuses_stale(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db)
        url = f"/v1/organizations/{organization.id}"
        headers = bearer(settings, "org_staff", org_id=organization.id)
        etag = (await client.get(url, headers=headers)).headers["etag"]
        missing = await client.patch(url, json={"name": "新名称"}, headers=headers)
        done = await client.patch(url, json={"name": "新名称"}, headers={**headers, "If-Match": etag})
        stale = await client.patch(url, json={"name": "再改"}, headers={**headers, "If-Match": etag})
        assert missing.status_code == 428
        assert done.status_code == 200 and done.json()["name"] == "新名称"
        assert done.headers["etag"] == '"2"'
        assert stale.status_code == 412

    async def test_only_admins_move_service_regions(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db)
        url = f"/v1/organizations/{organization.id}"
        body = {"service_regions": ["43"]}
        own = bearer(settings, "org_staff", org_id=organization.id)
        refused = await client.patch(url, json=body, headers={**own, "If-Match": '"1"'})
        admin = bearer(settings, "civil_affairs_admin", region="15")
        outside = await client.patch(url, json=body, headers={**admin, "If-Match": '"1"'})
        inside = await client.patch(
            url, json={"service_regions": ["1501", "1507"]}, headers={**admin, "If-Match": '"1"'}
        )
        assert (refused.status_code, outside.status_code) == (403, 403)
        assert inside.status_code == 200 and inside.json()["service_regions"] == ["1501", "1507"]
