"""Benchmark harness. Every figure is printed as a ratio against a floor measured in
the same run on the same machine, so that a noisy shared machine does not matter.

A benchmark module is `bench/bench_<name>.py` with `run(ctx)`; it builds its data
through the real services or bulk inserts, then calls `ctx.compare(...)`."""

import argparse
import importlib
import pkgutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


def median_time(fn: Callable[[], object], *, repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def count_queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


@dataclass
class Context:
    repeat: int
    rows: list[tuple[str, str]] = field(default_factory=list)

    def client_for(self, user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def get(self, client: Client, url: str) -> Callable[[], object]:
        def fetch():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        return fetch

    def compare(self, name: str, ours: Callable, floor: Callable, floor_name: str) -> float:
        """Median of `ours` as a ratio to the median of `floor`, measured interleaved."""
        ours_t = median_time(ours, repeat=self.repeat)
        floor_t = median_time(floor, repeat=self.repeat)
        ratio = ours_t / floor_t if floor_t else float("inf")
        self.report(
            name,
            f"{ratio:6.2f}× {floor_name}  (ours {ours_t * 1000:.2f} ms, floor {floor_t * 1000:.2f} ms)",
        )
        return ratio

    def report(self, name: str, text: str) -> None:
        self.rows.append((name, text))
        print(f"{name:<48} {text}", flush=True)


def _modules(selected: list[str]):
    import bench

    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        if selected and not any(s in name for s in selected):
            continue
        yield importlib.import_module(f"bench.{name}")


def _seed_calendar() -> None:
    from collab.workdays.services import seed_from_library

    seed_from_library()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("only", nargs="*", help="run only benchmarks whose name contains this")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        Path(db["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Collab benchmarks on {db['ENGINE'].rsplit('.', 1)[-1]}, median of {args.repeat} runs")
    print("Each figure is a ratio to a floor measured in the same run.\n")
    ctx = Context(repeat=args.repeat)
    for index, module in enumerate(_modules(args.only)):
        if index:
            # Each benchmark builds its own data set on an empty database.
            call_command("flush", interactive=False, verbosity=0)
        _seed_calendar()
        reset_queries()
        module.run(ctx)
    return 0
