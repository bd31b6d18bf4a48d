"""Solving protocols with PyBaMM's IDAKLU solver: one built model, re-used between runs.

Solver settings (stated once, used everywhere): ``pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6)``
with only the variables hc-kinetics reads as output variables.

A protocol is solved chunk by chunk (:func:`kinetics.protocols.chunks`: one step, or one cycle of
a repeat block), each chunk a PyBaMM experiment of one cycle that starts from the last state of
the one before. :meth:`Engine.iter_run` yields every chunk's raw series as soon as it is solved,
so that a long run keeps only what its consumer keeps (memory stays flat), a run interrupted with
Ctrl-C keeps every completed chunk, and a sweep that starts "where the cell is" reads that
potential from the state it starts from.

Build once (issue 16): every number that varies between steps of one kind is an input parameter
(:mod:`kinetics.engine.steps`), so a chunk's PyBaMM simulation is built, discretised and compiled
once per *structure* (the kinds, limits and temperatures of its steps) and re-used for every
chunk of that structure, whatever its currents, voltages, durations and sampling; and engines of
equal cells (the same typed parts, model, inputs, start and ageing) share their built model and
simulations within a process (:func:`clear_built`), so a study's balance half cell and its rate
test are built once.
"""

from __future__ import annotations

import gc
import time
import warnings
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pybamm

from ..cells import FullCell, HalfCell
from ..errors import InvalidValueError
from ..progress import Progress
from ..protocols import Chunk, Current, Protocol, Sweep, check, chunks, with_window_limits
from ..units import concentration_to_specific_capacity
from .build import BuiltModel, build
from .names import (
    VARIABLES,
    ageing_variables,
    average_concentration_variable,
    current_split_variables,
    electrode_potential_variable,
    surface_potential_variable,
)
from .steps import Piece, Translation

SOLVER_SETTINGS = {"rtol": 1e-6, "atol": 1e-6}
#: IDAS's consistent-initial-condition solve may search longer than its defaults (5 line-search
#: backtracks, 100 iterations): a DFN carbon that starts fully desodiated at 3.0 V (x ≈ 1e-6) and
#: is sodiated at ≥ 500 mA/g needs it, and a solve that converges anyway is not changed by it.
SOLVER_OPTIONS = {"max_linesearch_backtracks_ic": 100, "max_num_iterations_ic": 1000}
#: Share of the solving time spent on full garbage collections. A PyBaMM solution lies in
#: reference cycles, which only the collector frees; Python's generational collector reaches them
#: ever later as a long run goes on, and meanwhile they hold their arrays: a 1,000-cycle SPMe run
#: grew 21 MB from its 100th cycle (issue 14's "peak memory flat"). A full collection whenever the
#: chunks solved since the last one took 1/COLLECT_SHARE times as long as it did keeps that flat
#: (a collection costs ≈ 0.1 s with a built model in memory: about every 25 chunks of that run).
COLLECT_SHARE = 0.02


class _Collector:
    """Full garbage collections at :data:`COLLECT_SHARE` of the solving time (in any run)."""

    def __init__(self):
        self.solving_s, self.cost_s = 0.0, 0.01

    def after_chunk(self, seconds: float) -> None:
        self.solving_s += seconds
        if self.solving_s * COLLECT_SHARE >= self.cost_s:
            t0 = time.perf_counter()
            gc.collect()
            self.cost_s, self.solving_s = time.perf_counter() - t0, 0.0


_collector = _Collector()


def make_solver(output_variables: Sequence[str] | None = None, max_step_s: float | None = None,
                **settings) -> pybamm.IDAKLUSolver:
    """The IDAKLU solver with hc-kinetics' settings (``settings`` override them). ``max_step_s``
    bounds the solver's internal step (IDAS ``dt_max``): outputs between internal steps are
    interpolated, which rounds off a voltage that is forced to change in time (a sweep)."""
    options = {**SOLVER_OPTIONS, **({"dt_max": float(max_step_s)} if max_step_s else {})}
    return pybamm.IDAKLUSolver(**{**SOLVER_SETTINGS, **settings}, output_variables=list(output_variables or []),
                               options=options)


@dataclass(frozen=True)
class StepSeries:
    """One completed step as the solver output it (unique, increasing times).

    Attributes
    ----------
    time_s, current_A, voltage_V : numpy.ndarray
        Time [s], PyBaMM's current [A] (positive discharges the cell) and cell voltage [V].
    sodium_fraction : numpy.ndarray
        Volume-averaged sodium fraction of the reference electrode (working electrode of a half
        cell, anode of a full cell) [-].
    surface_potential_V : numpy.ndarray
        X-averaged solid–electrolyte potential difference of the reference electrode [V].
    anode_potential_min_V : numpy.ndarray
        The lowest solid–electrolyte potential difference across the anode (the carbon's
        potential vs Na+/Na where it is lowest, next to the separator) [V]; NaN for a cathode
        half cell.
    counter_fraction : numpy.ndarray
        Full cells: the cathode's volume-averaged sodium fraction [-]; half cells: NaN.
    sodium_mAh_g, counter_sodium_mAh_g : numpy.ndarray
        Sodium held by the reference electrode [mAh per g of it] and, in full cells, by the
        cathode [mAh per g of cathode] (from the average concentrations, whatever the inputs).
    charge_Ah : numpy.ndarray
        The charge the cell has passed, integrated by the solver [A.h] (+ = discharged).
    skipped : str
        Why PyBaMM skipped the step without solving it (its limit was already passed), or "".
    current_split_A : dict or None
        The reference electrode's own split of the current [A, PyBaMM's sign], by
        ``double_layer``, ``surface`` (surface-limited faradaic) and ``diffusion``
        (diffusion-limited faradaic), when its model has a double layer or surface storage
        (:func:`~kinetics.engine.names.add_current_split`); else None.
    ageing : dict or None
        Runs with ageing: what it did to the reference electrode so far, by the keys of
        :func:`~kinetics.engine.names.ageing_variables` (capacity lost to the SEI and to plated
        sodium [A.h], sodium lost with active material [mol], active material lost [%], SEI
        thickness [m], film overpotential [V]), those its model has; else None.
    """

    time_s: np.ndarray
    current_A: np.ndarray
    voltage_V: np.ndarray
    sodium_fraction: np.ndarray
    surface_potential_V: np.ndarray
    anode_potential_min_V: np.ndarray
    counter_fraction: np.ndarray
    sodium_mAh_g: np.ndarray
    counter_sodium_mAh_g: np.ndarray
    charge_Ah: np.ndarray
    skipped: str = ""
    current_split_A: dict[str, np.ndarray] | None = None
    ageing: dict[str, np.ndarray] | None = None


@dataclass(frozen=True)
class ChunkRun:
    """One solved chunk: the series of its completed steps, and why it stopped early (if it did)."""

    chunk: Chunk
    series: tuple[StepSeries, ...]
    failure: str | None
    wall_time_s: float


class Engine:
    """A cell's PyBaMM model, built once, that runs protocols.

    Parameters
    ----------
    cell : HalfCell or FullCell
        A full cell must carry its balance.
    inputs : sequence of str
        Parameter-set names exposed as input parameters (change them per run without
        rebuilding).
    start : {"desodiated", "sodiated"}
        Half cells: where the working electrode starts (see :func:`kinetics.engine.build.build`).
    ageing : bool
        Build the electrodes' side reactions and losses (see :func:`~kinetics.engine.build.build`).
    """

    def __init__(self, cell: HalfCell | FullCell, inputs: Sequence[str] = (), start: str = "desodiated",
                 ageing: bool = False):
        self.cell = cell
        self.ageing = ageing
        self.built: BuiltModel
        self.built, self._sims = _shared(cell, tuple(inputs), start, ageing)
        self._c_true = dict(self.built.true_concentration)
        ref = self.reference_electrode
        self.translation = Translation(cell.kind, cell.current_A, self.mA_g_of, ref.material.ocp.total_capacity_mAh_g)

    @property
    def reference_role(self) -> str:
        """The electrode whose mass normalises currents and whose state is reported."""
        return self.cell.role if isinstance(self.cell, HalfCell) else "anode"

    @property
    def reference_electrode(self):
        return self.cell.working if isinstance(self.cell, HalfCell) else self.cell.anode_electrode

    @property
    def reference_mass_mg(self) -> float:
        return self.cell.active_mass_mg if isinstance(self.cell, HalfCell) else self.cell.anode_mass_mg

    def mA_g_of(self, current: Current) -> float:
        """A current of the protocol grammar in mA/g of the reference electrode."""
        return current.mA_g(self.reference_mass_mg, self.reference_electrode.material.one_c_mA_g)

    def output_variables(self) -> list[str]:
        v = [VARIABLES["time"], VARIABLES["current"], VARIABLES["voltage"], VARIABLES["charge"]]
        for s in self.built.slots.values():
            v.append(average_concentration_variable(s))
            v.append(surface_potential_variable(s))
        if "anode" in self.built.slots:
            v.append(electrode_potential_variable(self.built.slots["anode"]))
        v.extend(self._split_variables().values())
        v.extend(self._ageing_variables().values())
        return sorted(set(v))

    def _split_variables(self) -> dict[str, str]:
        """The reference electrode's current split, if its model defines one."""
        split = current_split_variables(self.built.slots[self.reference_role])
        return split if all(name in self.built.model.variables for name in split.values()) else {}

    def _ageing_variables(self) -> dict[str, str]:
        """What ageing did to the reference electrode, the variables its model defines; none
        without ageing (PyBaMM defines them as zeros, and each output variable costs set-up time)."""
        if not self.ageing:
            return {}
        wanted = ageing_variables(self.built.slots[self.reference_role])
        return {k: n for k, n in wanted.items() if n in self.built.model.variables}

    def check(self, protocol: Protocol) -> None:
        """Bad input in the protocol, before any solve (see :func:`kinetics.protocols.check`)."""
        check(protocol, self.cell.window_V, self.cell.kind, self.mA_g_of)

    def initial_state(self) -> StepSeries:
        """The cell's initial state at rest, as one sample: a half cell in equilibrium with the
        top of its window, a full cell at its balance's initial fractions."""
        if isinstance(self.cell, HalfCell):
            lo, hi = self.cell.window_V
            U, branch = (hi, "desodiation") if self.built.start == "desodiated" else (lo, "sodiation")
            ocp = self.cell.working.material.ocp
            x = float(ocp.stoichiometry(U, branch))
            return _sample(U, x, U, U if self.cell.role == "anode" else np.nan, np.nan, x * ocp.total_capacity_mAh_g,
                           np.nan)
        b = self.cell.balance
        a, c = self.cell.anode_electrode.material.ocp, self.cell.cathode_electrode.material.ocp
        U_a = float(a.potential(b.anode_initial_fraction))
        V = float(c.potential(b.cathode_initial_fraction)) - U_a
        return _sample(V, b.anode_initial_fraction, U_a, U_a, b.cathode_initial_fraction,
                       b.anode_initial_fraction * a.total_capacity_mAh_g,
                       b.cathode_initial_fraction * c.total_capacity_mAh_g)

    def iter_run(self, protocol: Protocol, inputs: Mapping[str, float] | None = None, progress: bool = False,
                 description: str = "", fast: CycleSkipping | None = None) -> Iterator[ChunkRun]:
        """Solve ``protocol`` chunk by chunk, yielding each as it completes. The run ends after
        a chunk that failed (its :attr:`ChunkRun.failure` says why). Bad input raises before
        any solve; Ctrl-C propagates to the consumer, which keeps what it has. ``fast``: skip
        cycles of repeat blocks by extrapolating the state (:class:`CycleSkipping`); skipped
        cycles yield nothing."""
        protocol = with_window_limits(protocol, self.cell.window_V, self.cell.kind)
        self.check(protocol)
        all_inputs = {**self.built.inputs, **(inputs or {})}
        self._c_true = self.built.concentrations(all_inputs)
        parts = chunks(protocol)
        state, translated = None, {}
        skipper = _Skipper(fast, parts) if fast is not None else None
        with Progress(len(parts), description or self.cell.name, enabled=progress, unit="step") as bar:
            for chunk in parts:
                if skipper is not None and skipper.skips(chunk):
                    bar.advance()
                    continue
                bar.status(", ".join(f"{s.direction} {s.label}".strip() for s in chunk.steps))
                t0 = time.perf_counter()
                start = _Start(self, state)
                pieces: list[Piece] = []
                owners: list[int] = []
                for k, step in enumerate(chunk.steps):
                    key = (id(step), len(pieces), start.voltage_V if isinstance(step, Sweep) else None)
                    if key not in translated:  # a repeat block's steps are translated once
                        translated[key] = (step, self.translation.steps(step, key[2], len(pieces)))
                    pieces += translated[key][1]
                    owners += [k] * len(translated[key][1])
                step_inputs = {n: v for p in pieces for n, v in p.inputs.items()}
                failure, solution = None, None
                with warnings.catch_warnings(), _quiet_pybamm():
                    warnings.simplefilter("ignore")
                    try:
                        solution = self._simulation(pieces, chunk).solve(starting_solution=state,
                                                                         inputs={**all_inputs, **step_inputs})
                    except pybamm.SolverError as e:
                        failure = str(e).splitlines()[0]
                series = self._series(solution, 0 if state is None else 1, start, owners, len(chunk.steps))
                if failure is None and len(series) < len(chunk.steps):
                    failure = "the solver stopped (infeasible step or solver failure)"
                if failure is not None:
                    failure = f"{_step_name(chunk, len(series))}: {failure}"
                seconds = time.perf_counter() - t0
                _collector.after_chunk(seconds)
                yield ChunkRun(chunk, tuple(series), failure, seconds)
                bar.advance()
                if failure is not None:
                    return
                carried = 0 if state is None else 1  # PyBaMM skipped a whole chunk: the state stays
                if not isinstance(solution, pybamm.EmptySolution) and len(solution.cycles) > carried:
                    state = solution.last_state
                    if skipper is not None:
                        state = skipper.after(chunk, state)

    def _simulation(self, pieces: list[Piece], chunk: Chunk) -> pybamm.Simulation:
        """The simulation of a chunk: built once per structure of its pieces, solver step bound
        and solver settings, then given each chunk's experiment. PyBaMM builds an experiment's models from
        its steps' kinds, values, limits and temperatures (their ``basic_repr``) and reads the
        durations and sampling periods when it solves; the values and limits are input
        parameters here, so a chunk of the same structure runs on the built models as they are."""
        sweeps = [s.period_s() for s in chunk.steps if isinstance(s, Sweep)]
        max_step = min(sweeps) / 8 if sweeps else None
        key = (tuple(p.structure for p in pieces), max_step, repr(SOLVER_SETTINGS))
        experiment = pybamm.Experiment([tuple(p.step for p in pieces)])
        sim = self._sims.get(key)
        if sim is None:
            sim = pybamm.Simulation(self.built.model, parameter_values=self.built.parameter_values,
                                    experiment=experiment, solver=make_solver(self.output_variables(), max_step))
            self._sims[key] = sim
        else:
            sim.experiment = experiment
        return sim

    def _series(self, solution, offset: int, start: _Start, owners: list[int], n_steps: int) -> list[StepSeries]:
        """Series of the chunk's steps (a CC-CV's two PyBaMM steps are one of ours; a step PyBaMM
        skipped is one sample where it would have started). ``offset``: the cycles the solution
        carries from its starting solution."""
        if solution is None:
            return []
        new = [] if isinstance(solution, pybamm.EmptySolution) else solution.cycles[offset:]
        if not new:  # PyBaMM skipped every step of the chunk (each infeasible at its start)
            pieces = [pybamm.EmptySolution()] * len(owners)
        elif new[-1] is None:
            return []
        else:
            pieces = list(new[-1].steps)
        out: list[StepSeries] = []
        for k in range(n_steps):
            mine = [p for p, o in zip(pieces, owners) if o == k]
            if not mine:
                break
            solved = [p for p in mine if not isinstance(p, pybamm.EmptySolution)]
            if not solved:
                last = out[-1] if out else start.series
                out.append(_sample(*(float(getattr(last, f)[-1]) for f in _STATE_FIELDS), t=float(last.time_s[-1]),
                                   skipped="infeasible at its start: the voltage is already beyond its limit",
                                   charge_Ah=float(last.charge_Ah[-1])))
                continue
            out.append(self._extract(solved))
        return out

    def _extract(self, solutions: list) -> StepSeries:
        role = self.reference_role
        slots = self.built.slots
        slot = slots[role]
        c_true = self._c_true[role]
        split, aged = self._split_variables(), self._ageing_variables()
        cols: dict[str, list] = {k: [] for k in ("t", "i", "v", "x", "phi", "phimin", "xc", "q", "qc", "Q", *split,
                                                 *aged)}
        rho = {r: e.material.density_g_cm3 for r, e in self._electrodes().items()}
        for sol in solutions:
            cols["t"].append(sol[VARIABLES["time"]].entries)
            cols["i"].append(sol[VARIABLES["current"]].entries)
            cols["v"].append(sol[VARIABLES["voltage"]].entries)
            cols["Q"].append(sol[VARIABLES["charge"]].entries)
            for key, name in (split | aged).items():
                cols[key].append(np.broadcast_to(sol[name].entries, sol[VARIABLES["time"]].entries.shape))
            c_avg = sol[average_concentration_variable(slot)].entries
            cols["x"].append(c_avg / c_true)
            cols["q"].append(concentration_to_specific_capacity(c_avg, rho[role]))
            cols["phi"].append(sol[surface_potential_variable(slot)].entries)
            n = len(cols["t"][-1])
            if "anode" in slots:
                phi = np.asarray(sol[electrode_potential_variable(slots["anode"])].entries)
                cols["phimin"].append(phi.min(axis=0) if phi.ndim == 2 else phi)
            else:
                cols["phimin"].append(np.full(n, np.nan))
            if isinstance(self.cell, FullCell):
                c_cat = sol[average_concentration_variable(slots["cathode"])].entries
                cols["xc"].append(c_cat / self._c_true["cathode"])
                cols["qc"].append(concentration_to_specific_capacity(c_cat, rho["cathode"]))
            else:
                cols["xc"].append(np.full(n, np.nan))
                cols["qc"].append(np.full(n, np.nan))
        arrays = {k: np.concatenate(v) for k, v in cols.items()}
        t, idx = np.unique(arrays["t"], return_index=True)
        return StepSeries(t, arrays["i"][idx], arrays["v"][idx], arrays["x"][idx], arrays["phi"][idx],
                          arrays["phimin"][idx], arrays["xc"][idx], arrays["q"][idx], arrays["qc"][idx],
                          arrays["Q"][idx], current_split_A={k: arrays[k][idx] for k in split} or None,
                          ageing={k: arrays[k][idx] for k in aged} or None)

    def _electrodes(self) -> dict:
        if isinstance(self.cell, HalfCell):
            return {self.cell.role: self.cell.working}
        return {"anode": self.cell.anode_electrode, "cathode": self.cell.cathode_electrode}


#: How many built cells a process keeps (each a PyBaMM model, its simulations and compiled
#: functions: some MB to tens of MB); a study's main job needs three (its half cell, the
#: cathode's half cell of the balance, the full cell).
MAX_SHARED = 4
_SHARED: OrderedDict = OrderedDict()


def _identity(cell: HalfCell | FullCell) -> str:
    """Everything building ``cell`` reads: its typed parts (frozen dataclasses whose repr shows
    every field), model and window, and a full cell's balance."""
    if isinstance(cell, HalfCell):
        return repr(("half", cell.model, cell.parts))
    return repr(("full", cell.model, cell.anode_half.parts, cell.cathode_half.parts, cell.window_V, cell.balance))


def _shared(cell: HalfCell | FullCell, inputs: tuple[str, ...], start: str, ageing: bool):
    """The built model and the simulations of ``cell``, shared by engines of equal cells (least
    recently used ones dropped beyond :data:`MAX_SHARED`)."""
    key = (_identity(cell), tuple(sorted(set(inputs))), start, ageing)
    if key in _SHARED:
        _SHARED.move_to_end(key)
        return _SHARED[key]
    built = build(cell, inputs, start=start, ageing=ageing)
    _SHARED[key] = (built, {})
    while len(_SHARED) > MAX_SHARED:
        _SHARED.popitem(last=False)
    return _SHARED[key]


def clear_built() -> None:
    """Forget the built models this process shares between engines."""
    _SHARED.clear()


@dataclass(frozen=True)
class CycleSkipping:
    """The fast path for long runs: simulate a few cycles of a repeat block, extrapolate the
    slow change of the state over the next ones, and re-anchor.

    After ``simulated`` consecutive cycles (the first settles the fast states after a jump), the
    whole state vector at the end of the last cycle moves on by its change over J more cycles
    (:func:`extrapolation`: geometric where the change shrinks from cycle to cycle, as a
    passivating film's does, linear otherwise; time linearly), and the next ``simulated`` cycles
    start from there. J is ``share`` of the
    cycles done so far (slow states of ageing change on the scale of the cycle number itself:
    SEI thickness ∝ ln N or √N), at most ``max_jump``, never past a kept cycle or the block's
    last ``simulated`` cycles. Skipped cycles are not solved; :func:`kinetics.results.every_cycle`
    interpolates their summaries.
    """

    simulated: int = 3
    share: float = 0.25
    max_jump: int = 50

    def __post_init__(self):
        if not (isinstance(self.simulated, int) and self.simulated >= 3):
            raise InvalidValueError("fast path: simulated cycles", self.simulated, "a whole number >= 3")
        if not 0 < self.share <= 1:
            raise InvalidValueError("fast path: jump share", self.share, "a share in (0, 1]")
        if not (isinstance(self.max_jump, int) and self.max_jump >= 1):
            raise InvalidValueError("fast path: largest jump", self.max_jump, "a whole number >= 1")


class _Skipper:
    """Which chunks a :class:`CycleSkipping` run skips, and the jumps of its state."""

    def __init__(self, rule: CycleSkipping, parts: Sequence[Chunk]):
        self.rule = rule
        self.last = {c.block: c.cycle for c in parts if c.block is not None}
        self.kept = {}
        for c in parts:
            if c.block is not None and c.keep:
                self.kept.setdefault(c.block, []).append(c.cycle)
        self.skip_to: dict[int, int] = {}  # block → first cycle solved again
        self.history: list[tuple[int, int, np.ndarray, float]] = []  # (block, cycle, y, t) consecutive

    def skips(self, chunk: Chunk) -> bool:
        return chunk.block is not None and chunk.cycle < self.skip_to.get(chunk.block, 0)

    def after(self, chunk: Chunk, state):
        """The state the next chunk starts from: ``state``, or ``state`` moved on by a jump."""
        if chunk.block is None:
            self.history = []
            return state
        y, t = np.asarray(state.all_ys[-1][:, -1], float), float(state.t[-1])
        h = self.history
        if not h or h[-1][0] != chunk.block or h[-1][1] != chunk.cycle - 1:
            h.clear()
        h.append((chunk.block, chunk.cycle, y, t))
        if len(h) < self.rule.simulated:
            return state
        n, last = chunk.cycle, self.last[chunk.block]
        jump = min(int(self.rule.share * n), self.rule.max_jump, last - self.rule.simulated - n)
        later_kept = [k for k in self.kept.get(chunk.block, []) if k > n]
        if later_kept:
            jump = min(jump, later_kept[0] - n - 1)
        if jump < 1:
            return state
        (_, _, y0, _), (_, _, y1, t1) = h[-3], h[-2]
        h.clear()
        self.skip_to[chunk.block] = n + jump + 1
        return _moved(state, y + extrapolation(y1 - y0, y - y1, jump), t + jump * (t - t1))


def extrapolation(before: np.ndarray, last: np.ndarray, jump: int) -> np.ndarray:
    """The change of a state over the next ``jump`` cycles from its changes over the last two.

    A state whose change shrinks from cycle to cycle by the ratio r = last/before (0.5 ≤ r < 1: a
    film that passivates, L ∝ ln N gives r ≈ 1 − 1/N) goes on shrinking geometrically,
    Σₖ last·rᵏ = last·r(1 − r^J)/(1 − r); any other (constant, growing or noisy) goes on linearly,
    J·last.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(before * last > 0, last / before, 1.0)
    r = np.where((r >= 0.5) & (r < 1.0), r, 1.0)
    factor = np.where(r < 1.0, r * (1.0 - r ** jump) / np.where(r < 1.0, 1.0 - r, 1.0), float(jump))
    return factor * last


def _moved(state, y, t: float):
    """A copy of PyBaMM's last-state solution at state ``y`` and time ``t``."""
    return pybamm.Solution(np.array([t]), y.reshape(-1, 1), state.all_models[-1:], state.all_inputs[-1:],
                           None, None, state.termination)


class _Start:
    """Where a chunk starts, extracted only if asked (by a sweep that starts where the cell is,
    or for a step PyBaMM skipped)."""

    def __init__(self, engine: Engine, state):
        self.engine, self.state, self._series = engine, state, None

    @property
    def series(self) -> StepSeries:
        if self._series is None:
            self._series = (self.engine.initial_state() if self.state is None
                            else self.engine._extract([self.state]))
        return self._series

    @property
    def voltage_V(self) -> float:
        return float(self.series.voltage_V[-1])


_STATE_FIELDS = ("voltage_V", "sodium_fraction", "surface_potential_V", "anode_potential_min_V", "counter_fraction",
                 "sodium_mAh_g", "counter_sodium_mAh_g")


def _sample(voltage_V: float, sodium_fraction: float, surface_potential_V: float, anode_potential_min_V: float,
            counter_fraction: float, sodium_mAh_g: float, counter_sodium_mAh_g: float, t: float = 0.0,
            skipped: str = "", charge_Ah: float = 0.0) -> StepSeries:
    """A one-sample series at rest."""
    def one(v: float) -> np.ndarray:
        return np.array([v], float)
    return StepSeries(one(t), one(0.0), one(voltage_V), one(sodium_fraction), one(surface_potential_V),
                      one(anode_potential_min_V), one(counter_fraction), one(sodium_mAh_g), one(counter_sodium_mAh_g),
                      one(charge_Ah), skipped)


@contextmanager
def _quiet_pybamm():
    """PyBaMM's logger at ERROR while solving: what it warns of (a skipped, infeasible step) is
    reported once, by the results, with the step it concerns."""
    level = pybamm.logger.level
    pybamm.logger.setLevel("ERROR")
    try:
        yield
    finally:
        pybamm.logger.setLevel(level)


def _step_name(chunk: Chunk, k: int) -> str:
    k = min(k, len(chunk.steps) - 1)
    s = chunk.steps[k]
    where = f"step {chunk.first_step + k + 1} ({s.direction}{', ' + s.label if s.label else ''}"
    return where + (f", cycle {chunk.cycle})" if chunk.cycle is not None else ")")
