"""Fault rules without HTTP: matching, counts and validation."""

from __future__ import annotations

import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule


def test_glob_matches_path_segments() -> None:
    """A glob matches the restore path for any backup id."""
    rule = FaultRule(method="POST", path="/backups/*/create-index", status=503)
    assert rule.matches("POST", "/backups/abc/create-index")
    assert not rule.matches("GET", "/backups/abc/create-index")
    assert not rule.matches("POST", "/backups/abc")


def test_regex_matches_whole_path() -> None:
    """A `^` path is a regular expression over the whole path."""
    rule = FaultRule(path=r"^/indexes/[a-z]+$", status=500)
    assert rule.matches("DELETE", "/indexes/abc")
    assert not rule.matches("DELETE", "/indexes/abc/backups")


def test_times_limits_firings(emulator: Emulator) -> None:
    """A rule with times=2 fires twice and then disappears."""
    emulator.add_fault(FaultRule(path="/indexes", status=429, times=2))
    fired = [emulator.take_fault("GET", "/indexes") is not None for _ in range(3)]
    assert fired == [True, True, False]
    assert emulator.faults() == []


def test_rules_apply_in_order(emulator: Emulator) -> None:
    """The first matching rule wins."""
    emulator.add_fault(FaultRule(path="/indexes", status=429, times=1))
    emulator.add_fault(FaultRule(path="/indexes", status=503))
    statuses = [
        rule.status
        for rule in (emulator.take_fault("GET", "/indexes") for _ in range(2))
        if rule is not None
    ]
    assert statuses == [429, 503]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"status": 200}, {"status": 500, "times": 0}, {"status": 500, "path": "^(["}],
)
def test_invalid_rules_are_rejected(kwargs: dict[str, object]) -> None:
    """Rules that do nothing, use a success status or a broken regex are refused."""
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        FaultRule(**kwargs)  # type: ignore[arg-type]


def test_error_body_uses_envelope() -> None:
    """Injected errors use the API's envelope with a matching code."""
    assert FaultRule(status=429).error_body()["error"]["code"] == "RESOURCE_EXHAUSTED"
    assert FaultRule(status=500).error_body() == {
        "error": {"code": "UNKNOWN", "message": "Injected fault: HTTP 500."},
        "status": 500,
    }


def test_a_hang_rule_needs_nothing_else() -> None:
    """`hang=True` alone is a valid rule (a server that never answers), and survives JSON."""
    rule = FaultRule(method="GET", path="/restore-jobs/*", hang=True)
    assert FaultRule.from_json(rule.to_json()) == rule


def test_a_non_boolean_hang_is_refused() -> None:
    """The admin API refuses a `hang` that is not true or false."""
    with pytest.raises(TypeError):
        FaultRule.from_json({"hang": "yes", "status": 500})


def test_clearing_faults_releases_a_held_request(emulator: Emulator) -> None:
    """A request held by a hang rule goes on once the faults are cleared."""
    import threading  # noqa: PLC0415 - only this test needs a second thread

    released = threading.Event()

    def held() -> None:
        emulator.hold()
        released.set()

    holder = threading.Thread(target=held, daemon=True)
    holder.start()
    # Clear until it goes on: a clear that came before the thread began holding frees nothing.
    for _ in range(600):
        emulator.clear_faults()
        if released.wait(timeout=0.05):
            break
    assert released.is_set()
