"""Typed client of the volunteers service: one resource group per REST aggregate, each method
answering a model of services/volunteers/contract.py (`await volunteers.signups.check_in(id)`).

The base client's generic get/post/patch/page/batch stay the transport underneath (and remain for
callers such as the linking saga that still use them)."""

import uuid
from typing import Any, TypeVar

from pydantic import BaseModel

from gateway.clients.base import ServiceClient
from services.volunteers import contract as c

M = TypeVar("M", bound=BaseModel)
Id = uuid.UUID | str


def _body(model: BaseModel | None) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_unset=True) if model is not None else {}


def _idempotent(key: str | None) -> dict[str, str] | None:
    return {"Idempotency-Key": key} if key else None


class _Group:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def _get(self, model: type[M], path: str, **params: Any) -> M:
        return model.model_validate(await self._client.get(path, **params))

    async def _post(self, model: type[M], path: str, body: BaseModel | None = None, key: str | None = None) -> M:
        return model.model_validate(await self._client.post(path, _body(body), headers=_idempotent(key)))

    async def _patch(self, model: type[M], path: str, body: BaseModel, version: int) -> M:
        return model.model_validate(await self._client.patch(path, _body(body), if_match=version))

    async def _page(self, model: type[M], path: str, **params: Any) -> c.Page[M]:
        return c.Page[model].model_validate(await self._client.get(path, **params))  # type: ignore[valid-type]

    async def _batch(self, model: type[M], path: str, ids: list[str]) -> dict[str, M]:
        if not ids:
            return {}
        body = c.Items[model].model_validate(await self._client.get(path, ids=",".join(ids)))  # type: ignore[valid-type]
        return {str(item.id): item for item in body.items}  # type: ignore[attr-defined]


class Volunteers(_Group):
    async def get(self, volunteer_id: Id) -> c.Volunteer:
        return await self._get(c.Volunteer, f"/v1/volunteers/{volunteer_id}")

    async def page(self, **filters: Any) -> c.Page[c.Volunteer]:
        return await self._page(c.Volunteer, "/v1/volunteers", **filters)

    async def register(self, body: c.VolunteerCreate, *, idempotency_key: str | None = None) -> c.Volunteer:
        return await self._post(c.Volunteer, "/v1/volunteers", body, idempotency_key)

    async def update(self, volunteer_id: Id, body: c.VolunteerUpdate, *, version: int) -> c.Volunteer:
        """Change the profile fields set in `body` of the version read (412 when it changed since)."""
        return await self._patch(c.Volunteer, f"/v1/volunteers/{volunteer_id}", body, version)

    async def verify(self, volunteer_id: Id, body: c.VerificationDecision) -> c.Volunteer:
        return await self._post(c.Volunteer, f"/v1/volunteers/{volunteer_id}/verify", body)


class Activities(_Group):
    async def get(self, activity_id: Id) -> c.Activity:
        return await self._get(c.Activity, f"/v1/activities/{activity_id}")

    async def page(self, **filters: Any) -> c.Page[c.Activity]:
        return await self._page(c.Activity, "/v1/activities", **filters)

    async def create(self, body: c.ActivityCreate, *, idempotency_key: str | None = None) -> c.Activity:
        return await self._post(c.Activity, "/v1/activities", body, idempotency_key)

    async def update(self, activity_id: Id, body: c.ActivityUpdate, *, version: int) -> c.Activity:
        """Change the fields set in `body` of the version read; a larger capacity promotes the waiting."""
        return await self._patch(c.Activity, f"/v1/activities/{activity_id}", body, version)

    async def cancel(self, activity_id: Id) -> c.Activity:
        return await self._post(c.Activity, f"/v1/activities/{activity_id}/cancel")

    async def complete(self, activity_id: Id, body: c.ActivityCompletion) -> c.Activity:
        return await self._post(c.Activity, f"/v1/activities/{activity_id}/complete", body)


class SignUps(_Group):
    async def get(self, signup_id: Id) -> c.SignUp:
        return await self._get(c.SignUp, f"/v1/signups/{signup_id}")

    async def batch(self, ids: list[str]) -> dict[str, c.SignUp]:
        return await self._batch(c.SignUp, "/v1/signups:batch", ids)

    async def of_activity(self, activity_id: Id, **filters: Any) -> c.Page[c.SignUp]:
        """An activity's sign-ups, newest first (`status="waiting"`: its waiting list)."""
        return await self._page(c.SignUp, f"/v1/activities/{activity_id}/signups", **filters)

    async def page(self, **filters: Any) -> c.Page[c.SignUp]:
        return await self._page(c.SignUp, "/v1/signups", **filters)

    async def sign_up(self, activity_id: Id, body: c.SignUpRequest) -> c.SignUp:
        return await self._post(c.SignUp, f"/v1/activities/{activity_id}/signups", body)

    async def cancel(self, signup_id: Id) -> c.SignUp:
        return await self._post(c.SignUp, f"/v1/signups/{signup_id}/cancel")

    async def check_in(self, signup_id: Id, body: c.AttendanceTime) -> c.SignUp:
        return await self._post(c.SignUp, f"/v1/signups/{signup_id}/check-in", body)

    async def check_out(self, signup_id: Id, body: c.AttendanceTime) -> c.SignUp:
        return await self._post(c.SignUp, f"/v1/signups/{signup_id}/check-out", body)

    async def approve_hours(self, signup_id: Id) -> c.SignUp:
        return await self._post(c.SignUp, f"/v1/signups/{signup_id}/approve-hours")


class Assignments(_Group):
    async def get(self, assignment_id: Id) -> c.CareAssignment:
        return await self._get(c.CareAssignment, f"/v1/assignments/{assignment_id}")

    async def batch(self, ids: list[str]) -> dict[str, c.CareAssignment]:
        return await self._batch(c.CareAssignment, "/v1/assignments:batch", ids)

    async def page(self, **filters: Any) -> c.Page[c.CareAssignment]:
        return await self._page(c.CareAssignment, "/v1/assignments", **filters)

    async def create(self, body: c.AssignmentCreate, *, idempotency_key: str | None = None) -> c.CareAssignment:
        return await self._post(c.CareAssignment, "/v1/assignments", body, idempotency_key)

    async def end(self, assignment_id: Id) -> c.CareAssignment:
        return await self._post(c.CareAssignment, f"/v1/assignments/{assignment_id}/end")

    async def log_visit(
        self, assignment_id: Id, body: c.VisitCreate, *, idempotency_key: str | None = None
    ) -> c.CareVisit:
        return await self._post(c.CareVisit, f"/v1/assignments/{assignment_id}/visits", body, idempotency_key)

    async def visits(self, assignment_id: Id, **params: Any) -> c.Page[c.CareVisit]:
        return await self._page(c.CareVisit, f"/v1/assignments/{assignment_id}/visits", **params)


class Visits(_Group):
    async def batch(self, ids: list[str]) -> dict[str, c.CareVisit]:
        return await self._batch(c.CareVisit, "/v1/visits:batch", ids)

    async def page(self, **filters: Any) -> c.Page[c.CareVisit]:
        return await self._page(c.CareVisit, "/v1/visits", **filters)

    async def approve_hours(self, visit_id: Id) -> c.CareVisit:
        return await self._post(c.CareVisit, f"/v1/visits/{visit_id}/approve-hours")


class Hours(_Group):
    async def summary(self, volunteer_id: Id) -> c.HoursSummary:
        return await self._get(c.HoursSummary, f"/v1/volunteers/{volunteer_id}/hours")

    async def entries(self, volunteer_id: Id, **params: Any) -> c.Page[c.HoursEntry]:
        return await self._page(c.HoursEntry, f"/v1/volunteers/{volunteer_id}/hours/entries", **params)

    async def service_record(self, volunteer_id: Id) -> c.ServiceRecord:
        return await self._get(c.ServiceRecord, f"/v1/volunteers/{volunteer_id}/record")

    async def request_correction(
        self, volunteer_id: Id, body: c.CorrectionRequestCreate, *, idempotency_key: str | None = None
    ) -> c.HoursCorrectionRequest:
        path = f"/v1/volunteers/{volunteer_id}/hours/correction-requests"
        return await self._post(c.HoursCorrectionRequest, path, body, idempotency_key)

    async def correction_requests(self, volunteer_id: Id, **params: Any) -> c.Page[c.HoursCorrectionRequest]:
        path = f"/v1/volunteers/{volunteer_id}/hours/correction-requests"
        return await self._page(c.HoursCorrectionRequest, path, **params)

    async def decide_correction(
        self, request_id: Id, approve: bool, body: c.CorrectionDecision
    ) -> c.HoursCorrectionRequest:
        verb = "approve" if approve else "refuse"
        path = f"/v1/hours/correction-requests/{request_id}/{verb}"
        return await self._post(c.HoursCorrectionRequest, path, body)


class Teams(_Group):
    async def get(self, team_id: Id) -> c.Team:
        return await self._get(c.Team, f"/v1/teams/{team_id}")

    async def page(self, **filters: Any) -> c.Page[c.Team]:
        return await self._page(c.Team, "/v1/teams", **filters)

    async def members(self, team_id: Id) -> list[c.TeamMember]:
        return (await self._get(c.Items[c.TeamMember], f"/v1/teams/{team_id}/members")).items

    async def create(self, body: c.TeamCreate, *, idempotency_key: str | None = None) -> c.Team:
        return await self._post(c.Team, "/v1/teams", body, idempotency_key)

    async def add_member(self, team_id: Id, body: c.MemberAdd) -> c.TeamMember:
        return await self._post(c.TeamMember, f"/v1/teams/{team_id}/members", body)

    async def remove_member(self, team_id: Id, volunteer_id: Id) -> None:
        await self._client.request("DELETE", f"/v1/teams/{team_id}/members/{volunteer_id}")


class Stats(_Group):
    async def get(self, *, region: str, start: str, end: str) -> c.VolunteerStats:
        """The volunteer side of the linkage statistics for a region prefix in [start, end) (ISO times)."""
        return await self._get(c.VolunteerStats, "/v1/stats", region=region, **{"from": start, "to": end})


class VolunteersClient(ServiceClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.volunteers = Volunteers(self)
        self.activities = Activities(self)
        self.signups = SignUps(self)
        self.assignments = Assignments(self)
        self.visits = Visits(self)
        self.hours = Hours(self)
        self.teams = Teams(self)
        self.stats = Stats(self)
