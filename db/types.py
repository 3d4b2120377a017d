"""Column shorthands shared by the models, so that each kind of column is declared one way."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from sqlalchemy import DateTime, Integer, String, Text, false, func
from sqlalchemy.orm import mapped_column

intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
bool_false = Annotated[bool, mapped_column(server_default=false(), default=False)]
short_text = Annotated[str, mapped_column(String(255))]
long_text = Annotated[str, mapped_column(Text)]
utc_datetime = Annotated[datetime | None, mapped_column(DateTime(timezone=False))]
created_at = Annotated[datetime, mapped_column(DateTime(timezone=False), server_default=func.now())]
