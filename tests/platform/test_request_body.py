"""Body limits per route (shared/request_body.py): a body model gets 1 MiB unless it declares more; a route
that reads its body itself (an upload) keeps the limit it enforces while reading."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from shared.app import include_flat
from shared.errors import install_error_handlers
from shared.request_body import DEFAULT_MAX_BODY_BYTES, body_limit

router = APIRouter()


class Note(BaseModel):
    text: str


@router.post("/notes")
async def post_note(body: Note) -> dict[str, int]:
    return {"length": len(body.text)}


@router.post("/big-notes", openapi_extra=body_limit(4 * DEFAULT_MAX_BODY_BYTES))
async def post_big_note(body: Note) -> dict[str, int]:
    return {"length": len(body.text)}


@router.post("/uploads")
async def upload(request: Request) -> dict[str, int]:
    return {"length": len(await request.body())}


def _client() -> AsyncClient:
    app = FastAPI()
    install_error_handlers(app)
    include_flat(app, router, "/api/v1")
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver")


class TestLimitsPerRoute:
    async def test_the_default_and_a_declared_limit_on_body_models(self) -> None:
        text = "a" * (2 * DEFAULT_MAX_BODY_BYTES)
        async with _client() as client:
            refused = await client.post("/api/v1/notes", json={"text": text})
            assert refused.status_code == 413 and refused.json()["code"] == "request.too_large"
            accepted = await client.post("/api/v1/big-notes", json={"text": text})
            assert accepted.status_code == 200 and accepted.json() == {"length": len(text)}

    async def test_a_route_reading_its_own_body_is_not_cut_at_the_default(self) -> None:
        async with _client() as client:
            response = await client.post("/api/v1/uploads", content=b"x" * (2 * DEFAULT_MAX_BODY_BYTES),
                                         headers={"Content-Type": "text/csv"})
        assert response.status_code == 200 and response.json() == {"length": 2 * DEFAULT_MAX_BODY_BYTES}
