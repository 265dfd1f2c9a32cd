"""Applicants rate a reply of their own conversation: 有用, or 没用 with an optional reason."""

from __future__ import annotations

import re
from typing import Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, validator

from webapp.deps import State
from webapp.routers.chat import SENDER

router = APIRouter()
TURN_KEY = re.compile(r"[a-z]{32}")


class RatingCreate(BaseModel):
    """One rating from the chat page (sent again with a reason, it replaces the first)."""

    sender: str
    turn: str
    rating: Literal["useful", "not_useful"]
    reason: Literal["off_point", "wrong", "unclear", "other"] | None = None

    @validator("sender")
    def sender_is_an_id(cls, value: str) -> str:
        if not SENDER.fullmatch(value):
            raise ValueError("会话编号无效")
        return value

    @validator("turn")
    def turn_is_a_key(cls, value: str) -> str:
        if not TURN_KEY.fullmatch(value):
            raise ValueError("答复编号无效")
        return value

    @validator("reason")
    def reason_only_when_not_useful(cls, value: str | None, values: dict[str, object]) -> str | None:
        if value is not None and values.get("rating") != "not_useful":
            raise ValueError("只有“没用”的评价可以说明原因")
        return value


@router.post("/api/ratings", status_code=204)
async def rate(rating: RatingCreate, state: State) -> Response:
    """Keep the rating of a reply of the sender's own conversation."""
    if not state.turns.rate(key=rating.turn, sender=rating.sender, rating=rating.rating, reason=rating.reason):
        raise HTTPException(status_code=404, detail="没有找到这条答复，无法评价")
    return Response(status_code=204)
