"""Design sweeps: every combination of design variables and operating conditions into one tidy
table, in parallel on local processes or on a Dask cluster, resumable.

A point is a design (N/P ratio, cathode loading, porosities, particle radius) at an operating
condition (charge rate, discharge rate, temperature). Points that share a design share one built
model (:class:`~kinetics.engine.charge_discharge.ChargeDischarge`: currents, cut-offs, temperature
and starting state are PyBaMM input parameters); each design is built once, because PyBaMM's
geometry takes neither an electrode's thickness (which N/P, loading and porosity set) nor a
particle radius as an input parameter. Designs are the unit of parallel work.

Rates: ``0.5C`` is the designed cell's cyclable capacity per hour (its own, at each N/P), ``200mA/g``
per gram of anode active material, ``1.5A`` the current of the format's whole cell.

A point whose simulation fails is a row with its ``error`` and the sweep goes on. With an output
folder every finished point is appended to ``points.jsonl`` as it arrives; the same sweep started
again on that folder runs only the points it lacks.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd

from .._files import write_atomic
from ..cells import FullCell
from ..engine.charge_discharge import ChargeDischarge
from ..errors import Interrupted, InvalidValueError
from ..progress import Progress
from ..protocols import Current
from ..units import convert
from .cell_design import Design
from .metrics import design_metrics, equilibrium_of
from .stack import Loading, StackMass

#: The design variables of a point (a new built model per distinct combination).
DESIGN_VARIABLES = ("np_ratio", "loading", "anode_porosity", "cathode_porosity", "anode_particle_radius_m")
#: The operating conditions of a point (input parameters of one built model).
OPERATING = ("charge_rate", "discharge_rate", "temperature_K")
JOURNAL = "points.jsonl"
SPEC = "sweep.json"


@dataclass(frozen=True)
class Grid:
    """The values a sweep combines (every combination is a point).

    ``temperature_K`` None: the anode set's temperature. ``loading``, ``anode_porosity``,
    ``cathode_porosity``, ``anode_particle_radius_m`` None: the design's own.
    """

    np_ratio: tuple[float, ...]
    charge_rate: tuple[str, ...] = ("0.5C",)
    discharge_rate: tuple[str, ...] = ("0.5C",)
    temperature_K: tuple[float | None, ...] = (None,)
    loading: tuple[str | None, ...] = (None,)
    anode_porosity: tuple[float | None, ...] = (None,)
    cathode_porosity: tuple[float | None, ...] = (None,)
    anode_particle_radius_m: tuple[float | None, ...] = (None,)

    def __post_init__(self):
        for name in (*DESIGN_VARIABLES, *OPERATING):
            values = tuple(getattr(self, name))
            object.__setattr__(self, name, values)
            if not values:
                raise InvalidValueError(f"values of {name}", "none", "at least one value (a sweep needs points)")
        for v in self.np_ratio:
            Design(np_ratio=v)  # its check, before anything runs
        for name in ("charge_rate", "discharge_rate"):
            for r in getattr(self, name):
                Current.parse(r, f"--{name.replace('_', '-')}s")
        for v in self.loading:
            if v is not None:
                Loading.parse(v)
        for name in ("anode_porosity", "cathode_porosity", "anode_particle_radius_m"):
            for v in getattr(self, name):
                if v is not None:
                    Design(**{name: v})  # its bounds, before anything runs
        for t in self.temperature_K:
            if t is not None and not (math.isfinite(t) and 233.15 <= t <= 353.15):
                raise InvalidValueError("temperature", t, "233.15–353.15 K (−40 to 80 °C)")

    def points(self) -> list[dict[str, Any]]:
        names = (*DESIGN_VARIABLES, *OPERATING)
        return [dict(zip(names, combo)) for combo in itertools.product(*(getattr(self, n) for n in names))]


def _key(point: dict) -> str:
    return json.dumps([point[n] for n in (*DESIGN_VARIABLES, *OPERATING)])


def design_of(base: Design, point: dict) -> Design:
    """``base`` with the point's design variables."""
    changes = {n: point[n] for n in DESIGN_VARIABLES if point[n] is not None}
    if "loading" in changes:
        changes["loading"] = Loading.parse(changes["loading"])
    return replace(base, **changes)


def current_A(rate: str, cell: FullCell, mass: StackMass) -> float:
    """A rate of the grammar as the simulated cell's current [A] (see the module docstring)."""
    c = Current.parse(rate, "rate")
    scale = mass.pair_area_cm2 / cell.design.area_cm2
    if c.unit == "C":
        return c.value * cell.balance.cyclable_mAh_cm2 * cell.design.area_cm2 * 1e-3
    if c.is_absolute:
        return convert(c.value, c.unit, "A", "rate") / scale
    return c.mA_g(cell.anode_mass_mg, None) * 1e-6 * cell.anode_mass_mg


@dataclass
class DesignTask:
    """One design's points, sent to a worker: the balanced cell, its masses, the points."""

    cell: FullCell
    mass: StackMass
    points: list[dict]


def run_design(task: DesignTask) -> list[dict]:
    """Build the design once and run each of its points (a worker's unit of work); every
    failure becomes that point's ``error``."""
    t0 = time.perf_counter()
    try:
        runner = ChargeDischarge(task.cell)
        eq = equilibrium_of(task.cell)
    except Exception as e:  # noqa: BLE001 - reported in the rows, the sweep goes on
        return [_row(p, error=f"build failed: {type(e).__name__}: {e}") for p in task.points]
    build_s = time.perf_counter() - t0
    rows = []
    for p in task.points:
        t1 = time.perf_counter()
        try:
            T = p["temperature_K"] or task.cell.design.temperature_K
            out = runner.run(current_A(p["charge_rate"], task.cell, task.mass),
                             current_A(p["discharge_rate"], task.cell, task.mass), T)
            metrics = design_metrics(task.cell, task.mass, out, eq)
            error = None if out.charge_end == "cut-off" and out.discharge_end == "cut-off" else (
                f"charge: {out.charge_end}; discharge: {out.discharge_end}")
            rows.append(_row(p, error=error, **metrics, temperature_used_K=T, build_s=build_s,
                             solve_s=time.perf_counter() - t1))
        except Exception as e:  # noqa: BLE001 - reported in the rows, the sweep goes on
            rows.append(_row(p, error=f"{type(e).__name__}: {e}"))
        build_s = 0.0
    return rows


def _row(point: dict, error: str | None = None, **metrics) -> dict:
    return {**point, **metrics, "error": error}


@dataclass
class SweepResult:
    """A finished sweep: its rows (one per point, in grid order) and how it ran."""

    rows: pd.DataFrame
    n_points: int
    n_resumed: int
    n_designs: int
    wall_time_s: float
    where: str


class _Journal:
    """The output folder's record of finished points (one JSON line each)."""

    def __init__(self, folder: Path | None, spec: dict):
        self.folder = folder
        self.done: dict[str, dict] = {}
        if folder is None:
            return
        spec_path, journal = folder / SPEC, folder / JOURNAL
        if folder.exists() and not folder.is_dir():
            raise InvalidValueError("--out", str(folder), "a folder (this is a file)")
        if folder.exists() and any(folder.iterdir()):
            if not spec_path.exists():
                raise InvalidValueError("--out", str(folder), "a new or empty folder, or one of an earlier sweep "
                                        f"(with {SPEC}) to resume; nothing in it was touched")
            if json.loads(spec_path.read_text()) != spec:
                raise InvalidValueError("--out", str(folder), "the folder of the same sweep to resume (its "
                                        f"{SPEC} describes another sweep), or a new folder")
            if journal.exists():
                for line in journal.read_text().splitlines():
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:  # a line cut by an interruption: run it again
                        continue
                    self.done[_key(row)] = row
        else:
            write_atomic(spec_path, json.dumps(spec, indent=1))

    def add(self, rows: Iterable[dict]) -> None:
        rows = list(rows)
        self.done |= {_key(r): r for r in rows}
        if self.folder is None:
            return
        with open(self.folder / JOURNAL, "a", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, default=_plain) + "\n")
            f.flush()
            os.fsync(f.fileno())


def _plain(v: Any) -> Any:
    if hasattr(v, "item"):
        return v.item()
    return str(v)


def spec_of(base: Design, grid: Grid) -> dict:
    """What identifies a sweep (``sweep.json``): its design and its points."""
    return {"design": base.describe(), "points": [_key(p) for p in grid.points()]}


def sweep(base: Design, grid: Grid, out: str | os.PathLike | None = None, workers: int | None = None,
          scheduler: str | None = None, progress: bool = False,
          on_rows: Callable[[list[dict]], None] | None = None) -> SweepResult:
    """Run every point of ``grid`` on ``base``.

    Parameters
    ----------
    base : Design
    grid : Grid
    out : path, optional
        Folder of the journal (``points.jsonl``) and the sweep's description (``sweep.json``):
        an unfinished sweep started again on it resumes.
    workers : int, optional
        Local processes (default: the CPU count; 1 runs in this process).
    scheduler : str, optional
        A Dask scheduler address (``tcp://host:8786``): the designs run on its workers instead.
    progress : bool
        Show a progress bar (points).
    """
    t0 = time.perf_counter()
    points = grid.points()
    spec = spec_of(base, grid)
    client = _dask_client(scheduler) if scheduler else None
    journal = _Journal(Path(out) if out is not None else None, spec)
    todo = [p for p in points if _key(p) not in journal.done]
    groups: dict[str, list[dict]] = {}
    for p in todo:
        groups.setdefault(json.dumps([p[n] for n in DESIGN_VARIABLES]), []).append(p)
    n_workers = max(min(workers or os.cpu_count() or 1, len(groups)), 1)  # one design: this process
    where = (f"Dask scheduler {scheduler}" if client is not None
             else f"{n_workers} local process{'es' if n_workers > 1 else ''}")
    try:
        with Progress(len(points), "design sweep", progress, unit="point") as bar:
            bar.advance(len(points) - len(todo), status="resumed" if journal.done else "")
            for rows in _execute(_tasks(base, groups), n_workers, client):
                journal.add(rows)
                if on_rows is not None:
                    on_rows(rows)
                bar.advance(len(rows), status=f"N/P {rows[0]['np_ratio']:g}")
    except KeyboardInterrupt:
        kept = (f"{len(journal.done)} of {len(points)} points kept in {out}; run the same command again to resume"
                if out is not None else f"{len(journal.done)} of {len(points)} points (no --out: not kept)")
        raise Interrupted(kept, journal.done) from None
    finally:
        if client is not None:
            client.close()
    rows = pd.DataFrame([journal.done[_key(p)] for p in points])
    return SweepResult(rows, len(points), len(points) - len(todo), len(groups), time.perf_counter() - t0, where)


def _tasks(base: Design, groups: dict[str, list[dict]]) -> Iterator[DesignTask | list[dict]]:
    """Each design balanced here (half cells simulated once per distinct electrode), or the rows
    of its points with the error that stopped it."""
    for pts in groups.values():
        try:
            design = design_of(base, pts[0])
            cell = design.cell()
            yield DesignTask(cell, design.mass(cell), pts)
        except Exception as e:  # noqa: BLE001 - reported in the rows, the sweep goes on
            yield [_row(p, error=f"design failed: {type(e).__name__}: {e}") for p in pts]


def _execute(tasks: Iterable[DesignTask | list[dict]], n_workers: int, client) -> Iterator[list[dict]]:
    """Rows of each design as it finishes, on this process, a local pool or Dask."""
    if client is None and n_workers == 1:
        for t in tasks:
            yield t if isinstance(t, list) else run_design(t)
        return
    if client is not None:
        from distributed import as_completed as dask_completed
        # as for the local pool below: every worker imports hc-kinetics while this process balances
        # (the futures are kept: Dask may drop a task whose future is released before it runs)
        ready = [client.submit(_worker_ready, pure=False, workers=[address])
                 for address in client.scheduler_info()["workers"]]
        futures = []
        for t in tasks:
            if isinstance(t, list):
                yield t
            else:
                futures.append(client.submit(run_design, t, pure=False))
        for f in dask_completed(futures):
            yield f.result()
        del ready
        return
    with ProcessPoolExecutor(n_workers, mp_context=get_context("spawn")) as pool:
        # Start every worker now: each imports hc-kinetics and PyBaMM (≈ 2.5 s) while this process
        # balances the first design (≈ 2.5 s of half-cell simulations), not after it.
        futures = [pool.submit(_worker_ready) for _ in range(n_workers)]
        try:
            for t in tasks:
                if isinstance(t, list):
                    yield t
                else:
                    futures.append(pool.submit(run_design, t))
            for f in as_completed(futures[n_workers:]):
                yield f.result()
        except BrokenProcessPool as e:
            pool.shutdown(wait=False, cancel_futures=True)
            raise RuntimeError(
                "a sweep worker process stopped abruptly. Workers are started with 'spawn': they "
                "import the main script again, so a script that calls sweep() must do so under "
                "`if __name__ == \"__main__\":`; otherwise the worker ran out of memory or crashed "
                "(workers=1 runs the sweep in this process and shows the error)") from e
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _worker_ready() -> None:
    """Nothing: submitted once per worker so that it starts (and imports hc-kinetics) straight away."""


def _dask_client(address: str):
    """A client of the Dask scheduler at ``address``, or a clear error before anything runs."""
    try:
        from distributed import Client
    except ImportError:
        raise InvalidValueError("--scheduler", address, "a Dask scheduler with dask.distributed installed "
                                "(pip install 'hc-kinetics[cluster]')") from None
    try:
        return Client(address, timeout="5s")
    except (OSError, TimeoutError, ValueError) as e:
        raise InvalidValueError("--scheduler", address, f"the address of a running Dask scheduler, e.g. "
                                f"tcp://127.0.0.1:8786 (could not connect: {e})") from None


def np_values(text: str | Sequence[float]) -> tuple[float, ...]:
    """``"0.8,1.0,1.2"`` or ``"0.8:1.4:7"`` (START:STOP:N, both ends included) → N/P values."""
    if not isinstance(text, str):
        return tuple(float(v) for v in text)
    try:
        if ":" in text:
            start, stop, n = text.split(":")
            n = int(n)
            if n < 1:
                raise ValueError
            values = [float(start)] if n == 1 else [float(start) + (float(stop) - float(start)) * k / (n - 1)
                                                    for k in range(n)]
        else:
            values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InvalidValueError("--np", text, "a list 0.9,1.0,1.1 or START:STOP:N (e.g. 0.8:1.4:7)") from None
    if not values:
        raise InvalidValueError("--np", text, "at least one N/P ratio (a sweep needs points)")
    return tuple(round(v, 10) for v in values)
