"""Request bodies (pydantic v2). Unknown fields are rejected, so a body can never carry a tenant id."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_KEY = 128
MAX_ATTRIBUTE_STRING = 1024

AttributeValue = (
    StrictBool | StrictInt | StrictFloat | Annotated[StrictStr, Field(max_length=MAX_ATTRIBUTE_STRING)]
)


class ItemIn(BaseModel):
    """POST /v1/items and PUT /v1/items/{id} (full replacement of the writable fields)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""
    attributes: dict[Annotated[str, Field(min_length=1, max_length=MAX_ATTRIBUTE_KEY)], AttributeValue] = (
        Field(default_factory=dict, max_length=MAX_ATTRIBUTES)
    )
    expires_at: Annotated[int, Field(gt=0, lt=2**40)] | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be blank")
        return value

    @field_validator("attributes")
    @classmethod
    def _finite_numbers(cls, value: dict) -> dict:
        for key, item in value.items():
            if isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
                raise ValueError(f"attribute {key!r} must be a finite number")
        return value


class ItemUpdate(ItemIn):
    """PUT body: ``version`` (optional) is the version the client last read; see also If-Match."""

    version: Annotated[int, Field(ge=1)] | None = None
