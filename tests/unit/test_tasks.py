"""The window's task runner: named single-flight and latest-wins policies (no Qt needed)."""

from __future__ import annotations

import asyncio

from ui.common.tasks import TaskRunner


def _runner(errors: list) -> TaskRunner:
    return TaskRunner(lambda name, exc: errors.append((name, exc)))


def test_single_flight_gives_a_second_request_in_the_same_turn_the_first_task():
    started: list[int] = []

    async def work(n: int) -> int:
        started.append(n)
        await asyncio.sleep(0.01)
        return n

    async def scenario():
        runner = _runner([])
        first = runner.single_flight("import", lambda: work(1))
        second = runner.single_flight("import", lambda: work(2))  # a double click
        assert second is first
        assert await first == 1
        third = runner.single_flight("import", lambda: work(3))  # after it ended: a new one
        assert third is not first and await third == 3
        assert runner.running("import") is None

    asyncio.run(scenario())
    assert started == [1, 3]


def test_latest_cancels_the_task_it_replaces():
    async def work(n: int) -> int:
        await asyncio.sleep(0.05)
        return n

    async def scenario():
        errors: list = []
        runner = _runner(errors)
        old = runner.latest("filter", work(1))
        new = runner.latest("filter", work(2))
        assert await new == 2
        assert old.cancelled()
        assert errors == []  # a superseded task is not an error

    asyncio.run(scenario())


def test_a_failing_task_is_reported_with_its_name():
    async def boom() -> None:
        raise RuntimeError("broken")

    async def scenario():
        errors: list = []
        runner = _runner(errors)
        task = runner.single_flight("checkpoint", boom)
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)
        return errors

    errors = asyncio.run(scenario())
    assert [(name, str(exc)) for name, exc in errors] == [("checkpoint", "broken")]
