"""The registration service's API: includes every domain router under /api/v1."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
