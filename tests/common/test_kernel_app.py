"""The shared kernel as every service sees it: errors, request ids, auth, idempotency, audit."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import event, func, select, text

from services.case.models import AuditEntry, IdempotencyRecord
from services.common.app_factory import create_service_app
from services.common.audit import record_audit
from services.common.auth import CurrentPrincipal
from services.common.database import Database, DbSession
from services.common.errors import NotFound
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.settings import Settings
from tests.support.auth import bearer


class Echo(BaseModel):
    name: str = Field(min_length=1)
    quantity: int = Field(ge=0)


class Echoed(Echo):
    id: uuid.UUID


def kernel_router() -> APIRouter:
    router = APIRouter()
    Session = DbSession

    @router.post("/echo", status_code=201)
    async def echo(body: Echo, principal: CurrentPrincipal, session: Session, key: IdempotencyKey = None):
        async def create() -> Echoed:
            created = Echoed(id=uuid.uuid4(), **body.model_dump())
            await record_audit(session, AuditEntry, principal, "create", "echo", str(created.id))
            return created

        return await run_idempotent(session, IdempotencyRecord, principal, key, "echo", body, create)

    @router.post("/failing-commit", status_code=201)
    async def failing_commit(session: Session) -> dict[str, str]:
        def refuse(_: object) -> None:
            raise RuntimeError("commit refused")

        event.listen(session.sync_session, "before_commit", refuse)
        return {"status": "looks fine"}

    @router.get("/missing")
    async def missing() -> None:
        raise NotFound("No such thing.", "没有这个对象。")

    @router.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    return router


@pytest.fixture
async def client(settings: Settings, rolled_back_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app("case", "kernel test", [kernel_router()], settings, rolled_back_db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


class TestProblemJson:
    async def test_unknown_route_is_problem_json(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/no/such/route")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "NOT_FOUND"

    async def test_malformed_json_body_is_a_400_problem(self, client: httpx.AsyncClient, settings: Settings) -> None:
        """Not JSON at all is a malformed request (400); a JSON body that fails validation stays 422."""
        response = await client.post(
            "/echo",
            content=b"{not json",
            headers={**bearer(settings, "station_staff"), "content-type": "application/json"},
        )
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "MALFORMED_JSON"
        assert body["detail"] and body["detail_zh"]

    async def test_domain_error_keeps_its_code_and_both_languages(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/missing")).json()
        assert (body["code"], body["detail"], body["detail_zh"]) == ("NOT_FOUND", "No such thing.", "没有这个对象。")

    async def test_crash_is_a_500_problem_without_stack_trace(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/crash")
        assert response.status_code == 500
        assert response.json()["code"] == "INTERNAL"
        assert "boom" not in response.text and "Traceback" not in response.text


class TestUnitOfWork:
    async def test_a_failed_commit_is_never_reported_as_success(self, client: httpx.AsyncClient) -> None:
        """The commit happens before the response is sent, so its failure is the response."""
        response = await client.post("/failing-commit")
        assert response.status_code == 500
        assert response.json()["code"] == "INTERNAL"


class TestRequestId:
    async def test_generated_when_absent(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz")
        assert len(response.headers["x-request-id"]) == 32

    async def test_passed_through_and_in_error_body(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/missing", headers={"X-Request-ID": "abc-123"})
        assert response.headers["x-request-id"] == "abc-123"
        assert response.json()["request_id"] == "abc-123"

    async def test_unsafe_id_is_replaced(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
        assert response.headers["x-request-id"] != "bad id\twith spaces"


class TestAuth:
    async def test_missing_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/echo", json={"name": "a", "quantity": 1})
        assert response.status_code == 401
        assert response.json()["code"] == "UNAUTHENTICATED"

    async def test_token_signed_with_another_key_is_401(self, client: httpx.AsyncClient, settings: Settings) -> None:
        forged = bearer(settings.model_copy(update={"jwt_secret": "x" * 40}), "civil_affairs_admin")
        response = await client.post("/echo", json={"name": "a", "quantity": 1}, headers=forged)
        assert response.status_code == 401

    async def test_unknown_role_is_401(self, client: httpx.AsyncClient, settings: Settings) -> None:
        import jwt

        token = jwt.encode(
            {"sub": "x", "role": "superuser", "iss": settings.jwt_issuer, "aud": settings.jwt_audience, "exp": 2**31},
            settings.jwt_secret,
        )
        response = await client.post(
            "/echo", json={"name": "a", "quantity": 1}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401


class TestIdempotency:
    async def test_retry_returns_the_first_result(
        self, client: httpx.AsyncClient, settings: Settings, connection
    ) -> None:
        headers = {**bearer(settings, "station_staff", subject="worker-1"), "Idempotency-Key": "k-1"}
        first = await client.post("/echo", json={"name": "收音机", "quantity": 1}, headers=headers)
        second = await client.post("/echo", json={"name": "收音机", "quantity": 1}, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["idempotent-replayed"] == "true"
        audits = await connection.scalar(select(func.count()).select_from(AuditEntry))
        assert audits == 1

    async def test_same_key_other_body_is_422(self, client: httpx.AsyncClient, settings: Settings) -> None:
        headers = {**bearer(settings, "station_staff", subject="worker-2"), "Idempotency-Key": "k-2"}
        await client.post("/echo", json={"name": "a", "quantity": 1}, headers=headers)
        response = await client.post("/echo", json={"name": "a", "quantity": 2}, headers=headers)
        assert response.status_code == 422
        assert response.json()["code"] == "IDEMPOTENCY_KEY_REUSED"

    async def test_keys_are_per_caller(self, client: httpx.AsyncClient, settings: Settings) -> None:
        body = {"name": "a", "quantity": 1}
        one = await client.post(
            "/echo", json=body, headers={**bearer(settings, "station_staff", subject="a"), "Idempotency-Key": "same"}
        )
        two = await client.post(
            "/echo", json=body, headers={**bearer(settings, "station_staff", subject="b"), "Idempotency-Key": "same"}
        )
        assert one.json()["id"] != two.json()["id"]


class TestIdempotencyUnderConcurrency:
    async def test_concurrent_retries_do_the_work_once(self, settings: Settings, committed_db: Database) -> None:
        app = create_service_app("case", "kernel test", [kernel_router()], settings, committed_db)
        transport = httpx.ASGITransport(app=app)
        headers = {**bearer(settings, "station_staff", subject="racer"), "Idempotency-Key": "race"}
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            responses = await asyncio.gather(
                *(client.post("/echo", json={"name": "a", "quantity": 1}, headers=headers) for _ in range(10))
            )
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["id"] for r in responses}) == 1
        async with committed_db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 1


class TestAuditLog:
    async def test_audit_rows_cannot_be_changed(self, connection) -> None:
        await connection.execute(
            text(
                'INSERT INTO "case".audit_log (actor, role, action, entity, entity_id, fields) '
                "VALUES ('a', 'station_staff', 'read', 'recipient', 'x', '{}')"
            )
        )
        with pytest.raises(Exception, match="append-only"):
            async with connection.begin_nested():
                await connection.execute(text("UPDATE \"case\".audit_log SET actor = 'b'"))
