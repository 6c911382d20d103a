"""Users and their login sessions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from .tables import sessions, users


def get_by_username(conn: Connection, username: str) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
    return dict(row) if row else None


def get_by_id(conn: Connection, user_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def ids_by_username(conn: Connection, usernames: list[str]) -> dict[str, int]:
    rows = conn.execute(select(users.c.username, users.c.id).where(users.c.username.in_(usernames)))
    return {r.username: r.id for r in rows}


def list_users(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(users).order_by(users.c.username)).mappings()]


def create(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(insert(users).values(**values).returning(users.c.id)).scalar_one()


def update_user(conn: Connection, user_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def create_session(
    conn: Connection, token_hash: str, user_id: int, now: datetime, expires_at: datetime
) -> None:
    conn.execute(
        insert(sessions).values(
            token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
        )
    )


def session_user(conn: Connection, token_hash: str) -> dict[str, Any] | None:
    """The session with its user, or None; expiry and revocation are for the caller to judge."""
    row = (
        conn.execute(
            select(
                sessions.c.expires_at,
                sessions.c.revoked_at,
                users.c.id,
                users.c.username,
                users.c.display_name,
                users.c.role,
                users.c.active,
                users.c.languages,
                users.c.queues,
            )
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.token_hash == token_hash)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def revoke_session(conn: Connection, token_hash: str, now: datetime) -> bool:
    res = conn.execute(
        update(sessions)
        .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return res.rowcount > 0


def record_failed_login(
    conn: Connection, user_id: int, *, now: datetime, max_failures: int, lockout: timedelta
) -> datetime | None:
    """Count a failed sign-in; lock the user when the count reaches `max_failures`.

    Returns the lock's end when this failure locked the user."""
    row = conn.execute(select(users.c.failed_logins).where(users.c.id == user_id)).first()
    failures = (row[0] if row else 0) + 1
    if failures >= max_failures:
        until = now + lockout
        conn.execute(
            update(users).where(users.c.id == user_id).values(failed_logins=0, locked_until=until)
        )
        return until
    conn.execute(update(users).where(users.c.id == user_id).values(failed_logins=failures))
    return None


def record_good_login(conn: Connection, user_id: int) -> None:
    conn.execute(
        update(users).where(users.c.id == user_id).values(failed_logins=0, locked_until=None)
    )


def revoke_all_sessions(conn: Connection, user_id: int, now: datetime) -> list[str]:
    """Revoke every live session of a user; returns their token hashes."""
    hashes = list(
        conn.execute(
            select(sessions.c.token_hash).where(
                sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None)
            )
        ).scalars()
    )
    if hashes:
        conn.execute(
            update(sessions)
            .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return hashes


def start_totp_enrolment(conn: Connection, user_id: int, secret: str, now: datetime) -> None:
    """Keep a new secret aside; the active one (if any) stays until the new one is confirmed."""
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(totp_pending_secret=secret, totp_pending_at=now)
    )


def confirm_totp_enrolment(conn: Connection, user_id: int, secret: str, step: int) -> bool:
    """Make the pending secret the active one, if it is still the one pending; `step` is the
    confirming code's (used: it cannot sign in afterwards)."""
    res = conn.execute(
        update(users)
        .where(users.c.id == user_id, users.c.totp_pending_secret == secret)
        .values(
            totp_secret=secret, totp_pending_secret=None, totp_pending_at=None, totp_last_step=step
        )
    )
    return res.rowcount > 0


def use_totp_step(conn: Connection, user_id: int, step: int) -> bool:
    """Mark a code's step used; False when it (or a newer one) was used already. One
    conditional UPDATE, so two sign-ins racing with the same code cannot both pass."""
    res = conn.execute(
        update(users)
        .where(
            users.c.id == user_id,
            or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    return res.rowcount > 0


def remove_totp(conn: Connection, user_id: int) -> None:
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            totp_secret=None, totp_pending_secret=None, totp_pending_at=None, totp_last_step=None
        )
    )
