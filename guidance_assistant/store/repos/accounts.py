"""Accounts: users, roles, supervisors, passwords."""

from __future__ import annotations

import functools

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guidance_assistant.store.accounts import (
    AccountError,
    AuthenticationError,
    PermissionDeniedError,
    check_password,
    hash_password,
    needs_rehash,
    random_password,
    verify_password,
)
from guidance_assistant.store.models import (
    ROLES,
    User,
)
from guidance_assistant.store.repos.base import StoreCore

# -- helpers ---------------------------------------------------------------------------------


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown user names against, so they take as long as wrong passwords."""
    return hash_password("not-a-real-password-0")


class AccountsRepo(StoreCore):
    """Accounts: users, roles, supervisors, passwords."""

    def _create_user(
        self,
        db: Session,
        username: str,
        password: str,
        role: str,
        *,
        supervisor: str | None = None,
        display_name: str | None = None,
    ) -> User:
        name = username.strip()
        if not name or len(name) > 80 or any(ch.isspace() for ch in name):
            raise AccountError("A user name needs 1 to 80 characters and no spaces.")
        if role not in ROLES:
            raise AccountError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
        check_password(password)
        if db.scalar(select(User.id).where(User.username == name)) is not None:
            raise AccountError(f"The user name {name!r} is taken.")
        supervisor_id = None
        if supervisor is not None:
            if role != "trainee":
                raise AccountError("Only trainees have a supervisor.")
            supervisor_id = self._supervisor_id(db, supervisor)
        user = User(
            username=name,
            password_hash=hash_password(password),
            role=role,
            display_name=display_name,
            supervisor_id=supervisor_id,
            active=True,
        )
        db.add(user)
        db.flush()
        return user

    @staticmethod
    def _supervisor_id(db: Session, username: str) -> int:
        found = db.scalar(select(User).where(User.username == username))
        if found is None or found.role != "supervisor":
            raise AccountError(f"There is no supervisor called {username!r}.")
        return found.id

    def add_user(
        self,
        actor: User,
        username: str,
        password: str,
        role: str,
        *,
        supervisor: str | None = None,
        display_name: str | None = None,
    ) -> User:
        """A new account (admins only). ``supervisor``: a supervisor's user name, for trainees."""
        with self._tx() as db:
            self._require(self._actor(db, actor), ("admin",), "add users")
            return self._create_user(
                db, username, password, role, supervisor=supervisor, display_name=display_name
            )

    def set_supervisor(self, actor: User, trainee: str, supervisor: str | None) -> None:
        """Link trainee ``trainee`` to ``supervisor`` (None unlinks); admins only."""
        with self._tx() as db:
            self._require(self._actor(db, actor), ("admin",), "link trainees to supervisors")
            row = db.scalar(select(User).where(User.username == trainee))
            if row is None or row.role != "trainee":
                raise AccountError(f"There is no trainee called {trainee!r}.")
            row.supervisor_id = None if supervisor is None else self._supervisor_id(db, supervisor)

    def list_users(self, actor: User) -> list[User]:
        with self._tx() as db:
            self._require(self._actor(db, actor), ("admin",), "list users")
            return list(db.scalars(select(User).order_by(User.username)))

    def list_trainees(self, actor: User) -> list[User]:
        """The supervisor's own trainees (all trainees for an admin)."""
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("supervisor", "admin"), "list trainees")
            query = select(User).where(User.role == "trainee")
            if me.role == "supervisor":
                query = query.where(User.supervisor_id == me.id)
            return list(db.scalars(query.order_by(User.username)))

    def authenticate(self, username: str, password: str) -> User:
        """The user with these credentials; :class:`AuthenticationError` otherwise."""
        with self._tx() as db:
            user = db.scalar(select(User).where(User.username == username.strip()))
            if user is None:
                verify_password(_dummy_hash(), password)  # same time as a wrong password
                raise AuthenticationError("Wrong user name or password.")
            if not verify_password(user.password_hash, password) or not user.active:
                raise AuthenticationError("Wrong user name or password.")
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            return user

    def set_password(self, actor: User, username: str, password: str) -> None:
        """Change a password: one's own, or anyone's for an admin."""
        with self._tx() as db:
            me = self._actor(db, actor)
            row = db.scalar(select(User).where(User.username == username))
            if row is None or (me.role != "admin" and row.id != me.id):
                raise PermissionDeniedError("Only an admin can change another user's password.")
            check_password(password)
            row.password_hash = hash_password(password)

    def signed_in_user(self, username: str) -> User | None:
        """The active account named ``username`` (for a session the web server has already
        authenticated), or ``None``."""
        with self._tx() as db:
            user = db.scalar(select(User).where(User.username == username))
            return user if user is not None and user.active else None

    def has_users(self) -> bool:
        """Whether any account exists (a first run has none)."""
        with self._tx() as db:
            return db.scalar(select(User.id).limit(1)) is not None

    def ensure_admin(self, username: str = "admin") -> str | None:
        """On first run (no users at all), make a local admin and return its random password
        (show it once); ``None`` when users exist already."""
        with self._tx() as db:
            if db.scalar(select(func.count()).select_from(User)):
                return None
            password = random_password()
            self._create_user(db, username, password, "admin", display_name="Local admin")
            return password
