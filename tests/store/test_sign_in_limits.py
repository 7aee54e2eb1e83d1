"""Sign-in limits and locks kept in the database (``limits`` over the store's own table), and the
audit log only admins read."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from limits import RateLimitItemPerSecond
from limits.strategies import FixedWindowRateLimiter

from guidance_assistant.store import PermissionDeniedError, Store
from guidance_assistant.store.ratelimit import SQLStorage
from tests.store.conftest import PASSWORD, People


def test_the_sql_storage_counts_lapses_and_clears(store: Store) -> None:
    storage = SQLStorage(store.engine)
    assert storage.check()
    assert storage.get("k") == 0
    assert [storage.incr("k", 1) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("other", 60, amount=5) == 5
    expiry = storage.get_expiry("k")
    assert time.time() < expiry <= time.time() + 1
    time.sleep(1.1)
    assert storage.get("k") == 0  # lapsed
    assert storage.incr("k", 60) == 1  # and starts afresh
    storage.clear("k")
    assert storage.get("k") == 0
    assert storage.get("other") == 5
    assert storage.prune() == 0
    assert storage.reset() == 1


def test_the_limits_library_limits_through_it(store: Store) -> None:
    limiter = FixedWindowRateLimiter(SQLStorage(store.engine))
    two_a_second = RateLimitItemPerSecond(2, 2)
    assert limiter.hit(two_a_second, "someone")
    assert limiter.hit(two_a_second, "someone")
    assert not limiter.hit(two_a_second, "someone")
    assert not limiter.test(two_a_second, "someone")
    assert limiter.test(two_a_second, "someone else")
    stats = limiter.get_window_stats(two_a_second, "someone")
    assert stats.remaining == 0 and stats.reset_time > time.time()


def test_counts_survive_a_new_store_on_the_same_database(
    make_store: Callable[..., Store], people: People
) -> None:
    first = make_store(login_max_failures=2)
    assert not first.sign_in("alice", "wrong", "10.0.0.1").ok
    first.close()
    again = make_store(login_max_failures=2)  # as after a restart
    second = again.sign_in("alice", "wrong again", "10.0.0.1")
    assert not second.ok and second.locked_for > 0
    assert not again.sign_in("alice", PASSWORD, "10.0.0.2").ok  # locked: right password too


def test_five_failures_lock_the_account_then_the_lock_doubles(
    make_store: Callable[..., Store], people: People
) -> None:
    store = make_store(login_max_failures=3, login_lock_seconds=1, login_delay_seconds=0.1)
    delays = [store.sign_in("alice", f"guess {n}", "10.0.0.1").delay for n in range(3)]
    assert delays == [0.1, 0.2, 0.4]  # the pause grows
    refused = store.sign_in("alice", PASSWORD, "10.0.0.1")
    assert not refused.ok and "paused" in refused.message and 0 < refused.locked_for <= 1
    time.sleep(1.1)
    again = store.sign_in("alice", "guess 4", "10.0.0.1")  # lock over, one more failure
    assert again.locked_for == 2  # locks again, twice as long
    time.sleep(2.1)
    assert store.sign_in("alice", PASSWORD, "10.0.0.1").ok
    assert store.sign_in("alice", "one slip", "10.0.0.1").locked_for == 0  # count cleared


def test_an_address_is_locked_across_accounts_and_unknown_names_count(
    make_store: Callable[..., Store], people: People
) -> None:
    store = make_store(login_max_failures_per_address=3, login_lock_seconds=60)
    for name in ("nobody", "alice", "bob"):
        assert not store.sign_in(name, "guess", "10.9.9.9").ok
    locked = store.sign_in("eve", PASSWORD, "10.9.9.9")
    assert not locked.ok and locked.locked_for > 0
    assert store.sign_in("eve", PASSWORD, "10.0.0.5").ok  # from elsewhere


def test_the_audit_log_records_each_outcome_for_admins_only(
    make_store: Callable[..., Store], people: People
) -> None:
    store = make_store(login_max_failures=2, login_delay_seconds=0)
    store.sign_in("bob", "wrong", "10.1.1.1")
    store.sign_in("bob", "wrong", "10.1.1.1")
    store.sign_in("bob", PASSWORD, "10.1.1.1")
    store.sign_in("alice", PASSWORD, "10.1.1.2")
    events = [(e.event, e.username, e.address) for e in store.audit_log(people.admin)]
    assert events[:5] == [
        ("signed_in", "alice", "10.1.1.2"),
        ("refused_locked", "bob", "10.1.1.1"),
        ("locked", "bob", "10.1.1.1"),
        ("failed", "bob", "10.1.1.1"),
        ("failed", "bob", "10.1.1.1"),
    ]
    assert [e.event for e in store.audit_log(people.admin, username="alice")] == ["signed_in"]
    for other in (people.adviser, people.supervisor, people.trainee, people.evaluator):
        with pytest.raises(PermissionDeniedError, match="admins"):
            store.audit_log(other)
    with pytest.raises(ValueError, match="1 to"):
        store.audit_log(people.admin, limit=0)
